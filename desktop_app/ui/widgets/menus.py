"""The menu bar: File, View and Help, with the dialogs Help opens.

Every shortcut the window answers is listed in Help → Keyboard shortcuts, so Ctrl+1…N and
F11 are discoverable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QWidget

from desktop_app import APP_NAME, __version__, paths
from desktop_app.ui.views import VIEWS

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

THEMES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
# Ctrl+1 … Ctrl+9, then Ctrl+0 for the tenth screen.
VIEW_KEYS = [f"Ctrl+{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0)]
LICENCES = (
    f"{APP_NAME} is free software under the Apache License 2.0.<br><br>"
    "It is built with Qt and PySide6 (LGPL 3.0), pyqtgraph (MIT), SQLAlchemy (MIT), httpx "
    "(BSD), Babel (BSD), gguf (MIT), platformdirs (MIT), nvidia-ml-py (BSD), psutil (BSD), "
    "PyYAML (MIT), jsonschema (MIT) and keyring (MIT). Each keeps its own licence."
)


def view_shortcut(index: int) -> str:
    """The shortcut of the view at sidebar row `index` ("" past the tenth)."""
    return VIEW_KEYS[index] if index < len(VIEW_KEYS) else ""


def build_menu_bar(window: MainWindow) -> None:
    """File (export, import, open scenario, report, quit), View (screens, theme), Help."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    export = file_menu.addAction("Export this screen as an image…")
    export.triggered.connect(lambda: _export_screen(window))
    window.import_action = file_menu.addAction("Import data…")
    window.import_action.triggered.connect(window._on_import_data)
    window.open_scenario_action = file_menu.addAction("Open scenario or report…")
    window.open_scenario_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
    window.open_scenario_action.triggered.connect(window._on_open_scenario)
    window.report_action = file_menu.addAction("Export report…")
    window.report_action.triggered.connect(window._on_export_report)
    file_menu.addSeparator()
    quit_action = file_menu.addAction("Quit")
    quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
    quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    quit_action.triggered.connect(window.close)

    view_menu = bar.addMenu("&View")
    for i, spec in enumerate(VIEWS):
        action = view_menu.addAction(spec.title)
        if view_shortcut(i):
            action.setShortcut(QKeySequence(view_shortcut(i)))
        action.triggered.connect(lambda _c=False, key=spec.key: window.show_view(key))
        window.addAction(action)  # the shortcut works while the menu bar is hidden
    view_menu.addSeparator()
    view_menu.addAction(window.presentation_action)
    theme_menu = view_menu.addMenu("Theme")
    group = QActionGroup(window)
    window.theme_actions = {}
    for scheme, label in THEMES:
        action = QAction(label, window, checkable=True)
        group.addAction(action)
        theme_menu.addAction(action)
        action.triggered.connect(lambda _c=False, s=scheme: window.set_theme(s))
        window.theme_actions[scheme] = action

    help_menu = bar.addMenu("&Help")
    help_menu.addAction("Keyboard shortcuts").triggered.connect(lambda: show_shortcuts(window))
    help_menu.addAction("Where my data lives").triggered.connect(lambda: show_data_folders(window))
    help_menu.addAction("Open the log folder").triggered.connect(
        lambda: open_folder(paths.log_file().parent)
    )
    help_menu.addSeparator()
    help_menu.addAction(f"About {APP_NAME}").triggered.connect(lambda: show_about(window))


def check_theme(window: MainWindow, scheme: str) -> None:
    """Tick the View → Theme entry in use."""
    action = window.theme_actions.get(scheme)
    if action is not None:
        action.setChecked(True)


def shortcuts_text() -> str:
    """Every keyboard shortcut, as an HTML table."""
    rows = [(view_shortcut(i), f"Open {s.title}") for i, s in enumerate(VIEWS) if view_shortcut(i)]
    rows += [
        ("F11", "Presentation mode: slides for a projector"),
        ("→ / Page Down / Space", "Next slide (in presentation mode)"),
        ("← / Page Up", "Previous slide"),
        ("Esc", "Leave presentation mode; the window comes back as it was"),
        (QKeySequence(QKeySequence.StandardKey.Quit).toString(), "Quit"),
    ]
    body = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{t}</td></tr>" for k, t in rows)
    return f"<table cellpadding='3'>{body}</table>"


def _box(parent: QWidget, title: str, html: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(html)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    label = box.findChild(QLabel, "qt_msgbox_label")
    if isinstance(label, QLabel):
        label.setOpenExternalLinks(True)  # folders and web pages open in their own program
    return box


def show_shortcuts(parent: QWidget) -> QMessageBox:
    """Help → Keyboard shortcuts."""
    box = _box(parent, "Keyboard shortcuts", shortcuts_text())
    box.open()
    return box


def data_folders_text() -> str:
    """Where the user's settings, results, models and log live, each a clickable link."""
    places = (
        ("Your settings and results", paths.user_store_path().parent),
        ("Downloaded models", paths.models_dir()),
        ("The log file", paths.log_file().parent),
    )
    rows = "".join(
        f"<p><b>{label}</b><br><a href='{QUrl.fromLocalFile(str(p)).toString()}'>{p}</a></p>"
        for label, p in places
    )
    return rows + "<p>Uninstalling the app leaves these folders; delete them to forget all.</p>"


def show_data_folders(parent: QWidget) -> QMessageBox:
    """Help → Where my data lives (each folder opens in the file manager)."""
    box = _box(parent, "Where my data lives", data_folders_text())
    box.open()
    return box


def about_text() -> str:
    """The About text: name, version, what it does, licences."""
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Choose an LLM inference framework, check it against your model, hardware and "
        "traffic, and try it on this machine.</p>"
        f"<p>{LICENCES}</p>"
    )


def show_about(parent: QWidget) -> QMessageBox:
    """Help → About."""
    box = _box(parent, f"About {APP_NAME}", about_text())
    box.open()
    return box


def open_folder(folder: object) -> bool:
    """Open a folder in the system's file manager (created first, so it exists)."""
    from pathlib import Path

    path = Path(str(folder))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _export_screen(window: MainWindow) -> None:
    """File → Export this screen as an image…: the current view as a PNG."""
    view = window.current_view()
    if view is None:
        return
    name, _ = QFileDialog.getSaveFileName(
        window, "Export this screen", "inference-navigator.png", "PNG image (*.png)"
    )
    if not name:
        return
    image = view.grab().toImage()  # painted here; written to disk in the background
    window.runner.submit(
        lambda: image.save(name, b"PNG"),
        lambda ok: window.statusBar().showMessage(
            f"Saved {name}." if ok else f"The image could not be written to {name}."
        ),
    )
