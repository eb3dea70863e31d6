"""Run an engine as a child process (CLI and tests; the GUI uses ui/server_process.py).

The child gets its own process group and, on Linux, a parent-death signal, so it dies
with us even if we are killed with SIGKILL. Its output goes to a log file, read back
for the bounded log tail and the failure sentence.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from desktop_app import paths
from desktop_app.services.engines.failures import classify_failure
from desktop_app.services.engines.readiness import NotReadyError, wait_ready
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


def normal_stop(code: int | None) -> bool:
    """True for the exits a stop we asked for produces (0, or SIGTERM during loading)."""
    return code in (0, -int(signal.SIGTERM), 128 + int(signal.SIGTERM))


def log_dir() -> Path:
    """Where engine logs are written."""
    path = paths.user_cache_dir() / "engine-logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


class EngineProcess:
    """One engine child process started from a LaunchSpec."""

    def __init__(self, spec: LaunchSpec) -> None:
        self.spec = spec
        self.log_path = log_dir() / f"{spec.engine}-{spec.port}-{os.getpid()}.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self.stopped_by_us = False

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
                raise EngineError(
                    f"The engine program {self.spec.program} was not found."
                ) from None
            except PermissionError:
                raise EngineError(
                    f"The engine program {self.spec.program} is not executable."
                ) from None
            except OSError as exc:
                raise EngineError(
                    f"The engine program {self.spec.program} could not run: {exc.strerror}."
                ) from None
        kill_with_app(self._proc.pid)  # Windows; Linux uses the parent-death signal

    def running(self) -> bool:
        """True while the child has not exited."""
        return self._proc is not None and self._proc.poll() is None

    def exited_within(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for the child to exit; True when it has."""
        self._wait_exit(timeout_s)
        return self._proc is not None and self._proc.poll() is not None

    @property
    def exit_code(self) -> int | None:
        """The exit code (negative: killed by that signal), None while running."""
        return None if self._proc is None else self._proc.poll()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> list[str]:
        """The last lines the engine printed."""
        try:
            data = self.log_path.read_bytes()
        except OSError:
            return []
        return data.decode("utf-8", "replace").splitlines()[-lines:]

    def failure(self) -> str:
        """Why the child stopped, as one plain sentence."""
        return classify_failure(self.exit_code, self.log_tail())

    def wait_ready(self, timeout_s: float = 60.0) -> float:
        """Wait for readiness; on failure stop the child and raise EngineError."""
        try:
            took = wait_ready(self.spec.base_url, self.spec.engine, timeout_s, self.running)
            if self.exited_within(0.0):  # something else answered on that port
                raise NotReadyError("The engine stopped while starting.")
            return took
        except NotReadyError as exc:
            if self.running():
                self.stop()
                raise EngineError(str(exc)) from None
            self._wait_exit(2.0)
            raise EngineError(self.failure()) from None

    def _wait_exit(self, timeout_s: float) -> None:
        if self._proc is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout_s)

    def stop(self, grace_s: float = 5.0) -> int | None:
        """Terminate, wait, then kill (the whole process group); returns the exit code."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            self.stopped_by_us = True
            self._signal(signal.SIGTERM)
            deadline = time.monotonic() + grace_s
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            if proc.poll() is None:
                self._signal(getattr(signal, "SIGKILL", signal.SIGTERM))
                proc.wait(5)
        self._reap_group()
        if self.stopped_by_us and normal_stop(proc.returncode):
            # A clean stop leaves nothing to diagnose; failed runs keep their log.
            self.log_path.unlink(missing_ok=True)
        return proc.returncode

    def _signal(self, sig: signal.Signals) -> None:
        proc = self._proc
        if proc is None:
            return
        try:
            if sys.platform == "win32":
                proc.terminate() if sig == signal.SIGTERM else proc.kill()
            else:
                os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def _reap_group(self) -> None:
        # Helpers the engine spawned (Ollama's runners) share its group: make sure they go.
        if sys.platform != "win32" and self._proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGKILL)
