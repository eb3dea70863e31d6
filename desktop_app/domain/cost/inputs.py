"""What the cost calculator is asked: regions, workload, pricing basis, validation, scenarios."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from desktop_app.domain.money import MoneyError, check_currency, check_locale

DEFAULT_GPU = "A100 80GB (SXM4)"
DEFAULT_MONTHS = 12
SCENARIO_FORMAT = "infernav-cost-scenario"
SCENARIO_VERSION = 1

WORKLOAD_KINDS = ("rps", "users", "daily")
BASES = ("cloud", "user", "reserved", "buy")

# Bounds that separate a typo from a workload: a million requests a second is far beyond any
# single deployment the guide discusses, and keeps every derived amount finite.
LIMITS: dict[str, tuple[float, float]] = {
    "load_rps": (0, 1_000_000),
    "users": (0, 1_000_000_000),
    "requests_per_user_per_min": (0, 10_000),
    "queries_per_day": (0, 100_000_000_000),
    "peak_factor": (1, 1_000),
    "gpu_month_price": (0, 1_000_000_000),
    "purchase_price": (0, 1_000_000_000),
    "discount_pct": (0, 95),
    "months": (1, 120),
    "fx_rate": (0, 1_000_000),
    "engineering_rate": (0, 10_000_000),
    "stale_months": (0, 120),
    "api_price": (0, 100_000),  # US$ per million tokens
    "kwh_price": (0, 100_000),  # the region's currency per kWh
}


class InputError(ValueError):
    """A field the user filled in that cannot be used; `field` names it."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


def parse_number(
    text: str | float | int | None,
    field_name: str,
    *,
    integer: bool = False,
    allow_min: bool = False,
) -> float:
    """Parse a field against its LIMITS; raise InputError with a sentence for the user."""
    low, high = LIMITS[field_name]
    if text is None or (isinstance(text, str) and not text.strip()):
        raise InputError(field_name, "Enter a number.")
    if isinstance(text, bool):
        raise InputError(field_name, "Enter a number.")
    if isinstance(text, str):
        cleaned = text.strip().replace(",", "").replace("_", "")
        try:
            value = float(cleaned)
        except ValueError:
            raise InputError(field_name, f"“{text.strip()[:20]}” is not a number.") from None
    else:
        value = float(text)
    if not math.isfinite(value):
        raise InputError(field_name, "Enter a finite number.")
    if value < low or (value == low and not allow_min):
        if low == 0:
            raise InputError(field_name, "Must be more than 0.")
        raise InputError(field_name, f"Must be at least {low:g}.")
    if value > high:
        raise InputError(field_name, f"Too large: at most {high:,.0f}.")
    if integer and value != int(value):
        raise InputError(field_name, "Enter a whole number.")
    return value


@dataclass(frozen=True)
class Region:
    """A place to cost in: its currency, number formatting and which prices apply."""

    code: str
    name: str
    currency: str
    locale: str


REGIONS: dict[str, Region] = {
    "us": Region("us", "United States", "USD", "en_US"),
    "sg": Region("sg", "Singapore", "SGD", "en_SG"),
    "in": Region("in", "India", "INR", "en_IN"),
}


@dataclass(frozen=True)
class CustomRegion:
    """A user's own region: currency, locale, rate per USD and engineering rate."""

    name: str = "Custom"
    currency: str = "EUR"
    locale: str = "en_IE"
    rate_per_usd: float | None = None
    engineering_rate: float | None = None

    def region(self) -> Region:
        """As a Region (validated currency and locale)."""
        try:
            return Region(
                "custom",
                self.name or "Custom",
                check_currency(self.currency),
                check_locale(self.locale),
            )
        except MoneyError as exc:
            raise InputError("custom", str(exc)) from exc


