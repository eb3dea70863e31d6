"""Load-benchmark metrics over raw per-request timings (definitions: docs/benchmark-metrics.md).

Pure Python: callers pass the timings; nothing here reads a clock or the network.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

DOC = "docs/benchmark-metrics.md"
SLO_NAMES = ("ttft_ms", "tpot_ms", "e2el_ms")
FEW_SAMPLES = 10
MAX_ERROR_SHARE = 0.05  # a step failing more requests than this never "meets the targets"


@dataclass(frozen=True)
class RequestRecord:
    """One request's raw timings, in seconds from the run's start (None: never happened)."""

    step: int
    t_send: float
    ttft_s: float | None = None  # to the first non-empty content
    e2e_s: float | None = None  # to the last content event
    output_tokens: int | None = None
    tokens_from_server: bool = False
    prompt_tokens: int | None = None
    gaps_s: tuple[float, ...] = ()  # between consecutive content events (ITL, jitter only)
    error: str | None = None  # an error kind (docs/benchmark-metrics.md "Errors")
    in_flight: int = 0  # requests in flight when this one was sent (itself included)
    server_timings: dict[str, float] | None = None  # llama-server `timings`, as sent

    @property
    def ok(self) -> bool:
        """Completed with at least one content event."""
        return self.error is None and self.ttft_s is not None and self.e2e_s is not None

    @property
    def t_end(self) -> float | None:
        """When the last content arrived (run clock)."""
        return None if self.e2e_s is None else self.t_send + self.e2e_s

    @property
    def tpot_s(self) -> float | None:
        """(E2E − TTFT) / (N − 1), unknown for N < 2."""
        n = self.output_tokens
        if not self.ok or n is None or n < 2:
            return None
        assert self.e2e_s is not None and self.ttft_s is not None
        return (self.e2e_s - self.ttft_s) / (n - 1)

    def to_json(self) -> dict[str, Any]:
        """A JSON object (lists for tuples)."""
        data = asdict(self)
        data["gaps_s"] = list(self.gaps_s)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RequestRecord:
        """The inverse of to_json."""
        values = dict(data)
        values["gaps_s"] = tuple(values.get("gaps_s") or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in values.items() if k in known})


def percentile(values: Sequence[float], p: float) -> float | None:
    """numpy.percentile's default (linear between closest ranks); None for no values."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0–100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    frac = rank - low
    return ordered[low] + (ordered[high] - ordered[low]) * frac


@dataclass(frozen=True)
class Stats:
    """Mean, p50, p90, p99 and n of one metric (None where there are no values)."""

    n: int
    mean: float | None
    p50: float | None
    p90: float | None
    p99: float | None

    @property
    def few(self) -> bool:
        """True when p90/p99 rest on fewer than FEW_SAMPLES values."""
        return self.n < FEW_SAMPLES

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        """Statistics of `values`."""
        vals = [v for v in values if v is not None and math.isfinite(v)]
        if not vals:
            return cls(0, None, None, None, None)
        return cls(
            len(vals),
            sum(vals) / len(vals),
            percentile(vals, 50),
            percentile(vals, 90),
            percentile(vals, 99),
        )


@dataclass(frozen=True)
class Slo:
    """Objectives named as vLLM and GuideLLM name them, in ms (None: no objective)."""

    ttft_ms: float | None = None
    tpot_ms: float | None = None
    e2el_ms: float | None = None

    @property
    def empty(self) -> bool:
        """True when no objective is set."""
        return self.ttft_ms is None and self.tpot_ms is None and self.e2el_ms is None

    def met_by(self, rec: RequestRecord) -> bool:
        """A completed request meeting every objective given (errored ones never do)."""
        if not rec.ok:
            return False
        assert rec.ttft_s is not None and rec.e2e_s is not None
        if self.ttft_ms is not None and rec.ttft_s * 1000 > self.ttft_ms:
            return False
        if self.tpot_ms is not None:
            tpot = rec.tpot_s
            if tpot is None or tpot * 1000 > self.tpot_ms:
                return False
        return not (self.e2el_ms is not None and rec.e2e_s * 1000 > self.e2el_ms)

    def to_text(self) -> str:
        """'ttft_ms=500,tpot_ms=50' (the CLI form)."""
        return ",".join(f"{k}={v:g}" for k, v in asdict(self).items() if v is not None)


class SloError(ValueError):
    """An objective the user must fix (the message says which)."""


