"""Start the Qt application: the real window, the smoke test and screenshots."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEventLoop
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_ID, APP_NAME, __version__, paths
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS, SettlesForScreenshot

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


def _application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
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
        if widget.grab().isNull():
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
    window.close()
    return written
