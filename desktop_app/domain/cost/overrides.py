"""The user's own prices and rates for the cost calculator, and the keys they are kept under.

A key reads `fx:INR`, `eng_rate:in`, `gpu_month:us:A100 80GB (SXM4)` or
`purchase:sg:H100 80GB (SXM5)`; the user store keeps it with a `cost:` prefix. Those
strings are what users' saved prices are stored under, so they never change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.cost.inputs import Region

STORE_PREFIX = "cost:"  # the user store's key for a price is STORE_PREFIX + str(PriceKey)


class PriceKind(StrEnum):
    """Which of the user's prices or rates a key names."""

    FX = "fx"  # units of a currency per USD
    ENGINEERING_RATE = "eng_rate"  # per hour, in a region
    GPU_MONTH = "gpu_month"  # rent per GPU-month, in a region
    PURCHASE = "purchase"  # price of one GPU, in a region


_PER_GPU = (PriceKind.GPU_MONTH, PriceKind.PURCHASE)


@dataclass(frozen=True)
class PriceKey:
    """One of the user's prices: a kind, its currency or region, and the GPU it is for."""

    kind: PriceKind
    scope: str  # the currency for FX, the region code for the others
    gpu: str = ""  # GPU_MONTH and PURCHASE only

    def __post_init__(self) -> None:
        if not self.scope or ":" in self.scope:
            raise ValueError(f"bad scope {self.scope!r} for a {self.kind} price")
        if (self.kind in _PER_GPU) != bool(self.gpu):
            raise ValueError(f"a {self.kind} price {'needs' if self.gpu == '' else 'has'} a GPU")

    @classmethod
    def fx(cls, currency: str) -> PriceKey:
        return cls(PriceKind.FX, currency)

    @classmethod
    def engineering_rate(cls, region: str) -> PriceKey:
        return cls(PriceKind.ENGINEERING_RATE, region)

    @classmethod
    def gpu_month(cls, region: str, gpu: str) -> PriceKey:
        return cls(PriceKind.GPU_MONTH, region, gpu)

    @classmethod
    def purchase(cls, region: str, gpu: str) -> PriceKey:
        return cls(PriceKind.PURCHASE, region, gpu)

    def __str__(self) -> str:
        parts = (self.kind.value, self.scope, *((self.gpu,) if self.gpu else ()))
        return ":".join(parts)

    @classmethod
    def parse(cls, text: str) -> PriceKey | None:
        """The key a stored string names, or None when it names none."""
        kind, _, rest = text.partition(":")
        try:
            price_kind = PriceKind(kind)
        except ValueError:
            return None
        scope, gpu = rest.split(":", 1) if price_kind in _PER_GPU and ":" in rest else (rest, "")
        try:
            return cls(price_kind, scope, gpu)
        except ValueError:
            return None

    def store_key(self) -> str:
        """The user store's key for this price."""
        return STORE_PREFIX + str(self)

    @classmethod
    def from_store_key(cls, text: str) -> PriceKey | None:
        """The price a user-store key names; None for other features' prices."""
        if not text.startswith(STORE_PREFIX):
            return None
        return cls.parse(text[len(STORE_PREFIX) :])


Overrides = Mapping[PriceKey, float]


@dataclass(frozen=True)
class PriceEntry:
    """A price the user can type in: the key it is kept under and its unit."""

    key: PriceKey
    unit: str


@dataclass(frozen=True)
class PriceEntries:
    """The four prices the user can type for a region and GPU."""

    fx: PriceEntry
    engineering_rate: PriceEntry
    gpu_month: PriceEntry
    purchase: PriceEntry


def price_entries(region: Region, gpu: str) -> PriceEntries:
    """Where the user's rate, rent and purchase price for this region and GPU are kept."""
    cur, code = region.currency, region.code
    return PriceEntries(
        PriceEntry(PriceKey.fx(cur), f"{cur} per USD"),
        PriceEntry(PriceKey.engineering_rate(code), f"{cur}/hour"),
        PriceEntry(PriceKey.gpu_month(code, gpu), f"{cur}/GPU-month"),
        PriceEntry(PriceKey.purchase(code, gpu), cur),
    )


def with_typed_rates(
    saved: Overrides, region: Region, fx: float | None, engineering_rate: float | None
) -> dict[PriceKey, float]:
    """Saved prices, with the rates being typed taking effect at once (empty: bundled)."""
    live = dict(saved)
    for key, value in (
        (PriceKey.fx(region.currency), fx),
        (PriceKey.engineering_rate(region.code), engineering_rate),
    ):
        if value is None:
            live.pop(key, None)
        else:
            live[key] = value
    if region.currency == "USD":
        live.pop(PriceKey.fx("USD"), None)  # dollars per dollar is always 1
    return live
