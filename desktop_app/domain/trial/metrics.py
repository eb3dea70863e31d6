"""Trial metrics: client-side timings of one streamed answer and server-reported figures.

Definitions follow docs/fit-and-metrics.md part B3: times come from a monotonic clock, TTFT runs
to the first non-empty content, decode tok/s = (N − 1) / (E2E − TTFT) with N from the
server's own count. Nothing here reads a clock or the network: callers pass timestamps.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ServerFigures:
    """What the engine itself reported for one answer (None where it said nothing)."""

    source: str  # "llama-server timings", "Ollama eval_* fields", "usage only"
    prompt_tokens: int | None = None
    output_tokens: int | None = None
    prompt_ms: float | None = None
    decode_ms: float | None = None
    prompt_tokens_per_s: float | None = None
    decode_tokens_per_s: float | None = None
    load_ms: float | None = None
    total_ms: float | None = None
    cached_prompt_tokens: int | None = None

    @property
    def decode_tokens_per_s_corrected(self) -> float | None:
        """The server's decode rate corrected by (N − 1)/N (its timer skips the first token)."""
        n, rate = self.output_tokens, self.decode_tokens_per_s
        if n is None or rate is None or n < 2:
            return None
        return rate * (n - 1) / n

    def to_json(self) -> dict[str, Any]:
        """A JSON object (None stays null, never 0)."""
        return asdict(self)


@dataclass
class StreamClock:
    """Timestamps of one streamed answer, fed by the caller from a monotonic clock."""

    t_send: float
    t_first_event: float | None = None
    t_first_content: float | None = None
    t_last_content: float | None = None
    content_events: int = 0
    gaps_s: list[float] = field(default_factory=list)

    def event(self, now: float, content: str) -> None:
        """Record one stream event arriving at `now` carrying `content` (may be empty)."""
        if self.t_first_event is None:
            self.t_first_event = now
        if not content:
            return
        if self.t_first_content is None:
            self.t_first_content = now
        elif self.t_last_content is not None:
            self.gaps_s.append(now - self.t_last_content)
        self.t_last_content = now
        self.content_events += 1


@dataclass(frozen=True)
class TrialMetrics:
    """Client-side figures for one answer, plus the server's own figures beside them."""

    ttft_ms: float | None
    e2e_ms: float | None
    output_tokens: int | None
    output_tokens_counted: bool  # True when N came from counting stream events, not the server
    decode_tokens_per_s: float | None
    prompt_tokens: int | None
    prompt_tokens_per_s: float | None
    server: ServerFigures | None
    cancelled: bool = False

    def to_json(self) -> dict[str, Any]:
        """The keys the CLI prints and the trial payload stores."""
        return {
            "ttft_ms": _round(self.ttft_ms),
            "e2e_ms": _round(self.e2e_ms),
            "output_tokens": self.output_tokens,
            "output_tokens_counted": self.output_tokens_counted,
            "decode_tokens_per_s": _round(self.decode_tokens_per_s),
            "prompt_tokens": self.prompt_tokens,
            "prompt_tokens_per_s": _round(self.prompt_tokens_per_s),
            "cancelled": self.cancelled,
            "server": self.server.to_json() if self.server else None,
        }


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def compute_metrics(
    clock: StreamClock, server: ServerFigures | None, cancelled: bool = False
) -> TrialMetrics:
    """Client metrics from the stream clock, with N (and prompt size) from the server."""
    ttft_s = None if clock.t_first_content is None else clock.t_first_content - clock.t_send
    e2e_s = None if clock.t_last_content is None else clock.t_last_content - clock.t_send
    n = server.output_tokens if server else None
    counted = n is None
    if n is None and clock.content_events:
        n = clock.content_events  # fallback, flagged: events may merge several tokens
    decode = None
    if n is not None and n >= 2 and ttft_s is not None and e2e_s is not None and e2e_s > ttft_s:
        decode = (n - 1) / (e2e_s - ttft_s)
    prompt_tokens = server.prompt_tokens if server else None
    prompt_rate = None
    if server is not None and prompt_tokens and ttft_s and ttft_s > 0:
        # Client view of prefill: the uncached prompt tokens over the wait for the first token.
        uncached = prompt_tokens - (server.cached_prompt_tokens or 0)
        prompt_rate = uncached / ttft_s if uncached > 0 else None
    return TrialMetrics(
        ttft_ms=None if ttft_s is None else ttft_s * 1000,
        e2e_ms=None if e2e_s is None else e2e_s * 1000,
        output_tokens=n,
        output_tokens_counted=counted and n is not None,
        decode_tokens_per_s=decode,
        prompt_tokens=prompt_tokens,
        prompt_tokens_per_s=prompt_rate,
        server=server,
        cancelled=cancelled,
    )


