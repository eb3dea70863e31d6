"""Is the engine ready? One probe (for the GUI's timer) or a polling wait (for the CLI)."""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum

import httpx

from desktop_app.services.engines.http import client


class Readiness(Enum):
    """What one probe saw."""

    NOT_LISTENING = "not listening yet"
    LOADING = "loading the model"
    READY = "ready"


def health_path(engine: str) -> str:
    """llama-server answers /health (503 while loading); Ollama answers /api/version."""
    return "/api/version" if engine == "ollama" else "/health"


def probe(base_url: str, engine: str, timeout_s: float = 1.0) -> Readiness:
    """Ask the engine once whether it is ready."""
    try:
        resp = client().get(base_url + health_path(engine), timeout=timeout_s)
    except httpx.HTTPError:
        return Readiness.NOT_LISTENING
    if resp.status_code == 200:
        return Readiness.READY
    return Readiness.LOADING


class NotReadyError(Exception):
    """The engine did not become ready (the message is a plain sentence)."""


def wait_ready(
    base_url: str,
    engine: str,
    timeout_s: float,
    still_running: Callable[[], bool],
    interval_s: float = 0.05,
) -> float:
    """Poll until ready; returns the seconds it took. Raises NotReadyError on timeout or exit."""
    start = time.monotonic()
    while True:
        if not still_running():
            raise NotReadyError("The engine stopped while starting.")
        if probe(base_url, engine) is Readiness.READY:
            return time.monotonic() - start
        if time.monotonic() - start > timeout_s:
            raise NotReadyError(
                f"The engine did not become ready within {timeout_s:g} s "
                f"(no answer from {base_url}{health_path(engine)}); it was stopped."
            )
        time.sleep(interval_s)
