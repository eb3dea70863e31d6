"""Costs for the user's model at the user's traffic: GPUs from the fit, $/1M tokens, a bottom line.

Builds on `calculate` (rent, rates, the guide's figures, unchanged) and adds, per framework:
the replica's GPUs from the model (sizing.py), the throughput it used and why, the monthly
rent for that many GPUs, the cost per million tokens rented and owned, and the break-even
against an API price. Formulas (docs/bench-deploy-cost.md §4):

- rented $/1M output = replicas × replica $/h ÷ (output tokens/s × 3600) × 1e6 ÷ utilisation
- owned monthly = capex ÷ months + GPUs × W/1000 × 730 h × $/kWh + overhead
- break-even tokens/month = self-host monthly ÷ API $/1M × 1e6
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from desktop_app.domain.cost.calculator import CostResult
from desktop_app.domain.cost.inputs import InputError
from desktop_app.domain.cost.prices import HOURS_PER_MONTH, CostData, Quote, span
from desktop_app.domain.cost.sizing import (
    DEFAULT_INPUT_TOKENS,
    DEFAULT_OUTPUT_TOKENS,
    Replica,
    Sizing,
    Throughput,
    guide_throughput,
    published_throughput,
    replica_for,
    size,
)
from desktop_app.domain.fit.estimate import ModelShape
from desktop_app.domain.money import format_span

Span = tuple[float, float]
CPU_FRAMEWORK = "llama.cpp"
CPU_SERVER_RAM = 64 * 2**30  # the smallest 32-vCPU server priced (AWS c6i.8xlarge, 64 GiB)


def default_frameworks(peak_rps: float) -> tuple[str, ...]:
    """Frameworks worth pricing at this scale (TGI is in maintenance mode since 2025-12)."""
    if peak_rps < 2:
        return ("llama.cpp", "vllm")
    if peak_rps < 100:
        return ("vllm", "sglang", "llama.cpp")
    return ("vllm", "tensorrt-llm", "sglang")


@dataclass(frozen=True)
class ModelCostInputs:
    """What the model-based costing needs beyond CostInputs; every default is shown."""

    shape: ModelShape
    ctx: int = 4096
    concurrency: int = 8  # requests in flight per replica
    input_tokens: float = DEFAULT_INPUT_TOKENS
    output_tokens: float = DEFAULT_OUTPUT_TOKENS
    utilisation: float | None = None  # None: from the traffic (average ÷ capacity)
    average_share: float = 1 / 3  # average load ÷ peak load (the peak factor 3 default)
    api_price_per_million: float | None = None  # blended, in the region's currency
    kwh_price: float | None = None  # region's currency per kWh; None: energy unknown
    own_months: int = 36  # amortisation of a bought GPU
    own_overhead_monthly: float = 0.0  # hosting, upkeep (region's currency)
    measured: dict[str, Throughput] = field(default_factory=dict)  # framework -> measured run

    def validate(self) -> ModelCostInputs:
        if not 128 <= self.ctx <= 1_048_576:
            raise InputError("ctx", "Context must be between 128 and 1,048,576 tokens.")
        if not 1 <= self.concurrency <= 4096:
            raise InputError("concurrency", "Concurrent requests must be between 1 and 4,096.")
        for name in ("input_tokens", "output_tokens"):
            v = getattr(self, name)
            if not (math.isfinite(v) and 0 < v <= 1_000_000):
                raise InputError(name, "Tokens per request must be between 1 and 1,000,000.")
        if self.utilisation is not None and not 0 < self.utilisation <= 1:
            raise InputError("utilisation", "Utilisation must be more than 0% and at most 100%.")
        if not 0 < self.average_share <= 1:
            raise InputError("average_share", "Average load must be a share of the peak.")
        if self.kwh_price is not None and not (0 <= self.kwh_price < 1e6):
            raise InputError("kwh_price", "Enter a price per kWh.")
        if not 1 <= self.own_months <= 120:
            raise InputError("own_months", "Amortise over 1 to 120 months.")
        return self


@dataclass(frozen=True)
class PerMillion:
    """Cost per million tokens for one framework, with the utilisation it assumed."""

    output: Span | None  # per 1M output tokens (input tokens carried free)
    blended: Span | None  # per 1M tokens, input + output
    utilisation: float | None
    utilisation_note: str


@dataclass(frozen=True)
class ModelFrameworkCost:
    """One framework for the user's model: sizing, rent, $/1M, owned, break-even."""

    framework: str
    name: str
    sizing: Sizing
    monthly: Span | None  # rented, with the guide's overhead
    per_million: PerMillion
    owned_monthly: Span | None
    owned_note: str
    break_even_tokens: Span | None  # tokens/month where self-hosting equals the API
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CpuRow:
    """The CPU-only llama.cpp option as a table row."""

    monthly: Span | None
    guide_monthly: Span | None
    fits_ram: bool
    note: str


