"""GUI fixtures: one main window fixture, and guards that fail a test leaving things behind.

The window runs its jobs inline on a runner that records failures nobody handled, and its
start-up probe returns a fixed profile, so GUI tests do not depend on the test machine.
The guards (after napari's `_dangling_qthread_pool` / `_dangling_qtimers`) fail a test that
leaves a background job running, a background failure unhandled, a QTimer active or a
top-level widget open.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.domain.hardware.profile import CpuInfo, HardwareProfile, MemoryInfo
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.workers import BackgroundRunner, collect_garbage_on_gui_thread

GIB = 1024**3

# The machine every GUI test "detects": a CPU-only Linux box with 32 GiB of RAM.
DETECTED = HardwareProfile(
    label="This machine",
    planned=False,
    os_name="Linux",
    os_version="6.8",
    cpu=CpuInfo("Test CPU", "GenuineIntel", "x86_64", 8, 16, 3600.0, ("avx2", "fma")),
    memory=MemoryInfo(32 * GIB, 24 * GIB),
    gpu_error="no NVIDIA GPU detected: NVML library not found",
    disk_free_bytes=200 * GIB,
    detected_at="2026-12-01T00:00:00Z",
)


def fixed_probe() -> HardwareProfile:
    """The start-up probe of GUI tests: always the same detected machine."""
    return DETECTED


@pytest.fixture(autouse=True)
def _dangling_runner_jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every BackgroundRunner made during the test; fail on leftover jobs or failures."""
    # Strong references: a runner dropped by the test must still be checked, whenever the
    # garbage collector would have freed it.
    made: list[BackgroundRunner] = []
    original = BackgroundRunner.__init__

    def record(self: BackgroundRunner, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(BackgroundRunner, "__init__", record)
    yield
    problems = []
    for runner in made:
        try:
            if runner.pending():
                problems.append(f"{runner.pending()} background job(s) still running")
                runner.wait(5000)
            problems += [f"unhandled background failure: {exc!r}" for exc in runner.failures]
        except RuntimeError:  # its C++ side is gone with its parent window
            continue
    assert not problems, "; ".join(problems)


@pytest.fixture(scope="module", autouse=True)
def _garbage_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As in the app: cycles are collected on the GUI thread only (ui/workers.py).

    Per module, not per session: a module's leftovers (closed windows, their runners) are
    collected here when it ends, from this known point on the GUI thread. Kept off until
    the session ended, everything since the first GUI test was collected at once at
    whatever allocation came next, inside some library's code, and a CI run hung there.
    """
    collector = collect_garbage_on_gui_thread()
    yield
    collector.timer.stop()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    gc.enable()


@pytest.fixture(autouse=True)
def _dangling_qtimers(monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves a started QTimer running."""
    started: list[weakref.ref[QTimer]] = []
    original = QTimer.start

    def start(self: QTimer, *args: Any) -> None:
        started.append(weakref.ref(self))
        original(self, *args)

    monkeypatch.setattr(QTimer, "start", start)
    yield
    # Widgets the test handed to deleteLater() go now, with their timers.
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    active = []
    for ref in started:
        timer = ref()
        try:
            if timer is not None and timer.isActive():
                active.append(timer.objectName() or repr(timer.parent()))
                timer.stop()
        except RuntimeError:  # deleted with its owner
            continue
    assert not active, f"QTimer(s) left running: {active}"


@pytest.fixture(autouse=True)
def _dangling_widgets(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves a top-level widget open."""
    before = set(map(id, qapp.topLevelWidgets()))
    yield
    qapp.processEvents()
    left = [
        w
        for w in qapp.topLevelWidgets()
        if w.isVisible() and id(w) not in before and w.windowType().name != "ToolTip"
    ]
    for widget in left:
        widget.close()
    assert not left, f"top-level widget(s) left open: {[type(w).__name__ for w in left]}"


@pytest.fixture
def make_window(qtbot: Any) -> Iterator[Callable[..., MainWindow]]:
    """Build loaded main windows (jobs inline; the probe returns `probe()`); closed after."""
    made: list[MainWindow] = []

    def make(probe: Callable[[], HardwareProfile] = fixed_probe) -> MainWindow:
        win = MainWindow(
            runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False, probe=probe
        )
        qtbot.addWidget(win)
        win.start_loading()
        assert win.ctx is not None, win.error
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()


@pytest.fixture
def window(make_window: Callable[..., MainWindow]) -> MainWindow:
    """A loaded main window that detected the fixed test machine."""
    return make_window()


from tests.fakes.hf_fixture import gemma_gguf, gemma_store, hf_server  # noqa: E402,F401  (download tests)
