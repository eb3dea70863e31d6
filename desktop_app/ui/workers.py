"""The one background helper: blocking work runs on a thread pool, results return
to the GUI thread through queued signals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot


class _Relay(QObject):
    """Lives on the GUI thread; calls the callbacks there."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None,
        forget: Callable[[_Relay], None],
    ) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_error = on_error
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
        if self._on_error is not None and isinstance(exc, BaseException):
            self._on_error(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported to the GUI thread, never lost
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


class BackgroundRunner(QObject):
    """Runs callables off the GUI thread; `immediate=True` runs them inline (tests)."""

    def __init__(self, immediate: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._immediate = immediate
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(4)
        self._relays: set[_Relay] = set()

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run `fn()`; call `on_done(result)` or `on_error(exc)` on the GUI thread."""
        if self._immediate:
            try:
                result = fn()
            except Exception as exc:
                if on_error is not None:
                    on_error(exc)
                return
            on_done(result)
            return
        relay = _Relay(on_done, on_error, self._relays.discard)
        self._relays.add(relay)
        self._pool.start(_Job(fn, relay))

    def active(self) -> int:
        """How many jobs have not reported back yet."""
        return len(self._relays)

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for running jobs (used on quit and in tests)."""
        return self._pool.waitForDone(msecs)
