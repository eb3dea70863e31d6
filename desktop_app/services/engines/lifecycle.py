"""What happened to an engine process, and the one way to stop it (CLI and GUI alike).

`ProcessOutcome` explains itself, after qutebrowser's guiprocess: a status, a code,
`was_successful()`, `was_stopped_by_us()`, and `str()` is the sentence the user reads
(failures.classify_failure reads the log for the cause, docs/engines.md §5.8).

`StopPolicy` is terminate -> wait -> kill, then reap the process group. Engines start in
a session of their own (Popen `start_new_session`, QProcess `CreateNewSession`), so the
signals go to the whole group and helpers the engine spawned (Ollama's runners) go too.
On Windows the signals go to the process and the job object (winjob.py) takes the rest.
"""

from __future__ import annotations

import contextlib
import enum
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from desktop_app.services.engines.failures import classify_failure

MAX_LOG_LINES = 2000
_SIGKILL = int(getattr(signal, "SIGKILL", signal.SIGTERM))


class ExitStatus(enum.Enum):
    """How the process ended."""

    NOT_STARTED = "not started"  # the program could not run at all
    RUNNING = "running"
    EXITED = "exited"  # it returned an exit code
    CRASHED = "crashed"  # a signal ended it (the code is the signal number)


@dataclass
class ProcessOutcome:
    """One engine process: what it is, how it ended, and what it printed."""

    program: str
    args: list[str]
    pid: int | None = None
    status: ExitStatus = ExitStatus.NOT_STARTED
    code: int | None = None  # exit code, or the signal number when CRASHED
    stopped_by_us: bool = False
    start_error: str | None = None  # a plain sentence when it could not start
    log: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_LOG_LINES))

    @property
    def running(self) -> bool:
        """True while the process runs."""
        return self.status is ExitStatus.RUNNING

    def ended(self, returncode: int) -> None:
        """Record the end from a POSIX-style return code (negative: that signal)."""
        if returncode < 0:
            self.status, self.code = ExitStatus.CRASHED, -returncode
        else:
            self.status, self.code = ExitStatus.EXITED, returncode

    def could_not_start(self, sentence: str) -> None:
        """Record that the program could not run; `sentence` is what the user reads."""
        self.status, self.start_error = ExitStatus.NOT_STARTED, sentence

    def was_successful(self) -> bool:
        """True when it exited with code 0."""
        return self.status is ExitStatus.EXITED and self.code == 0

    def was_stopped_by_us(self) -> bool:
        """True when it ended because we asked: a clean exit, or the signal we sent.

        llama-server exits 0 on SIGTERM once loaded; while loading it dies of the
        signal, and a shell-style wrapper reports 128 + SIGTERM.
        """
        if not self.stopped_by_us:
            return False
        if self.status is ExitStatus.CRASHED:
            return True
        return self.status is ExitStatus.EXITED and self.code in (0, 128 + signal.SIGTERM)

    @property
    def failed(self) -> bool:
        """True when it ended (or never started) in a way we did not ask for."""
        if self.start_error is not None:
            return True
        return self.status in (ExitStatus.EXITED, ExitStatus.CRASHED) and not (
            self.was_stopped_by_us()
        )

    def _signed_code(self) -> int | None:
        if self.code is None:
            return None
        return -self.code if self.status is ExitStatus.CRASHED else self.code

    def __str__(self) -> str:
        if self.start_error is not None:
            return self.start_error
        if self.status is ExitStatus.RUNNING:
            return f"Running (process {self.pid})."
        if self.status is ExitStatus.NOT_STARTED:
            return "Not started."
        if self.was_stopped_by_us():
            return f"Stopped (exit code {self._signed_code()})."
        return classify_failure(self._signed_code(), self.log)


class Child(Protocol):
    """The little a StopPolicy needs of a process wrapper (Popen or QProcess)."""

    @property
    def pid(self) -> int | None: ...

    def exited_within(self, timeout_s: float) -> bool: ...

    def terminate(self) -> None: ...  # the platform's own, used on Windows

    def kill(self) -> None: ...


@dataclass(frozen=True)
class StopPolicy:
    """Terminate, wait `grace_s`, kill, wait `kill_wait_s`, then reap the group."""

    grace_s: float = 5.0
    kill_wait_s: float = 5.0

    def terminate(self, child: Child) -> None:
        """Ask the process (its whole group on POSIX) to stop."""
        self._send(child, int(signal.SIGTERM), child.terminate)

    def kill(self, child: Child) -> None:
        """Kill the process (its whole group on POSIX)."""
        self._send(child, _SIGKILL, child.kill)

    @staticmethod
    def reap(pid: int | None) -> None:
        """Kill what is left of the group (helpers the engine spawned); safe to repeat."""
        if sys.platform != "win32" and pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, _SIGKILL)

    def stop(self, child: Child) -> None:
        """The whole stop, blocking: at most grace_s + kill_wait_s seconds."""
        if not child.exited_within(0.0):
            self.terminate(child)
            if not child.exited_within(self.grace_s):
                self.kill(child)
                child.exited_within(self.kill_wait_s)
        self.reap(child.pid)

    @staticmethod
    def _send(child: Child, sig: int, native: Callable[[], None]) -> None:
        pid = child.pid
        if pid is None:
            return
        try:
            if sys.platform == "win32" or not _leads_group(pid):
                native()
            else:
                os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            native()


def _leads_group(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except (ProcessLookupError, PermissionError):
        return False


class PopenChild:
    """A subprocess.Popen seen as a Child (for scripts and tests that start one)."""

    def __init__(self, proc: _Popen) -> None:
        self._proc = proc

    @property
    def pid(self) -> int | None:
        return self._proc.pid

    def exited_within(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while self._proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return self._proc.poll() is not None

    def terminate(self) -> None:
        self._proc.terminate()

    def kill(self) -> None:
        self._proc.kill()


class _Popen(Protocol):
    pid: int

    def poll(self) -> int | None: ...

    def terminate(self) -> None: ...

    def kill(self) -> None: ...


def stop_popen(proc: _Popen, policy: StopPolicy | None = None) -> None:
    """Stop a Popen child with the shared policy (it should have its own session)."""
    (policy or StopPolicy()).stop(PopenChild(proc))
