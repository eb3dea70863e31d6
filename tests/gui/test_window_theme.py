"""Both themes: every view rendered, its text measured against its background (≥ 4.5:1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QPushButton, QWidget

from desktop_app.storage.user.settings import THEME
from desktop_app.ui import theme
from desktop_app.ui.charts.base import ChartPanel
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS

pytestmark = pytest.mark.gui
AA = 4.5
DIMMED = "#9ca3af"  # frameworks greyed out by the hardware filter: inactive, as WCAG allows


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest) -> Iterator[str]:
    theme.apply(request.param)
    yield request.param
    theme.apply("system")


def rendered_contrast(label: QLabel) -> float:
    """The contrast of a label's most distinct pixel against its commonest (background)."""
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = Counter(
        image.pixel(x, y) for x in range(0, image.width(), 1) for y in range(image.height())
    )
    background = QColor(pixels.most_common(1)[0][0])
    return max(theme.contrast(QColor(p), background) for p in pixels)


def visible_labels(view: QWidget) -> list[QLabel]:
    return [
        w
        for w in view.findChildren(QLabel)
        if w.isVisibleTo(view)
        and w.text().strip()
        and w.width() > 4
        and w.height() > 4
        and not w.pixmap().toImage().width()
    ]


def item_colour_problems(view: QWidget) -> list[str]:
    """Cells whose own colours (item roles) leave too little contrast."""
    problems = []
    pal = view.palette()
    for table in view.findChildren(QAbstractItemView):
        model = table.model()
        if model is None:
            continue
        try:
            columns = model.columnCount(QModelIndex())
        except TypeError:  # a list model
            columns = 1
        for row in range(min(model.rowCount(QModelIndex()), 60)):
            for col in range(columns):
                index = model.index(row, col)
                bg = index.data(Qt.ItemDataRole.BackgroundRole)
                fg = index.data(Qt.ItemDataRole.ForegroundRole)
                if bg is None and fg is None:
                    continue
                back = _colour(bg) or pal.color(QPalette.ColorRole.Base)
                text = _colour(fg) or pal.color(QPalette.ColorRole.Text)
                if text.name() == DIMMED:
                    continue
                ratio = theme.contrast(text, back)
                if ratio < AA:
                    problems.append(f"{index.data()!r}: {text.name()} on {back.name()} {ratio:.1f}")
    return problems


def _colour(value: object) -> QColor | None:
    if value is None:
        return None
    if isinstance(value, QColor):
        return value
    colour = value.color()  # type: ignore[attr-defined]
    return colour if value.style() != Qt.BrushStyle.NoBrush else None  # type: ignore[attr-defined]


def test_palette_roles_keep_text_readable() -> None:
    for palette in (theme.LIGHT, theme.DARK):
        for name, (text, surface) in theme.text_pairs(palette).items():
            assert theme.contrast(text, surface) >= AA, (palette.name, name)
        # Disabled looks disabled: clearly fainter than enabled text.
        assert (
            theme.contrast(palette.disabled, palette.window)
            < theme.contrast(palette.text, palette.window) / 2
        )


def test_every_view_is_readable_in_both_themes(
    scheme: str, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()
    window.set_theme(scheme)
    window.resize(1366, 768)
    window.show()
    expected = theme.DARK if scheme == "dark" else theme.LIGHT
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == expected.window.lower()
    failures = []
    for spec in VIEWS:
        view = window.show_view(spec.key)
        QApplication.processEvents()
        for label in visible_labels(view):
            ratio = rendered_contrast(label)
            if ratio < AA:
                failures.append(f"{spec.key}: {label.text()[:50]!r} {ratio:.1f}")
        failures += [f"{spec.key}: {p}" for p in item_colour_problems(view)]
    assert not failures, "\n".join(failures)


def test_charts_follow_the_theme(scheme: str, window: MainWindow) -> None:
    window.set_theme(scheme)
    view = window.show_view("compare")
    panels = view.findChildren(ChartPanel)
    assert panels
    expected = theme.current().chart_bg.lower()
    for panel in panels:
        assert panel.plot.backgroundBrush().color().name() == expected


def test_theme_menu_switches_live_and_is_remembered(window: MainWindow, qtbot: QtBot) -> None:
    window.show_view("overview")
    try:
        window.theme_actions["dark"].trigger()
        assert theme.current() is theme.DARK
        assert QApplication.palette().color(QPalette.ColorRole.Base).name() == "#23282f"
        assert window.ctx is not None
        assert window.ctx.stores.user.get_setting(THEME) == "dark"
        disabled = QPushButton("Send")
        disabled.setEnabled(False)
        enabled_fg = disabled.palette().color(
            QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText
        )
        disabled_fg = disabled.palette().color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText
        )
        assert enabled_fg != disabled_fg
        disabled.deleteLater()
    finally:
        window.theme_actions["system"].trigger()
    assert window.ctx.stores.user.get_setting(THEME) == "system"


def test_colours_written_into_texts_follow_a_live_theme_switch(
    make_window: Callable[..., MainWindow],
) -> None:
    """Views built in light mode, then View → Theme → Dark: no text keeps light-mode colours."""
    window = make_window()
    window.set_theme("light")
    window.show()
    for spec in VIEWS:
        window.show_view(spec.key)
        QApplication.processEvents()
    window.set_theme("dark")
    QApplication.processEvents()
    stale = theme.LIGHT.muted.lower()
    left = [
        f"{spec.key}: {label.text()[:60]!r}"
        for spec in VIEWS
        for label in window.views[spec.key].findChildren(QLabel)
        if stale in label.text().lower()
    ]
    assert not left, "\n".join(left)
