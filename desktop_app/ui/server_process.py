"""The one QProcess wrapper for engines: start, stream the log, keep the outcome, stop.

After qutebrowser's guiprocess: it resolves the executable, takes an argument list (never
a shell line), streams output lines into a bounded log, keeps the outcome
(services/engines/lifecycle.ProcessOutcome) and re-emits started / finished / error.
Stopping is the shared StopPolicy (terminate, wait, kill, reap the process group), run
without blocking: a timer stands in for the wait.

The engine starts in a session of its own (QProcess `CreateNewSession`), so the stop
reaches helpers it spawns (Ollama's runners). On Linux it should also die if the app
dies, even by SIGKILL: that needs prctl(PR_SET_PDEATHSIG) in the child, and PySide6 has
no child-process modifier to run it there, so the child starts through
`setpriv --pdeathsig KILL --` (util-linux). Where setpriv is missing the engine still
stops on every normal quit, but would outlive a killed app; the log says so.
"""

from __future__ import annotations

import shutil
import sys

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, Signal, Slot

from desktop_app.services.engines.lifecycle import (
    MAX_LOG_LINES,
    ExitStatus,
    ProcessOutcome,
    StopPolicy,
)
from desktop_app.services.engines.specs import LaunchSpec
from desktop_app.services.engines.winjob import kill_with_app

__all__ = ["MAX_LOG_LINES", "ProcessOutcome", "ServerProcess"]

NO_SETPRIV_NOTE = (
    "setpriv (util-linux) is not installed, so this engine would keep running if the app "
    "were killed; quitting the app normally still stops it."
)


def _death_wrapper() -> list[str] | None:
    """Linux: the prefix that makes the child die with us; None when setpriv is missing."""
    if not sys.platform.startswith("linux"):
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else None


class ServerProcess(QObject):
    """One engine process owned by the GUI."""

    started = Signal()
    finished = Signal(object)  # ProcessOutcome
    error = Signal(str)
    log_text = Signal(str)  # one or more complete lines (batched: a load prints hundreds)

    def __init__(
        self, spec: LaunchSpec, parent: QObject | None = None, policy: StopPolicy | None = None
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.policy = policy or StopPolicy()
        resolved = shutil.which(spec.program) or spec.program
        self.outcome = ProcessOutcome(program=resolved, args=list(spec.args))
        self._proc = QProcess(self)
        self._proc.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        if sys.platform != "win32":
            self._proc.setUnixProcessParameters(QProcess.UnixProcessFlag.CreateNewSession)
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

    # --- the Child protocol StopPolicy uses ---------------------------------------
    @property
    def pid(self) -> int | None:
        """The engine's process id while it runs."""
        return self.outcome.pid

    def exited_within(self, timeout_s: float) -> bool:
        """Block up to `timeout_s` for the exit (only on quit; otherwise a timer waits)."""
        if not self.running():
            return True
        return self._proc.waitForFinished(int(timeout_s * 1000)) or not self.running()

    def terminate(self) -> None:
        """Qt's own terminate (StopPolicy signals the whole group on POSIX)."""
        self._proc.terminate()

    def kill(self) -> None:
        """Qt's own kill (StopPolicy signals the whole group on POSIX)."""
        self._proc.kill()

    # --- use ----------------------------------------------------------------------
    def start(self) -> None:
        """Start the process (errors arrive through `error` / `finished`)."""
        if shutil.which(self.outcome.program) is None:
            self._fail(f"The engine program {self.spec.program} was not found.")
            return
        wrapper = _death_wrapper()
        if wrapper is None:
            self._add_log([f"[infernav] {NO_SETPRIV_NOTE}"])
            wrapper = []
        program, args = (
            (wrapper[0], [*wrapper[1:], self.outcome.program, *self.outcome.args])
            if wrapper
            else (self.outcome.program, self.outcome.args)
        )
        self._proc.start(program, args)

    def running(self) -> bool:
        """True while the process runs."""
        return self._proc.state() != QProcess.ProcessState.NotRunning

    def stop(self, wait: bool = False) -> None:
        """Stop with the policy; with `wait`, block until it is gone (on quit)."""
        if not self.running():
            return
        self.outcome.stopped_by_us = True
        if wait:
            self.policy.stop(self)
            return
        self.policy.terminate(self)
        self._kill_timer.start(int(self.policy.grace_s * 1000))

    def _fail(self, message: str) -> None:
        self.outcome.could_not_start(message)
        self.error.emit(message)
        self.finished.emit(self.outcome)

    def _add_log(self, lines: list[str]) -> None:
        self.outcome.log.extend(lines)
        self.log_text.emit("\n".join(lines))

    @Slot()
    def _on_kill_timer_timeout(self) -> None:
        if self.running():
            self.policy.kill(self)

    @Slot()
    def _on_process_started(self) -> None:
        self.outcome.status = ExitStatus.RUNNING
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
            self._add_log(lines)

    @Slot(int, QProcess.ExitStatus)
    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._kill_timer.stop()
        self._on_process_ready_read()
        if self._partial:
            self._add_log([self._partial])
            self._partial = ""
        # Qt reports the signal number as the exit code of a crashed process.
        if status == QProcess.ExitStatus.CrashExit:
            self.outcome.status, self.outcome.code = ExitStatus.CRASHED, code
        else:
            self.outcome.status, self.outcome.code = ExitStatus.EXITED, code
        self.policy.reap(self.outcome.pid)
        if self.outcome.failed:
            self.error.emit(str(self.outcome))
        self.finished.emit(self.outcome)

    @Slot(QProcess.ProcessError)
    def _on_process_error(self, err: QProcess.ProcessError) -> None:
        if err == QProcess.ProcessError.FailedToStart:
            self._fail(
                f"The engine program {self.spec.program} could not start "
                f"({self._proc.errorString()})."
            )