@dataclass(frozen=True)
class Workload:
    """Peak load, in the unit the user thinks in."""

    kind: str = "rps"
    load_rps: float = 540.0
    users: float = 200.0
    requests_per_user_per_min: float = 2.0
    queries_per_day: float = 50_000.0
    peak_factor: float = 3.0

    def peak_rps(self) -> float:
        """Peak requests per second implied by the workload."""
        if self.kind == "users":
            parse_number(self.users, "users")
            parse_number(self.requests_per_user_per_min, "requests_per_user_per_min")
            rps = self.users * self.requests_per_user_per_min / 60.0
        elif self.kind == "daily":
            parse_number(self.queries_per_day, "queries_per_day")
            parse_number(self.peak_factor, "peak_factor", allow_min=True)
            rps = self.queries_per_day / 86_400.0 * self.peak_factor
        else:
            rps = parse_number(self.load_rps, "load_rps")
        if not math.isfinite(rps) or rps <= 0:
            raise InputError("workload", "The workload works out to no load at all.")
        if rps > LIMITS["load_rps"][1]:
            raise InputError("workload", "The workload works out to over a million requests/s.")
        return rps

    def describe(self) -> str:
        """How the peak load was worked out, for the results panel."""
        rps = self.peak_rps()
        if self.kind == "users":
            return (
                f"{self.users:,.0f} users × {self.requests_per_user_per_min:g} requests/min "
                f"÷ 60 = {rps:,.2f} requests/s at peak"
            )
        if self.kind == "daily":
            return (
                f"{self.queries_per_day:,.0f} queries/day ÷ 86,400 s × peak factor "
                f"{self.peak_factor:g} = {rps:,.2f} requests/s at peak"
            )
        return f"{rps:,.2f} requests/s at peak"


@dataclass(frozen=True)
class CostInputs:
    """Everything the calculator needs; also what a scenario file holds."""

    region: str = "us"
    custom: CustomRegion = field(default_factory=CustomRegion)
    workload: Workload = field(default_factory=Workload)
    frameworks: tuple[str, ...] = ("vllm", "tensorrt-llm", "tgi")
    gpu: str = DEFAULT_GPU
    basis: str = "cloud"
    gpu_month_price: float | None = None
    purchase_price: float | None = None
    discount_pct: float = 0.0
    months: int = DEFAULT_MONTHS

    def resolved_region(self) -> Region:
        """The Region object (built-in or custom)."""
        if self.region == "custom":
            return self.custom.region()
        if self.region not in REGIONS:
            raise InputError("region", f"Unknown region “{self.region}”: use us, sg or in.")
        return REGIONS[self.region]

    def validate(self) -> CostInputs:
        """Check every field; raise InputError naming the first bad one."""
        self.resolved_region()
        if self.workload.kind not in WORKLOAD_KINDS:
            raise InputError("workload", f"Unknown workload kind “{self.workload.kind}”.")
        self.workload.peak_rps()
        if self.basis not in BASES:
            raise InputError("basis", f"Unknown pricing basis “{self.basis}”.")
        if self.basis == "user" and self.gpu_month_price is None:
            raise InputError("gpu_month_price", "Enter your monthly price per GPU.")
        if self.gpu_month_price is not None:
            parse_number(self.gpu_month_price, "gpu_month_price")
        if self.purchase_price is not None:
            parse_number(self.purchase_price, "purchase_price")
        parse_number(self.discount_pct, "discount_pct", allow_min=True)
        parse_number(self.months, "months", integer=True, allow_min=True)
        if self.region == "custom":
            for name in ("rate_per_usd", "engineering_rate"):
                value = getattr(self.custom, name)
                if value is not None:
                    parse_number(value, "fx_rate" if name == "rate_per_usd" else "engineering_rate")
        return self


class ScenarioError(ValueError):
    """A scenario file that cannot be opened, with a sentence saying why."""


def scenario_to_dict(inputs: CostInputs) -> dict[str, Any]:
    """The JSON document for a scenario file."""
    data = asdict(inputs)
    data["frameworks"] = list(inputs.frameworks)
    return {"format": SCENARIO_FORMAT, "version": SCENARIO_VERSION, "inputs": data}


def _opt(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"The scenario's “{name}” is not a number.")
    return float(value)


