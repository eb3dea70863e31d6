"""What the Models view shows a newcomer: one row per model, its best choice, plain words.

"Usable" is a realistic decode speed of at least USABLE_TOKENS_S: about the pace people
read, and slower than it a chat feels stuck. The default order puts the best model that
runs at that speed first, not the biggest one that merely fits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop_app.domain.fit.estimate import (
    FitResult,
    SortOrder,
    best_quality_key,
    sort_results,
)
from desktop_app.domain.fit.quant import QUANTS
from desktop_app.domain.fit.verdict import Verdict
from desktop_app.domain.units import format_bytes, format_speed

USABLE_TOKENS_S = 10.0
USABLE_NOTE = f"usable = at least {USABLE_TOKENS_S:g} tokens/s (about reading speed)"
FAMILIES = (
    ("Qwen", r"^qwen"),
    ("Llama", r"^llama"),
    ("Gemma", r"^gemma"),
    ("gpt-oss", r"^gpt-oss"),
    ("DeepSeek", r"^deepseek"),
    ("Mistral", r"^(mistral|mixtral)"),
    ("Phi", r"^phi"),
)
SIZES = (
    ("Any size", 0.0, float("inf")),
    ("Small (under 5 B)", 0.0, 5.0),
    ("Medium (5-20 B)", 5.0, 20.0),
    ("Large (20-80 B)", 20.0, 80.0),
    ("Huge (over 80 B)", 80.0, float("inf")),
)


def family_of(name: str) -> str:
    """The model family a newcomer knows ("Qwen", "Llama", ...); "Other" when none fits."""
    low = name.lower()
    return next((fam for fam, pattern in FAMILIES if re.search(pattern, low)), "Other")


def usable(r: FitResult) -> bool:
    """Runs here at a usable realistic speed."""
    return r.verdict.runs and (r.decode_estimate or 0.0) >= USABLE_TOKENS_S


def usable_key(r: FitResult) -> tuple[int, tuple[int, int, float, int]]:
    """Usable first, best quality first among them (4-bit or better, bigger, more bits)
    wherever it runs; then the rest in the "best quality that fits" order."""
    if usable(r):
        tier, params, quality = best_quality_key(r)[1:]
        return (0, (0, tier, params, quality))
    return (1, best_quality_key(r))


@dataclass(frozen=True)
class ModelChoice:
    """One model: the quantization to pick here, and the others (quality order)."""

    best: FitResult
    others: tuple[FitResult, ...]

    @property
    def name(self) -> str:
        """The model's name."""
        return self.best.shape.name


def _quality(r: FitResult) -> int:
    return QUANTS[r.shape.quant].quality if r.shape.quant in QUANTS else 0


def choose(results: Sequence[FitResult]) -> ModelChoice:
    """The best quantization of one model: the best quality that is usable here, else the
    best quality that runs, else the smallest (closest to fitting)."""
    ranked = sorted(results, key=lambda r: -_quality(r))
    best = (
        next((r for r in ranked if usable(r)), None)
        or next((r for r in ranked if r.verdict.runs), None)
        or min(results, key=lambda r: r.total_bytes)
    )
    return ModelChoice(best, tuple(r for r in ranked if r is not best))


def group_models(
    results: Sequence[FitResult], order: SortOrder, pinned: int = 0
) -> list[ModelChoice]:
    """One choice per model (by name and source), in `order`; the first `pinned` results are
    opened files and stay on top."""
    groups: dict[tuple[str, str], list[FitResult]] = {}
    for r in results:
        groups.setdefault((r.shape.name, r.shape.source.split(";")[0]), []).append(r)
    choices = [choose(g) for g in groups.values()]
    pinned_names = {r.shape.source for r in results[:pinned]}
    top = [c for c in choices if c.best.shape.source in pinned_names]
    rest = [c for c in choices if c.best.shape.source not in pinned_names]
    if order is SortOrder.USABLE:
        rest.sort(key=lambda c: usable_key(c.best))
    else:
        by_best = sort_results([c.best for c in rest], order)
        index = {id(r): i for i, r in enumerate(by_best)}
        rest.sort(key=lambda c: index[id(c.best)])
    return [*top, *rest]


def matches(r: FitResult, text: str, family: str, size: str) -> bool:
    """The search box, family and size filters."""
    if text and text.lower() not in r.shape.name.lower():
        return False
    if family not in ("", "All families") and family_of(r.shape.name) != family:
        return False
    for label, low, high in SIZES:
        if label == size:
            return low <= r.shape.params / 1e9 < high
    return True


def _ctx(n: int) -> str:
    return f"{n // 1024}k" if n >= 1024 else str(n)


def speed_words(r: FitResult) -> str:
    """ "about 42 tokens/s" with the pace in words."""
    est = r.decode_estimate
    if est is None:
        return f"speed unknown ({r.speed_note})"
    pace = "usable" if est >= USABLE_TOKENS_S else "slow, below reading speed"
    return f"about {format_speed(est)} ({pace})"


def plain_summary(r: FitResult, max_gpu_ctx: int | None) -> str:
    """The answer in one sentence: "Fits your 12 GB GPU with room for a 16k context."."""
    b = r.budget
    if b is None:
        return "Detecting your hardware… the sizes below are already known."
    gpu = f"your {format_bytes(b.vram_bytes)} GPU" if b.vram_bytes else "your GPU"
    match r.verdict:
        case Verdict.FITS_GPU:
            room = f" with room for a {_ctx(max_gpu_ctx)} context" if max_gpu_ctx else ""
            return f"Fits {gpu}{room}."
        case Verdict.PARTIAL_OFFLOAD if r.cpu_moe_layers:
            return (
                f"Runs with its experts partly in system RAM: {gpu} holds the rest "
                f"(llama.cpp --n-cpu-moe {r.cpu_moe_layers})."
            )
        case Verdict.PARTIAL_OFFLOAD:
            return (
                f"Runs split: {gpu} holds {r.gpu_layers} of {r.layers} layers, system RAM the rest."
            )
        case Verdict.CPU_ONLY:
            where = "has no usable GPU" if not b.vram_bytes else "cannot hold any of it"
            return f"Runs on the CPU only: this machine {where}."
        case Verdict.DOES_NOT_FIT:
            have = format_bytes(b.vram_bytes + (b.ram_bytes or 0))
            need = format_bytes(r.total_bytes)
            return f"Does not fit: it needs {need}, this machine has {have} in all."
        case Verdict.RAM_UNKNOWN:
            return "Cannot tell: this plan does not say how much system RAM it has."
        case _:
            return "Not known yet."


def moe_words(r: FitResult) -> str:
    """ "Mixture of experts: 30.5 B parameters, 3.0 B used per token." ("" for dense)."""
    s = r.shape
    if not s.is_moe:
        return ""
    return (
        f"Mixture of experts: {s.params / 1e9:.1f} B parameters in all, about "
        f"{s.active_params / 1e9:.1f} B used per token ({s.experts_used} of {s.experts} experts), "
        "so it runs like a much smaller model but needs the memory of all of them."
    )
