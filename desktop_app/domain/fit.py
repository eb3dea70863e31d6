"""Can I run it? Memory fit and decode-speed estimates that follow what llama.cpp allocates.

Weights come from a GGUF header or from the catalogue with llama.cpp's quantization mixture
(fit_quant); the KV cache is llama.cpp's own formula (context padded to 256, split per slot,
GQA counted by KV heads, sliding-window layers capped); the compute buffer and runtime
reserve are stated as estimates. See ../shared/FIT-AND-METRICS.md part A.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.domain.catalog import ModelArch
from desktop_app.domain.fit_archs import catalogue_tensors, details_for, is_swa_layer
from desktop_app.domain.fit_quant import (
    QUANTS,
    QuantContext,
    WeightsLayout,
    gpu_format_bytes,
    layout_from_tensors,
    quantize_tensors,
)
from desktop_app.domain.hardware import HardwareProfile

MIB = 1024**2
GIB = 1024**3
KV_TYPES: dict[str, float] = {"f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
CTX_PAD = 256
N_UBATCH = 512
# Reserves llama.cpp cannot see (CUDA context, driver): Ollama's MinimumMemory().
GPU_RESERVE = {"NVIDIA": 457 * MIB, "AMD": 457 * MIB, "Apple": 512 * MIB}
# System RAM bandwidth is not in the profile: assume dual-channel DDR4-3200 (51.2 GB/s).
CPU_BANDWIDTH_ASSUMED_GBPS = 51.2
CPU_BANDWIDTH_NOTE = "assumed: dual-channel DDR4-3200 = 51.2 GB/s (not measured)"
# Share of the bandwidth bound real decoders reach (llmfit uses 0.55).
REALISTIC_SHARE = 0.55
# Apple GPUs may use about 75% of unified memory (canitrun.dev heuristic, unverified).
APPLE_GPU_SHARE = 0.75

VERDICT_TEXT = {
    "fits_gpu": "fits on the GPU",
    "partial_offload": "partial offload",
    "cpu_only": "CPU only",
    "does_not_fit": "does not fit",
    "unknown": "detecting hardware…",
}


@dataclass(frozen=True)
class ModelShape:
    """What the estimate needs about one model at one quantization."""

    name: str
    quant: str
    layers: int
    n_embd: int
    n_heads: int
    kv_heads: int
    head_dim_k: int
    head_dim_v: int
    vocab: int
    ffn: int
    max_ctx: int
    weights: WeightsLayout
    params: int
    sliding_window: int = 0
    swa_pattern: int = 0
    family: str = "gguf"  # "gguf" (llama.cpp) or "gpu" (vLLM-style whole-GPU frameworks)
    source: str = ""


@dataclass(frozen=True)
class FitSettings:
    """The user's choices: context per slot, parallel slots, KV-cache type."""

    ctx: int = 4096
    parallel: int = 1
    kv_type: str = "f16"
    n_ubatch: int = N_UBATCH


@dataclass(frozen=True)
class KvCache:
    """KV-cache size and how it was counted."""

    bytes: int
    n_ctx: int  # padded total cells llama-server allocates (-c ctx×parallel)
    cells_per_seq: int
    swa_cells_per_seq: int
    full_layers: int
    swa_layers: int
    per_layer: tuple[int, ...]
    formula: str


