"""Prices and rates for the cost calculator, each kept with its figure ids, source and date."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop_app.domain.cost.age import GUIDE_OBSERVED
from desktop_app.domain.cost.inputs import CostInputs, Region
from desktop_app.domain.cost.overrides import Overrides, PriceKey
from desktop_app.domain.money import MAX_AMOUNT
from desktop_app.domain.sources.catalog import CloudPrice, FxRate, Gpu
from desktop_app.domain.sources.figures import Conflict, Figure
from desktop_app.domain.sources.frameworks import Framework

Span = tuple[float, float]

HOURS_PER_MONTH = 730  # the cloud providers' (and the store's) monthly convention
HOURS_PER_DAY = 8  # assumption: one working day of engineering time
HOURS_PER_WEEK = 40  # assumption: one working week

# The guide's own A100 prices and engineering rates, per region (figure ids in the store).
GUIDE_PURCHASE = {"us": "G069", "sg": "G070", "in": "G071"}
GUIDE_RENT = {"us": "G072", "sg": "G073", "in": "G074"}
GUIDE_RATE = {"us": "G077", "sg": "G078", "in": "G076"}
OVERHEAD = "G075"
GUIDE_BREAK_EVEN = "G163"
GUIDE_CPU_SERVER = ("G153", "G093")
# Bundled exchange rates used by default (currency per USD): the newest sourced ones; the
# user may edit them. The guide's own implied rates are shown beside them, as the guide's.
DEFAULT_FX = {"INR": "X007", "SGD": "X008"}
GUIDE_FX = {"INR": "X001", "SGD": "X004"}
REGION_LABEL = {"us": "US", "sg": "Singapore", "in": "India"}


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
    observed: str = ""  # when the price was seen at its source ("" = unknown)

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
            self.observed,
        )

    def tooltip(self) -> str:
        """Hover text: what, which figures, source, date, note."""
        lines = [self.label, f"Figures: {', '.join(self.refs) or 'your entry'}"]
        lines.append(f"Source: {self.source}")
        lines.append(f"Observed at source: {self.observed or 'unknown'}")
        lines.append(f"Copied into the app: {self.retrieved or 'unknown'}")
        if self.note:
            lines.append(f"Note: {self.note}")
        return "\n".join(lines)


@dataclass(frozen=True)
class CpuOption:
    """A CPU-only llama.cpp server: the guide's price and the sourced on-demand one."""

    guide: Quote | None
    sourced: Quote | None
    note: str


def fits(x: float) -> bool:
    return math.isfinite(x) and abs(x) <= MAX_AMOUNT


def span(low: float | None, high: float | None) -> Span | None:
    """A money span, or None when missing or beyond what can be priced."""
    if low is None or high is None or not (fits(low) and fits(high)):
        return None
    return (low, high)


def fig_quote(fig: Figure | None, label: str) -> Quote | None:
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
        GUIDE_OBSERVED if fig.id.startswith("G") else "",
    )


def gpu_variant(name: str) -> str:
    """The form factor in a GPU label ("SXM4", "PCIe"), or "" when it names none."""
    words = name.replace("(", " ").replace(")", " ").split()
    return next((w for w in words if w.upper().startswith(("SXM", "PCIE", "NVL"))), "")


def gpu_family(name: str) -> tuple[str, int | None]:
    """("A100", 80) from "A100 80GB (SXM4)"; memory None when the label has none."""
    words = name.replace("(", " ").replace(")", " ").split()
    family = words[0] if words else ""
    mem = next((int(w[:-2]) for w in words if w.endswith("GB") and w[:-2].isdigit()), None)
    return family, mem


def region_prices(data: CostData, region_code: str, gpu: str) -> list[CloudPrice]:
    label = REGION_LABEL.get(region_code, "US")
    fam, mem = gpu_family(gpu)
    out = []
    for p in data.cloud_prices():
        if p.per_gpu_usd_per_hour is None or not p.region_label.startswith(label):
            continue
        pf, pm = gpu_family(p.gpu)
        if pf == fam and (pm == mem or pm is None or mem is None):
            out.append(p)
    return out


