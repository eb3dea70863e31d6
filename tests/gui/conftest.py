"""GUI fixtures: a main window with its stores loaded, on an immediate runner."""

from __future__ import annotations

import pytest

from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.workers import BackgroundRunner


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    """A loaded main window (jobs run inline, so tests are deterministic)."""
    win = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    qtbot.addWidget(win)
    win.start_loading()
    assert win.ctx is not None, win.error
    yield win
    win.close()
