"""Streaming HTTP clients: llama-server (SSE) and Ollama (NDJSON), measured as they stream.

Each call blocks until the answer ends, is cancelled (`cancel.set()`, checked between
events) or fails; text arrives through `on_text` as it streams.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from desktop_app.domain.trial.metrics import (
    ServerFigures,
    StreamClock,
    TrialMetrics,
    compute_metrics,
    parse_llama_timings,
    parse_ollama_final,
)
from desktop_app.services.engines.http import client

TextSink = Callable[[str], None]


class StreamError(Exception):
    """The answer could not be streamed; the message is one plain sentence."""


@dataclass(frozen=True)
class Answer:
    """The streamed text and its measurements."""

    text: str
    metrics: TrialMetrics


def _timeout(read_s: float) -> httpx.Timeout:
    return httpx.Timeout(connect=5.0, read=read_s, write=10.0, pool=5.0)


def _error_text(resp: httpx.Response) -> str:
    try:
        resp.read()
        data = resp.json()
    except (json.JSONDecodeError, httpx.HTTPError, UnicodeDecodeError):
        return resp.text[:200] if resp.is_closed else f"HTTP {resp.status_code}"
    err = data.get("error") if isinstance(data, dict) else None
    if isinstance(err, dict):
        return str(err.get("message", err))
    return str(err) if err else f"HTTP {resp.status_code}"


def _broken(exc: Exception) -> StreamError:
    return StreamError(
        "The engine stopped answering in the middle of the reply "
        f"(the connection ended: {exc.__class__.__name__}); it may have crashed."
    )


def stream_llama(
    base_url: str,
    prompt: str,
    max_tokens: int,
    *,
    api: str = "chat",
    cancel: threading.Event | None = None,
    on_text: TextSink | None = None,
    temperature: float | None = None,
    ignore_eos: bool = False,
    read_timeout_s: float = 120.0,
    clock: Callable[[], float] = time.monotonic,
) -> Answer:
    """One streamed answer from llama-server (`api`: "chat" or "completion")."""
    if api == "chat":
        url = base_url + "/v1/chat/completions"
        body: dict[str, Any] = {
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    else:
        url = base_url + "/completion"
        body = {"prompt": prompt, "n_predict": max_tokens, "stream": True}
    if temperature is not None:
        body["temperature"] = temperature
    if ignore_eos:
        body["ignore_eos"] = True  # a fixed N_out, as benchmarks want (docs/fit-and-metrics.md B3)
    events = _sse_events(url, body, read_timeout_s, cancel)
    return _measure_llama(events, api, clock, on_text)


@contextlib.contextmanager
def _stream_errors(who: str, url: str, read_s: float) -> Iterator[None]:
    """Turn httpx failures of a streamed request into one plain StreamError sentence."""
    try:
        yield
    except httpx.ConnectError as exc:
        raise StreamError(f"Could not reach {who} at {url} ({exc}).") from None
    except httpx.TimeoutException:
        raise StreamError(
            f"{who[0].upper()}{who[1:]} sent nothing for {read_s:g} s; gave up."
        ) from None
    except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
        raise _broken(exc) from None


def _sse_events(
    url: str, body: dict[str, Any], read_s: float, cancel: threading.Event | None
) -> Iterator[dict[str, Any] | None]:
    """Yields each SSE data object; a final None means 'cancelled'."""
    with (
        _stream_errors("the engine", url, read_s),
        client().stream("POST", url, json=body, timeout=_timeout(read_s)) as resp,
    ):
        if resp.status_code != 200:
            raise StreamError(f"The engine refused the request: {_error_text(resp)}.")
        for line in resp.iter_lines():
            if cancel is not None and cancel.is_set():
                yield None
                return
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                return
            try:
                yield json.loads(payload)
            except json.JSONDecodeError:
                continue


def _measure_llama(
    events: Iterator[dict[str, Any] | None],
    api: str,
    clock: Callable[[], float],
    on_text: TextSink | None,
) -> Answer:
    stream_clock = StreamClock(t_send=clock())
    parts: list[str] = []
    timings: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    finished = False
    cancelled = False
    for event in events:
        now = clock()
        if event is None:
            cancelled = True
            break
        if api == "chat":
            choices = event.get("choices") or []
            delta = choices[0].get("delta", {}) if choices else {}
            content = delta.get("content") or ""
            if choices and choices[0].get("finish_reason"):
                finished = True
        else:
            content = event.get("content") or ""
            finished = finished or bool(event.get("stop"))
        stream_clock.event(now, content)
        if content:
            parts.append(content)
            if on_text is not None:
                on_text(content)
        if isinstance(event.get("timings"), dict):
            timings = event["timings"]
        if isinstance(event.get("usage"), dict):
            usage = event["usage"]
    if not cancelled and not finished:
        raise StreamError(
            "The engine stopped answering in the middle of the reply (the stream ended "
            "without its last event); it may have crashed."
        )
    server = parse_llama_timings(timings, usage)
    return Answer("".join(parts), compute_metrics(stream_clock, server, cancelled))


def ndjson_stream(
    url: str,
    body: dict[str, Any],
    read_s: float,
    cancel: threading.Event | None,
    not_found: Callable[[str], str] | None = None,
) -> Iterator[dict[str, Any] | None]:
    """Yields each NDJSON object; a final None means 'cancelled'. Mid-stream errors raise."""
    with (
        _stream_errors("Ollama", url, read_s),
        client().stream("POST", url, json=body, timeout=_timeout(read_s)) as resp,
    ):
        if resp.status_code != 200:
            message = _error_text(resp)
            if resp.status_code == 404 and not_found is not None:
                raise StreamError(not_found(message))
            raise StreamError(f"Ollama refused the request: {message}.")
        for line in resp.iter_lines():
            if cancel is not None and cancel.is_set():
                yield None
                return
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict) and "error" in obj:
                raise StreamError(f"Ollama reported an error: {obj['error']}.")
            yield obj


def stream_ollama(
    base_url: str,
    model: str,
    prompt: str,
    max_tokens: int,
    *,
    cancel: threading.Event | None = None,
    on_text: TextSink | None = None,
    temperature: float | None = None,
    read_timeout_s: float = 300.0,
    clock: Callable[[], float] = time.monotonic,
) -> Answer:
    """One streamed chat answer from Ollama's /api/chat."""
    options: dict[str, Any] = {"num_predict": max_tokens}
    if temperature is not None:
        options["temperature"] = temperature
    body = {
        "model": model,
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
        "options": options,
    }
    events = ndjson_stream(
        base_url + "/api/chat",
        body,
        read_timeout_s,
        cancel,
        not_found=lambda m: f"Ollama has no model {model!r} ({m}); pull it first.",
    )
    stream_clock = StreamClock(t_send=clock())
    parts: list[str] = []
    final: dict[str, Any] | None = None
    cancelled = False
    for event in events:
        now = clock()
        if event is None:
            cancelled = True
            break
        message = event.get("message") or {}
        content = message.get("content") or "" if isinstance(message, dict) else ""
        stream_clock.event(now, content)
        if content:
            parts.append(content)
            if on_text is not None:
                on_text(content)
        if event.get("done"):
            final = event
    if not cancelled and final is None:
        raise StreamError(
            "Ollama stopped answering in the middle of the reply (no final line); "
            "it may have crashed."
        )
    server: ServerFigures | None = parse_ollama_final(final)
    return Answer("".join(parts), compute_metrics(stream_clock, server, cancelled))
