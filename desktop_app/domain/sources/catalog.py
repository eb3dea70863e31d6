"""Catalogue records from the bundled store: GPUs, prices, rates, models, benchmarks."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.sources.figures import Provenance


@dataclass(frozen=True)
class Gpu:
    """A GPU or Apple SoC from the catalogue; missing specs are None ("unknown")."""

    name: str
    vendor: str
    segment: str
    memory_gb: float | None
    memory_type: str
    bandwidth_gbps: float | None
    fp16_tflops: float | None
    tdp_w: float | None
    launch_price_usd: float | None
    launch_date: str
    compute_capability: str
    provenance: Provenance
    note: str = ""


@dataclass(frozen=True)
class CloudPrice:
    """An on-demand instance price in one region (USD); None when not offered there."""

    id: str
    provider: str
    instance_type: str
    gpu: str
    gpu_count: int
    vcpus: int | None
    memory_gib: float | None
    region_label: str
    region_code: str
    usd_per_hour: float | None
    per_gpu_usd_per_hour: float | None
    monthly_usd_730h: float | None
    pricing: str
    provenance: Provenance
    note: str = ""
    observed: str = ""  # when the price was seen at its source ("" = unknown)


@dataclass(frozen=True)
class FxRate:
    """An exchange rate (units of currency per USD), possibly a range."""

    id: str
    pair: str
    low: float | None
    high: float | None
    basis: str
    as_of: str
    provenance: Provenance
    note: str = ""


@dataclass(frozen=True)
class ModelArch:
    """Architecture of an open model, as needed for memory-fit estimates."""

    model: str
    params_b: float
    layers: int
    hidden: int
    heads: int
    kv_heads: int
    head_dim: int
    vocab: int
    max_ctx: int
    provenance: Provenance


@dataclass(frozen=True)
class Benchmark:
    """A published benchmark figure with its conditions."""

    id: str
    study: str
    study_date: str
    model: str
    quantization: str
    hardware: str
    concurrency: str
    framework: str
    metric: str
    value: float | None
    unit: str
    provenance: Provenance
    note: str = ""


@dataclass(frozen=True)
class DecisionRow:
    """One row of the guide's quick decision matrix."""

    id: str
    constraint: str
    frameworks: tuple[str, ...]
    why: str
    provenance: Provenance


@dataclass(frozen=True)
class Scenario:
    """One of the guide's deployment scenarios or per-framework examples."""

    id: str
    title: str
    region: str
    location: str
    business: str
    users: str
    volume: str
    constraint: str
    workload: str
    framework: str
    hardware: str
    gpu_count: int | None
    gpu_model: str
    monthly_cost: float | None
    currency: str
    outcome: str
    provenance: Provenance
