"""GPUs for the user's model: a replica's GPUs from the fit estimate, its speed from a figure.

A replica holds the weights plus the KV cache for the chosen context × concurrent requests;
when one GPU is too small the replica is split tensor-parallel over 2, 4 or 8 GPUs (one
node). Its throughput comes, in this order, from a measured run on the user's own engine
(`measured_throughput`: the seam the Benchmark view feeds), a published figure for that
model and GPU (`published_throughput`), else the guide's per-framework requests/s, which
is for no particular model and always carries a caveat.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.domain.fit.budget import GIB
from desktop_app.domain.fit.estimate import FitSettings, ModelShape, estimate
from desktop_app.domain.sources.catalog import Benchmark
from desktop_app.domain.sources.frameworks import Framework

TP_DEGREES = (1, 2, 4, 8)  # tensor-parallel sizes within one node
GPU_RUNTIME_RESERVE = 0.10  # share of each GPU kept for the CUDA context and activations
DEFAULT_INPUT_TOKENS = 500  # per request, when the user gives none (shown)
DEFAULT_OUTPUT_TOKENS = 250


@dataclass(frozen=True)
class Replica:
    """One copy of the model serving `concurrency` requests at `ctx` tokens each."""

    model: str
    quant: str
    ctx: int
    concurrency: int
    weights_bytes: int
    kv_bytes: int
    total_bytes: int
    gpu_bytes: int
    gpus: int | None  # tensor-parallel degree; None when even 8 GPUs are too small
    note: str

    @property
    def fits_one_gpu(self) -> bool:
        return self.gpus == 1


@dataclass(frozen=True)
class Throughput:
    """How fast one replica serves, and where that figure comes from."""

    kind: str  # "measured", "published" or "guide"
    output_tokens_per_s: float | None  # aggregate, at the stated concurrency
    requests_per_s: float | None  # (low end when the source gives a range)
    requests_per_s_high: float | None
    source: str
    conditions: str
    observed: str
    caveat: str = ""

    @property
    def label(self) -> str:
        return {
            "measured": "measured on your engine",
            "published": "published benchmark",
            "guide": "the guide's per-framework figure",
        }.get(self.kind, self.kind)


def replica_for(
    shape: ModelShape, ctx: int, concurrency: int, gpu_memory_gb: float, kv_type: str = "f16"
) -> Replica:
    """The GPUs one replica needs: weights + KV cache, split tensor-parallel if needed."""
    fit = estimate(shape, FitSettings(ctx=ctx, parallel=max(1, concurrency), kv_type=kv_type), None)
    need = fit.weights_bytes + fit.kv.bytes + fit.compute_bytes + fit.overhead_bytes
    gpu_bytes = int(gpu_memory_gb * GIB)
    usable = gpu_bytes * (1 - GPU_RUNTIME_RESERVE)
    gpus = next((n for n in TP_DEGREES if need / n <= usable), None)
    what = (
        f"{fit.weights_bytes / GIB:.1f} GiB weights + {fit.kv.bytes / GIB:.1f} GiB KV cache "
        f"({ctx:,} tokens × {concurrency} concurrent) + {fit.compute_bytes / GIB:.1f} GiB compute"
    )
    if gpus is None:
        note = f"{what} = {need / GIB:.1f} GiB: more than 8 × {gpu_memory_gb:g} GB; not priced"
    elif gpus == 1:
        note = f"{what} = {need / GIB:.1f} GiB: fits one {gpu_memory_gb:g} GB GPU"
    else:
        note = (
            f"{what} = {need / GIB:.1f} GiB: too big for one {gpu_memory_gb:g} GB GPU, "
            f"split tensor-parallel over {gpus}"
        )
    return Replica(
        shape.name,
        shape.quant,
        ctx,
        concurrency,
        fit.weights_bytes,
        fit.kv.bytes,
        need,
        gpu_bytes,
        gpus,
        note,
    )


def measured_throughput(
    output_tokens_per_s: float,
    *,
    output_tokens_per_request: float,
    source: str,
    observed: str,
    conditions: str = "",
) -> Throughput:
    """A throughput measured on the user's own engine (e.g. a Benchmark run), with its source."""
    rps = output_tokens_per_s / output_tokens_per_request if output_tokens_per_request > 0 else None
    return Throughput("measured", output_tokens_per_s, rps, rps, source, conditions, observed)


