"""Streaming HTTP clients: llama-server (SSE) and Ollama (NDJSON), measured as they stream.

Each call blocks until the answer ends, is cancelled (`cancel.set()`, checked between
events) or fails; text arrives through `on_text` as it streams. The reading and the
measuring loop live in streams.py; here are only the requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from desktop_app.services.engines.streams import (
    Answer,
    Event,
    Extractor,
    LlamaChatExtractor,
    LlamaCompletionExtractor,
    NdjsonParser,
    OllamaChatExtractor,
    SseParser,
    StreamError,
    TextSink,
    measure,
    read_events,
)

__all__ = ["Answer", "StreamError", "ndjson_stream", "stream_llama", "stream_ollama"]


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
    extractor: Extractor
    if api == "chat":
        url = base_url + "/v1/chat/completions"
        body: dict[str, Any] = {
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": max_tokens,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        extractor = LlamaChatExtractor()
    else:
        url = base_url + "/completion"
        body = {"prompt": prompt, "n_predict": max_tokens, "stream": True}
        extractor = LlamaCompletionExtractor()
    if temperature is not None:
        body["temperature"] = temperature
    if ignore_eos:
        body["ignore_eos"] = True  # a fixed N_out, as benchmarks want (docs/fit-and-metrics.md B3)
    events = read_events(url, body, read_timeout_s, cancel, SseParser(), who="the engine")
    return measure(events, extractor, clock, on_text)


def ndjson_stream(
    url: str,
    body: dict[str, Any],
    read_s: float,
    cancel: threading.Event | None,
    not_found: Callable[[str], str] | None = None,
) -> Iterator[Event | None]:
    """Yields each NDJSON object from Ollama; a final None means 'cancelled'. Errors raise."""
    return read_events(url, body, read_s, cancel, NdjsonParser(), who="Ollama", not_found=not_found)


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
    return measure(events, OllamaChatExtractor(), clock, on_text)