@dataclass(frozen=True)
class ModelCostResult:
    base: CostResult
    inputs: ModelCostInputs
    tokens_per_month: float
    rows: tuple[ModelFrameworkCost, ...]
    cpu: CpuRow
    bottom_line: str


def _throughput(data: CostData, fid: str, mi: ModelCostInputs, gpu: str) -> Throughput | None:
    if fid in mi.measured:
        return mi.measured[fid]
    bench = getattr(data, "benchmarks", None)
    pub = (
        published_throughput(bench(), mi.shape.name, gpu, fid, mi.output_tokens)
        if callable(bench)
        else None
    )
    return pub or guide_throughput(data.framework(fid))


def _gpu_memory(data: CostData, gpu: str) -> float | None:
    g = next((g for g in data.gpus() if g.name == gpu), None)
    return None if g is None or g.memory_gb is None else float(g.memory_gb)


def _gpu_watts(data: CostData, gpu: str) -> float | None:
    g = next((g for g in data.gpus() if g.name == gpu), None)
    return None if g is None or g.tdp_w is None else float(g.tdp_w)


def per_million(
    monthly: Span | None,
    capacity_tps: Span | None,
    tokens_per_request: tuple[float, float],
    utilisation: float | None,
) -> tuple[Span | None, Span | None]:
    """($/1M output, $/1M blended) from a monthly cost and an output-token capacity."""
    if monthly is None or capacity_tps is None or not utilisation:
        return None, None
    inp, out = tokens_per_request
    hourly = (monthly[0] / HOURS_PER_MONTH, monthly[1] / HOURS_PER_MONTH)
    # cheapest: low cost at the high capacity; dearest: high cost at the low capacity
    o = span(
        hourly[0] / (capacity_tps[1] * 3600) * 1e6 / utilisation,
        hourly[1] / (capacity_tps[0] * 3600) * 1e6 / utilisation,
    )
    share = out / (inp + out)
    b = None if o is None else span(o[0] * share, o[1] * share)
    return o, b


