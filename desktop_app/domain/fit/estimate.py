"""Can I run it? Memory fit and decode-speed estimates that follow what llama.cpp allocates.

Weights come from a GGUF header or from the catalogue with llama.cpp's quantization mixture
(fit_quant); the KV cache is llama.cpp's own formula (context padded to 256, split per slot,
GQA counted by KV heads, sliding-window layers capped); the compute buffer and runtime
reserve are stated as estimates. See docs/fit-and-metrics.md part A.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import assert_never

from desktop_app.domain.fit.archs import catalogue_tensors, details_for, is_swa_layer
from desktop_app.domain.fit.budget import GIB as GIB
from desktop_app.domain.fit.budget import (
    GPU_RESERVE,
    Budget,
    TokenReads,
    budget_for,
    decode_speed,
)
from desktop_app.domain.fit.budget import MIB as MIB
from desktop_app.domain.fit.quant import (
    QUANTS,
    QuantContext,
    TensorSpec,
    WeightsLayout,
    gpu_format_bytes,
    layout_from_tensors,
    quantize_tensors,
)
from desktop_app.domain.fit.verdict import Verdict
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.sources.catalog import ModelArch

KV_TYPES: dict[str, float] = {"f16": 2.0, "bf16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}
CTX_PAD = 256
N_UBATCH = 512


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
    swa_layers: tuple[bool, ...] = ()  # per-layer flags from the GGUF (overrides the pattern)
    family: str = "gguf"  # "gguf" (llama.cpp) or "gpu" (vLLM-style whole-GPU frameworks)
    source: str = ""
    experts: int = 0  # routed experts per MoE block ({arch}.expert_count); 0 = dense
    experts_used: int = 0  # experts each token runs through ({arch}.expert_used_count)
    kv_has_v: bool = True  # MLA (DeepSeek) caches one compressed row per token and no V
    active_params: int = 0  # parameters one token runs through (= params for dense models)
    arch: str = ""  # llama.cpp architecture name (general.architecture)

    @property
    def is_moe(self) -> bool:
        """A mixture-of-experts model (only some experts run per token)."""
        return self.experts > 0 and 0 < self.experts_used < self.experts

    @property
    def expert_share(self) -> float:
        """Share of the routed expert weights one token reads (1 for dense models)."""
        return self.experts_used / self.experts if self.is_moe else 1.0


@dataclass(frozen=True)
class FitSettings:
    """The user's choices: context per slot, parallel slots, KV-cache type."""

    ctx: int = 4096
    parallel: int = 1
    kv_type: str = "f16"
    n_ubatch: int = N_UBATCH
    # MoE models too big for the GPU: keep the experts of the first blocks in system RAM and
    # everything else on the GPU (llama.cpp --n-cpu-moe N), rather than whole layers.
    moe_offload: bool = True


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
class FitResult:
    """The estimate for one model, quantization and settings on one hardware profile."""

    shape: ModelShape
    settings: FitSettings
    weights_bytes: int
    kv: KvCache
    compute_bytes: int
    overhead_bytes: int
    verdict: Verdict
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
    placement: dict[str, tuple[int, int]] = field(default_factory=dict)  # part -> (GPU, RAM)
    notes: tuple[str, ...] = field(default=())
    cpu_moe_layers: int = 0  # llama.cpp --n-cpu-moe: blocks whose experts stay in system RAM

    @property
    def total_bytes(self) -> int:
        """Weights + KV cache + compute + overhead."""
        return self.weights_bytes + self.kv.bytes + self.compute_bytes + self.overhead_bytes

    @property
    def verdict_text(self) -> str:
        """The verdict in words, with the layer split for partial offload."""
        if self.verdict is Verdict.PARTIAL_OFFLOAD and self.cpu_moe_layers:
            return (
                f"partial offload: experts of {self.cpu_moe_layers} of {self.shape.layers} "
                "blocks in system RAM, the rest on the GPU"
            )
        if self.verdict is Verdict.PARTIAL_OFFLOAD:
            return f"partial offload: {self.gpu_layers} of {self.layers} layers on the GPU"
        return self.verdict.text

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
            "verdict": self.verdict.value,
            "verdict_text": self.verdict_text,
            "gpu_layers": self.gpu_layers,
            "layers": self.layers,
            "n_cpu_moe": self.cpu_moe_layers,
            "experts": self.shape.experts,
            "experts_used": self.shape.experts_used,
            "params": self.shape.params,
            "active_params": self.shape.active_params or self.shape.params,
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
    v_dim = shape.head_dim_v if shape.kv_has_v else 0
    per_cell = (shape.head_dim_k + v_dim) * shape.kv_heads
    per_layer = []
    n_swa = 0
    for il in range(shape.layers):
        if shape.swa_layers:
            swa = shape.sliding_window > 0 and shape.swa_layers[il]
        else:
            swa = shape.sliding_window > 0 and is_swa_layer(il, shape.swa_pattern)
        n_swa += swa
        cells = swa_cells if swa else per_seq
        per_layer.append(int(per_cell * cells * bpe) * s.parallel)
    formula = (
        f"{shape.layers} layers × ({shape.head_dim_k}+{v_dim}) head dims × "
        f"{shape.kv_heads} KV heads × {per_seq:,} cells × {bpe:g} B ({s.kv_type}) × "
        f"{s.parallel} slot(s)"
    )
    if n_swa:
        formula += f"; {n_swa} sliding-window layers capped at {swa_cells:,} cells"
    if not shape.kv_has_v:
        formula += "; MLA: one compressed K row per token, no V cache"
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
    """Compute buffer (estimate): f16 attention mask over the cells + FFN activations.

    Fitted to llama-server (b1-0c1e570) CPU logs with flash attention on: the tiny llama
    and Gemma 3 270M at 1024-10240 cells within 8%; older builds also reserved the logits
    of the whole ubatch (n_ubatch × vocab × 4 B), so GPU buffers may be larger.
    """
    cells = kv.cells_per_seq + (kv.swa_cells_per_seq if kv.swa_layers else 0)
    mask = 2 * s.n_ubatch * cells
    activations = 4 * s.n_ubatch * (4 * shape.ffn + shape.n_embd + shape.head_dim_k)
    return mask + activations + 4 * shape.vocab * s.parallel