def _num_or(value: Any, name: str, default: float) -> float:
    got = _opt(value, name)
    return default if got is None else got


def scenario_from_dict(doc: Any) -> CostInputs:
    """Inputs from a scenario document; ScenarioError says what is wrong with it."""
    if not isinstance(doc, dict) or doc.get("format") != SCENARIO_FORMAT:
        raise ScenarioError("This is not an Inference Navigator cost scenario.")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScenarioError("The scenario file has no format version; it may be damaged.")
    if version > SCENARIO_VERSION:
        raise ScenarioError(
            f"This scenario was saved by a newer version of Inference Navigator (format "
            f"{version}; this one reads format {SCENARIO_VERSION}). Update the app to open it."
        )
    if version < SCENARIO_VERSION:
        raise ScenarioError(
            f"This scenario uses an old format ({version}) that this version cannot read."
        )
    raw = doc.get("inputs")
    if not isinstance(raw, dict):
        raise ScenarioError("The scenario file is damaged: it has no inputs.")
    try:
        work = raw.get("workload") or {}
        cust = raw.get("custom") or {}
        if not isinstance(work, dict) or not isinstance(cust, dict):
            raise ScenarioError("The scenario file is damaged: workload or region is not valid.")
        base = Workload()
        workload = replace(
            base,
            kind=str(work.get("kind", base.kind)),
            **{
                k: _num_or(work.get(k), k, getattr(base, k))
                for k in (
                    "load_rps",
                    "users",
                    "requests_per_user_per_min",
                    "queries_per_day",
                    "peak_factor",
                )
            },
        )
        custom = CustomRegion(
            name=str(cust.get("name", "Custom")),
            currency=str(cust.get("currency", "EUR")),
            locale=str(cust.get("locale", "en_IE")),
            rate_per_usd=_opt(cust.get("rate_per_usd"), "rate_per_usd"),
            engineering_rate=_opt(cust.get("engineering_rate"), "engineering_rate"),
        )
        frameworks = raw.get("frameworks", [])
        if not isinstance(frameworks, list) or not all(isinstance(f, str) for f in frameworks):
            raise ScenarioError("The scenario's framework list is damaged.")
        months = _opt(raw.get("months", DEFAULT_MONTHS), "months")
        inputs = CostInputs(
            region=str(raw.get("region", "us")),
            custom=custom,
            workload=workload,
            frameworks=tuple(frameworks),
            gpu=str(raw.get("gpu", DEFAULT_GPU)),
            basis=str(raw.get("basis", "cloud")),
            gpu_month_price=_opt(raw.get("gpu_month_price"), "gpu_month_price"),
            purchase_price=_opt(raw.get("purchase_price"), "purchase_price"),
            discount_pct=_opt(raw.get("discount_pct", 0.0), "discount_pct") or 0.0,
            months=int(months if months is not None else DEFAULT_MONTHS),
        )
        return inputs.validate()
    except InputError as exc:
        raise ScenarioError(f"The scenario has a bad value ({exc.field}): {exc.message}") from exc
    except (TypeError, ValueError, OverflowError) as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError(f"The scenario file is damaged: {exc}.") from exc


# The system region each bundled costing region stands for (ISO 3166 territory codes).
_TERRITORY_REGIONS = {"US": "us", "SG": "sg", "IN": "in"}


def region_for_locale(locale_name: str) -> tuple[str, str]:
    """The costing region for a system locale ("en_IN" → "in") and a sentence saying why.

    A territory without bundled prices falls back to the United States, and says so.
    """
    parts = (locale_name or "").replace("-", "_").split(".")[0].split("_")
    territory = parts[1].upper() if len(parts) > 1 else ""
    code = _TERRITORY_REGIONS.get(territory)
    if code is not None:
        return code, f"Region {REGIONS[code].name}, from your system's region setting."
    shown = territory or "not set"
    return "us", (
        f"Your system's region ({shown}) has no bundled prices, so the United States is "
        "shown; choose Custom region for your own currency."
    )
