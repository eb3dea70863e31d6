"""The cost calculator: GPUs needed, monthly and setup cost, buy vs rent, by region."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from desktop_app.domain.catalog import CloudPrice, FxRate, Gpu
from desktop_app.domain.cost_inputs import CostInputs, Region
from desktop_app.domain.figures import Conflict, Figure
from desktop_app.domain.frameworks import Framework
from desktop_app.domain.money import MAX_AMOUNT

HOURS_PER_MONTH = 730  # the cloud providers' (and the store's) monthly convention
HOURS_PER_DAY = 8  # assumption: one working day of engineering time
HOURS_PER_WEEK = 40  # assumption: one working week
_TIME_UNITS = {"hours": 1.0, "days": HOURS_PER_DAY, "weeks": HOURS_PER_WEEK}

# The guide's own A100 prices and engineering rates, per region (figure ids in the store).
GUIDE_PURCHASE = {"us": "G069", "sg": "G070", "in": "G071"}
GUIDE_RENT = {"us": "G072", "sg": "G073", "in": "G074"}
GUIDE_RATE = {"us": "G077", "sg": "G078", "in": "G076"}
OVERHEAD = "G075"
GUIDE_BREAK_EVEN = "G163"
GUIDE_CPU_SERVER = ("G153", "G093")
# Bundled exchange rates used by default (currency per USD); the user may edit them.
DEFAULT_FX = {"INR": "X001", "SGD": "X004"}
_REGION_LABEL = {"us": "US", "sg": "Singapore", "in": "India"}


class CostData(Protocol):
    """What the calculator reads from the bundled store."""

    def figure(self, figure_id: str) -> Figure | None: ...
    def figures(self) -> list[Figure]: ...
    def framework(self, framework_id: str) -> Framework | None: ...
    def gpus(self) -> list[Gpu]: ...
    def cloud_prices(self) -> list[CloudPrice]: ...
    def fx_rates(self) -> list[FxRate]: ...
    def conflicts(self) -> list[Conflict]: ...


@dataclass(frozen=True)
class Quote:
    """A price or rate the calculator used, with where it comes from and when."""

    label: str
    low: float
    high: float
    unit: str
    refs: tuple[str, ...]
    source: str
    retrieved: str
    note: str = ""

    def scaled(self, factor_low: float, factor_high: float, unit: str, note: str) -> Quote:
        """The same quote converted (e.g. USD to INR with a low–high rate)."""
        joined = f"{self.note}; {note}" if self.note else note
        return Quote(
            self.label,
            self.low * factor_low,
            self.high * factor_high,
            unit,
            self.refs,
            self.source,
            self.retrieved,
            joined,
        )

    def tooltip(self) -> str:
        """Hover text: what, which figures, source, date, note."""
        lines = [self.label, f"Figures: {', '.join(self.refs) or 'your entry'}"]
        lines.append(f"Source: {self.source}")
        lines.append(f"Retrieved: {self.retrieved or 'unknown'}")
        if self.note:
            lines.append(f"Note: {self.note}")
        return "\n".join(lines)


Span = tuple[float, float]


@dataclass(frozen=True)
class FrameworkCost:
    """The costs of one framework in one region."""

    framework: str
    name: str
    throughput: Figure | None
    gpus_conservative: int | None
    gpus_optimistic: int | None
    gpu_monthly: Span | None
    monthly: Span | None
    setup_hours: Span | None
    setup: Span | None
    setup_note: str
    guide_setup: Figure | None
    purchase: Span | None
    total: Span | None
    break_even_months: Span | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CpuOption:
    """A CPU-only llama.cpp server: the guide's price and the sourced on-demand one."""

    guide: Quote | None
    sourced: Quote | None
    note: str


