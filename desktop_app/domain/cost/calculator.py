"""The cost calculator: GPUs needed, monthly and setup cost, buy vs rent, by region."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from desktop_app.domain.cost.inputs import CostInputs, Region
from desktop_app.domain.cost.overrides import Overrides
from desktop_app.domain.cost.prices import (
    GUIDE_BREAK_EVEN,
    GUIDE_PURCHASE,
    GUIDE_RATE,
    GUIDE_RENT,
    HOURS_PER_DAY,
    HOURS_PER_WEEK,
    OVERHEAD,
    REGION_LABEL,
    CostData,
    CpuOption,
    Quote,
    Span,
    cpu_option,
    fig_quote,
    fx_quote,
    purchase_quote,
    rate_quote,
    rent_quote,
    span,
)
from desktop_app.domain.money import MAX_AMOUNT
from desktop_app.domain.sources.figures import Conflict, Figure
from desktop_app.domain.sources.frameworks import Framework

_TIME_UNITS = {"hours": 1.0, "days": HOURS_PER_DAY, "weeks": HOURS_PER_WEEK}
__all__ = ["CostData", "CostResult", "CpuOption", "FrameworkCost", "Quote", "calculate", "fx_quote"]


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
    too_large: bool = False


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
    label = REGION_LABEL.get(region.code)
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


def break_even(purchase: Quote | None, rent: Quote | None) -> Span | None:
    """Months of rent that equal the purchase: cheapest buy ÷ dearest rent, and back."""
    if purchase is None or rent is None or rent.low <= 0 or rent.high <= 0:
        return None
    return span(purchase.low / rent.high, purchase.high / rent.low)


def calculate(data: CostData, inputs: CostInputs, overrides: Overrides | None = None) -> CostResult:
    """Cost every chosen framework; raises InputError for a bad input."""
    inputs.validate()
    overrides = dict(overrides or {})
    region = inputs.resolved_region()
    rps = inputs.workload.peak_rps()
    fx = fx_quote(data, region, inputs, overrides)
    rent, alts = rent_quote(data, inputs, region, fx, overrides)
    purchase = purchase_quote(data, inputs, region, fx, overrides)
    overhead = fig_quote(data.figure(OVERHEAD), "Production overhead over GPU rent (the guide)")
    rate = rate_quote(data, inputs, region, overrides)
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
            gpu_m = span(opt * rent.low, cons * rent.high)
            monthly = span(opt * rent.low * oh_lo, cons * rent.high * oh_hi)
        hours, setup_note, _ = _setup_hours(data, fw)
        setup = None
        if hours is not None and rate is not None:
            setup = span(hours[0] * rate.low, hours[1] * rate.high)
        buy = None
        if purchase is not None and cons is not None and opt is not None:
            buy = span(opt * purchase.low, cons * purchase.high)
        total = None
        if inputs.basis == "buy":
            if buy is not None:
                s0 = setup or (0.0, 0.0)
                total = span(buy[0] + s0[0], buy[1] + s0[1])
                notes.append("buying: power, hosting and upkeep are not included")
        elif monthly is not None:
            s0 = setup or (0.0, 0.0)
            total = span(monthly[0] * months + s0[0], monthly[1] * months + s0[1])
            if setup is None:
                notes.append("setup cost unknown: total is rent only")
        too_large = (
            cons is not None
            and rent is not None
            and (monthly is None or (inputs.basis != "buy" and total is None))
        )
        if too_large:
            notes.append(f"too large to price (over {MAX_AMOUNT:,.0f}): check the load and price")
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
                too_large=too_large,
            )
        )
    guide_be = None
    if region.code in GUIDE_RENT:
        guide_be = break_even(
            fig_quote(data.figure(GUIDE_PURCHASE[region.code]), "purchase"),
            fig_quote(data.figure(GUIDE_RENT[region.code]), "rent"),
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
        cpu_option=cpu_option(data, region, fx),
        guide_break_even=guide_be,
        guide_break_even_stated=data.figure(GUIDE_BREAK_EVEN),
        conflicts=conflicts,
        notes=tuple(notes),
    )
