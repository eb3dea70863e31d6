"""Start the Qt application: the real window, the smoke test and screenshots."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEventLoop, QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop_app import APP_ID, APP_NAME, __version__, paths
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS, SettlesForScreenshot
from desktop_app.ui.workers import collect_garbage_on_gui_thread

log = logging.getLogger(__name__)
_errors: list[str] = []


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Unexpected errors: logged with their traceback, shown as one sentence."""
    text = "".join(traceback.format_exception(kind, exc, tb))
    _errors.append(text)
    log.error("Unexpected error:\n%s", text)
    app = QApplication.instance()
    if app is not None and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        QMessageBox.warning(
            None,
            APP_NAME,
            f"Something went wrong: {exc}\n\nYour data is safe. Details were written to "
            f"{paths.log_file()}.",
        )


# Qt's offscreen platform (screenshots, the smoke test) says this once per top-level window;
# it is not a problem of ours and only buries real messages.
_GC: list[object] = []  # the GUI-thread garbage collector, alive as long as the app

_QT_NOISE = frozenset({"This plugin does not support propagateSizeHints()"})
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _on_qt_message(mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    """Qt's own messages go to the log file, not to the user's terminal."""
    if message not in _QT_NOISE:
        log.log(_QT_LEVELS.get(mode, logging.WARNING), "Qt: %s", message)


def _application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    qInstallMessageHandler(_on_qt_message)
    app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    _GC.append(collect_garbage_on_gui_thread())
    return app


def _wait_until(condition: object, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    loop_app = QApplication.instance()
    assert loop_app is not None
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        loop_app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.005)
    return bool(callable(condition) and condition())


def launch(
    smoke_test: bool = False,
    exit_when_shown: bool = False,
    exit_when_ready: bool = False,
) -> int:
    """Run the app; with `smoke_test` build everything offscreen and print ok."""
    if smoke_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.excepthook = _excepthook
    app = _application()
    window = MainWindow(show_errors_in_dialog=not smoke_test)
    if smoke_test:
        return _smoke(window)
    if exit_when_shown:
        window.first_painted.connect(app.quit)
        window.show()
        return app.exec()
    if exit_when_ready:
        window.ready.connect(app.quit)
        window.load_failed.connect(lambda _m: app.exit(1))
    # Load after the first paint, so the user sees the window at once.
    window.first_painted.connect(window.start_loading)
    window.show()
    code = app.exec()
    return code


def _smoke(window: MainWindow) -> int:
    window.show()
    window.start_loading()
    if not _wait_until(lambda: window.ctx is not None or window.error is not None, 60):
        print("smoke test failed: the data did not load within 60 s", file=sys.stderr)
        return 1
    if window.error:
        print(f"smoke test failed: {window.error}", file=sys.stderr)
        return 1
    for spec in VIEWS:
        widget = window.show_view(spec.key)
        _wait_until(lambda: False, 0.05)
        if _looks_blank(widget):
            print(f"smoke test failed: the {spec.title} view did not render", file=sys.stderr)
            return 1
    window.close()
    if _errors:
        print(f"smoke test failed: {_errors[0].strip().splitlines()[-1]}", file=sys.stderr)
        return 1
    if window.runner.failures:
        print(
            f"smoke test failed: a background task failed: {window.runner.failures[0]}",
            file=sys.stderr,
        )
        return 1
    print("ok")
    return 0


def _looks_blank(widget: QWidget) -> bool:
    """True when the view painted next to nothing: a grab of a few colours at most.

    A shown widget never grabs a null pixmap, so that check could not fail; text, charts and
    tables give dozens of colours (anti-aliasing), an empty page one or two.
    """
    image = widget.grab().toImage().scaled(96, 96)
    colours = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
    return len(colours) <= 8


def render_screenshots(out: Path, width: int, height: int) -> list[Path]:
    """Render every view to a PNG in `out`; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _application()
    window = MainWindow(show_errors_in_dialog=False)
    window.resize(width, height)
    window.show()
    window.start_loading()
    if not _wait_until(lambda: window.ctx is not None or window.error is not None, 60):
        raise RuntimeError("the data did not load within 60 s")
    if window.error:
        raise RuntimeError(window.error)
    # Once loaded, the window restores its remembered geometry, kept inside the screen (the
    # offscreen one is 800×600): the size asked for comes after that.
    _wait_until(lambda: False, 0.5)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(width, height)
    _wait_until(lambda: window.width() == width and window.height() == height, 5)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for spec in VIEWS:
        window.show_view(spec.key)
        view = window.views[spec.key]
        if isinstance(view, SettlesForScreenshot):
            view.settle_for_screenshot()
        _wait_until(lambda: False, 0.3)
        path = out / f"{spec.key}.png"
        if not window.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")
        written.append(path)
    written += _extra_screenshots(window, out, width, height)
    window.close()
    return written


def _extra_screenshots(window: MainWindow, out: Path, width: int, height: int) -> list[Path]:
    """Dark mode (Home, Overview, Compare) and one presentation slide at 1920×1080."""
    from desktop_app.ui import theme

    written = []
    window.set_theme("dark", remember=False)
    for key in ("home", "overview", "compare"):
        window.show_view(key)
        _wait_until(lambda: False, 0.3)
        path = out / f"{key}-dark.png"
        window.grab().save(str(path))
        written.append(path)
    window.set_theme("light", remember=False)
    window.show_view("compare")
    window.set_presentation_mode(True)
    window.move_slide(1)
    window.setWindowState(Qt.WindowState.WindowNoState)  # offscreen "full screen" is small
    window.resize(1920, 1080)  # a projector
    _wait_until(lambda: False, 0.5)
    path = out / "presentation-slide.png"
    window.grab().save(str(path))
    written.append(path)
    window.set_presentation_mode(False)
    window.resize(width, height)
    theme.apply("system")
    return written