def catalogue_quants(arch: ModelArch) -> list[str]:
    """The quantizations a catalogue model is offered in (gpt-oss: only its MXFP4 GGUF)."""
    if details_for(arch).family == "gpt-oss":
        return ["MXFP4"]
    return [q for q in QUANTS if q != "MXFP4"]


def active_params(tensors: Sequence[TensorSpec], share: float) -> int:
    """Parameters one token runs through: all but the input embedding (a lookup) and the
    unused share of the routed experts (gpt-oss-20b: 3.6 B, as OpenAI counts them)."""
    experts = sum(t.n_elements for t in tensors if "_exps" in t.name)
    embd = sum(t.n_elements for t in tensors if t.name == "token_embd.weight")
    return sum(t.n_elements for t in tensors) - embd - int(experts * (1 - share))


def catalogue_shape(arch: ModelArch, quant: str) -> ModelShape:
    """A catalogue model at a quantization, with llama.cpp's per-tensor mixture."""
    d = details_for(arch)
    tensors = catalogue_tensors(arch)
    q = QUANTS[quant]
    moe = d.moe
    share = moe.active_share if moe else 1.0
    if q.family == "gpu":
        embed = arch.vocab * arch.hidden * (1 if d.tied_embeddings else 2)
        params = sum(t.n_elements for t in tensors)
        linear = sum(t.n_elements for t in tensors if t.layer is not None and len(t.shape) > 1)
        total = gpu_format_bytes(quant, linear, embed)
        per = (total - embed * 2) // arch.layers
        out = arch.vocab * arch.hidden * 2
        experts = sum(t.n_elements for t in tensors if "_exps" in t.name) * (total - embed * 2)
        per_exp = experts // max(linear, 1) // arch.layers
        weights = WeightsLayout(
            (per,) * arch.layers,
            0 if d.tied_embeddings else out,
            out,
            False,
            experts=(per_exp,) * arch.layers if moe else (),
        )
    else:
        # llama.cpp names the size class from the block count per architecture
        # (llama-model.cpp: 80 layers is LLM_TYPE_70B for llama and qwen2), and its
        # quantizer bumps a 70B-class model's attn_v to Q5_K (docs/fit-and-metrics.md
        # A2.1). Gemma 2 maps its own layer counts (26/42/46) to 2B/9B/27B and never to
        # 70B, so an 80-layer gemma2 row must not get the bump.
        is_70b = arch.layers == 80 and d.family in ("llama", "qwen2")
        n_expert = moe.experts if moe else 0
        qctx = QuantContext(arch.layers, arch.heads // arch.kv_heads, is_70b, n_expert)
        typed = quantize_tensors(quant, tensors, qctx)
        weights = layout_from_tensors(typed)
        params = sum(t.n_elements for t in typed)
    head_k, head_v, kv_heads = arch.head_dim, arch.head_dim, arch.kv_heads
    if d.mla is not None:  # llama.cpp caches kv_lora_rank + rope dims per token, one "head"
        head_k, head_v, kv_heads = d.mla.kv_lora_rank + d.mla.rope_dim, d.mla.kv_lora_rank, 1
    return ModelShape(
        name=arch.model,
        quant=quant,
        layers=arch.layers,
        n_embd=arch.hidden,
        n_heads=arch.heads,
        kv_heads=kv_heads,
        head_dim_k=head_k,
        head_dim_v=head_v,
        vocab=arch.vocab,
        ffn=moe.expert_ffn * moe.used if moe else d.ffn,
        max_ctx=arch.max_ctx,
        weights=weights,
        params=params,
        sliding_window=d.sliding_window,
        swa_pattern=d.swa_pattern,
        family=q.family,
        source=(
            f"catalogue (retrieved {arch.provenance.retrieved or 'unknown'}): "
            f"{arch.provenance.source}; layout: {d.source}"
        ),
        experts=moe.experts if moe else 0,
        experts_used=moe.used if moe else 0,
        kv_has_v=d.mla is None,
        active_params=active_params(tensors, share),
        arch=d.family,
    )


def _suffix(values: tuple[int, ...]) -> list[int]:
    """suffix[k] = sum(values[k:]) so that any "last n blocks" sum is one lookup."""
    out = [0] * (len(values) + 1)
    for i in range(len(values) - 1, -1, -1):
        out[i] = out[i + 1] + values[i]
    return out


def _placement(
    shape: ModelShape,
    kv: KvCache,
    sums: tuple[list[int], list[int]],
    compute: int,
    reserve: int,
    output_buf: int,
    n: int,
    cpu_moe: int = 0,
) -> dict[str, tuple[int, int]]:
    """(GPU bytes, system-RAM bytes) of each part with n llama.cpp layers on the GPU.

    llama.cpp offloads from the end: the output layer first, then the last blocks; the
    input embedding always stays in system RAM. CPU only maps the file and its KV. With
    `cpu_moe`, the routed experts of the first `cpu_moe` blocks stay in system RAM
    (--n-cpu-moe), so both sides need a compute buffer.
    """
    w, n_l = shape.weights, shape.layers
    if n == 0:
        return {
            "weights": (0, w.file_bytes),
            "kv": (0, kv.bytes),
            "compute": (0, compute),
            "overhead": (0, output_buf),
        }
    first_gpu = n_l - (n - 1)
    w_sum, kv_sum = sums
    gpu_w = w.output + w_sum[first_gpu]
    gpu_kv = kv_sum[first_gpu]
    moved = sum(w.expert_bytes(i) for i in range(max(first_gpu, 0), min(cpu_moe, n_l)))
    return {
        "weights": (gpu_w - moved, w.token_embd + w_sum[0] - w_sum[first_gpu] + moved),
        "kv": (gpu_kv, kv.bytes - gpu_kv),
        "compute": (compute, compute if n < n_l + 1 or moved else 0),
        "overhead": (reserve, output_buf),
    }


def _sides(place: dict[str, tuple[int, int]]) -> tuple[int, int]:
    return sum(g for g, _ in place.values()), sum(c for _, c in place.values())


def token_reads(shape: ModelShape, kv: KvCache, n_gpu: int, cpu_moe: int = 0) -> TokenReads:
    """Bytes one decoded token reads on each side: dense parts whole, routed experts by share.

    A MoE token reads the attention, the router, the shared experts and `experts_used` of
    `experts` routed experts in every block, so its weights read are far below the file.
    """
    w, n_l = shape.weights, shape.layers
    share = shape.expert_share
    first_gpu = n_l - (n_gpu - 1) if n_gpu else n_l
    gpu_w: float = w.output if n_gpu else 0
    cpu_w: float = 0 if n_gpu else w.output
    gpu_kv = cpu_kv = 0.0
    for i in range(n_l):
        exp = w.expert_bytes(i)
        dense, active = w.layers[i] - exp, exp * share
        if i >= first_gpu:
            gpu_w += dense
            gpu_kv += kv.per_layer[i]
            if i < cpu_moe:
                cpu_w += active
            else:
                gpu_w += active
        else:
            cpu_w += dense + active
            cpu_kv += kv.per_layer[i]
    return TokenReads(gpu_w, cpu_w, gpu_kv, cpu_kv)


def _moe_split(
    shape: ModelShape, place: Callable[[int, int], dict[str, tuple[int, int]]], vram: int, ram: int
) -> int:
    """The fewest blocks whose experts go to system RAM (--n-cpu-moe) so the rest fits the
    GPU; 0 when even all experts in RAM do not fit."""
    n_all = shape.layers + 1
    for k in range(1, shape.layers + 1):
        gpu_b, ram_b = _sides(place(n_all, k))
        if gpu_b <= vram:
            return k if ram_b <= ram else 0
    return 0


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

    sums = (_suffix(w.layers), _suffix(kv.per_layer))

    def place(n: int, cpu_moe: int = 0) -> dict[str, tuple[int, int]]:
        return _placement(shape, kv, sums, compute, reserve, output_buf, n, cpu_moe)

    verdict: Verdict = Verdict.UNKNOWN
    n_gpu, headroom, cpu_moe = 0, None, 0
    if budget is not None:
        ram_known = budget.ram_bytes is not None
        # A planned machine may not say how much RAM it has: never call that "does not fit".
        ram = budget.ram_bytes if budget.ram_bytes is not None else 1 << 62
        if not ram_known:
            notes.append("system RAM of this plan is unknown: host-side parts are not checked")
        vram = budget.vram_bytes
        full_gpu, full_ram = _sides(place(n_l + 1))
        if vram > 0 and full_gpu <= vram and full_ram <= ram:
            verdict, n_gpu, headroom = Verdict.FITS_GPU, n_l + 1, vram - full_gpu
        elif vram > 0 and shape.family == "gguf" and shape.is_moe and s.moe_offload:
            cpu_moe = _moe_split(shape, place, vram, ram)
            if cpu_moe:
                gpu_b, ram_b = _sides(place(n_l + 1, cpu_moe))
                verdict, n_gpu = Verdict.PARTIAL_OFFLOAD, n_l + 1
                headroom = min(vram - gpu_b, ram - ram_b) if ram_known else vram - gpu_b
        if verdict is Verdict.UNKNOWN and vram > 0 and shape.family == "gguf":
            # The most layers whose VRAM fits; VRAM grows with n, so stop at the first miss.
            n_gpu = 0
            for n in range(1, n_l + 1):
                if _sides(place(n))[0] > vram:
                    break
                n_gpu = n
            gpu_b, ram_b = _sides(place(n_gpu))
            if n_gpu > 0 and ram_b <= ram:
                verdict = Verdict.PARTIAL_OFFLOAD
                headroom = min(vram - gpu_b, ram - ram_b) if ram_known else vram - gpu_b
        if verdict is Verdict.UNKNOWN and shape.family == "gguf":
            n_gpu = 0
            cpu_need = _sides(place(0))[1]
            if not ram_known:
                verdict, headroom = Verdict.RAM_UNKNOWN, None
            else:
                verdict = Verdict.CPU_ONLY if cpu_need <= ram else Verdict.DOES_NOT_FIT
                headroom = ram - cpu_need
        elif verdict is Verdict.UNKNOWN:
            verdict, n_gpu, headroom = Verdict.DOES_NOT_FIT, 0, vram - full_gpu
            notes.append("GPU frameworks keep the whole model in VRAM")
    shown = n_gpu if budget is not None else n_l + 1
    placement = place(shown, cpu_moe)
    vram_needed, ram_needed = _sides(placement)
    if n_gpu == 0 and budget is not None and w.cpu_repack:
        notes.append(
            f"llama.cpp repacks {w.cpu_repack / MIB:,.0f} MiB of Q4 tensors into a CPU_REPACK "
            "buffer on x86; their mapped pages become reclaimable"
        )
    if cpu_moe:
        notes.append(f"llama-server --n-cpu-moe {cpu_moe} -ngl {n_l + 1} places it this way")
    if s.kv_type in ("q8_0", "q4_0") and shape.head_dim_k % 32:
        notes.append(f"llama.cpp cannot quantize a KV cache with head dim {shape.head_dim_k}")
    if s.ctx > shape.max_ctx:
        notes.append(f"context {s.ctx:,} exceeds the model's trained maximum {shape.max_ctx:,}")
    if shape.family == "gpu":
        notes.append("vLLM-style servers also pre-allocate most free VRAM for the KV cache")
    reads = token_reads(shape, kv, n_gpu if budget is not None else 0, cpu_moe)
    up, up_full, est, note = decode_speed(reads, n_gpu, n_l, budget, cpu_moe)
    return FitResult(
        shape=shape,
        settings=s,
        weights_bytes=w.file_bytes,
        kv=kv,
        compute_bytes=compute,
        overhead_bytes=sum(placement["overhead"]),
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
        placement=placement,
        notes=tuple(notes),
        cpu_moe_layers=cpu_moe,
    )


class SortOrder(StrEnum):
    """How the Models table is sorted; the value is the label the sort box shows."""

    USABLE = "Best that runs at a usable speed here"
    BEST_FIT = "Best quality that fits"
    NAME = "Model name"
    TOTAL_MEMORY = "Total memory"


def best_quality_key(r: FitResult) -> tuple[int, int, float, int]:
    """Sort key for "best quality that fits": fitting first, then 4-bit or better, bigger
    models, more bits (below 4 bits quality drops steeply, so a 3-bit big model ranks after)."""
    quality = _quality(r)
    tier = 0 if quality >= QUANTS["Q4_0"].quality else 1
    return (r.verdict.rank, tier, -r.shape.params, -quality)


def _quality(r: FitResult) -> int:
    return QUANTS[r.shape.quant].quality if r.shape.quant in QUANTS else 0


def sort_results(
    results: Sequence[FitResult], order: SortOrder, pinned: int = 0
) -> list[FitResult]:
    """`results` in `order`; with BEST_FIT the first `pinned` (opened files) stay on top."""
    match order:
        case SortOrder.USABLE | SortOrder.BEST_FIT:
            return [*results[:pinned], *sorted(results[pinned:], key=best_quality_key)]
        case SortOrder.NAME:
            return sorted(results, key=lambda r: (r.shape.name.lower(), -_quality(r)))
        case SortOrder.TOTAL_MEMORY:
            return sorted(results, key=lambda r: r.total_bytes)
        case _:
            assert_never(order)