def _model_key(name: str) -> tuple[str, str]:
    """("llama", "8b") from "Llama 3 8B" or "Llama-3.1-8B(-Instruct)"."""
    low = name.lower()
    family = re.match(r"[a-z]+", low)
    size = re.search(r"(\d+(?:\.\d+)?)\s*b\b", low.replace("-", " ").replace("(", " "))
    return (family.group(0) if family else "", size.group(1) + "b" if size else "")


def published_throughput(
    benchmarks: Sequence[Benchmark],
    model: str,
    gpu: str,
    framework: str,
    output_tokens_per_request: float,
) -> Throughput | None:
    """A published tokens/s figure for this model family and size on this GPU, if any."""
    want = _model_key(model)
    fam = gpu.split()[0].lower()
    mem = re.search(r"(\d+)\s*GB", gpu)
    for b in benchmarks:
        if b.value is None or not b.unit.startswith("tokens/s") or b.framework != framework:
            continue
        hw = b.hardware.lower()
        if _model_key(b.model) != want or fam not in hw or not hw.startswith("1x"):
            continue
        if mem and f"{mem.group(1)}gb" not in hw.replace(" ", ""):
            continue
        rps = b.value / output_tokens_per_request if output_tokens_per_request > 0 else None
        caveat = ""
        if b.model.lower().replace(" ", "") not in model.lower().replace("-", ""):
            caveat = f"measured on {b.model}, the nearest published model to {model}"
        return Throughput(
            "published",
            b.value,
            rps,
            rps,
            f"{b.study}: {b.provenance.source}",  # the figure's ID stays in the Sources view
            f"{b.hardware}, {b.concurrency} concurrent users, {b.quantization}, {b.metric}",
            b.study_date,
            caveat,
        )
    return None


def guide_throughput(fw: Framework | None) -> Throughput | None:
    """The guide's requests/s per GPU for a framework: for no particular model."""
    tp = fw.throughput if fw is not None else None
    if tp is None or tp.low is None or tp.high is None:
        return None
    return Throughput(
        "guide",
        None,
        tp.low,
        tp.high,
        tp.provenance.source,
        tp.note or "per GPU, model and request size not stated",
        "2025",
        "the guide's per-framework figure is for no particular model or request size: "
        "measure your own engine or use a published figure for your model",
    )


def replicas_needed(peak_rps: float, per_replica_rps: float | None) -> int | None:
    """Replicas to serve the peak load; None when the speed is unknown."""
    if per_replica_rps is None or not per_replica_rps > 0 or not math.isfinite(peak_rps):
        return None
    return max(1, math.ceil(peak_rps / per_replica_rps - 1e-9))


@dataclass(frozen=True)
class Sizing:
    """GPUs for one framework: replicas × GPUs per replica, with the figures used."""

    replica: Replica
    throughput: Throughput | None
    replicas_low: int | None  # at the fast end of the throughput
    replicas_high: int | None
    gpus_low: int | None
    gpus_high: int | None


def size(peak_rps: float, replica: Replica, tp: Throughput | None) -> Sizing:
    """GPUs for the peak load. The guide's figure is per GPU; others are per replica."""
    if replica.gpus is None or tp is None:
        return Sizing(replica, tp, None, None, None, None)
    scale = replica.gpus if tp.kind == "guide" else 1  # guide: req/s per GPU of the replica
    lo_rps = None if tp.requests_per_s_high is None else tp.requests_per_s_high * scale
    hi_rps = None if tp.requests_per_s is None else tp.requests_per_s * scale
    r_lo = replicas_needed(peak_rps, lo_rps)
    r_hi = replicas_needed(peak_rps, hi_rps)
    g = replica.gpus
    return Sizing(
        replica,
        tp,
        r_lo,
        r_hi,
        None if r_lo is None else r_lo * g,
        None if r_hi is None else r_hi * g,
    )
