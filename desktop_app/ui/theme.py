"""The one palette of the app: light and dark colours, the Qt palette, charts and fonts.

Every view takes its colours from here, by role (muted text, warning, conflict, ...), never as
a hex literal, so both themes stay readable. The scheme follows the system's light/dark
setting (Qt 6.5+ `QStyleHints.colorScheme`) unless the user picks one in View → Theme.
Text colours are chosen for a contrast of at least 4.5:1 (WCAG AA) on the surface they sit on;
tests/gui/test_window_theme.py measures it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# Okabe–Ito colour-blind-safe palette (plus a neutral grey for the eighth).
FRAMEWORK_COLOURS: dict[str, str] = {
    "vllm": "#0072B2",
    "tensorrt-llm": "#009E73",
    "ollama": "#E69F00",
    "llama.cpp": "#D55E00",
    "tgi": "#CC79A7",
    "sglang": "#56B4E9",
    "lmdeploy": "#F0E442",
    "mlc-llm": "#7F7F7F",
}
# The same hues, lighter where the dark background needs it (vLLM's blue is too dark there).
_DARK_FRAMEWORK_COLOURS = {"vllm": "#3D9BE0", "mlc-llm": "#A0A0A0"}

SCHEMES = ("system", "light", "dark")
BASE_POINT_SIZE = 11.0  # readable on a 1366×768 laptop and from the middle of a room


@dataclass(frozen=True)
class Palette:
    """The colours of one theme, by role."""

    name: str
    window: str
    base: str
    alt_base: str
    text: str
    muted: str
    disabled: str
    border: str
    button: str
    accent: str
    accent_text: str
    link: str
    warning_bg: str
    warning_fg: str
    conflict_bg: str
    good_bg: str
    error_fg: str
    ok_fg: str
    highlight_bg: str
    tint_fg: str  # text on the pale status tints (warning, conflict, good, highlight)
    sidebar_bg: str
    sidebar_fg: str
    sidebar_selected: str
    chart_bg: str
    chart_fg: str
    chart_line: str

    @property
    def dark(self) -> bool:
        """True for the dark theme."""
        return self.name == "dark"


LIGHT = Palette(
    name="light",
    window="#F5F6F8",
    base="#FFFFFF",
    alt_base="#F1F3F6",
    text="#111827",
    muted="#4B5563",
    disabled="#9AA1AB",
    border="#C9D1DB",
    button="#E8EBEF",
    accent="#1F4E8C",
    accent_text="#FFFFFF",
    link="#0B5CAD",
    warning_bg="#FFF4CE",
    warning_fg="#5C4300",
    conflict_bg="#FDE7E9",
    good_bg="#DDF2E8",
    error_fg="#B42318",
    ok_fg="#1B6E35",
    highlight_bg="#DDEBFF",
    tint_fg="#111827",
    sidebar_bg="#1F2937",
    sidebar_fg="#E5E7EB",
    sidebar_selected="#374151",
    chart_bg="#FFFFFF",
    chart_fg="#1F2937",
    chart_line="#374151",
)
DARK = Palette(
    name="dark",
    window="#1B1F24",
    base="#23282F",
    alt_base="#2A3038",
    text="#E8EAED",
    muted="#B4BCC6",
    disabled="#6B7280",
    border="#434C57",
    button="#323943",
    accent="#7FB2F0",
    accent_text="#0B1420",
    link="#8AB8FF",
    warning_bg="#4A3B0B",
    warning_fg="#FFE08A",
    conflict_bg="#5A2A30",
    good_bg="#1E4A33",
    error_fg="#FF8A80",
    ok_fg="#7EE2A0",
    highlight_bg="#23416B",
    tint_fg="#F3F4F6",
    sidebar_bg="#111418",
    sidebar_fg="#E5E7EB",
    sidebar_selected="#2F3742",
    chart_bg="#1F242B",
    chart_fg="#E5E7EB",
    chart_line="#C9D1DB",
)


class _ThemeEvents(QObject):
    """Announces a theme change so charts and item colours can follow."""

    changed = Signal(object)  # Palette


_current: Palette = LIGHT
_choice = "system"
_events: _ThemeEvents | None = None


def events() -> _ThemeEvents:
    """The object whose `changed` signal fires after the theme switched."""
    global _events
    if _events is None:
        _events = _ThemeEvents()
    return _events


def current() -> Palette:
    """The palette in use now."""
    return _current


def choice() -> str:
    """What the user picked: "system", "light" or "dark"."""
    return _choice


def system_is_dark() -> bool:
    """True when the operating system asks for a dark scheme (Qt 6.5+)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    return bool(app.styleHints().colorScheme() == Qt.ColorScheme.Dark)


