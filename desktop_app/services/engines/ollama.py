"""Talk to an Ollama server: is one running, which models it has, pulling a model."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from desktop_app.services.engines.clients import StreamError, ndjson_stream
from desktop_app.services.engines.http import client
from desktop_app.services.engines.specs import parse_ollama_host


@dataclass(frozen=True)
class RunningOllama:
    """An Ollama server that answered, and its version."""

    base_url: str
    version: str


@dataclass(frozen=True)
class OllamaModel:
    """One installed model from /api/tags."""

    name: str
    size_bytes: int | None
    parameter_size: str | None
    quantization: str | None
    family: str | None
    modified_at: str | None


@dataclass(frozen=True)
class PullProgress:
    """One progress line of /api/pull."""

    status: str
    completed: int | None
    total: int | None

    @property
    def fraction(self) -> float | None:
        """0..1 when the line has byte counts."""
        if not self.total:
            return None
        return min((self.completed or 0) / self.total, 1.0)


def candidate_urls(env: dict[str, str] | None = None) -> list[str]:
    """Where an Ollama may already answer: OLLAMA_HOST when set (as Ollama's own CLI
    does), else 127.0.0.1:11434."""
    env = dict(os.environ) if env is None else env
    host, port = parse_ollama_host(env.get("OLLAMA_HOST"))
    bracketed = f"[{host}]" if ":" in host else host
    return [f"http://{bracketed}:{port}"]


def default_port(env: dict[str, str] | None = None) -> int:
    """The port Ollama would use here (from OLLAMA_HOST, else 11434)."""
    env = dict(os.environ) if env is None else env
    return parse_ollama_host(env.get("OLLAMA_HOST"))[1]


def version_at(base_url: str, timeout_s: float = 0.5) -> str | None:
    """The version an Ollama at `base_url` reports, or None when nothing Ollama answers."""
    try:
        resp = client().get(base_url + "/api/version", timeout=timeout_s)
        if resp.status_code != 200:
            return None
        data = resp.json()
    except (httpx.HTTPError, ValueError):
        return None
    version = data.get("version") if isinstance(data, dict) else None
    return str(version) if version else None


def find_running(env: dict[str, str] | None = None) -> RunningOllama | None:
    """An Ollama already answering at OLLAMA_HOST or 127.0.0.1:11434 (we reuse it)."""
    for url in candidate_urls(env):
        version = version_at(url)
        if version:
            return RunningOllama(url, version)
    return None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def list_models(base_url: str, timeout_s: float = 5.0) -> list[OllamaModel]:
    """The models this Ollama has installed (/api/tags)."""
    try:
        resp = client().get(base_url + "/api/tags", timeout=timeout_s)
        resp.raise_for_status()
        data = resp.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise StreamError(f"Could not list Ollama's models ({exc}).") from None
    models: list[OllamaModel] = []
    found = data.get("models") if isinstance(data, dict) else None
    for item in found if isinstance(found, list) else []:
        item = item if isinstance(item, dict) else {}
        name = _text(item.get("name")) or _text(item.get("model"))
        if name is None:
            continue  # null or a nameless entry: nothing to list
        found_details = item.get("details")
        details = found_details if isinstance(found_details, dict) else {}
        models.append(
            OllamaModel(
                name=name,
                size_bytes=_int_or_none(item.get("size")),
                parameter_size=_text(details.get("parameter_size")),
                quantization=_text(details.get("quantization_level")),
                family=_text(details.get("family")),
                modified_at=_text(item.get("modified_at")),
            )
        )
    return models


def _text(value: object) -> str | None:
    """A non-empty string, or None (JSON null and other types count as unknown)."""
    return value if isinstance(value, str) and value else None


def pull(
    base_url: str,
    name: str,
    *,
    cancel: threading.Event | None = None,
    on_progress: Callable[[PullProgress], None] | None = None,
    read_timeout_s: float = 300.0,
) -> bool:
    """Pull `name` with streamed progress; True when done, False when cancelled."""
    if not name.strip():
        raise StreamError("Type the name of the model to pull, e.g. llama3.2.")
    events: Iterator[dict[str, Any] | None] = ndjson_stream(
        base_url + "/api/pull", {"model": name.strip(), "stream": True}, read_timeout_s, cancel
    )
    last = ""
    for event in events:
        if event is None:
            return False
        last = str(event.get("status", ""))
        if on_progress is not None:
            on_progress(
                PullProgress(
                    last, _int_or_none(event.get("completed")), _int_or_none(event.get("total"))
                )
            )
    if last != "success":
        raise StreamError(f"The pull of {name} ended without success (last status: {last}).")
    return True