@dataclass(frozen=True)
class CostResult:
    """Everything the Costs view, the CLI and the charts show."""

    inputs: CostInputs
    region: Region
    peak_rps: float
    workload_text: str
    fx: Quote | None
    rent: Quote | None
    rent_alternatives: tuple[Quote, ...]
    purchase: Quote | None
    overhead: Quote | None
    engineering_rate: Quote | None
    frameworks: tuple[FrameworkCost, ...]
    cpu_option: CpuOption
    guide_break_even: Span | None
    guide_break_even_stated: Figure | None
    conflicts: tuple[Conflict, ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = ()

    @property
    def currency(self) -> str:
        """The region's ISO currency code."""
        return self.region.currency


def gpus_needed(load_rps: float, per_gpu_rps: float | None) -> int | None:
    """GPUs to serve `load_rps` at `per_gpu_rps` each; None when throughput is unknown."""
    if per_gpu_rps is None or not per_gpu_rps > 0 or not math.isfinite(load_rps):
        return None
    # A hair of tolerance so 540 / 180 is 3 GPUs, not 4 after float rounding.
    return max(1, math.ceil(load_rps / per_gpu_rps - 1e-9))


def _fits(x: float) -> bool:
    return math.isfinite(x) and abs(x) <= MAX_AMOUNT


def _span(low: float | None, high: float | None) -> Span | None:
    """A money span, or None when missing or beyond what can be priced."""
    if low is None or high is None or not (_fits(low) and _fits(high)):
        return None
    return (low, high)


def _fig_quote(fig: Figure | None, label: str) -> Quote | None:
    if fig is None or fig.low is None or fig.high is None:
        return None
    return Quote(
        label,
        fig.low,
        fig.high,
        fig.unit,
        (fig.id,),
        fig.provenance.source,
        fig.provenance.retrieved,
        fig.note,
    )


def gpu_family(name: str) -> tuple[str, int | None]:
    """("A100", 80) from "A100 80GB (SXM4)"; memory None when the label has none."""
    words = name.replace("(", " ").replace(")", " ").split()
    family = words[0] if words else ""
    mem = next((int(w[:-2]) for w in words if w.endswith("GB") and w[:-2].isdigit()), None)
    return family, mem


def _region_prices(data: CostData, region_code: str, gpu: str) -> list[CloudPrice]:
    label = _REGION_LABEL.get(region_code, "US")
    fam, mem = gpu_family(gpu)
    out = []
    for p in data.cloud_prices():
        if p.per_gpu_usd_per_hour is None or not p.region_label.startswith(label):
            continue
        pf, pm = gpu_family(p.gpu)
        if pf == fam and (pm == mem or pm is None or mem is None):
            out.append(p)
    return out


def _prices_quote(prices: Sequence[CloudPrice], label: str) -> Quote | None:
    if not prices:
        return None
    monthly = [
        p.per_gpu_usd_per_hour * HOURS_PER_MONTH
        for p in prices
        if p.per_gpu_usd_per_hour is not None
    ]
    names = "; ".join(
        f"{p.provider} {p.instance_type} {p.region_code} ${p.per_gpu_usd_per_hour}/GPU-h"
        for p in prices
    )
    return Quote(
        label,
        min(monthly),
        max(monthly),
        "USD/GPU-month",
        tuple(p.id for p in prices),
        prices[0].provenance.source,
        prices[0].provenance.retrieved,
        f"{names}; × {HOURS_PER_MONTH} h/month",
    )


def fx_quote(
    data: CostData, region: Region, inputs: CostInputs, overrides: Mapping[str, float]
) -> Quote | None:
    """Units of the region's currency per USD (user's rate first, then the store's)."""
    cur = region.currency
    if cur == "USD":
        return Quote("USD", 1.0, 1.0, "USD per USD", (), "identity", "")
    user = overrides.get(f"fx:{cur}")
    if user is None and region.code == "custom":
        user = inputs.custom.rate_per_usd
    if user is not None:
        return Quote(
            f"{cur} per USD (your rate)", user, user, f"{cur} per USD", (), "entered by you", ""
        )
    rate_id = DEFAULT_FX.get(cur)
    rate = next((r for r in data.fx_rates() if r.id == rate_id), None)
    if rate is None or rate.low is None or rate.high is None:
        return None
    return Quote(
        f"{rate.pair}",
        rate.low,
        rate.high,
        rate.pair,
        (rate.id,),
        f"{rate.provenance.source} — {rate.basis}",
        rate.as_of or rate.provenance.retrieved,
        rate.note,
    )


def _setup_hours(data: CostData, fw: Framework | None) -> tuple[Span | None, str, Figure | None]:
    """Setup hours as the guide costs them, else from the stated time; and how."""
    if fw is None:
        return None, "unknown framework", None
    us_rate = data.figure(GUIDE_RATE["us"])
    costed = next(
        (
            f
            for f in data.figures()
            if f.framework == fw.id
            and f.topic == "setup_cost"
            and f.metric == "setup cost"
            and f.region == "US"
            and f.low is not None
            and f.high is not None
        ),
        None,
    )
    stated = fw.setup_time
    stated_hours: Span | None = None
    if stated is not None and stated.low is not None and stated.high is not None:
        mult = _TIME_UNITS.get(stated.unit)
        if mult is not None:
            stated_hours = (stated.low * mult, stated.high * mult)
    if costed is not None and us_rate is not None and us_rate.low:
        assert costed.low is not None and costed.high is not None
        hours = (costed.low / us_rate.low, costed.high / us_rate.low)
        note = (
            f"{hours[0]:g}–{hours[1]:g} h: the hours behind the guide's own setup costs "
            f"({costed.id} ÷ {us_rate.id})"
        )
        if stated is not None and stated_hours is not None:
            note += (
                f"; its stated {stated.display_value()} is {stated_hours[0]:g}–"
                f"{stated_hours[1]:g} h at {HOURS_PER_DAY} h/day, {HOURS_PER_WEEK} h/week"
            )
            if hours[0] != stated_hours[0] or hours[1] != stated_hours[1]:
                if hours[0] == hours[1] == stated_hours[1]:
                    note += " — the guide costs the upper end"
                else:
                    note += " — the guide's costs are not a straight product of its times"
        return hours, note, stated
    if stated_hours is not None and stated is not None:
        return (
            stated_hours,
            f"{stated.display_value()} at {HOURS_PER_DAY} h/day, "
            f"{HOURS_PER_WEEK} h/week (assumption)",
            stated,
        )
    return None, "no setup time in the store", stated


def _guide_setup(data: CostData, framework: str, region: Region) -> Figure | None:
    label = _REGION_LABEL.get(region.code)
    return next(
        (
            f
            for f in data.figures()
            if f.framework == framework
            and f.topic == "setup_cost"
            and f.metric == "setup cost"
            and f.region == label
        ),
        None,
    )


def _rent_quote(
    data: CostData,
    inputs: CostInputs,
    region: Region,
    fx: Quote | None,
    overrides: Mapping[str, float],
) -> tuple[Quote | None, list[Quote]]:
    """The monthly per-GPU rent used, and the alternatives shown beside it."""
    alts: list[Quote] = []
    code = region.code if region.code != "custom" else "us"
    prices = _region_prices(data, code, inputs.gpu)
    sourced = _prices_quote(prices, f"{inputs.gpu} on-demand, {_REGION_LABEL[code]}")
    if sourced is not None and fx is not None:
        conv = (
            ""
            if region.currency == "USD"
            else f"converted at {fx.low:g}–{fx.high:g} "
            f"{region.currency}/USD ({', '.join(fx.refs) or 'your rate'})"
        )
        sourced = (
            sourced.scaled(fx.low, fx.high, f"{region.currency}/GPU-month", conv)
            if conv
            else sourced
        )
    guide = None
    if gpu_family(inputs.gpu)[0] == "A100" and region.code in GUIDE_RENT:
        guide = _fig_quote(
            data.figure(GUIDE_RENT[region.code]), f"A100 rent per month, {region.name} (the guide)"
        )
    for q in (sourced, guide):
        if q is not None:
            alts.append(q)
    user = inputs.gpu_month_price
    if user is None:
        user = overrides.get(f"gpu_month:{region.code}:{inputs.gpu}")
    user_q = (
        None
        if user is None
        else Quote(
            f"{inputs.gpu} per month (your price)",
            user,
            user,
            f"{region.currency}/GPU-month",
            (),
            "entered by you",
            "",
        )
    )
    if inputs.basis == "user" or inputs.gpu_month_price is not None:
        chosen = user_q
    else:
        chosen = sourced or guide
    if chosen is not None and inputs.basis == "reserved" and inputs.discount_pct:
        f = 1 - inputs.discount_pct / 100
        chosen = chosen.scaled(
            f,
            f,
            chosen.unit,
            f"less {inputs.discount_pct:g}% reserved/committed discount (your entry)",
        )
    return chosen, alts


def _purchase_quote(
    data: CostData,
    inputs: CostInputs,
    region: Region,
    fx: Quote | None,
    overrides: Mapping[str, float],
) -> Quote | None:
    user = inputs.purchase_price or overrides.get(f"purchase:{region.code}:{inputs.gpu}")
    if user is not None:
        return Quote(
            f"{inputs.gpu} purchase (your price)",
            user,
            user,
            region.currency,
            (),
            "entered by you",
            "",
        )
    if gpu_family(inputs.gpu)[0] == "A100" and region.code in GUIDE_PURCHASE:
        return _fig_quote(
            data.figure(GUIDE_PURCHASE[region.code]),
            f"A100 purchase price, {region.name} (the guide)",
        )
    gpu = next((g for g in data.gpus() if g.name == inputs.gpu), None)
    if gpu is None or gpu.launch_price_usd is None or fx is None:
        return None
    return Quote(
        f"{gpu.name} launch price",
        gpu.launch_price_usd * fx.low,
        gpu.launch_price_usd * fx.high,
        region.currency,
        (gpu.name,),
        gpu.provenance.source,
        gpu.provenance.retrieved,
        "launch price in USD, converted; street prices differ",
    )


def _rate_quote(
    data: CostData, inputs: CostInputs, region: Region, overrides: Mapping[str, float]
) -> Quote | None:
    user = overrides.get(f"eng_rate:{region.code}")
    if user is None and region.code == "custom":
        user = inputs.custom.engineering_rate
    if user is not None:
        return Quote(
            "Engineering rate (yours)",
            user,
            user,
            f"{region.currency}/hour",
            (),
            "entered by you",
            "",
        )
    fig_id = GUIDE_RATE.get(region.code)
    return _fig_quote(
        data.figure(fig_id) if fig_id else None, f"Engineering rate, {region.name} (the guide)"
    )


def break_even(purchase: Quote | None, rent: Quote | None) -> Span | None:
    """Months of rent that equal the purchase: cheapest buy ÷ dearest rent, and back."""
    if purchase is None or rent is None or rent.low <= 0 or rent.high <= 0:
        return None
    return _span(purchase.low / rent.high, purchase.high / rent.low)


def _cpu_option(data: CostData, region: Region, fx: Quote | None) -> CpuOption:
    guide = _fig_quote(
        data.figure(GUIDE_CPU_SERVER[0]), "CPU-only llama.cpp server (the guide, India)"
    )
    if guide is not None and region.currency != "INR":
        inr = next((r for r in data.fx_rates() if r.id == DEFAULT_FX["INR"]), None)
        if inr is None or inr.low is None or inr.high is None or fx is None:
            guide = None
        else:
            guide = guide.scaled(
                fx.low / inr.high,
                fx.high / inr.low,
                f"{region.currency}/month",
                f"converted from ₹ at {inr.low:g} ₹/USD ({inr.id})",
            )
    code = region.code if region.code in _REGION_LABEL else "us"
    label = _REGION_LABEL[code]
    cpus = [
        p
        for p in data.cloud_prices()
        if p.gpu_count == 0
        and p.vcpus == 32
        and p.region_label.startswith(label)
        and p.monthly_usd_730h is not None
    ]
    sourced = None
    if cpus and fx is not None:
        lo = min(p.monthly_usd_730h for p in cpus if p.monthly_usd_730h is not None)
        hi = max(p.monthly_usd_730h for p in cpus if p.monthly_usd_730h is not None)
        names = "; ".join(f"{p.provider} {p.instance_type} {p.region_code}" for p in cpus)
        sourced = Quote(
            f"32-vCPU on-demand server, {label}",
            lo * fx.low,
            hi * fx.high,
            f"{region.currency}/month",
            tuple(p.id for p in cpus),
            cpus[0].provenance.source,
            cpus[0].provenance.retrieved,
            f"{names}; × {HOURS_PER_MONTH} h",
        )
    note = (
        "llama.cpp has no throughput figure in the store, so servers needed are unknown; "
        "the guide's price is far below on-demand list prices (conflict C8)."
    )
    return CpuOption(guide, sourced, note)


def calculate(
    data: CostData, inputs: CostInputs, overrides: Mapping[str, float] | None = None
) -> CostResult:
    """Cost every chosen framework; raises InputError for a bad input."""
    inputs.validate()
    overrides = dict(overrides or {})
    region = inputs.resolved_region()
    rps = inputs.workload.peak_rps()
    fx = fx_quote(data, region, inputs, overrides)
    rent, alts = _rent_quote(data, inputs, region, fx, overrides)
    purchase = _purchase_quote(data, inputs, region, fx, overrides)
    overhead = _fig_quote(data.figure(OVERHEAD), "Production overhead over GPU rent (the guide)")
    rate = _rate_quote(data, inputs, region, overrides)
    oh_lo = 1 + (overhead.low if overhead else 0) / 100
    oh_hi = 1 + (overhead.high if overhead else 0) / 100
    months = int(inputs.months)
    rows = []
    for fid in inputs.frameworks:
        fw = data.framework(fid)
        tp = fw.throughput if fw is not None else None
        cons = gpus_needed(rps, tp.low if tp else None)
        opt = gpus_needed(rps, tp.high if tp else None)
        notes = []
        if tp is None or cons is None:
            notes.append("no throughput figure in the store: GPUs needed unknown")
        gpu_m = monthly = None
        if cons is not None and opt is not None and rent is not None:
            gpu_m = _span(opt * rent.low, cons * rent.high)
            monthly = _span(opt * rent.low * oh_lo, cons * rent.high * oh_hi)
        hours, setup_note, _ = _setup_hours(data, fw)
        setup = None
        if hours is not None and rate is not None:
            setup = _span(hours[0] * rate.low, hours[1] * rate.high)
        buy = None
        if purchase is not None and cons is not None and opt is not None:
            buy = _span(opt * purchase.low, cons * purchase.high)
        total = None
        if inputs.basis == "buy":
            if buy is not None:
                s0 = setup or (0.0, 0.0)
                total = _span(buy[0] + s0[0], buy[1] + s0[1])
                notes.append("buying: power, hosting and upkeep are not included")
        elif monthly is not None:
            s0 = setup or (0.0, 0.0)
            total = _span(monthly[0] * months + s0[0], monthly[1] * months + s0[1])
            if setup is None:
                notes.append("setup cost unknown: total is rent only")
        if (gpu_m is None and cons is not None) or (monthly is None and gpu_m is not None):
            notes.append("too large or unpriced: enter a monthly price per GPU")
        rows.append(
            FrameworkCost(
                framework=fid,
                name=fw.name if fw else fid,
                throughput=tp,
                gpus_conservative=cons,
                gpus_optimistic=opt,
                gpu_monthly=gpu_m,
                monthly=monthly,
                setup_hours=hours,
                setup=setup,
                setup_note=setup_note,
                guide_setup=_guide_setup(data, fid, region),
                purchase=buy,
                total=total,
                break_even_months=break_even(purchase, rent) if purchase else None,
                notes=tuple(notes),
            )
        )
    guide_be = None
    if region.code in GUIDE_RENT:
        guide_be = break_even(
            _fig_quote(data.figure(GUIDE_PURCHASE[region.code]), "purchase"),
            _fig_quote(data.figure(GUIDE_RENT[region.code]), "rent"),
        )
    wanted = {"C2", "C4", "C5", "C7", "C8"}
    conflicts = tuple(c for c in data.conflicts() if c.id in wanted)
    notes = []
    if rent is None:
        notes.append(f"No price per GPU-month for {inputs.gpu} in {region.name}: enter one.")
    elif rent.refs and rent.refs[0].startswith("G"):
        notes.append(
            f"No sourced on-demand price for {inputs.gpu} in {region.name}; "
            "using the guide's figure."
        )
    return CostResult(
        inputs=inputs,
        region=region,
        peak_rps=rps,
        workload_text=inputs.workload.describe(),
        fx=fx,
        rent=rent,
        rent_alternatives=tuple(alts),
        purchase=purchase,
        overhead=overhead,
        engineering_rate=rate,
        frameworks=tuple(rows),
        cpu_option=_cpu_option(data, region, fx),
        guide_break_even=guide_be,
        guide_break_even_stated=data.figure(GUIDE_BREAK_EVEN),
        conflicts=conflicts,
        notes=tuple(notes),
    )


def cumulative(result: CostResult, fc: FrameworkCost, option: str) -> list[float] | None:
    """Cumulative cost (high end) at months 0..horizon for "rent" or "buy"; None if unknown."""
    months = int(result.inputs.months)
    setup = fc.setup[1] if fc.setup else 0.0
    if option == "rent":
        if fc.monthly is None:
            return None
        return [setup + fc.monthly[1] * m for m in range(months + 1)]
    if fc.purchase is None:
        return None
    return [setup + fc.purchase[1] for _ in range(months + 1)]