def cost_model(data: CostData, base: CostResult, mi: ModelCostInputs) -> ModelCostResult:
    """Price every framework of `base` for the user's model; raises InputError."""
    mi.validate()
    inputs = base.inputs
    gpu = inputs.gpu
    mem = _gpu_memory(data, gpu)
    peak = base.peak_rps
    avg_rps = peak * mi.average_share
    tokens_month = avg_rps * HOURS_PER_MONTH * 3600 * (mi.input_tokens + mi.output_tokens)
    rent = base.rent
    oh = base.overhead
    oh_lo = 1 + (oh.low if oh else 0) / 100
    oh_hi = 1 + (oh.high if oh else 0) / 100
    rows = []
    for fid in inputs.frameworks:
        if fid == CPU_FRAMEWORK and fid not in mi.measured:
            continue  # llama.cpp is the CPU row, unless the user measured it on a GPU
        fw = data.framework(fid)
        notes: list[str] = []
        if mem is None:
            replica = Replica(
                mi.shape.name,
                mi.shape.quant,
                mi.ctx,
                mi.concurrency,
                0,
                0,
                0,
                0,
                None,
                f"no memory size for {gpu} in the catalogue",
            )
        else:
            replica = replica_for(mi.shape, mi.ctx, mi.concurrency, mem)
        tp = _throughput(data, fid, mi, gpu)
        sz = size(peak, replica, tp)
        if tp is None:
            notes.append("no throughput figure for this framework: GPUs needed unknown")
        elif tp.caveat:
            notes.append(tp.caveat)
        monthly = None
        if rent is not None and sz.gpus_low is not None and sz.gpus_high is not None:
            monthly = span(sz.gpus_low * rent.low * oh_lo, sz.gpus_high * rent.high * oh_hi)
        # output-token capacity of the whole deployment
        cap = None
        if sz.replicas_low is not None and sz.replicas_high is not None and tp is not None:
            lo_rps = (tp.requests_per_s or 0) * (replica.gpus or 1 if tp.kind == "guide" else 1)
            hi_rps = (tp.requests_per_s_high or 0) * (
                replica.gpus or 1 if tp.kind == "guide" else 1
            )
            cap = (
                sz.replicas_high * lo_rps * mi.output_tokens,
                sz.replicas_low * hi_rps * mi.output_tokens,
            )
            if cap[0] <= 0 or cap[1] <= 0:
                cap = None
        util = mi.utilisation
        unote = "your entry" if util is not None else "unknown: throughput unknown"
        if util is None and cap is not None:
            served = avg_rps * mi.output_tokens
            util = min(1.0, served / ((cap[0] + cap[1]) / 2))
            unote = (
                f"from your traffic: average {avg_rps:,.2f} req/s "
                f"({mi.average_share:.0%} of peak) ÷ capacity"
            )
        pm_o, pm_b = per_million(monthly, cap, (mi.input_tokens, mi.output_tokens), util)
        owned, onote = _owned(data, base, sz, mi)
        be = None
        if mi.api_price_per_million and monthly is not None:
            be = span(
                monthly[0] / mi.api_price_per_million * 1e6,
                monthly[1] / mi.api_price_per_million * 1e6,
            )
        rows.append(
            ModelFrameworkCost(
                fid,
                fw.name if fw else fid,
                sz,
                monthly,
                PerMillion(pm_o, pm_b, util, unote),
                owned,
                onote,
                be,
                tuple(notes),
            )
        )
    cpu = _cpu_row(data, base, mi)
    result = ModelCostResult(base, mi, tokens_month, tuple(rows), cpu, "")
    return ModelCostResult(
        base, mi, tokens_month, tuple(rows), cpu, bottom_line(result, scale_text(base))
    )


def _owned(
    data: CostData, base: CostResult, sz: Sizing, mi: ModelCostInputs
) -> tuple[Span | None, str]:
    buy = base.purchase
    if buy is None or sz.gpus_low is None or sz.gpus_high is None:
        return None, "no purchase price for this GPU: enter one"
    capex = (sz.gpus_low * buy.low / mi.own_months, sz.gpus_high * buy.high / mi.own_months)
    watts = _gpu_watts(data, base.inputs.gpu)
    parts = [f"purchase ÷ {mi.own_months} months"]
    energy = (0.0, 0.0)
    if mi.kwh_price is not None and watts is not None:
        e = watts / 1000 * HOURS_PER_MONTH * mi.kwh_price
        energy = (sz.gpus_low * e, sz.gpus_high * e)
        parts.append(f"energy {watts:g} W × {HOURS_PER_MONTH} h × your price per kWh (GPU only)")
    else:
        parts.append("energy not included: enter your price per kWh")
    if mi.own_overhead_monthly:
        parts.append("your monthly overhead")
    return (
        span(
            capex[0] + energy[0] + mi.own_overhead_monthly,
            capex[1] + energy[1] + mi.own_overhead_monthly,
        ),
        " + ".join(parts),
    )