@dataclass(frozen=True)
class Budget:
    """Memory and bandwidth the verdict is measured against."""

    vram_bytes: int  # 0 without a usable GPU
    ram_bytes: int | None
    gpu_name: str
    gpu_vendor: str
    gpu_bandwidth_gbps: float | None
    cpu_bandwidth_gbps: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FitResult:
    """The estimate for one model, quantization and settings on one hardware profile."""

    shape: ModelShape
    settings: FitSettings
    weights_bytes: int
    kv: KvCache
    compute_bytes: int
    overhead_bytes: int
    verdict: str
    gpu_layers: int
    layers: int  # as llama.cpp counts them: blocks + the output layer
    vram_needed: int
    ram_needed: int
    headroom_bytes: int | None
    decode_upper: float | None
    decode_upper_full_ctx: float | None
    decode_estimate: float | None
    speed_note: str
    budget: Budget | None
    notes: tuple[str, ...] = field(default=())

    @property
    def total_bytes(self) -> int:
        """Weights + KV cache + compute + overhead."""
        return self.weights_bytes + self.kv.bytes + self.compute_bytes + self.overhead_bytes

    @property
    def verdict_text(self) -> str:
        """The verdict in words, with the layer split for partial offload."""
        if self.verdict == "partial_offload":
            return f"partial offload: {self.gpu_layers} of {self.layers} layers on the GPU"
        return VERDICT_TEXT[self.verdict]

    def to_json(self) -> dict[str, object]:
        """The keys `infernav fit --json` prints."""
        b = self.budget
        return {
            "model": self.shape.name,
            "quant": self.shape.quant,
            "ctx": self.settings.ctx,
            "parallel": self.settings.parallel,
            "kv_type": self.settings.kv_type,
            "weights_bytes": self.weights_bytes,
            "kv_cache_bytes": self.kv.bytes,
            "compute_bytes": self.compute_bytes,
            "overhead_bytes": self.overhead_bytes,
            "total_bytes": self.total_bytes,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "gpu_layers": self.gpu_layers,
            "layers": self.layers,
            "vram_needed_bytes": self.vram_needed,
            "ram_needed_bytes": self.ram_needed,
            "headroom_bytes": self.headroom_bytes,
            "vram_available_bytes": b.vram_bytes if b else None,
            "ram_available_bytes": b.ram_bytes if b else None,
            "decode_tokens_per_s_upper": _round(self.decode_upper),
            "decode_tokens_per_s_upper_full_context": _round(self.decode_upper_full_ctx),
            "decode_tokens_per_s_estimate": _round(self.decode_estimate),
            "speed_note": self.speed_note,
            "kv_cells": self.kv.n_ctx,
            "kv_formula": self.kv.formula,
            "source": self.shape.source,
            "notes": list(self.notes),
        }


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 1)


