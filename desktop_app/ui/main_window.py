"""The main window: a sidebar of screens, a menu bar, a notice banner and a status bar.

The window paints first and loads the stores afterwards, off the GUI thread, so the
user sees it at once; views are built when the data is there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal, Slot
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
from desktop_app.storage.user.settings import THEME, WINDOW_GEOMETRY, WINDOW_MAXIMISED
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext, pack_applied
from desktop_app.ui.views import (
    VIEWS,
    FollowsPresentationMode,
    FollowsTheme,
    HasSlides,
    NavigatesTo,
    OffersRun,
    RunsModel,
    SelectsFramework,
    StopsOnClose,
    ViewSpec,
    import_every_view,
)
from desktop_app.ui.widgets import menus
from desktop_app.ui.widgets.page import let_narrow_columns_fit, scroll_area
from desktop_app.ui.workers import BackgroundRunner

if TYPE_CHECKING:
    from desktop_app.domain.hardware.profile import HardwareProfile


log = logging.getLogger(__name__)


def _probe_hardware() -> HardwareProfile:
    # Imported here: the probe runs on the background helper after the data is shown.
    from desktop_app.services.hardware import probe_hardware

    return probe_hardware()


class NoticeBanner(QWidget):
    """A dismissible warning banner for things the user must know (never a traceback)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        self.label = QLabel()
        self.label.setProperty("role", "warning")
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


class Sidebar(QListWidget):
    """The list of screens; typing letters does not jump between them."""

    def keyboardSearch(self, search: str) -> None:
        """Ignore type-ahead: a stray key press must not switch the screen."""


# Presentation mode: the app's base font grows by this much (slides are read from afar).
PRESENTATION_FONT_SCALE = 1.5


