"""The one place tests build hardware profiles: detected, planned, Apple, AMD, CPU only.

Every builder returns a real `HardwareProfile` from `domain/hardware/profile.py`; the
planned CPU-only machine and catalogue plans come from `domain/hardware/plan.py`, so a
test sees exactly what the Hardware view's Plan tab would hand the other views.
"""

from __future__ import annotations

from desktop_app.domain.hardware.plan import (
    PLANNED_SOURCE,
    find_gpu,
    planned_cpu_profile,
    planned_gpu_profile,
)
from desktop_app.domain.hardware.profile import (
    AppleSilicon,
    CpuInfo,
    GpuDevice,
    HardwareProfile,
    MemoryInfo,
)
from desktop_app.domain.sources.catalog import Gpu

GIB = 1 << 30
AVX2 = ("avx2", "fma")
AVX512 = ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw")
NO_NVIDIA = "no NVIDIA GPU detected: NVIDIA driver not loaded"


def nvidia(
    name: str = "NVIDIA GeForce RTX 4090",
    cc: str | None = "8.9",
    *,
    index: int = 0,
    planned: bool = False,
    memory_gib: float | None = None,
    bandwidth_gbps: float | None = None,
) -> GpuDevice:
    """One NVIDIA GPU, read through NVML (or taken from the catalogue when planned)."""
    source = PLANNED_SOURCE if planned else "NVML"
    memory = None if memory_gib is None else int(memory_gib * GIB)
    return GpuDevice(
        index,
        name,
        "NVIDIA",
        source,
        memory_total_bytes=memory,
        compute_capability=cc,
        bandwidth_gbps=bandwidth_gbps,
    )


def amd_gpu(name: str = "AMD Radeon RX 7900 XTX") -> GpuDevice:
    """One AMD GPU, read through sysfs."""
    return GpuDevice(0, name, "AMD", "sysfs")


def machine(
    *,
    gpus: tuple[GpuDevice, ...] = (),
    planned: bool = False,
    os_name: str = "Linux",
    label: str | None = None,
    flags: tuple[str, ...] = AVX2,
    arch: str = "x86_64",
    cores: int = 8,
    threads: int = 16,
    ram_gib: float | None = 32,
    free_gib: float | None = None,
) -> HardwareProfile:
    """A machine with these GPUs (RAM half free unless `free_gib` says); a detected one
    without NVIDIA GPUs says why."""
    no_nvidia = not any(g.vendor == "NVIDIA" for g in gpus)
    ram = None if ram_gib is None else int(ram_gib * GIB)
    free = int(free_gib * GIB) if free_gib is not None else None if ram is None else ram // 2
    return HardwareProfile(
        label=label or ("planned" if planned else "this machine"),
        planned=planned,
        os_name=os_name,
        os_version="",
        cpu=CpuInfo("Test CPU", "GenuineIntel", arch, cores, threads, 3000.0, flags),
        memory=MemoryInfo(ram, free),
        gpus=gpus,
        gpu_error=NO_NVIDIA if no_nvidia and not planned else None,
    )


def detected_nvidia(
    name: str = "NVIDIA GeForce RTX 4090",
    cc: str | None = "8.9",
    *,
    count: int = 1,
    os_name: str = "Linux",
    flags: tuple[str, ...] = AVX2,
) -> HardwareProfile:
    """This machine, with `count` NVIDIA GPUs read through NVML."""
    gpus = tuple(nvidia(name, cc, index=i) for i in range(count))
    return machine(gpus=gpus, os_name=os_name, flags=flags)


def planned_gpu(
    name: str = "NVIDIA H100",
    cc: str | None = "9.0",
    *,
    count: int = 1,
    os_name: str = "Linux",
    ram_gib: float | None = 256,
) -> HardwareProfile:
    """A planned machine with `count` NVIDIA GPUs (RAM known unless `ram_gib` is None)."""
    gpus = tuple(nvidia(name, cc, index=i, planned=True) for i in range(count))
    return machine(gpus=gpus, planned=True, os_name=os_name, ram_gib=ram_gib)


def planned_catalogue(gpus: list[Gpu], name: str, count: int = 1) -> HardwareProfile:
    """The Plan tab's profile for a catalogue GPU (RAM unknown, as the Plan tab makes it)."""
    gpu = find_gpu(gpus, name)
    assert gpu is not None, f"no catalogue GPU {name!r}"
    return planned_gpu_profile(gpu, count)


def planned_cpu_only(cores: int = 16) -> HardwareProfile:
    """The Plan tab's CPU-only machine: cores known, RAM and instruction sets unknown."""
    return planned_cpu_profile(cores)


def planned_unknown_ram(gpus: tuple[GpuDevice, ...] = ()) -> HardwareProfile:
    """A planned machine whose RAM nobody knows (shown as "unknown", never 0)."""
    return machine(gpus=gpus, planned=True, ram_gib=None)


def apple_silicon(
    chip: str = "Apple M2", memory_gib: int = 16, *, planned: bool = False
) -> HardwareProfile:
    """A Mac with Apple silicon: unified memory, Metal, no NVIDIA GPU."""
    memory = memory_gib * GIB
    return HardwareProfile(
        label=f"Planned: {chip}" if planned else "this Mac",
        planned=planned,
        os_name="Darwin",
        os_version="14",
        cpu=CpuInfo(chip, "Apple", "arm64", 8, 8, None, ("neon", "dotprod")),
        memory=MemoryInfo(memory, memory // 2),
        gpus=(GpuDevice(0, chip, "Apple", "sysctl"),),
        apple=AppleSilicon(chip, memory, 10, True),
    )


def amd(name: str = "AMD Radeon RX 7900 XTX", os_name: str = "Linux") -> HardwareProfile:
    """This machine with one AMD GPU (and so no NVIDIA GPU)."""
    return machine(gpus=(amd_gpu(name),), os_name=os_name)
