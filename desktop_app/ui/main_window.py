"""The main window: a sidebar of screens, a notice banner and a status bar.

The window paints first and loads the stores afterwards, off the GUI thread, so the
user sees it at once; views are built when the data is there.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QFont, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__, paths
from desktop_app.errors import StoreError
from desktop_app.services.stores import Stores, open_stores
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext, pack_applied
from desktop_app.ui.views import (
    VIEWS,
    FollowsPresentationMode,
    OffersRun,
    RunsModel,
    StopsOnClose,
    ViewSpec,
)
from desktop_app.ui.workers import BackgroundRunner

if TYPE_CHECKING:
    from desktop_app.domain.hardware.profile import HardwareProfile


def _probe_hardware() -> HardwareProfile:
    # Imported here: the probe runs on the background helper after the data is shown.
    from desktop_app.services.hardware import probe_hardware

    return probe_hardware()


class NoticeBanner(QWidget):
    """A dismissible yellow banner for things the user must know (never a traceback)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(f"background: {theme.WARNING_BG}; color: {theme.WARNING_FG};")
        layout = QHBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.hide()

    def show_message(self, text: str) -> None:
        """Show (or append) a message."""
        current = self.label.text() if self.isVisible() else ""
        self.label.setText(f"{current}\n{text}".strip())
        self.show()


def _sidebar_style(px: int) -> str:
    return (
        f"#sidebar {{ background: #1F2937; color: #E5E7EB; border: none; font-size: {px}px; }}"
        "#sidebar::item { padding: 10px 14px; }"
        "#sidebar::item:selected { background: #374151; color: white;"
        " border-left: 4px solid #56B4E9; }"
    )


# Presentation mode: black on white, thicker grid and focus lines, for projectors.
PRESENTATION_STYLE = (
    "QWidget { color: #000000; font-size: %(pt).1fpt; }"
    "QTableView { gridline-color: #4B5563; background: white; }"
    "QHeaderView::section { background: #E5E7EB; color: #000000; font-weight: bold; }"
    "QPushButton:checked { background: #1F2937; color: white; }"
)
PRESENTATION_FONT_SCALE = 1.5


