"""The one QProcess wrapper for engines: start, stream the log, keep the outcome, stop.

After qutebrowser's guiprocess: it resolves the executable, takes an argument list (never
a shell line), streams output lines into a bounded log, keeps the outcome in a dataclass
and re-emits started / finished / error. Stop = terminate, wait, kill. On Linux the
child is started through `setpriv --pdeathsig KILL` (util-linux), so the kernel kills it
if the app dies, even by SIGKILL; PySide6 has no child-process modifier to do it in-process.
"""

from __future__ import annotations

import shutil
import sys
from collections import deque
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal, Slot

from desktop_app.services.engines.failures import classify_failure
from desktop_app.services.engines.process import normal_stop
from desktop_app.services.engines.specs import LaunchSpec
from desktop_app.services.engines.winjob import kill_with_app

MAX_LOG_LINES = 2000


@dataclass
class ProcessOutcome:
    """What happened to the process (a plain dataclass the view reads)."""

    program: str
    args: list[str]
    pid: int | None = None
    running: bool = False
    exit_code: int | None = None  # negative: killed by that signal
    stopped_by_us: bool = False
    error: str | None = None  # a plain sentence when it failed
    log: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_LOG_LINES))

    @property
    def failed(self) -> bool:
        """True when it ended in a way we did not ask for."""
        return self.error is not None


def _death_wrapper() -> list[str]:
    """Linux: a prefix that makes the child die with us (parent-death signal)."""
    if sys.platform.startswith("linux"):
        setpriv = shutil.which("setpriv")
        if setpriv:
            return [setpriv, "--pdeathsig", "KILL", "--"]
    return []


class ServerProcess(QObject):
    """One engine process owned by the GUI."""

    started = Signal()
    finished = Signal(object)  # ProcessOutcome
    error = Signal(str)
    log_text = Signal(str)  # one or more complete lines (batched: a load prints hundreds)

    def __init__(self, spec: LaunchSpec, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        resolved = shutil.which(spec.program) or spec.program
        self.outcome = ProcessOutcome(program=resolved, args=list(spec.args))
        self._proc = QProcess(self)
        self._proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        env = QProcessEnvironment.systemEnvironment()
        for key, value in spec.env.items():
            env.insert(key, value)
        self._proc.setProcessEnvironment(env)
        self._partial = ""
        self._kill_timer = QTimer(self)
        self._kill_timer.setSingleShot(True)
        self._kill_timer.timeout.connect(self._on_kill_timer_timeout)
        self._proc.readyReadStandardOutput.connect(self._on_process_ready_read)
        self._proc.started.connect(self._on_process_started)
        self._proc.finished.connect(self._on_process_finished)
        self._proc.errorOccurred.connect(self._on_process_error)

    def start(self) -> None:
        """Start the process (errors arrive through `error` / `finished`)."""
        if shutil.which(self.outcome.program) is None:
            self._fail(f"The engine program {self.spec.program} was not found.")
            return
        wrapper = _death_wrapper()
        program, args = (
            (wrapper[0], [*wrapper[1:], self.outcome.program, *self.outcome.args])
            if wrapper
            else (self.outcome.program, self.outcome.args)
        )
        self._proc.start(program, args)

    def running(self) -> bool:
        """True while the process runs."""
        return self._proc.state() != QProcess.ProcessState.NotRunning

    def stop(self, grace_ms: int = 5000, wait: bool = False) -> None:
        """Terminate; kill after `grace_ms`. With `wait`, block until it is gone (on quit)."""
        if not self.running():
            return
        self.outcome.stopped_by_us = True
        self._proc.terminate()
        if wait:
            if not self._proc.waitForFinished(grace_ms):
                self._proc.kill()
                self._proc.waitForFinished(3000)
        else:
            self._kill_timer.start(grace_ms)

    def _fail(self, message: str) -> None:
        self.outcome.error = message
        self.outcome.running = False
        self.error.emit(message)
        self.finished.emit(self.outcome)

    @Slot()
    def _on_kill_timer_timeout(self) -> None:
        if self.running():
            self._proc.kill()

    @Slot()
    def _on_process_started(self) -> None:
        self.outcome.running = True
        self.outcome.pid = int(self._proc.processId())
        kill_with_app(self.outcome.pid)  # Windows; Linux uses the parent-death signal
        self.started.emit()

    @Slot()
    def _on_process_ready_read(self) -> None:
        data = bytes(self._proc.readAllStandardOutput().data()).decode("utf-8", "replace")
        text = self._partial + data
        lines = [line.rstrip("\r") for line in text.split("\n")]
        self._partial = lines.pop()
        if lines:
            self.outcome.log.extend(lines)
            self.log_text.emit("\n".join(lines))

    @Slot(int, QProcess.ExitStatus)
    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._kill_timer.stop()
        self._on_process_ready_read()
        if self._partial:
            self.outcome.log.append(self._partial)
            self.log_text.emit(self._partial)
            self._partial = ""
        crashed = status == QProcess.ExitStatus.CrashExit
        # Qt reports the signal number as the exit code of a crashed process.
        exit_code = -code if crashed and code > 0 else code
        self.outcome.exit_code = exit_code
        self.outcome.running = False
        if not (self.outcome.stopped_by_us and (normal_stop(exit_code) or crashed)):
            self.outcome.error = classify_failure(exit_code, self.outcome.log)
            self.error.emit(self.outcome.error)
        self.finished.emit(self.outcome)

    @Slot(QProcess.ProcessError)
    def _on_process_error(self, err: QProcess.ProcessError) -> None:
        if err == QProcess.ProcessError.FailedToStart:
            self._fail(
                f"The engine program {self.spec.program} could not start "
                f"({self._proc.errorString()})."
            )
