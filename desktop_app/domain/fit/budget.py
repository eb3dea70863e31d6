"""What a hardware profile offers the fit: usable VRAM and RAM, bandwidths, and the speed bound.

Decode is memory-bound: each token reads every weight matrix (and the KV cache) once, so
tokens/s ≤ bandwidth ÷ bytes read per token. With partial offload both sides run in turn,
so their times add and the slower (CPU) side dominates.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.fit.quant import WeightsLayout
from desktop_app.domain.hardware.profile import HardwareProfile

MIB = 1024**2
GIB = 1024**3
# Reserves llama.cpp cannot see (CUDA context, driver): Ollama's MinimumMemory().
GPU_RESERVE = {"NVIDIA": 457 * MIB, "AMD": 457 * MIB, "Apple": 512 * MIB}
# System RAM bandwidth is not in the profile: assume dual-channel DDR4-3200 (51.2 GB/s).
CPU_BANDWIDTH_ASSUMED_GBPS = 51.2
CPU_BANDWIDTH_NOTE = "assumed: dual-channel DDR4-3200 = 51.2 GB/s (not measured)"
# Share of the bandwidth bound real decoders reach (llmfit uses 0.55).
REALISTIC_SHARE = 0.55
# Apple GPUs may use about 75% of unified memory (canitrun.dev heuristic, unverified).
APPLE_GPU_SHARE = 0.75


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
        if mem is None:
            notes.append(f"{g.name}: memory size unknown, so it is not counted")
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


def decode_speed(
    w: WeightsLayout,
    kv_per_layer: tuple[int, ...],
    n_l: int,
    n_gpu: int,
    budget: Budget | None,
) -> tuple[float | None, float | None, float | None, str]:
    """Decode tokens/s bound: bytes read per token ÷ bandwidth, per side; slower side adds up."""
    if budget is None:
        return None, None, None, "unknown until the hardware is detected"
    gpu_blocks = range(n_l - (n_gpu - 1), n_l) if n_gpu else range(0)
    gpu_w = (w.output if n_gpu else 0) + sum(w.layers[i] for i in gpu_blocks)
    gpu_kv = sum(kv_per_layer[i] for i in gpu_blocks)
    cpu_w = w.read_per_token - gpu_w
    cpu_kv = sum(kv_per_layer) - gpu_kv
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