class MainWindow(QMainWindow):
    """Sidebar + stacked views."""

    ready = Signal()
    load_failed = Signal(str)
    first_painted = Signal()

    def __init__(
        self,
        runner: BackgroundRunner | None = None,
        loader: Callable[[], Stores] = open_stores,
        show_errors_in_dialog: bool = True,
        probe: Callable[[], HardwareProfile] = _probe_hardware,
    ) -> None:
        super().__init__()
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        icon = paths.resources_dir() / "icons" / "infernav.png"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self.resize(1360, 860)
        self.runner = runner or BackgroundRunner(parent=self)
        self.runner.unhandled.connect(self._on_runner_unhandled)
        self._loader = loader
        self._probe = probe
        self._dialogs = show_errors_in_dialog
        self.ctx: AppContext | None = None
        self.views: dict[str, QWidget] = {}
        self.error: str | None = None

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.banner = NoticeBanner()
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(180)
        self.sidebar.setStyleSheet(_sidebar_style(15))
        for spec in VIEWS:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        self.loading = QLabel("Loading the bundled data…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setStyleSheet(f"color: {theme.MUTED_FG}; font-size: 16px;")
        self.stack.addWidget(self.loading)
        body.addWidget(self.sidebar)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Loading…")
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        self._painted = False
        self.sidebar.viewport().installEventFilter(self)
        self.presentation = False
        self._normal_font: QFont | None = None
        self.presentation_action = QAction("Presentation mode", self)
        self.presentation_action.setCheckable(True)
        self.presentation_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.presentation_action.toggled.connect(self.set_presentation_mode)
        self.addAction(self.presentation_action)
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = file_menu.addAction("Import data…")
        self.import_action.triggered.connect(self._on_import_data)
        self.report_action = file_menu.addAction("Export report…")
        self.report_action.triggered.connect(self._on_export_report)
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.activated.connect(lambda: self.set_presentation_mode(False))
        for i in range(min(len(VIEWS), 9)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            shortcut.activated.connect(lambda row=i: self.sidebar.setCurrentRow(row))

    def _on_import_data(self) -> None:
        """File → Import data…: check a data pack in the background, then say what changed."""
        from PySide6.QtWidgets import QFileDialog

        from desktop_app.services.datapack import import_pack

        name, _ = QFileDialog.getOpenFileName(self, "Import data pack", "", "Data packs (*.zip)")
        if name:
            self.runner.submit(
                lambda: import_pack(Path(name)),
                lambda pack: self.statusBar().showMessage(pack_applied(self.ctx, pack)),
                lambda exc: self.statusBar().showMessage(str(exc)),
            )

    def _on_export_report(self) -> None:
        """File → Export report…: the decision report as a PDF or a self-contained HTML file."""
        from desktop_app.ui.report.dialog import ask_and_export

        ask_and_export(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Announce the first paint of the window (for start-up measurements)."""
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            self.sidebar.viewport().removeEventFilter(self)
            QTimer.singleShot(0, self.first_painted.emit)
        return False

    def start_loading(self) -> None:
        """Load the stores in the background; views appear when they are ready."""
        self.runner.submit(self._loader, self._on_stores_loaded, self._on_stores_failed)

    def _on_stores_loaded(self, stores: Stores) -> None:
        self.ctx = AppContext(stores=stores, runner=self.runner)
        self.runner.submit(self._probe, self.ctx.hardware.set_detected, self._on_probe_failed)
        for notice in stores.notices:
            self.banner.show_message(notice)
        self.statusBar().showMessage(
            f"{len(stores.bundled.figures())} sourced figures loaded · "
            f"user data in {stores.user.path.parent}"
        )
        self.sidebar.setCurrentRow(0)
        self._on_sidebar_row_changed(0)
        self.ready.emit()

    @Slot(str)
    def _on_runner_unhandled(self, message: str) -> None:
        self.banner.show_message(message)

    def _on_probe_failed(self, exc: BaseException) -> None:
        if self.ctx is None:
            return
        self.ctx.hardware.set_failed(f"Hardware detection failed: {exc}")
        self.banner.show_message(
            f"This machine's hardware could not be detected ({exc}); it is shown as unknown. "
            "You can still plan a machine in Hardware."
        )

    def _on_stores_failed(self, exc: BaseException) -> None:
        if isinstance(exc, StoreError):
            message = str(exc)
        else:
            message = f"Inference Navigator could not load its data: {exc}"
        self.error = message
        self.loading.setText(message)
        self.statusBar().showMessage("Data could not be loaded")
        self.load_failed.emit(message)
        if self._dialogs:
            QMessageBox.critical(self, APP_NAME, message)

    def view(self, key: str) -> QWidget:
        """The view for `key`, built on first use."""
        if key not in self.views:
            if self.ctx is None:
                raise RuntimeError("the data is not loaded yet")
            spec: ViewSpec = next(v for v in VIEWS if v.key == key)
            widget = spec.factory()(self.ctx)
            self.views[key] = widget
            if isinstance(widget, OffersRun):
                widget.enable_run_action()
                widget.run_requested.connect(self._on_run_requested)
            if self.presentation:
                self._tell_view(widget, True)
            self.stack.addWidget(widget)
        return self.views[key]

    @Slot(str, str)
    def _on_run_requested(self, model: str, _quant: str) -> None:
        launch = self.show_view("launch")
        if isinstance(launch, RunsModel):
            self.statusBar().showMessage(launch.run_model(model), 8000)

    def show_view(self, key: str) -> QWidget:
        """Switch to a view by key."""
        row = next(i for i, v in enumerate(VIEWS) if v.key == key)
        self.sidebar.setCurrentRow(row)
        self._on_sidebar_row_changed(row)
        return self.views[key]

    @Slot(int)
    def _on_sidebar_row_changed(self, row: int) -> None:
        if row < 0 or self.ctx is None:
            return
        widget = self.view(VIEWS[row].key)
        self.stack.setCurrentWidget(widget)

    def set_presentation_mode(self, on: bool) -> None:
        """Full screen, larger fonts, thicker lines and higher contrast, app-wide (F11)."""
        app = QApplication.instance()
        if on == self.presentation or not isinstance(app, QApplication):
            return
        self.presentation = on
        self.presentation_action.blockSignals(True)
        self.presentation_action.setChecked(on)
        self.presentation_action.blockSignals(False)
        if on:
            self._normal_font = QFont(app.font())
            font = QFont(self._normal_font)
            base = self._normal_font.pointSizeF()
            font.setPointSizeF((base if base > 0 else 10.0) * PRESENTATION_FONT_SCALE)
            app.setFont(font)
            self.setStyleSheet(PRESENTATION_STYLE % {"pt": font.pointSizeF()})
            self.sidebar.setStyleSheet(_sidebar_style(22))
            self.sidebar.setFixedWidth(240)
            self.showFullScreen()
        else:
            if self._normal_font is not None:
                app.setFont(self._normal_font)
            self.setStyleSheet("")
            self.sidebar.setStyleSheet(_sidebar_style(15))
            self.sidebar.setFixedWidth(180)
            self.showNormal()
        for widget in self.views.values():
            self._tell_view(widget, on)

    @staticmethod
    def _tell_view(widget: QWidget, on: bool) -> None:
        if isinstance(widget, FollowsPresentationMode):
            widget.set_presentation_mode(on)

    def closeEvent(self, event: object) -> None:
        """Let every view clean up (engines, timers) before the window goes."""
        self.set_presentation_mode(False)
        for widget in self.views.values():
            if isinstance(widget, StopsOnClose):
                widget.shutdown()
        self.runner.wait(5000)
        super().closeEvent(event)  # type: ignore[arg-type]
