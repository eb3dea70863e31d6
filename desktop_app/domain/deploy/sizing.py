"""How many replicas: the user's target load over one replica's throughput at their target.

`size_replicas` takes the throughput as a figure with its source, so a measured benchmark
(Benchmark view) and a published figure (the bundled store) go through the same seam.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from desktop_app.domain.sources.frameworks import Framework
from desktop_app.domain.units import format_number

MAX_REPLICAS = 1000


@dataclass(frozen=True)
class Throughput:
    """Requests per second one replica sustains at the user's latency target, and its source."""

    requests_per_s: float
    kind: Literal["measured", "published"]
    source: str
    retrieved: str
    note: str = ""

    def describe(self) -> str:
        """ "120 requests/s per replica (published: <source>, retrieved <date>)"."""
        note = f"; {self.note}" if self.note else ""
        return (
            f"{format_number(self.requests_per_s)} requests/s per replica "
            f"({self.kind}: {self.source}, retrieved {self.retrieved or 'unknown'}{note})"
        )


@dataclass(frozen=True)
class Sizing:
    """Replicas to run and the sentence that says how they were counted."""

    replicas: int
    target_rps: float | None
    throughput: Throughput | None
    explanation: str
    capped: bool = False


def published_throughput(fw: Framework | None) -> Throughput | None:
    """The store's throughput figure for a framework, conservative end, with its source."""
    fig = fw.throughput if fw is not None else None
    if fig is None or fig.low is None or fig.unit != "requests/s" or not fig.low > 0:
        return None
    note = fig.note or "no model, hardware or latency target stated"
    return Throughput(
        fig.low,
        "published",
        f"{fig.provenance.source} (low end of {fig.display_value()})",
        fig.provenance.retrieved,
        note,
    )


def measured_throughput(requests_per_s: float, source: str, retrieved: str) -> Throughput:
    """A throughput the user measured (e.g. a Benchmark run at their latency target)."""
    return Throughput(requests_per_s, "measured", source, retrieved)


def size_replicas(target_rps: float | None, throughput: Throughput | None) -> Sizing:
    """replicas = ceil(target load / per-replica throughput); 1 with a reason when unknown."""
    if target_rps is None:
        return Sizing(1, None, throughput, "1 replica: no target load given")
    if throughput is None or not throughput.requests_per_s > 0:
        return Sizing(
            1,
            target_rps,
            None,
            "1 replica: per-replica throughput is unknown (measure it in Benchmark)",
        )
    raw = math.ceil(target_rps / throughput.requests_per_s - 1e-9)
    replicas = min(max(1, raw), MAX_REPLICAS)
    text = (
        f"{replicas} replica{'s' if replicas != 1 else ''} = ceil({format_number(target_rps)} "
        f"requests/s ÷ {throughput.describe()})"
    )
    capped = raw > MAX_REPLICAS
    if capped:
        text += f"; capped at {MAX_REPLICAS}"
    return Sizing(replicas, target_rps, throughput, text, capped)
