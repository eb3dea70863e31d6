"""Run an engine as a child process (CLI and tests; the GUI uses ui/server_process.py).

The child gets its own session (process group) and, on Linux, a parent-death signal, so
it dies with us even if we are killed with SIGKILL. Its output goes to a log file, read
back for the bounded log tail and the failure sentence. Stopping and the outcome are
shared with the GUI wrapper (lifecycle.py).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

from desktop_app import paths
from desktop_app.services.engines.lifecycle import ExitStatus, ProcessOutcome, StopPolicy
from desktop_app.services.engines.readiness import (
    ForeignEngineError,
    NotReadyError,
    Ours,
    wait_ready,
)
from desktop_app.services.engines.specs import LaunchSpec
from desktop_app.services.engines.winjob import kill_with_app

_PR_SET_PDEATHSIG = 1
LOG_TAIL_LINES = 400


class EngineError(Exception):
    """The engine could not start or stopped; the message is one plain sentence."""


def set_parent_death_signal() -> None:
    """Linux: ask the kernel to SIGKILL this process when its parent dies (pre-exec hook)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def log_dir() -> Path:
    """Where engine logs are written."""
    path = paths.user_cache_dir() / "engine-logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


class EngineProcess:
    """One engine child process started from a LaunchSpec."""

    def __init__(self, spec: LaunchSpec, policy: StopPolicy | None = None) -> None:
        self.spec = spec
        self.policy = policy or StopPolicy()
        self.log_path = log_dir() / f"{spec.engine}-{spec.port}-{os.getpid()}.log"
        self.outcome = ProcessOutcome(program=spec.program, args=list(spec.args))
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The child's process id while it exists."""
        return self._proc.pid if self._proc else None

    def start(self) -> None:
        """Start the child; raises EngineError when the program cannot run at all."""
        env = {**os.environ, **self.spec.env}
        kwargs: dict[str, object] = {}
        if sys.platform == "win32":
            kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        else:
            kwargs["start_new_session"] = True
            kwargs["preexec_fn"] = set_parent_death_signal
        with self.log_path.open("wb") as log:
            try:
                self._proc = subprocess.Popen(  # an argument list, never a shell
                    self.spec.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    **kwargs,  # type: ignore[call-overload]
                )
            except FileNotFoundError:
                self._could_not_start(f"The engine program {self.spec.program} was not found.")
            except PermissionError:
                self._could_not_start(f"The engine program {self.spec.program} is not executable.")
            except OSError as exc:
                self._could_not_start(
                    f"The engine program {self.spec.program} could not run: {exc.strerror}."
                )
        assert self._proc is not None
        self.outcome.pid = self._proc.pid
        self.outcome.status = ExitStatus.RUNNING
        kill_with_app(self._proc.pid)  # Windows; Linux uses the parent-death signal

    def _could_not_start(self, sentence: str) -> None:
        self.outcome.could_not_start(sentence)
        raise EngineError(sentence) from None

    def running(self) -> bool:
        """True while the child has not exited."""
        return self._proc is not None and self._poll() is None

    def _poll(self) -> int | None:
        code = None if self._proc is None else self._proc.poll()
        if code is not None and self.outcome.running:
            self.outcome.ended(code)
            self.outcome.log.extend(self.log_tail())
        return code

    def exited_within(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the child to exit; True when it has."""
        if self._proc is None:
            return True
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout_s)
        return self._poll() is not None

    def terminate(self) -> None:
        """The platform's own terminate (StopPolicy signals the group on POSIX)."""
        if self._proc is not None:
            self._proc.terminate()

    def kill(self) -> None:
        """The platform's own kill (StopPolicy signals the group on POSIX)."""
        if self._proc is not None:
            self._proc.kill()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> list[str]:
        """The last lines the engine printed."""
        try:
            data = self.log_path.read_bytes()
        except OSError:
            return []
        return data.decode("utf-8", "replace").splitlines()[-lines:]

    def wait_ready(self, timeout_s: float = 60.0) -> float:
        """Wait for readiness; on failure stop the child and raise EngineError."""
        try:
            took = wait_ready(
                self.spec.base_url, self.spec.engine, timeout_s, self.running,
                ours=Ours.started(self.spec, self.pid),
            )  # fmt: skip
            if self.exited_within(0.0):  # something else answered on that port
                raise NotReadyError("The engine stopped while starting.")
            return took
        except NotReadyError as exc:
            if self.running():
                self.stop()
                raise EngineError(str(exc)) from None
            self.exited_within(2.0)
            foreign = isinstance(exc, ForeignEngineError)  # clearer than "port in use"
            raise EngineError(str(exc) if foreign else str(self.outcome)) from None

    def stop(self) -> ProcessOutcome:
        """Stop with the shared policy (terminate, wait, kill, reap the group)."""
        if self._proc is None:
            return self.outcome
        if self._poll() is None:
            self.outcome.stopped_by_us = True
        self.policy.stop(self)
        if self.outcome.was_stopped_by_us():
            # A clean stop leaves nothing to diagnose; failed runs keep their log.
            self.log_path.unlink(missing_ok=True)
        return self.outcome