def prices_quote(prices: Sequence[CloudPrice], label: str) -> Quote | None:
    if not prices:
        return None
    monthly = [
        p.per_gpu_usd_per_hour * HOURS_PER_MONTH
        for p in prices
        if p.per_gpu_usd_per_hour is not None
    ]
    names = "; ".join(
        f"{p.provider} {p.instance_type} {p.region_code} ${p.per_gpu_usd_per_hour}/GPU-h"
        + (f" ({gpu_variant(p.gpu)} card)" if gpu_variant(p.gpu) else "")
        for p in prices
    )
    seen = sorted({p.observed or "unknown" for p in prices})
    return Quote(
        label,
        min(monthly),
        max(monthly),
        "USD/GPU-month",
        tuple(p.id for p in prices),
        prices[0].provenance.source,
        prices[0].provenance.retrieved,
        f"{names}; × {HOURS_PER_MONTH} h/month",
        "" if seen == ["unknown"] else ", ".join(seen),
    )


def fx_quote(
    data: CostData, region: Region, inputs: CostInputs, overrides: Overrides
) -> Quote | None:
    """Units of the region's currency per USD (user's rate first, then the store's)."""
    cur = region.currency
    if cur == "USD":
        return Quote("USD", 1.0, 1.0, "USD per USD", (), "identity", "")
    user = overrides.get(PriceKey.fx(cur))
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
        f"{rate.provenance.source} — {rate.basis}"
        + (f" (data pack {rate.provenance.pack})" if rate.provenance.pack else ""),
        rate.provenance.retrieved,
        f"rate as of: {rate.as_of or 'unknown'}; {rate.note}".rstrip("; "),
        rate.as_of if rate.as_of and rate.as_of[:1].isdigit() else "",
    )


def guide_fx_quote(data: CostData, currency: str) -> Quote | None:
    """The guide's own implied rate for a currency, shown beside the sourced one."""
    rate = next((r for r in data.fx_rates() if r.id == GUIDE_FX.get(currency)), None)
    if rate is None or rate.low is None or rate.high is None:
        return None
    return Quote(
        f"{rate.pair} (the guide's)",
        rate.low,
        rate.high,
        rate.pair,
        (rate.id,),
        f"{rate.provenance.source} — {rate.basis}",
        rate.provenance.retrieved,
        rate.note,
        GUIDE_OBSERVED,
    )


def rent_quote(
    data: CostData,
    inputs: CostInputs,
    region: Region,
    fx: Quote | None,
    overrides: Overrides,
) -> tuple[Quote | None, list[Quote]]:
    """The monthly per-GPU rent used, and the alternatives shown beside it."""
    alts: list[Quote] = []
    code = region.code if region.code != "custom" else "us"
    prices = region_prices(data, code, inputs.gpu)
    sourced = prices_quote(prices, f"{inputs.gpu} on-demand, {REGION_LABEL[code]}")
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
        guide = fig_quote(
            data.figure(GUIDE_RENT[region.code]), f"A100 rent per month, {region.name} (the guide)"
        )
    for q in (sourced, guide):
        if q is not None:
            alts.append(q)
    user = inputs.gpu_month_price
    if user is None:
        user = overrides.get(PriceKey.gpu_month(region.code, inputs.gpu))
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


def purchase_quote(
    data: CostData,
    inputs: CostInputs,
    region: Region,
    fx: Quote | None,
    overrides: Overrides,
) -> Quote | None:
    user = inputs.purchase_price or overrides.get(PriceKey.purchase(region.code, inputs.gpu))
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
        return fig_quote(
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


def rate_quote(
    data: CostData, inputs: CostInputs, region: Region, overrides: Overrides
) -> Quote | None:
    user = overrides.get(PriceKey.engineering_rate(region.code))
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
    return fig_quote(
        data.figure(fig_id) if fig_id else None, f"Engineering rate, {region.name} (the guide)"
    )


def cpu_option(data: CostData, region: Region, fx: Quote | None) -> CpuOption:
    guide = fig_quote(
        data.figure(GUIDE_CPU_SERVER[0]), "CPU-only llama.cpp server (the guide, India)"
    )
    if guide is not None and region.currency != "INR":
        inr = next((r for r in data.fx_rates() if r.id == GUIDE_FX["INR"]), None)
        if inr is None or inr.low is None or inr.high is None or fx is None:
            guide = None
        else:
            guide = guide.scaled(
                fx.low / inr.high,
                fx.high / inr.low,
                f"{region.currency}/month",
                f"converted from ₹ at {inr.low:g} ₹/USD ({inr.id})",
            )
    code = region.code if region.code in REGION_LABEL else "us"
    label = REGION_LABEL[code]
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