def parse_slo(text: str | None) -> Slo:
    """'ttft_ms=500,tpot_ms=50' as an Slo; SloError names a bad part."""
    values: dict[str, float] = {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, raw = part.partition("=")
        name = name.strip()
        if not sep or name not in SLO_NAMES:
            raise SloError(
                f"{part!r} is not an objective; use {', '.join(SLO_NAMES)} as name=milliseconds."
            )
        try:
            value = float(raw)
        except ValueError:
            raise SloError(
                f"{name} must be a number of milliseconds, not {raw.strip()!r}."
            ) from None
        if not math.isfinite(value) or value <= 0:
            raise SloError(f"{name} must be more than 0 ms; {raw.strip()} was given.")
        values[name] = value
    return Slo(**values)


@dataclass(frozen=True)
class GpuFigures:
    """NVML readings over one step (None where NVML did not answer)."""

    power_w_mean: float | None = None
    util_pct_mean: float | None = None
    memory_used_bytes_max: int | None = None
    energy_j: float | None = None


@dataclass(frozen=True)
class StepSummary:
    """One step of the load: what was asked and what was measured."""

    index: int
    mode: str  # "concurrency" or "rate"
    value: float  # the concurrency, or requests/s
    requests: int  # measured requests (sent)
    completed: int
    errors: dict[str, int]
    duration_s: float | None
    request_throughput: float | None  # req/s
    output_throughput: float | None  # tok/s, all users
    ttft_ms: Stats
    tpot_ms: Stats
    itl_ms: Stats
    e2el_ms: Stats
    tok_s_per_user: Stats
    prompt_tokens_mean: float | None
    tokens_counted: bool  # some N came from counting stream events
    goodput: float | None  # good req/s (None without objectives)
    slo_attainment: float | None  # share of requests meeting every objective
    gpu: GpuFigures = field(default_factory=GpuFigures)
    stopped: str | None = None  # why the step ended early ("queueing", "cancelled")

    @property
    def energy_j_per_token(self) -> float | None:
        """Energy / output tokens over the step."""
        if self.gpu.energy_j is None or not self.output_throughput or not self.duration_s:
            return None
        tokens = self.output_throughput * self.duration_s
        return self.gpu.energy_j / tokens if tokens else None

    @property
    def user_tok_s_p90(self) -> float | None:
        """Tokens/s per user on the slow side at p90: 1 / (p90 of TPOT)."""
        p90 = self.tpot_ms.p90
        return None if not p90 else 1000.0 / p90

    def to_json(self) -> dict[str, Any]:
        """A JSON object (None stays null)."""
        data = asdict(self)
        data["energy_j_per_token"] = self.energy_j_per_token
        data["user_tok_s_p90"] = self.user_tok_s_p90
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StepSummary:
        """The inverse of to_json."""
        stats = {k: Stats(**data[k]) for k in ("ttft_ms", "tpot_ms", "itl_ms", "e2el_ms")}
        return cls(
            index=data["index"],
            mode=data["mode"],
            value=data["value"],
            requests=data["requests"],
            completed=data["completed"],
            errors=dict(data["errors"]),
            duration_s=data["duration_s"],
            request_throughput=data["request_throughput"],
            output_throughput=data["output_throughput"],
            tok_s_per_user=Stats(**data["tok_s_per_user"]),
            prompt_tokens_mean=data.get("prompt_tokens_mean"),
            tokens_counted=bool(data.get("tokens_counted")),
            goodput=data.get("goodput"),
            slo_attainment=data.get("slo_attainment"),
            gpu=GpuFigures(**(data.get("gpu") or {})),
            stopped=data.get("stopped"),
            **stats,
        )


def summarize_step(
    index: int,
    mode: str,
    value: float,
    records: Sequence[RequestRecord],
    slo: Slo | None = None,
    gpu: GpuFigures | None = None,
    stopped: str | None = None,
) -> StepSummary:
    """Every per-step figure of docs/benchmark-metrics.md from the step's raw records."""
    done = [r for r in records if r.ok]
    errors = Counter(r.error or "no_content" for r in records if not r.ok)
    duration = None
    if done:
        start = min(r.t_send for r in records)
        end = max(r.t_end for r in done if r.t_end is not None)
        duration = end - start if end > start else None
    tokens = sum(r.output_tokens or 0 for r in done)
    tpots = [t for r in done if (t := r.tpot_s) is not None]
    goodput = attainment = None
    if slo is not None and not slo.empty and records:
        good = sum(1 for r in records if slo.met_by(r))
        attainment = good / len(records)
        goodput = good / duration if duration else None
    prompts = [r.prompt_tokens for r in done if r.prompt_tokens is not None]
    return StepSummary(
        index=index,
        mode=mode,
        value=value,
        requests=len(records),
        completed=len(done),
        errors=dict(sorted(errors.items())),
        duration_s=duration,
        request_throughput=len(done) / duration if duration else None,
        output_throughput=tokens / duration if duration and tokens else None,
        ttft_ms=Stats.of(r.ttft_s * 1000 for r in done if r.ttft_s is not None),
        tpot_ms=Stats.of(t * 1000 for t in tpots),
        itl_ms=Stats.of(g * 1000 for r in done for g in r.gaps_s),
        e2el_ms=Stats.of(r.e2e_s * 1000 for r in done if r.e2e_s is not None),
        tok_s_per_user=Stats.of(1 / t for t in tpots if t > 0),
        prompt_tokens_mean=sum(prompts) / len(prompts) if prompts else None,
        tokens_counted=any(not r.tokens_from_server for r in done),
        goodput=goodput,
        slo_attainment=attainment,
        gpu=gpu or GpuFigures(),
        stopped=stopped,
    )


# ------------------------------------------------------------------------- early stop
MIN_WINDOW = 12
T_THRESHOLD = 2.0


def _slope_t(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares slope of ys on xs and its t statistic (inf for a perfect fit)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx <= 0:
        return 0.0, 0.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    resid = sum((y - my - slope * (x - mx)) ** 2 for x, y in zip(xs, ys, strict=True))
    if n <= 2:
        return slope, 0.0
    se = math.sqrt(resid / (n - 2) / sxx)
    if se == 0:
        return slope, math.inf if slope > 0 else (-math.inf if slope < 0 else 0.0)
    return slope, slope / se


def only_queueing(records: Sequence[RequestRecord], window: int = 40) -> bool:
    """True when TTFT and the in-flight count both rise steadily (GuideLLM over-saturation)."""
    done = sorted((r for r in records if r.ok and r.ttft_s is not None), key=lambda r: r.t_send)
    recent = done[-window:]
    if len(recent) < MIN_WINDOW:
        return False
    xs = [r.t_send for r in recent]
    ttft_slope, ttft_t = _slope_t(xs, [r.ttft_s or 0.0 for r in recent])
    flight_slope, flight_t = _slope_t(xs, [float(r.in_flight) for r in recent])
    return ttft_slope > 0 and flight_slope > 0 and ttft_t > T_THRESHOLD and flight_t > T_THRESHOLD


# ------------------------------------------------------------------- headline answers
@dataclass(frozen=True)
class Headlines:
    """The two answers of a run (docs/benchmark-metrics.md "The two headline answers")."""

    max_throughput: StepSummary | None
    users: int | None  # concurrency meeting the targets, None when no step does
    users_step: StepSummary | None
    slot_limited: bool  # users == the server's slot count
    ttft_target_ms: float
    user_tok_s_target: float

    def sentences(self, slots: int | None) -> list[str]:
        """The answers in plain words."""
        out: list[str] = []
        best = self.max_throughput
        if best is None or best.output_throughput is None:
            out.append("Maximum throughput: unknown (no request completed).")
        else:
            where = _where(best)
            ttft = best.ttft_ms.p90
            ttft_text = "unknown" if ttft is None else f"{ttft:,.0f} ms"
            out.append(
                f"Maximum throughput: {best.output_throughput:,.1f} output tok/s at {where} "
                f"(TTFT p90 {ttft_text})."
            )
        target = (
            f"TTFT ≤ {self.ttft_target_ms:g} ms and ≥ {self.user_tok_s_target:g} tok/s per user "
            "at p90"
        )
        if self.users is None:
            out.append(f"No concurrency tried meets your targets ({target}).")
        else:
            plural = "s" if self.users != 1 else ""
            text = f"{self.users} user{plural} at once meet your targets ({target})."
            if self.slot_limited and slots:
                text += (
                    f" That equals the server's {slots} parallel slots: the server's setting is "
                    "the limit, more users only queue."
                )
            out.append(text)
        return out


def _where(step: StepSummary) -> str:
    if step.mode == "rate":
        return f"{step.value:g} requests/s"
    return f"concurrency {step.value:g}"


def headlines(
    steps: Sequence[StepSummary],
    ttft_target_ms: float,
    user_tok_s_target: float,
    slots: int | None = None,
) -> Headlines:
    """Maximum throughput, and the most users at once meeting TTFT and tok/s-per-user at p90."""
    measured = [s for s in steps if s.output_throughput is not None]
    best = max(measured, key=lambda s: s.output_throughput or 0.0, default=None)
    meeting = [
        s
        for s in steps
        if s.mode == "concurrency"
        and s.ttft_ms.p90 is not None
        and s.ttft_ms.p90 <= ttft_target_ms
        and (s.user_tok_s_p90 or 0.0) >= user_tok_s_target
        and s.requests
        and sum(s.errors.values()) / s.requests <= MAX_ERROR_SHARE
    ]
    top = max(meeting, key=lambda s: s.value, default=None)
    users = None if top is None else int(top.value)
    return Headlines(
        max_throughput=best,
        users=users,
        users_step=top,
        slot_limited=users is not None and slots is not None and users == slots,
        ttft_target_ms=ttft_target_ms,
        user_tok_s_target=user_tok_s_target,
    )


def ladder(limit: int) -> list[int]:
    """1, 2, 4, … up to `limit` (which is included even when not a power of two)."""
    if limit < 1:
        raise ValueError("the concurrency limit must be at least 1")
    out, c = [], 1
    while c < limit:
        out.append(c)
        c *= 2
    out.append(limit)
    return out