def resolve(scheme: str) -> Palette:
    """The palette for a choice ("system" follows the operating system)."""
    if scheme == "dark" or (scheme == "system" and system_is_dark()):
        return DARK
    return LIGHT


def framework_colour(framework_id: str) -> str:
    """The framework's colour (grey for anything unknown), for the current theme."""
    if _current.dark and framework_id in _DARK_FRAMEWORK_COLOURS:
        return _DARK_FRAMEWORK_COLOURS[framework_id]
    return FRAMEWORK_COLOURS.get(framework_id, "#7F7F7F")


def qpalette(p: Palette) -> QPalette:
    """The Qt palette of a theme, disabled colours included (disabled looks disabled)."""
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: p.window,
        QPalette.ColorRole.WindowText: p.text,
        QPalette.ColorRole.Base: p.base,
        QPalette.ColorRole.AlternateBase: p.alt_base,
        QPalette.ColorRole.ToolTipBase: p.base,
        QPalette.ColorRole.ToolTipText: p.text,
        QPalette.ColorRole.PlaceholderText: p.muted,
        QPalette.ColorRole.Text: p.text,
        QPalette.ColorRole.Button: p.button,
        QPalette.ColorRole.ButtonText: p.text,
        QPalette.ColorRole.BrightText: p.error_fg,
        QPalette.ColorRole.Highlight: p.accent,
        QPalette.ColorRole.HighlightedText: p.accent_text,
        QPalette.ColorRole.Link: p.link,
        QPalette.ColorRole.LinkVisited: p.link,
        QPalette.ColorRole.Light: p.base,
        QPalette.ColorRole.Midlight: p.alt_base,
        QPalette.ColorRole.Mid: p.border,
        QPalette.ColorRole.Dark: p.border,
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(p.disabled))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor(p.window))
    return pal


def stylesheet(p: Palette) -> str:
    """The app-wide style sheet: roles a widget opts into with setProperty("role", ...)."""
    return f"""
QToolTip {{ color: {p.text}; background: {p.base}; border: 1px solid {p.border}; padding: 4px; }}
QLabel[role="muted"] {{ color: {p.muted}; }}
QLabel[role="warning"] {{ color: {p.warning_fg}; background: {p.warning_bg}; padding: 6px;
  border-radius: 4px; }}
QLabel[role="conflict"] {{ color: {p.tint_fg}; background: {p.conflict_bg}; padding: 6px;
  border-radius: 4px; }}
QLabel[role="error"] {{ color: {p.error_fg}; font-weight: bold; }}
QLineEdit[role="error"] {{ border: 2px solid {p.error_fg}; }}
QLabel[role="ok"] {{ color: {p.ok_fg}; font-weight: bold; }}
QLabel[role="headline"] {{ font-size: 17pt; padding: 2px 0 6px 0; }}
QFrame#card {{ background: {p.base}; border: 1px solid {p.border}; border-radius: 6px; }}
QFrame#card:hover {{ border-color: {p.accent}; }}
QPushButton {{ padding: 5px 12px; }}
QPushButton:flat {{ padding: 2px 6px; }}
QPushButton:disabled {{ color: {p.disabled}; background: {p.window};
  border: 1px dashed {p.border}; }}
QPushButton:checked {{ background: {p.accent}; color: {p.accent_text}; }}
QPushButton[role="question"] {{ text-align: left; padding: 14px 18px; font-size: 15pt;
  background: {p.base}; border: 1px solid {p.border}; border-radius: 8px; }}
QPushButton[role="question"]:hover {{ border: 2px solid {p.accent}; }}
QTableView {{ gridline-color: {p.border}; }}
QHeaderView::section {{ background: {p.button}; color: {p.text}; padding: 4px 6px;
  border: none; border-right: 1px solid {p.border}; border-bottom: 1px solid {p.border}; }}
QLabel#slide_counter {{ color: {p.muted}; font-size: 14pt; padding: 4px 12px; }}
"""


