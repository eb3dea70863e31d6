"""The one background helper: blocking work runs on a thread pool, results return
to the GUI thread through queued signals.

A failure is never dropped: it is logged with its traceback, and when the caller gave no
`on_error` the runner announces it on `unhandled` (the main window shows it in its banner).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from desktop_app import paths

T = TypeVar("T")
log = logging.getLogger(__name__)


def collect_garbage_on_gui_thread() -> GarbageCollector:
    """Python's cycle collector runs only on the GUI thread from now on (keep the result).

    Left automatic, it runs in whichever thread allocates when a threshold is crossed, often
    a pool thread, and then destroys Qt objects (widgets, timers) of closed windows there:
    Qt warns "Timers cannot be started from another thread" or crashes. pyqtgraph's collector
    turns automatic collection off and collects on a one-second GUI-thread timer instead.
    """
    return GarbageCollector(interval=1.0)


def _describe(fn: Callable[[], Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


class _Relay(QObject):
    """Lives on the GUI thread; calls the callbacks there."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_fail: Callable[[BaseException], None],
        forget: Callable[[_Relay], None],
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_fail = on_fail
        self._forget = forget
        self.done.connect(self._on_job_done, Qt.ConnectionType.QueuedConnection)
        self.failed.connect(self._on_job_failed, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_job_done(self, result: object) -> None:
        self._forget(self)
        self._on_done(result)

    @Slot(object)
    def _on_job_failed(self, exc: object) -> None:
        self._forget(self)
        assert isinstance(exc, BaseException)
        self._on_fail(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported to the GUI thread with its traceback
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class BackgroundRunner(QObject):
    """Runs callables off the GUI thread; `immediate=True` runs them inline (tests).

    Jobs submitted with the same `key` run one after another in submission order (one
    thread per key), so repeated writes of one thing land in order: the last one wins.
    """

    unhandled = Signal(str)  # one sentence for the user about a failure nobody handled

    def __init__(self, immediate: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._immediate = immediate
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)
        self._lanes: dict[str, QThreadPool] = {}
        self._relays: set[_Relay] = set()
        self.failures: list[BaseException] = []  # failures no on_error handled (tests read it)

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        *,
        key: str | None = None,
    ) -> None:
        """Run `fn()`; call `on_done(result)` or `on_error(exc)` on the GUI thread."""

        def fail(exc: BaseException) -> None:
            self._report(fn, exc, on_error)

        if self._immediate:
            try:
                result = fn()
            except Exception as exc:
                fail(exc)
                return
            on_done(result)
            return
        relay = _Relay(on_done, fail, self._relays.discard)
        self._relays.add(relay)
        self._pool_for(key).start(_Job(fn, relay))

    def _pool_for(self, key: str | None) -> QThreadPool:
        if key is None:
            return self._pool
        lane = self._lanes.get(key)
        if lane is None:
            lane = QThreadPool(self)
            lane.setMaxThreadCount(1)  # one job at a time, first in first out
            self._lanes[key] = lane
        return lane

    def _report(
        self,
        fn: Callable[[], Any],
        exc: BaseException,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        text = "".join(traceback.format_exception(exc))
        if on_error is not None:
            log.warning("Background job %s failed (handled):\n%s", _describe(fn), text)
            on_error(exc)
            return
        log.error("Background job %s failed:\n%s", _describe(fn), text)
        self.failures.append(exc)
        self.unhandled.emit(
            f"A background task failed ({exc.__class__.__name__}: {exc}). "
            f"Details were written to {paths.log_file()}."
        )

    def pending(self) -> int:
        """How many pool jobs are queued or running (test guards read it)."""
        return len(self._relays)

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for running jobs (used on quit and in tests)."""
        ok = self._pool.waitForDone(msecs)
        for lane in self._lanes.values():
            ok = lane.waitForDone(msecs) and ok
        return ok
