"""One streamed OpenAI-compatible request, timed as docs/benchmark-metrics.md defines it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from desktop_app.domain.bench.metrics import RequestRecord

ERROR_SENTENCES = {
    "refused": "the endpoint refused the connection (nothing listens there)",
    "timeout": "the endpoint did not answer in time",
    "stalled": "the stream stopped sending in the middle of an answer",
    "dropped": "the stream ended before its last event",
    "http_4xx": "the endpoint rejected the request",
    "http_5xx": "the endpoint failed the request (server error)",
    "not_openai": "the answer is not an OpenAI-compatible stream",
    "no_content": "the answer held no text",
}

DRAIN_S = 1.0  # how long the rest of a finished answer may take before its connection is dropped


@dataclass(frozen=True)
class RequestSpec:
    """What to send: URL, body (prompt inside) and the run's clock origin."""

    url: str
    body: dict[str, Any]
    chat: bool


def build_body(
    chat: bool, model: str, prompt: str, max_tokens: int, ignore_eos: bool
) -> dict[str, Any]:
    """The request body: streaming with usage in the final chunk, output length forced."""
    body: dict[str, Any] = {
        "model": model,
        "max_tokens": max_tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": 0.0,
    }
    if chat:
        body["messages"] = [{"role": "user", "content": prompt}]
    else:
        body["prompt"] = prompt
    if ignore_eos:
        body["ignore_eos"] = True  # llama-server, vLLM and SGLang accept it
    return body


def _content(event: dict[str, Any], chat: bool) -> tuple[str, bool]:
    """The text an SSE chunk carries, and whether it ends the answer."""
    choices = event.get("choices")
    if not isinstance(choices, list) or not choices:
        return "", False
    first = choices[0] if isinstance(choices[0], dict) else {}
    if chat:
        delta = first.get("delta") or {}
        text = delta.get("content") if isinstance(delta, dict) else None
    else:
        text = first.get("text")
    return (text if isinstance(text, str) else ""), bool(first.get("finish_reason"))


async def send(
    client: httpx.AsyncClient,
    spec: RequestSpec,
    step: int,
    origin: float,
    in_flight: int,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[RequestRecord, str | None]:
    """Send one request; returns its record and, on a refusal, the server's message.

    t_send is when the request starts going out: when its connection starts opening if it
    needs a new one, else when its head starts being written (httpcore's trace events). The
    client's own request building and pool bookkeeping before that are not the server's time.
    """
    t_send = clock()
    went_out = False
    connected = False  # this request opened its own connection (not a kept-alive one)

    async def trace(name: str, info: dict[str, Any]) -> None:
        nonlocal t_send, went_out, connected
        if not name.endswith(".started"):
            return
        connected = connected or name.startswith("connection.connect_")
        if went_out:
            return
        if name.startswith("connection.connect_") or name.endswith("send_request_headers.started"):
            t_send = clock()
            went_out = True

    request = client.build_request("POST", spec.url, json=spec.body, extensions={"trace": trace})
    first: float | None = None
    last: float | None = None
    gaps: list[float] = []
    events = 0
    finished = False
    usage: dict[str, Any] | None = None
    timings: dict[str, Any] | None = None
    done = False

    def record(error: str | None) -> RequestRecord:
        n_server = None
        if usage is not None and isinstance(usage.get("completion_tokens"), int):
            n_server = int(usage["completion_tokens"])
        if timings is not None and isinstance(timings.get("predicted_n"), int):
            n_server = int(timings["predicted_n"])
        prompt_tokens = usage.get("prompt_tokens") if usage else None
        if error is None and first is None:
            error = "no_content"
        return RequestRecord(
            step=step,
            t_send=t_send - origin,
            ttft_s=None if first is None else first - t_send,
            e2e_s=None if last is None else last - t_send,
            output_tokens=n_server if n_server is not None else (events or None),
            tokens_from_server=n_server is not None,
            prompt_tokens=prompt_tokens if isinstance(prompt_tokens, int) else None,
            gaps_s=tuple(gaps),
            error=error,
            in_flight=in_flight,
            server_timings={
                k: float(v)
                for k, v in timings.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            }
            if timings
            else None,
        )

    try:
        try:
            answer = await client.send(request, stream=True)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            if connected:
                raise
            # A kept-alive connection the server had closed in the meantime (llama-server
            # closes one after a few requests): nothing was answered, so it goes once more,
            # on a new connection, its TTFT counted from then.
            went_out = False
            answer = await client.send(request, stream=True)
        async with contextlib.aclosing(answer) as resp:
            if resp.status_code != 200:
                raw = (await resp.aread())[:400].decode("utf-8", "replace")
                kind = "http_5xx" if resp.status_code >= 500 else "http_4xx"
                return record(kind), _message(raw, resp.status_code)
            ctype = resp.headers.get("content-type", "")
            if "event-stream" not in ctype and "json" not in ctype:
                return record("not_openai"), None
            # Raw byte chunks, split into SSE lines here: every event in a chunk is stamped
            # with the chunk's arrival, and the per-line cost stays low under heavy load.
            buf = b""
            pieces = resp.aiter_bytes()
            async for piece in pieces:
                now = clock()
                buf += piece
                while not done:
                    cut = buf.find(b"\n")
                    if cut < 0:
                        break
                    line, buf = buf[:cut].strip(), buf[cut + 1 :]
                    if not line.startswith(b"data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == b"[DONE]":
                        done = True
                        break
                    try:
                        event = json.loads(payload)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        return record("not_openai"), None
                    if not isinstance(event, dict):
                        return record("not_openai"), None
                    if "error" in event:
                        return record("http_5xx"), _message(json.dumps(event), 200)
                    text, ends = _content(event, spec.chat)
                    finished = finished or ends
                    if text:
                        if first is None:
                            first = now
                        elif last is not None:
                            gaps.append(now - last)
                        last = now
                        events += 1
                    if isinstance(event.get("usage"), dict):
                        usage = event["usage"]
                    if isinstance(event.get("timings"), dict):
                        timings = event["timings"]
                    if isinstance(event.get("x_timing"), dict):  # the test server's own stamps
                        timings = {
                            **(timings or {}),
                            **{f"x_{k}": v for k, v in event["x_timing"].items()},
                        }
                if done:
                    break
            if done:
                # Read the response to its end (the chunked body's terminator follows [DONE]),
                # so the connection goes back to the pool instead of being closed: a new
                # connection per request would add its setup to the next request's TTFT.
                with contextlib.suppress(TimeoutError, httpx.HTTPError):
                    await asyncio.wait_for(_drain(pieces), DRAIN_S)
    except httpx.ConnectError:
        return record("refused"), None
    except (httpx.ConnectTimeout, httpx.PoolTimeout):
        return record("timeout"), None
    except httpx.ReadTimeout:
        return record("stalled" if first is not None else "timeout"), None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        return record("dropped"), None
    if not (done or finished):
        return record("dropped" if events else "not_openai"), None
    return record(None), None


async def _drain(pieces: AsyncIterator[bytes]) -> None:
    async for _ in pieces:
        pass


def _message(raw: str, status: int) -> str:
    """The server's own error message, or 'HTTP <status>'."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return f"HTTP {status}"
    err = data.get("error") if isinstance(data, dict) else None
    if isinstance(err, dict):
        return str(err.get("message") or f"HTTP {status}")
    return str(err) if err else f"HTTP {status}"