def _cpu_row(data: CostData, base: CostResult, mi: ModelCostInputs) -> CpuRow:
    cpu = base.cpu_option
    sourced: Quote | None = cpu.sourced
    guide: Quote | None = cpu.guide
    fits = mi.shape.weights.file_bytes < CPU_SERVER_RAM
    note = "one 32-vCPU server; llama.cpp has no throughput figure in the store: measure it"
    if not fits:
        note = "the model's weights do not fit a 64 GiB CPU server"
    return CpuRow(
        None if sourced is None else (sourced.low, sourced.high),
        None if guide is None else (guide.low, guide.high),
        fits,
        note,
    )


def scale_text(base: CostResult) -> str:
    """ "50 users", "50,000 queries a day" or "12.0 requests/s", for the bottom line."""
    w = base.inputs.workload
    if w.kind == "users":
        return f"{w.users:,.0f} users"
    if w.kind == "daily":
        return f"{w.queries_per_day:,.0f} queries a day"
    return f"{base.peak_rps:,.1f} requests/s"


def bottom_line(result: ModelCostResult, scale: str) -> str:
    """One sentence: the cheapest priced GPU option and the CPU-only one."""
    base = result.base
    cur, loc = base.region.currency, base.region.locale
    lakh = cur == "INR"
    priced = [r for r in result.rows if r.monthly is not None and r.sizing.gpus_high]
    head = f"For {scale} in {base.region.name}"
    parts: list[str] = []
    if priced:
        best = min(priced, key=lambda r: r.monthly[0] if r.monthly else math.inf)
        g = best.sizing
        n = f"{g.gpus_low}" if g.gpus_low == g.gpus_high else f"{g.gpus_low}–{g.gpus_high}"
        plural = "" if g.gpus_high == 1 else "s"
        parts.append(
            f"about {format_span(best.monthly, cur, loc, lakh)} a month on {n} rented "
            f"{base.inputs.gpu.split(' (')[0]}{plural} with {best.name}"
        )
    else:
        parts.append("the GPU options cannot be priced (see the notes)")
    if result.cpu.monthly is not None and result.cpu.fits_ram is not False:
        parts.append(
            f"or {format_span(result.cpu.monthly, cur, loc, lakh)} a month CPU-only with "
            "llama.cpp (one on-demand server, speed unmeasured)"
        )
    return f"{head}: " + ", ".join(parts) + "."


def curve_loads(peak_rps: float, points: int = 13) -> list[float]:
    """Peak loads for the $/1M chart: from a tenth of the user's peak to ten times it."""
    if not (math.isfinite(peak_rps) and peak_rps > 0) or points < 2:
        return []
    return [peak_rps * 10 ** (-1 + 2 * i / (points - 1)) for i in range(points)]


def load_curve(
    data: CostData,
    base: CostResult,
    mi: ModelCostInputs,
    framework: str,
    loads: Sequence[float],
) -> list[tuple[float, float | None]]:
    """$/1M output tokens (dearest end) at each peak load, for the chart."""
    from dataclasses import replace

    out: list[tuple[float, float | None]] = []
    for load in loads:
        b = replace(base, peak_rps=load, inputs=replace(base.inputs, frameworks=(framework,)))
        r = cost_model(data, b, mi)
        pm = r.rows[0].per_million.output if r.rows else None
        out.append((load, None if pm is None else pm[1]))
    return out


@dataclass(frozen=True)
class LoadCurve:
    """One framework's $/1M output tokens (dearest end) against the peak load, for the chart."""

    framework: str
    name: str
    points: tuple[tuple[float, float | None], ...]  # (peak requests/s, cost per 1M or None)
    speed: str  # where the throughput came from, e.g. "published benchmark (…)"
    observed: str  # the speed figure's date


def load_curves(data: CostData, result: ModelCostResult, points: int = 13) -> list[LoadCurve]:
    """A curve per priced framework of `result`, from a tenth of its peak load to ten times."""
    loads = curve_loads(result.base.peak_rps, points)
    out = []
    for row in result.rows:
        tp = row.sizing.throughput
        if tp is None:
            continue
        curve = load_curve(data, result.base, result.inputs, row.framework, loads)
        out.append(
            LoadCurve(
                row.framework,
                row.name,
                tuple(curve),
                f"{tp.label} ({tp.source})",
                tp.observed or "unknown",
            )
        )
    return out