def pad(n: int, to: int = CTX_PAD) -> int:
    """Round up to a multiple of `to`, as GGML_PAD does."""
    return -(-n // to) * to


def kv_cache(shape: ModelShape, s: FitSettings) -> KvCache:
    """llama.cpp's KV cache: Σ layers (K+V head dims × KV heads × cells × bytes/elem)."""
    bpe = KV_TYPES[s.kv_type]
    n_ctx = pad(s.ctx * s.parallel)  # llama-server -c ctx×parallel -np parallel
    per_seq = pad(n_ctx // s.parallel)
    swa_cells = per_seq
    if shape.sliding_window:
        swa_cells = min(per_seq, pad(shape.sliding_window + s.n_ubatch))
    per_cell = (shape.head_dim_k + shape.head_dim_v) * shape.kv_heads
    per_layer = []
    n_swa = 0
    for il in range(shape.layers):
        swa = shape.sliding_window > 0 and is_swa_layer(il, shape.swa_pattern)
        n_swa += swa
        cells = swa_cells if swa else per_seq
        per_layer.append(int(per_cell * cells * bpe) * s.parallel)
    formula = (
        f"{shape.layers} layers × ({shape.head_dim_k}+{shape.head_dim_v}) head dims × "
        f"{shape.kv_heads} KV heads × {per_seq:,} cells × {bpe:g} B ({s.kv_type}) × "
        f"{s.parallel} slot(s)"
    )
    if n_swa:
        formula += f"; {n_swa} sliding-window layers capped at {swa_cells:,} cells"
    return KvCache(
        sum(per_layer),
        n_ctx,
        per_seq,
        swa_cells,
        shape.layers - n_swa,
        n_swa,
        tuple(per_layer),
        formula,
    )


def compute_buffer(shape: ModelShape, s: FitSettings, kv: KvCache) -> int:
    """Compute buffer (estimate): ubatch × (KQ mask over the cells + FFN and Q activations).

    Fitted to llama-server (b1-0c1e570) logs with flash attention on: Gemma 3 270M at
    4096 and 10240 cells within 4%; older builds also reserve logits for the whole ubatch.
    """
    cells = kv.cells_per_seq + (kv.swa_cells_per_seq if kv.swa_layers else 0)
    width = cells + 2 * shape.ffn + 2 * shape.n_heads * shape.head_dim_k
    return 4 * s.n_ubatch * width + 4 * shape.vocab * s.parallel


def budget_for(profile: HardwareProfile) -> Budget:
    """Usable VRAM and RAM of a profile, and the bandwidths the speed bound uses."""
    gpus = [g for g in profile.gpus if g.vendor in GPU_RESERVE]
    ram = profile.memory.available_bytes or profile.memory.total_bytes
    notes: list[str] = []
    vram = 0
    for g in gpus:
        mem = g.memory_free_bytes if g.memory_free_bytes is not None else g.memory_total_bytes
        if mem is None and g.vendor == "Apple" and profile.memory.total_bytes:
            mem = int(profile.memory.total_bytes * APPLE_GPU_SHARE)
            notes.append("Apple GPU limit assumed at 75% of unified memory (heuristic)")
        vram += mem or 0
    if len(gpus) > 1:
        notes.append(f"layers split across {len(gpus)} GPUs")
    first = gpus[0] if gpus else None
    return Budget(
        vram_bytes=vram,
        ram_bytes=ram,
        gpu_name=first.name if first else "",
        gpu_vendor=first.vendor if first else "",
        gpu_bandwidth_gbps=first.bandwidth_gbps if first else None,
        cpu_bandwidth_gbps=CPU_BANDWIDTH_ASSUMED_GBPS,
        notes=tuple(notes),
    )


def catalogue_shape(arch: ModelArch, quant: str) -> ModelShape:
    """A catalogue model at a quantization, with llama.cpp's per-tensor mixture."""
    d = details_for(arch)
    tensors = catalogue_tensors(arch)
    q = QUANTS[quant]
    if q.family == "gpu":
        embed = arch.vocab * arch.hidden * (1 if d.tied_embeddings else 2)
        params = sum(t.n_elements for t in tensors)
        linear = sum(t.n_elements for t in tensors if t.layer is not None and len(t.shape) > 1)
        total = gpu_format_bytes(quant, linear, embed)
        per = (total - embed * 2) // arch.layers
        out = arch.vocab * arch.hidden * 2
        weights = WeightsLayout((per,) * arch.layers, 0 if d.tied_embeddings else out, out, False)
    else:
        qctx = QuantContext(
            arch.layers, arch.heads // arch.kv_heads, arch.layers == 80 and d.family != "gemma2"
        )
        typed = quantize_tensors(quant, tensors, qctx)
        weights = layout_from_tensors(typed)
        params = sum(t.n_elements for t in typed)
    return ModelShape(
        name=arch.model,
        quant=quant,
        layers=arch.layers,
        n_embd=arch.hidden,
        n_heads=arch.heads,
        kv_heads=arch.kv_heads,
        head_dim_k=arch.head_dim,
        head_dim_v=arch.head_dim,
        vocab=arch.vocab,
        ffn=d.ffn,
        max_ctx=arch.max_ctx,
        weights=weights,
        params=params,
        sliding_window=d.sliding_window,
        swa_pattern=d.swa_pattern,
        family=q.family,
        source=f"catalogue: {arch.provenance.source}; layout: {d.source}",
    )


def estimate(shape: ModelShape, s: FitSettings, profile: HardwareProfile | None) -> FitResult:
    """Memory needed, verdict against `profile` (None: no verdict yet) and decode speed."""
    w = shape.weights
    kv = kv_cache(shape, s)
    compute = compute_buffer(shape, s, kv)
    output_buf = 4 * shape.vocab * s.parallel
    n_l = shape.layers
    budget = budget_for(profile) if profile is not None else None
    reserve = GPU_RESERVE.get(budget.gpu_vendor, 0) if budget else 0
    notes: list[str] = list(budget.notes) if budget else []
    # CPU only: the mapped file + KV + compute. llama.cpp's repacked copy of Q4 tensors
    # replaces their mapped pages (which become reclaimable page cache), so it adds nothing.
    cpu_need = w.file_bytes + kv.bytes + compute + output_buf

    def gpu_need(n: int) -> int:
        """VRAM for n llama.cpp layers on the GPU (the output layer goes first)."""
        if n == 0:
            return 0
        blocks = range(n_l - (n - 1), n_l)
        return w.output + sum(w.layers[i] + kv.per_layer[i] for i in blocks) + compute + reserve

    def ram_need(n: int) -> int:
        """System RAM with n layers on the GPU: the rest, the embedding, host buffers."""
        if n == 0:
            return cpu_need
        blocks = range(0, n_l - (n - 1))
        rest = sum(w.layers[i] + kv.per_layer[i] for i in blocks)
        return w.token_embd + rest + output_buf + (compute if n < n_l + 1 else 0)

    verdict, n_gpu, headroom = "unknown", 0, None
    vram_needed, ram_needed = gpu_need(n_l + 1), w.token_embd + output_buf
    if budget is not None:
        ram = budget.ram_bytes if budget.ram_bytes is not None else 0
        gpu_ok = budget.vram_bytes > 0 and (shape.family == "gpu" or budget.gpu_vendor != "")
        if gpu_ok and gpu_need(n_l + 1) <= budget.vram_bytes and ram_need(n_l + 1) <= ram:
            verdict, n_gpu = "fits_gpu", n_l + 1
            headroom = budget.vram_bytes - gpu_need(n_l + 1)
        elif gpu_ok and shape.family == "gguf":
            n_gpu = max((n for n in range(n_l + 1) if gpu_need(n) <= budget.vram_bytes), default=0)
            if n_gpu > 0 and ram_need(n_gpu) <= ram:
                verdict = "partial_offload"
                headroom = min(budget.vram_bytes - gpu_need(n_gpu), ram - ram_need(n_gpu))
        if verdict == "unknown" and shape.family == "gguf":
            n_gpu = 0
            verdict = "cpu_only" if cpu_need <= ram else "does_not_fit"
            headroom = ram - cpu_need
        elif verdict == "unknown":
            verdict, n_gpu = "does_not_fit", 0
            headroom = budget.vram_bytes - gpu_need(n_l + 1)
            notes.append("GPU frameworks keep the whole model in VRAM")
        vram_needed, ram_needed = gpu_need(n_gpu), ram_need(n_gpu)
    overhead = (reserve if n_gpu else 0) + output_buf
    if n_gpu == 0 and w.cpu_repack:
        notes.append(
            f"llama.cpp repacks {w.cpu_repack / MIB:,.0f} MiB of Q4 tensors into a CPU_REPACK "
            "buffer on x86; their mapped pages become reclaimable"
        )
    if shape.family == "gpu":
        notes.append("vLLM-style servers also pre-allocate most free VRAM for the KV cache")
    up, up_full, est, note = _speed(shape, kv, n_gpu, budget)
    return FitResult(
        shape=shape,
        settings=s,
        weights_bytes=w.file_bytes,
        kv=kv,
        compute_bytes=compute,
        overhead_bytes=overhead,
        verdict=verdict,
        gpu_layers=n_gpu,
        layers=n_l + 1,
        vram_needed=vram_needed,
        ram_needed=ram_needed,
        headroom_bytes=headroom,
        decode_upper=up,
        decode_upper_full_ctx=up_full,
        decode_estimate=est,
        speed_note=note,
        budget=budget,
        notes=tuple(notes),
    )


def _speed(
    shape: ModelShape, kv: KvCache, n_gpu: int, budget: Budget | None
) -> tuple[float | None, float | None, float | None, str]:
    """Decode tokens/s bound: bytes read per token ÷ bandwidth, per side; slower side adds up."""
    if budget is None:
        return None, None, None, "unknown until the hardware is detected"
    w, n_l = shape.weights, shape.layers
    gpu_blocks = range(n_l - (n_gpu - 1), n_l) if n_gpu else range(0)
    gpu_w = (w.output if n_gpu else 0) + sum(w.layers[i] for i in gpu_blocks)
    gpu_kv = sum(kv.per_layer[i] for i in gpu_blocks)
    cpu_w = w.read_per_token - gpu_w
    cpu_kv = kv.bytes - gpu_kv
    gbw = budget.gpu_bandwidth_gbps
    cbw = budget.cpu_bandwidth_gbps
    if n_gpu and gbw is None:
        return None, None, None, "unknown: the GPU's memory bandwidth is not known"

    def seconds(with_kv: bool) -> float:
        t = (gpu_w + (gpu_kv if with_kv else 0)) / (gbw * 1e9) if n_gpu and gbw else 0.0
        return t + (cpu_w + (cpu_kv if with_kv else 0)) / (cbw * 1e9)

    t0, t1 = seconds(False), seconds(True)
    up, up_full = 1 / t0, 1 / t1
    if n_gpu == n_l + 1:
        note = f"GPU bandwidth {gbw:g} GB/s ÷ {gpu_w / GIB:.2f} GiB read per token"
    elif n_gpu:
        cpu_share = cpu_w / (cbw * 1e9) / t0
        note = (
            f"partial offload: the CPU side is slower and takes {cpu_share:.0%} of each token "
            f"(GPU {gbw:g} GB/s, RAM {CPU_BANDWIDTH_NOTE})"
        )
    else:
        note = f"CPU only: RAM bandwidth {CPU_BANDWIDTH_NOTE} ÷ {cpu_w / GIB:.2f} GiB per token"
    return up, up_full, up * REALISTIC_SHARE, note


def best_quality_key(r: FitResult) -> tuple[int, float, int]:
    """Sort key for "best quality that fits": fitting first, bigger models, more bits."""
    order = ["fits_gpu", "partial_offload", "cpu_only", "does_not_fit", "unknown"]
    return (order.index(r.verdict), -r.shape.params, -QUANTS[r.shape.quant].quality)