def _num(data: dict[str, Any], key: str) -> float | None:
    """A figure the engine reported; null, another type, NaN, ±inf or < 0 are unknown."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value < 0:
        return None
    return float(value)


def _int(data: dict[str, Any], key: str) -> int | None:
    value = _num(data, key)
    return None if value is None else int(value)


def parse_llama_timings(
    timings: dict[str, Any] | None, usage: dict[str, Any] | None = None
) -> ServerFigures | None:
    """llama-server's `timings` (and OpenAI `usage`) as ServerFigures."""
    t = timings if isinstance(timings, dict) else {}
    u = usage if isinstance(usage, dict) else {}
    if not t and not u:
        return None
    prompt_n = _int(t, "prompt_n")
    cache_n = _int(t, "cache_n")
    prompt_tokens = _int(u, "prompt_tokens")
    if prompt_tokens is None and prompt_n is not None:
        prompt_tokens = prompt_n + (cache_n or 0)
    output = _int(t, "predicted_n")
    if output is None:
        output = _int(u, "completion_tokens")
    prompt_ms, decode_ms = _num(t, "prompt_ms"), _num(t, "predicted_ms")
    details = u.get("prompt_tokens_details")
    cached = cache_n
    if cached is None and isinstance(details, dict):
        cached = _int(details, "cached_tokens")
    return ServerFigures(
        source="llama-server timings" if t else "usage only",
        prompt_tokens=prompt_tokens,
        output_tokens=output,
        prompt_ms=prompt_ms,
        decode_ms=decode_ms,
        prompt_tokens_per_s=_num(t, "prompt_per_second"),
        decode_tokens_per_s=_num(t, "predicted_per_second"),
        # The server's own generation time: prefill plus decode (no HTTP, no queueing).
        total_ms=prompt_ms + decode_ms if prompt_ms is not None and decode_ms is not None else None,
        cached_prompt_tokens=cached,
    )


def _ns_to_ms(data: dict[str, Any], key: str) -> float | None:
    value = _num(data, key)
    return None if value is None else value / 1e6


def parse_ollama_final(final: dict[str, Any] | None) -> ServerFigures | None:
    """Ollama's final stream line (`done: true`; durations in nanoseconds) as ServerFigures."""
    if not isinstance(final, dict) or final.get("done") is not True:
        return None
    eval_count = _int(final, "eval_count")
    eval_ms = _ns_to_ms(final, "eval_duration")
    prompt_count = _int(final, "prompt_eval_count")
    prompt_ms = _ns_to_ms(final, "prompt_eval_duration")
    decode = eval_count / eval_ms * 1000 if eval_count and eval_ms else None
    prompt = prompt_count / prompt_ms * 1000 if prompt_count and prompt_ms else None
    return ServerFigures(
        source="Ollama eval_* fields",
        prompt_tokens=prompt_count,
        output_tokens=eval_count,
        prompt_ms=prompt_ms,
        decode_ms=eval_ms,
        prompt_tokens_per_s=prompt,
        decode_tokens_per_s=decode,
        load_ms=_ns_to_ms(final, "load_duration"),
        total_ms=_ns_to_ms(final, "total_duration"),
    )
