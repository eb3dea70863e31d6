"""Is the engine ready, and is it ours? One probe (for the GUI's timer) or a wait (the CLI).

"Ready" is not enough: another program may already answer on the port (a second trial
that raced for 8080, a server the user forgot), and a trial would measure and save its
figures as ours. So a ready answer counts only once the process we started (or one it
started) owns the listening socket (psutil's per-process connections). Where the system
will not tell (psutil: access denied), llama-server's `/props` must name the model file
we loaded; when neither can tell, the answer is accepted, as before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import httpx
import psutil

from desktop_app.services.engines.http import client
from desktop_app.services.engines.specs import LaunchSpec


class Readiness(Enum):
    """What one probe saw."""

    NOT_LISTENING = "not listening yet"
    LOADING = "loading the model"
    READY = "ready"
    FOREIGN = "another program answers on the port"


def health_path(engine: str) -> str:
    """llama-server answers /health (503 while loading); Ollama answers /api/version."""
    return "/api/version" if engine == "ollama" else "/health"


def probe(base_url: str, engine: str, timeout_s: float = 1.0) -> Readiness:
    """Ask the engine once whether it is ready (whoever answers)."""
    try:
        resp = client().get(base_url + health_path(engine), timeout=timeout_s)
    except httpx.HTTPError:
        return Readiness.NOT_LISTENING
    if resp.status_code == 200:
        return Readiness.READY
    return Readiness.LOADING


def foreign_sentence(port: int) -> str:
    """What the user reads when another program answers where our engine should."""
    return (
        f"Another program is already answering on port {port}, so nothing was measured; "
        "stop that program or choose another port."
    )


@dataclass(frozen=True)
class Ours:
    """How to recognise the engine we started: its process id, port and model file."""

    pid: int | None
    port: int
    model: str | None = None  # the GGUF path llama-server was given; None for Ollama

    @classmethod
    def started(cls, spec: LaunchSpec, pid: int | None) -> Ours:
        """The engine `spec` started as process `pid`."""
        return cls(pid, spec.port, spec.model)

    def owns_port(self) -> bool | None:
        """True when our process (or a child of it) listens on the port; None: cannot tell."""
        if self.pid is None:
            return None
        try:
            root = psutil.Process(self.pid)
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return False
        except psutil.AccessDenied:
            return None
        denied = False
        for proc in family:
            try:
                listing = getattr(proc, "net_connections", None) or proc.connections
                connections = listing(kind="inet")
            except psutil.NoSuchProcess:
                continue
            except psutil.AccessDenied:
                denied = True
                continue
            if any(
                c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == self.port
                for c in connections
            ):
                return True
        return None if denied else False

    def serves_our_model(self, base_url: str, timeout_s: float = 1.0) -> bool | None:
        """llama-server's /props `model_path` is our file: True / False; None: not said."""
        if self.model is None:
            return None
        try:
            resp = client().get(base_url + "/props", timeout=timeout_s)
            data = resp.json() if resp.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None
        path = data.get("model_path") if isinstance(data, dict) else None
        if not isinstance(path, str) or not path:
            return None
        return _same_file(path, self.model)

    def answering(self, base_url: str) -> bool:
        """False only when we know another program is the one answering."""
        owned = self.owns_port()
        if owned is not None:
            return owned
        return self.serves_our_model(base_url) is not False


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def probe_ours(base_url: str, engine: str, ours: Ours, timeout_s: float = 1.0) -> Readiness:
    """One probe that tells our engine from another program answering on its port."""
    seen = probe(base_url, engine, timeout_s)
    if seen is Readiness.READY and not ours.answering(base_url):
        return Readiness.FOREIGN
    return seen


class NotReadyError(Exception):
    """The engine did not become ready (the message is a plain sentence)."""


class ForeignEngineError(NotReadyError):
    """Another program, not the engine we started, answers on the port."""


def wait_ready(
    base_url: str,
    engine: str,
    timeout_s: float,
    still_running: Callable[[], bool],
    interval_s: float = 0.05,
    ours: Ours | None = None,
) -> float:
    """Poll until ready; returns the seconds it took. Raises NotReadyError on timeout, exit
    or (with `ours`) when another program answers on the port."""
    start = time.monotonic()
    while True:
        alive = still_running()
        # Probed even when it has stopped: an engine that could not bind the port because
        # another program answers there is told as that, not as a crash.
        seen = probe(base_url, engine) if ours is None else probe_ours(base_url, engine, ours)
        if seen is Readiness.FOREIGN and ours is not None:
            raise ForeignEngineError(foreign_sentence(ours.port))
        if not alive:
            raise NotReadyError("The engine stopped while starting.")
        if seen is Readiness.READY:
            return time.monotonic() - start
        if time.monotonic() - start > timeout_s:
            raise NotReadyError(
                f"The engine did not become ready within {timeout_s:g} s "
                f"(no answer from {base_url}{health_path(engine)}); it was stopped."
            )
        time.sleep(interval_s)