def set_role(widget: QWidget, role: str) -> None:
    """Give `widget` one of the style sheet's roles ("" for none) and restyle it now.

    A role follows the theme when it changes; a colour written into a widget's own style
    sheet would keep the theme of the moment it was set."""
    if (widget.property("role") or "") == role:
        return
    widget.setProperty("role", role or None)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def sidebar_stylesheet(p: Palette, px: int = 15) -> str:
    """The sidebar's own style sheet (item padding only takes when set on the list)."""
    return (
        f"QListWidget {{ background: {p.sidebar_bg}; color: {p.sidebar_fg}; border: none;"
        f" font-size: {px}px; outline: none; }}"
        "QListWidget::item { padding: 10px 14px; border: none; }"
        f"QListWidget::item:selected {{ background: {p.sidebar_selected}; color: #FFFFFF;"
        " border-left: 4px solid #56B4E9; }"
    )


def apply(scheme: str = "system") -> Palette:
    """Switch the whole app to a scheme: Fusion style, Qt palette, style sheet, charts."""
    global _current, _choice
    if scheme not in SCHEMES:
        scheme = "system"
    _choice = scheme
    _current = resolve(scheme)
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setStyle("Fusion")  # the same palette-driven look on every platform
        app.setPalette(qpalette(_current))
        app.setStyleSheet(stylesheet(_current))
    _apply_chart_defaults(_current)
    events().changed.emit(_current)
    return _current


_applied = False


def ensure_applied() -> None:
    """Apply the theme once per run (the first window does it), following system changes."""
    global _applied
    app = QApplication.instance()
    if _applied or not isinstance(app, QApplication):
        return
    _applied = True
    set_base_font(app)
    apply(_choice)
    app.styleHints().colorSchemeChanged.connect(_on_system_scheme_changed)


def _on_system_scheme_changed(_scheme: object) -> None:
    if _choice == "system":
        apply("system")


def set_base_font(app: QApplication) -> None:
    """Raise the app's base font to the projector-friendly size (never lower it)."""
    font = QFont(app.font())
    if font.pointSizeF() < BASE_POINT_SIZE:
        font.setPointSizeF(BASE_POINT_SIZE)
        app.setFont(font)


def _apply_chart_defaults(p: Palette) -> None:
    import pyqtgraph as pg

    pg.setConfigOptions(antialias=True, background=p.chart_bg, foreground=p.chart_fg)


def relative_luminance(colour: QColor) -> float:
    """WCAG relative luminance of a colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor | str, b: QColor | str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = (relative_luminance(QColor(c)) for c in (a, b))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)


def text_pairs(p: Palette) -> dict[str, tuple[str, str]]:
    """Every (text, surface) pair the palette promises to keep readable."""
    return {
        "text on window": (p.text, p.window),
        "text on base": (p.text, p.base),
        "text on alternate rows": (p.text, p.alt_base),
        "text on buttons": (p.text, p.button),
        "muted on window": (p.muted, p.window),
        "muted on base": (p.muted, p.base),
        "link on base": (p.link, p.base),
        "selection": (p.accent_text, p.accent),
        "warning": (p.warning_fg, p.warning_bg),
        "conflict": (p.tint_fg, p.conflict_bg),
        "good": (p.tint_fg, p.good_bg),
        "highlight": (p.tint_fg, p.highlight_bg),
        "error on base": (p.error_fg, p.base),
        "error on window": (p.error_fg, p.window),
        "ok on base": (p.ok_fg, p.base),
        "sidebar": (p.sidebar_fg, p.sidebar_bg),
        "sidebar selected": ("#FFFFFF", p.sidebar_selected),
        "chart text": (p.chart_fg, p.chart_bg),
    }


def palette_fields() -> list[str]:
    """The role names a palette defines (for tests)."""
    return [f.name for f in fields(Palette)]


# Module attributes kept for the views that read them at build time; they follow the theme.
def __getattr__(name: str) -> str:
    legacy = {
        "WARNING_BG": "warning_bg",
        "WARNING_FG": "warning_fg",
        "CONFLICT_BG": "conflict_bg",
        "MUTED_FG": "muted",
    }
    if name in legacy:
        value: str = getattr(_current, legacy[name])
        return value
    raise AttributeError(name)