class MainWindow(QMainWindow):
    """Sidebar + stacked views, a menu bar, presentation slides and a remembered geometry."""

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
        theme.ensure_applied()
        self.setWindowTitle(f"{APP_NAME} {__version__}")
        icon = paths.resources_dir() / "icons" / "infernav.png"
        if icon.is_file():
            self.setWindowIcon(QIcon(str(icon)))
        self._size_from_screen()
        self.runner = runner or BackgroundRunner(parent=self)
        self.runner.unhandled.connect(self._on_runner_unhandled)
        self._loader = loader
        self._probe = probe
        self._dialogs = show_errors_in_dialog
        self.ctx: AppContext | None = None
        self.views: dict[str, QWidget] = {}
        self._pages: dict[str, QWidget] = {}  # each view inside its scroll area
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
        self.sidebar = Sidebar()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(180)
        self.sidebar.setStyleSheet(theme.sidebar_stylesheet(theme.current()))
        for spec in VIEWS:
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        self.loading = QLabel("Loading the bundled data…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.loading.setProperty("role", "muted")
        self.stack.addWidget(self.loading)
        body.addWidget(self.sidebar)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.slide_counter = QLabel()
        self.slide_counter.setObjectName("slide_counter")
        self.slide_counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.slide_counter.setWordWrap(True)
        self.slide_counter.hide()
        outer.addWidget(self.slide_counter)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Loading…")
        self.sidebar.currentRowChanged.connect(self._on_sidebar_row_changed)
        self._painted = False
        self.sidebar.viewport().installEventFilter(self)
        self.presentation = False
        self._normal_font: QFont | None = None
        self._before_presentation: tuple[Qt.WindowState, QByteArray, str] | None = None
        self.slide = 0
        self.presentation_action = QAction("Presentation mode", self)
        self.presentation_action.setCheckable(True)
        self.presentation_action.setShortcut(QKeySequence(Qt.Key.Key_F11))
        self.presentation_action.toggled.connect(self.set_presentation_mode)
        self.addAction(self.presentation_action)
        self.import_action: QAction
        self.report_action: QAction
        self.open_scenario_action: QAction
        self.theme_actions: dict[str, QAction] = {}
        menus.build_menu_bar(self)
        leave = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        leave.activated.connect(lambda: self.set_presentation_mode(False))
        self._slide_keys: list[QShortcut] = []
        for key, step in (
            (Qt.Key.Key_Right, 1),
            (Qt.Key.Key_PageDown, 1),
            (Qt.Key.Key_Space, 1),
            (Qt.Key.Key_Left, -1),
            (Qt.Key.Key_PageUp, -1),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setEnabled(False)
            shortcut.activated.connect(lambda step=step: self.move_slide(step))
            self._slide_keys.append(shortcut)

    # ---------------------------------------------------------------- geometry
    def _size_from_screen(self) -> None:
        """The first window: 90 % of the screen's free area at most, centred on it."""
        screen = self.screen()
        free = screen.availableGeometry()
        size = QSize(min(1360, int(free.width() * 0.92)), min(860, int(free.height() * 0.9)))
        self.resize(size)
        self.move(free.center() - QPoint(size.width() // 2, size.height() // 2))

    def _on_window_settings_loaded(self, saved: tuple[str, bool]) -> None:
        """Put the window back where the user left it (within the screen as it is now)."""
        geometry, maximised = saved
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
        if maximised and not self.presentation:
            self.showMaximized()

    def _window_settings(self) -> tuple[str, bool]:
        if self.presentation and self._before_presentation is not None:
            state, geometry, _key = self._before_presentation
            return (
                bytes(geometry.toBase64().data()).decode("ascii"),
                bool(state & Qt.WindowState.WindowMaximized),
            )
        return (
            bytes(self.saveGeometry().toBase64().data()).decode("ascii"),
            self.isMaximized(),
        )

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

    def _on_open_scenario(self) -> None:
        """File → Open scenario or report…: show the answer a scenario or report describes."""
        from desktop_app.ui.report.dialog import ask_and_open

        ask_and_open(self)

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
        user = stores.user
        self.runner.submit(
            lambda: (user.get_setting(WINDOW_GEOMETRY), user.get_setting(WINDOW_MAXIMISED)),
            self._on_window_settings_loaded,
        )
        self.runner.submit(lambda: user.get_setting(THEME), self._on_theme_setting_loaded)
        self.runner.submit(import_every_view, lambda _n: None, key="import-views")
        for notice in stores.notices:
            self.banner.show_message(notice)
        self.statusBar().showMessage(
            f"{len(stores.bundled.figures())} sourced figures loaded · Help → Where my data "
            "lives shows your folders"
        )
        self.sidebar.setCurrentRow(0)
        self._on_sidebar_row_changed(0)
        self.ready.emit()

    # ---------------------------------------------------------------- theme
    def _on_theme_setting_loaded(self, scheme: str) -> None:
        if scheme != theme.choice():
            self.set_theme(scheme, remember=False)
        menus.check_theme(self, theme.choice())

    def set_theme(self, scheme: str, remember: bool = True) -> None:
        """Switch to "system", "light" or "dark" (View → Theme), remembered for next time."""
        theme.apply(scheme)
        self.sidebar.setStyleSheet(theme.sidebar_stylesheet(theme.current()))
        for widget in self.views.values():
            if isinstance(widget, FollowsTheme):
                widget.apply_theme()
            # Rich-text labels colour their links when the text is set: set it again.
            for label in widget.findChildren(QLabel):
                text = label.text()
                if "<a " in text:
                    label.setText("")
                    label.setText(text)
        menus.check_theme(self, theme.choice())
        if remember and self.ctx is not None:
            user = self.ctx.stores.user
            chosen = theme.choice()
            self.runner.submit(
                lambda: user.set_setting(THEME, chosen),
                lambda _r: None,
                lambda exc: self.statusBar().showMessage(f"The theme was not saved: {exc}"),
            )

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

    # ---------------------------------------------------------------- views
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
            if isinstance(widget, NavigatesTo):
                widget.navigate.connect(self._on_view_navigate)
            if self.presentation:
                self._tell_view(widget, True)
            # A view taller or wider than the window scrolls: it never raises the window's
            # minimum size (the stack would keep the largest minimum of every view built).
            let_narrow_columns_fit(widget)
            page = scroll_area(widget)
            self._pages[key] = page
            self.stack.addWidget(page)
        return self.views[key]

    @Slot(str, str)
    def _on_run_requested(self, model: str, _quant: str) -> None:
        launch = self.show_view("launch")
        if isinstance(launch, RunsModel):
            self.statusBar().showMessage(launch.run_model(model), 8000)

    def current_view(self) -> QWidget | None:
        """The view shown now (None while loading)."""
        page = self.stack.currentWidget()
        return next((self.views[k] for k, p in self._pages.items() if p is page), None)

    def show_view(self, key: str) -> QWidget:
        """Switch to a view by key."""
        row = next(i for i, v in enumerate(VIEWS) if v.key == key)
        self.sidebar.setCurrentRow(row)
        self._on_sidebar_row_changed(row)
        return self.views[key]

    @Slot(str, object)
    def _on_view_navigate(self, key: str, argument: object) -> None:
        """A view asked to open another one (Home's questions, Overview's cards)."""
        widget = self.show_view(key)
        if isinstance(argument, str) and isinstance(widget, SelectsFramework):
            widget.focus_framework(argument)

    @Slot(int)
    def _on_sidebar_row_changed(self, row: int) -> None:
        if row < 0 or self.ctx is None:
            return
        key = VIEWS[row].key
        self.view(key)
        self.stack.setCurrentWidget(self._pages[key])

    # ---------------------------------------------------------------- presentation
    def set_presentation_mode(self, on: bool) -> None:
        """Slides for a projector: no chrome, one chart a slide, larger type (F11, Esc)."""
        app = QApplication.instance()
        if on == self.presentation or not isinstance(app, QApplication):
            return
        if on and self.ctx is None:
            self.presentation_action.setChecked(False)
            return
        self.presentation = on
        self.presentation_action.blockSignals(True)
        self.presentation_action.setChecked(on)
        self.presentation_action.blockSignals(False)
        for shortcut in self._slide_keys:
            shortcut.setEnabled(on)
        if on:
            current = self.current_view()
            key = next((k for k, w in self.views.items() if w is current), "compare")
            self._before_presentation = (self.windowState(), self.saveGeometry(), key)
            self._normal_font = QFont(app.font())
            font = QFont(self._normal_font)
            base = self._normal_font.pointSizeF()
            font.setPointSizeF((base if base > 0 else 10.0) * PRESENTATION_FONT_SCALE)
            app.setFont(font)
            # Widgets under a style sheet do not take the app font by themselves.
            self.setStyleSheet(f"QWidget {{ font-size: {font.pointSizeF():.1f}pt; }}")
            chrome: tuple[QWidget, ...] = (self.sidebar, self.statusBar(), self.menuBar())
            for part in (*chrome, self.banner):
                part.hide()
            for widget in self.views.values():
                self._tell_view(widget, True)
            self.show_view(key if isinstance(current, HasSlides) else "compare")
            self.slide = 0
            self.slide_counter.show()
            self._show_slide()
            self.showFullScreen()
        else:
            if self._normal_font is not None:
                app.setFont(self._normal_font)
            self.setStyleSheet("")
            for part in (self.sidebar, self.statusBar(), self.menuBar()):
                part.show()
            self.slide_counter.hide()
            for widget in self.views.values():
                self._tell_view(widget, False)
            before = self._before_presentation
            self._before_presentation = None
            if before is not None:
                state, geometry, key = before
                self.show_view(key)
                if state & Qt.WindowState.WindowMaximized:
                    self.showMaximized()
                else:
                    self.showNormal()
                    self.restoreGeometry(geometry)
            else:
                self.showNormal()

    def slides(self) -> HasSlides | None:
        """The view whose slides are shown now."""
        view = self.current_view()
        return view if isinstance(view, HasSlides) else None

    def move_slide(self, step: int) -> None:
        """Next (+1) or previous (-1) slide, stopping at either end."""
        deck = self.slides()
        if not self.presentation or deck is None:
            return
        self.slide = max(0, min(len(deck.slide_titles()) - 1, self.slide + step))
        self._show_slide()

    def _show_slide(self) -> None:
        deck = self.slides()
        if deck is None:
            self.slide_counter.setText("Esc leaves presentation mode")
            return
        titles = deck.slide_titles()
        deck.show_slide(self.slide)
        self.slide_counter.setText(
            f"Slide {self.slide + 1} of {len(titles)}: {titles[self.slide]}   ·   "
            "← → or Page Up/Down to move, Esc to leave"
        )

    @staticmethod
    def _tell_view(widget: QWidget, on: bool) -> None:
        if isinstance(widget, FollowsPresentationMode):
            widget.set_presentation_mode(on)

    def closeEvent(self, event: object) -> None:
        """Remember the window, let every view clean up (engines, timers), then go."""
        settings = self._window_settings()
        self.set_presentation_mode(False)
        if self.ctx is not None:
            user = self.ctx.stores.user

            def save() -> None:
                user.set_setting(WINDOW_GEOMETRY, settings[0])
                user.set_setting(WINDOW_MAXIMISED, settings[1])

            self.runner.submit(
                save,
                lambda _r: None,
                lambda exc: log.warning("The window's size was not saved: %s", exc),
            )
        for widget in self.views.values():
            if isinstance(widget, StopsOnClose):
                widget.shutdown()
        self.runner.wait(5000)
        super().closeEvent(event)  # type: ignore[arg-type]
