"""What a hardware profile offers the fit: usable VRAM and RAM, bandwidths, and the speed bound.

Decode is memory-bound: each token reads every weight matrix (and the KV cache) once, so
tokens/s ≤ bandwidth ÷ bytes read per token. With partial offload both sides run in turn,
so their times add and the slower (CPU) side dominates.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.hardware.profile import HardwareProfile

MIB = 1024**2
GIB = 1024**3
# Reserves llama.cpp cannot see (CUDA context, driver): Ollama's MinimumMemory().
GPU_RESERVE = {"NVIDIA": 457 * MIB, "AMD": 457 * MIB, "Apple": 512 * MIB}
# System RAM bandwidth is not in the profile: assume dual-channel DDR4-3200 (51.2 GB/s).
CPU_BANDWIDTH_ASSUMED_GBPS = 51.2
CPU_BANDWIDTH_NOTE = "assumed: dual-channel DDR4-3200 = 51.2 GB/s (not measured)"
# Share of the bandwidth bound real decoders reach on one device (llmfit uses 0.55; a
# published RTX 5090 run of gpt-oss-20b reaches 0.52, benchmarks/fit_accuracy.py).
REALISTIC_SHARE = 0.55
# Split between GPU and system RAM (layers or --n-cpu-moe experts), every block hands its
# activations across, which the bound does not see: fitted to two published --n-cpu-moe runs
# (llmfit PRs #755 and #775: RTX 2080 + 102 GB/s DDR4, 0.38 and 0.38 of the bound).
SPLIT_SHARE = 0.40
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


@dataclass(frozen=True)
class TokenReads:
    """Bytes one decoded token reads from GPU memory and from system RAM."""

    gpu_weights: float
    cpu_weights: float
    gpu_kv: float
    cpu_kv: float


def decode_speed(
    reads: TokenReads, n_gpu: int, n_l: int, budget: Budget | None, cpu_moe: int = 0
) -> tuple[float | None, float | None, float | None, str]:
    """Decode tokens/s bound: bytes read per token ÷ bandwidth, per side; slower side adds up.

    Returns (bound at empty context, bound at full context, realistic estimate, how).
    """
    if budget is None:
        return None, None, None, "unknown until the hardware is detected"
    gbw = budget.gpu_bandwidth_gbps
    cbw = budget.cpu_bandwidth_gbps
    if n_gpu and gbw is None:
        return None, None, None, "unknown: the GPU's memory bandwidth is not known"

    def seconds(with_kv: bool) -> float:
        gpu = reads.gpu_weights + (reads.gpu_kv if with_kv else 0)
        cpu = reads.cpu_weights + (reads.cpu_kv if with_kv else 0)
        t = gpu / (gbw * 1e9) if n_gpu and gbw else 0.0
        return t + cpu / (cbw * 1e9)

    t0, t1 = seconds(False), seconds(True)
    up, up_full = 1 / t0, 1 / t1
    cpu_share = reads.cpu_weights / (cbw * 1e9) / t0
    if n_gpu == n_l + 1 and not cpu_moe:
        note = f"GPU bandwidth {gbw:g} GB/s ÷ {reads.gpu_weights / GIB:.2f} GiB read per token"
    elif n_gpu:
        where = "the experts in system RAM" if cpu_moe else "the CPU side"
        note = (
            f"partial offload: {where} is slower and takes {cpu_share:.0%} of each token "
            f"(GPU {gbw:g} GB/s, RAM {CPU_BANDWIDTH_NOTE})"
        )
    else:
        note = (
            f"CPU only: RAM bandwidth {CPU_BANDWIDTH_NOTE} ÷ "
            f"{reads.cpu_weights / GIB:.2f} GiB per token"
        )
    split = bool(n_gpu) and (n_gpu < n_l + 1 or cpu_moe > 0)
    return up, up_full, up * (SPLIT_SHARE if split else REALISTIC_SHARE), note
