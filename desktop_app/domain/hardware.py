"""The hardware profile: what this machine (or a planned one) has.

The probe in `services/hardware` fills it for this machine; the Hardware view can also
build a planned profile from the GPU catalogue. Every other view reads the active one.
A value nobody could read is None and is shown as "unknown", never 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class GpuDevice:
    """One GPU: read through NVML / sysfs, or taken from the catalogue for a plan."""

    index: int
    name: str
    vendor: str  # "NVIDIA", "AMD", "Intel", "Apple"
    source: str  # "NVML", "sysfs", "amdsmi", "sysctl", "catalogue (planned)"
    uuid: str | None = None
    memory_total_bytes: int | None = None
    memory_used_bytes: int | None = None
    memory_free_bytes: int | None = None
    driver_version: str | None = None
    cuda_driver_version: str | None = None
    compute_capability: str | None = None  # "8.9"
    memory_bus_width_bits: int | None = None
    max_memory_clock_mhz: int | None = None
    bandwidth_gbps: float | None = None  # computed from bus width and clock, or catalogue
    bandwidth_note: str = ""  # e.g. "computed: bus width × max memory clock × 2 (DDR)"
    power_limit_w: float | None = None
    pcie_generation: int | None = None
    pcie_width: int | None = None
    utilization_pct: float | None = None
    temperature_c: float | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CpuInfo:
    """The CPU: brand, cores, frequency and the instruction sets llama.cpp cares about."""

    brand: str | None
    vendor: str | None
    architecture: str
    physical_cores: int | None
    logical_cores: int | None
    frequency_mhz: float | None
    flags: tuple[str, ...] = ()  # lower-case, e.g. ("avx2", "fma", "avx512f")


@dataclass(frozen=True)
class MemoryInfo:
    """System memory and swap, in bytes."""

    total_bytes: int | None
    available_bytes: int | None
    swap_total_bytes: int | None = None
    swap_free_bytes: int | None = None


@dataclass(frozen=True)
class AppleSilicon:
    """Apple silicon specifics: chip, unified memory, GPU cores, Metal."""

    chip: str | None
    unified_memory_bytes: int | None
    gpu_cores: int | None
    metal: bool | None


@dataclass(frozen=True)
class HardwareProfile:
    """This machine, or a planned one; `planned` tells which."""

    label: str
    planned: bool
    os_name: str
    os_version: str
    cpu: CpuInfo
    memory: MemoryInfo
    gpus: tuple[GpuDevice, ...] = ()
    gpu_error: str | None = None  # "no NVIDIA GPU detected: <reason>" or None
    apple: AppleSilicon | None = None
    disk_free_bytes: int | None = None
    probe_notes: tuple[str, ...] = field(default=())  # timeouts and partial failures

    @property
    def nvidia_gpus(self) -> tuple[GpuDevice, ...]:
        """The NVIDIA GPUs."""
        return tuple(g for g in self.gpus if g.vendor == "NVIDIA")

    @property
    def has_gpu(self) -> bool:
        """True when any usable GPU (NVIDIA, AMD, Apple) is present."""
        return any(g.vendor in ("NVIDIA", "AMD", "Apple") for g in self.gpus)

    @property
    def total_vram_bytes(self) -> int | None:
        """Sum of GPU memory (None when no GPU reports its memory)."""
        sizes = [g.memory_total_bytes for g in self.gpus if g.memory_total_bytes is not None]
        return sum(sizes) if sizes else None

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the whole profile."""
        return asdict(self)
