"""Does the model fit the GPUs it is deployed on, and what memory share to ask for."""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_app.domain.deploy.request import DeployRequest
from desktop_app.domain.fit.budget import GIB
from desktop_app.domain.fit.estimate import FitSettings, catalogue_shape, kv_cache
from desktop_app.domain.units import format_bytes

# CUDA context, activations and the engine's own buffers per GPU (estimate).
RUNTIME_PER_GPU = int(1.5 * GIB)
MAX_SHARE = 0.95
LLAMA_SLOTS = 4


@dataclass(frozen=True)
class DeployFit:
    """The fit of one deployment: memory per GPU, the share to ask for, and what it rests on."""

    gpus: int
    share: float
    need_per_gpu: int | None
    vram_per_gpu: int | None
    fits: bool | None  # None: unknown (model or GPU not in the catalogue)
    text: str
    quant: str


def _vram(req: DeployRequest) -> int | None:
    if req.gpu is None or req.gpu.memory_gb is None:
        return None
    return int(req.gpu.memory_gb * 1_000_000_000)


def deploy_fit(req: DeployRequest, gpus: int) -> DeployFit:
    """Memory each of `gpus` GPUs needs for weights + one full-context KV cache + runtime."""
    quant = "Q4_K_M" if req.framework == "llama.cpp" else "F16"
    arch = req.model.arch
    vram = _vram(req)
    share = req.gpu_share
    gpu_name = req.gpu.name if req.gpu else "GPU type unknown"
    if arch is None:
        return DeployFit(
            gpus,
            share,
            None,
            vram,
            None,
            f"fit unknown: {req.model.label} is not in the catalogue; GPU memory share "
            f"{share:.2f} as asked",
            quant,
        )
    shape = catalogue_shape(arch, quant)
    slots = LLAMA_SLOTS if req.framework == "llama.cpp" else 1
    kv = kv_cache(shape, FitSettings(ctx=req.ctx, parallel=slots)).bytes
    weights = shape.weights.file_bytes
    need = math.ceil((weights + kv) / gpus) + RUNTIME_PER_GPU
    what = (
        f"{arch.model} {'Q4_K_M' if quant == 'Q4_K_M' else 'BF16'}: weights "
        f"{format_bytes(weights)} + KV cache {format_bytes(kv)} ({req.ctx:,} tokens"
        f"{f' × {slots} slots' if slots > 1 else ''}) over {gpus} GPU(s) + "
        f"{format_bytes(RUNTIME_PER_GPU)} runtime each ≈ {format_bytes(need)} per GPU"
    )
    if vram is None:
        return DeployFit(
            gpus, share, need, None, None, f"{what}; {gpu_name}: memory unknown", quant
        )
    needed_share = need / vram
    if needed_share <= share:
        text = f"{what}; fits {gpu_name} ({format_bytes(vram)}) at a {share:.2f} memory share"
        return DeployFit(gpus, share, need, vram, True, text, quant)
    if needed_share <= MAX_SHARE:
        raised = math.ceil(needed_share * 100) / 100
        text = (
            f"{what}; memory share raised from {share:.2f} to {raised:.2f} so it fits "
            f"{gpu_name} ({format_bytes(vram)})"
        )
        return DeployFit(gpus, raised, need, vram, True, text, quant)
    text = f"{what}; does NOT fit {gpu_name} ({format_bytes(vram)}): use more or larger GPUs"
    return DeployFit(gpus, share, need, vram, False, text, quant)
