"""One loop that reads and measures a streamed answer, with one extractor per protocol.

A protocol is two small parts: a line parser (SSE for llama-server and OpenAI-style
routes, NDJSON for Ollama) that turns lines into event objects or raises the engine's
own error, and an extractor that takes the text and the closing figures out of each
event. The loop (`measure`) is shared: it clocks every event (docs/fit-and-metrics.md
B3), forwards text, honours cancel and says so when the stream ends without its last
event.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from desktop_app.domain.trial.metrics import (
    ServerFigures,
    StreamClock,
    TrialMetrics,
    compute_metrics,
    parse_llama_timings,
    parse_ollama_final,
)
from desktop_app.services.engines.cancel import Cancel
from desktop_app.services.engines.http import stream_client

TextSink = Callable[[str], None]
MAX_LINE_CHARS = 1 << 22  # one stream line (4 MiB): an endless line ends the answer
Event = dict[str, Any]


class StreamError(Exception):
    """The answer could not be streamed; the message is one plain sentence."""


@dataclass(frozen=True)
class Answer:
    """The streamed text and its measurements."""

    text: str
    metrics: TrialMetrics


# --- reading lines -------------------------------------------------------------------


def _timeout(read_s: float) -> httpx.Timeout:
    return httpx.Timeout(connect=5.0, read=read_s, write=10.0, pool=5.0)


def _error_message(data: object) -> str | None:
    """The message of an engine error object: {"error": {...}}, {"error": "..."} or {...}."""
    if not isinstance(data, dict):
        return None
    err = data.get("error", data if "message" in data else None)
    if isinstance(err, dict):
        return str(err.get("message", err))
    return str(err) if err else None


def _error_text(resp: httpx.Response) -> str:
    try:
        resp.read()
        data = resp.json()
    except (json.JSONDecodeError, httpx.HTTPError, UnicodeDecodeError):
        return resp.text[:200] if resp.is_closed else f"HTTP {resp.status_code}"
    return _error_message(data) or f"HTTP {resp.status_code}"


def _broken(exc: Exception) -> StreamError:
    return StreamError(
        "The engine stopped answering in the middle of the reply "
        f"(the connection ended: {exc.__class__.__name__}); it may have crashed."
    )


class _CancelledError(Exception):
    """The user cancelled while the read was blocked (its socket was shut down)."""


@contextlib.contextmanager
def _stream_errors(
    who: str, url: str, read_s: float, cancel: threading.Event | None
) -> Iterator[None]:
    """Turn httpx failures of a streamed request into one plain StreamError sentence."""
    try:
        yield
    except httpx.HTTPError as exc:
        if cancel is not None and cancel.is_set():
            raise _CancelledError from None  # our own shutdown woke the read
        if isinstance(exc, httpx.ConnectError):
            raise StreamError(f"Could not reach {who} at {url} ({exc}).") from None
        if isinstance(exc, httpx.TimeoutException):
            raise StreamError(
                f"{who[0].upper()}{who[1:]} sent nothing for {read_s:g} s; gave up."
            ) from None
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
            raise _broken(exc) from None
        raise


class _Hangup:
    """Keeps the socket of one streamed request, to shut it down from another thread.

    httpx's `trace` request extension reports each new connection
    ("connection.connect_tcp.complete", with the network stream); the stream client
    opens a fresh connection per request, so every stream is seen here.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._hung_up = False

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._socket = sock
            late = self._hung_up
        if late:
            _shut(sock)

    def __call__(self) -> None:
        with self._lock:
            self._hung_up = True
            sock = self._socket
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _json_event(text: str, who: str, error_text: Callable[[Event], str]) -> Event | None:
    """The JSON object on one line, or None when there is none; an {"error"} object raises."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(obj, dict):
        return None
    if obj.get("error") is not None:  # `"error": null` is no error
        raise StreamError(f"{who} reported an error: {error_text(obj)}.")
    return obj


class LineParser(Protocol):
    """Turns one line into an event, None (nothing yet) or a StreamError; may end the stream."""

    done: bool

    def __call__(self, line: str) -> Event | None: ...


@dataclass
class SseParser:
    """Server-sent events as llama-server writes them (docs/engines.md §5.4-5.5, §5.7).

    `data: {json}` carries a chunk and `data: [DONE]` ends the OpenAI-style stream. An
    error after the headers were sent cannot change the status any more, so llama-server
    writes it as its own event: a line `error: {"code":400,"message":...,"type":...}`
    (its `server_sent_event(sink, "error", ...)`), or, in the standard form, an
    `event: error` line followed by `data: {...}`. Both raise the engine's message.
    """

    who: str = "The engine"
    done: bool = False
    _event: str = ""

    def __call__(self, line: str) -> Event | None:
        field_name, _, value = line.partition(":")
        value = value.strip()
        if field_name == "event":
            self._event = value
            return None
        if field_name == "error" or (field_name == "data" and self._event == "error"):
            raise StreamError(f"{self.who} reported an error: {self._message(value)}.")
        if field_name != "data":
            return None
        if value == "[DONE]":
            self.done = True
            return None
        return _json_event(value, self.who, lambda _obj: self._message(value))

    @staticmethod
    def _message(value: str) -> str:
        try:
            data = json.loads(value)
        except json.JSONDecodeError:
            return value or "no details"
        return (_error_message(data) or value).rstrip(".")


@dataclass
class NdjsonParser:
    """One JSON object a line (Ollama, docs/engines.md §6); a mid-stream {"error"} raises."""

    who: str = "Ollama"
    done: bool = False

    def __call__(self, line: str) -> Event | None:
        if not line.strip():
            return None
        return _json_event(line, self.who, lambda obj: str(obj["error"]))


def read_events(
    url: str,
    body: dict[str, Any],
    read_s: float,
    cancel: threading.Event | None,
    parser: LineParser,
    *,
    who: str,
    not_found: Callable[[str], str] | None = None,
) -> Iterator[Event | None]:
    """POST `body` and yield each event; a final None means 'cancelled'. Errors raise.

    With a `Cancel`, setting it shuts the socket down, so even a server that sends no
    byte at all lets go at once; a plain Event is seen between chunks only.
    """
    if cancel is not None and cancel.is_set():
        yield None
        return
    hangup = _Hangup()
    unhook = cancel.on_set(hangup) if isinstance(cancel, Cancel) else (lambda: None)
    try:
        yield from _events(url, body, read_s, cancel, parser, who, not_found, hangup.trace)
    except _CancelledError:
        yield None
    finally:
        unhook()


def _events(
    url: str,
    body: dict[str, Any],
    read_s: float,
    cancel: threading.Event | None,
    parser: LineParser,
    who: str,
    not_found: Callable[[str], str] | None,
    trace: Callable[[str, dict[str, Any]], None],
) -> Iterator[Event | None]:
    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    with (
        _stream_errors(who, url, read_s, cancel),
        stream_client().stream(
            "POST", url, json=body, timeout=_timeout(read_s), extensions={"trace": trace}
        ) as resp,
    ):
        if cancelled():
            raise _CancelledError
        if resp.status_code != 200:
            message = _error_text(resp)
            if resp.status_code == 404 and not_found is not None:
                raise StreamError(not_found(message))
            raise StreamError(f"{who[0].upper()}{who[1:]} refused the request: {message}.")
        # Lines are split here rather than by iter_lines so that every chunk, even one byte
        # of a slow trickle, is a chance to honour cancel and the stall limit: an answer
        # that brings no event for `read_s` seconds ends with a sentence (httpx's read
        # timeout only catches a connection that sends no byte at all).
        last_event = time.monotonic()
        pending = ""
        for chunk in resp.iter_text():
            if cancelled():
                raise _CancelledError
            *lines, pending = (pending + chunk).split("\n")
            for line in lines:
                event = parser(line.rstrip("\r"))
                if event is not None:
                    last_event = time.monotonic()
                    yield event
                if parser.done:
                    return
            if time.monotonic() - last_event > read_s:
                raise StreamError(
                    f"{who[0].upper()}{who[1:]} sent no answer text for {read_s:g} s "
                    "(only a trickle of bytes); gave up."
                )
            if len(pending) > MAX_LINE_CHARS:
                raise StreamError(f"{who[0].upper()}{who[1:]} sent a line too long to read.")
        if cancelled():  # the shutdown can also read as a clean end of the body
            raise _CancelledError
        if pending.strip():
            event = parser(pending.rstrip("\r"))
            if event is not None:
                yield event


# --- taking text and figures out of events -------------------------------------------
# An engine may send JSON null (or another type) for any field: a field that is not what
# the protocol says counts as absent, so nothing crashes and its figure stays unknown.


def _obj(value: object) -> Event:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


class Extractor(Protocol):
    """Per-protocol reading of one event: its text, whether it closes, the figures."""

    unfinished: str  # the sentence when the stream ends without its last event

    def text(self, event: Event) -> str: ...

    def finished(self) -> bool: ...

    def figures(self) -> ServerFigures | None: ...


@dataclass
class LlamaChatExtractor:
    """/v1/chat/completions chunks (docs/engines.md §5.5)."""

    unfinished: str = (
        "The engine stopped answering in the middle of the reply (the stream ended "
        "without its last event); it may have crashed."
    )
    _finished: bool = False
    _timings: Event | None = None
    _usage: Event | None = None

    def text(self, event: Event) -> str:
        choices = event.get("choices")
        choice = _obj(choices[0]) if isinstance(choices, list) and choices else {}
        if choice.get("finish_reason"):
            self._finished = True
        self._keep(event)
        return _str(_obj(choice.get("delta")).get("content"))

    def _keep(self, event: Event) -> None:
        if isinstance(event.get("timings"), dict):
            self._timings = event["timings"]
        if isinstance(event.get("usage"), dict):
            self._usage = event["usage"]

    def finished(self) -> bool:
        return self._finished

    def figures(self) -> ServerFigures | None:
        return parse_llama_timings(self._timings, self._usage)


@dataclass
class LlamaCompletionExtractor(LlamaChatExtractor):
    """/completion events: `content`, and `stop: true` on the last (docs/engines.md §5.4)."""

    def text(self, event: Event) -> str:
        self._finished = self._finished or event.get("stop") is True
        self._keep(event)
        return _str(event.get("content"))


@dataclass
class OllamaChatExtractor:
    """/api/chat lines: `message.content`, and `done: true` with the metrics last (§6)."""

    unfinished: str = (
        "Ollama stopped answering in the middle of the reply (no final line); it may have crashed."
    )
    _final: Event | None = field(default=None)

    def text(self, event: Event) -> str:
        if event.get("done") is True:
            self._final = event
        return _str(_obj(event.get("message")).get("content"))

    def finished(self) -> bool:
        return self._final is not None

    def figures(self) -> ServerFigures | None:
        return parse_ollama_final(self._final)


def measure(
    events: Iterator[Event | None],
    extractor: Extractor,
    clock: Callable[[], float],
    on_text: TextSink | None,
) -> Answer:
    """The one measuring loop: clock each event, collect and forward text, check the end."""
    stream_clock = StreamClock(t_send=clock())
    parts: list[str] = []
    cancelled = False
    for event in events:
        now = clock()
        if event is None:
            cancelled = True
            break
        content = extractor.text(event)
        stream_clock.event(now, content)
        if content:
            parts.append(content)
            if on_text is not None:
                on_text(content)
    if not cancelled and not extractor.finished():
        raise StreamError(extractor.unfinished)
    return Answer("".join(parts), compute_metrics(stream_clock, extractor.figures(), cancelled))
