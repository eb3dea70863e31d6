"""The hardware profile: what this machine (or a planned one) has.

The probe in `services/hardware` fills it for this machine; the Hardware view can also
build a planned profile from the GPU catalogue. Every other view reads the active one.
A value nobody could read is None and is shown as "unknown", never 0.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The instruction sets llama.cpp picks kernels by, as (lower-case flag, display name), in the
# order the Hardware view lists them. ARM names are normalised by the probe (asimd → neon,
# asimddp → dotprod) so one list serves every platform.
INSTRUCTION_SETS: tuple[tuple[str, str], ...] = (
    ("sse4_2", "SSE4.2"),
    ("avx", "AVX"),
    ("avx2", "AVX2"),
    ("fma", "FMA"),
    ("f16c", "F16C"),
    ("avx_vnni", "AVX-VNNI"),
    ("avx512f", "AVX-512F"),
    ("avx512bw", "AVX-512BW"),
    ("avx512_vnni", "AVX-512 VNNI"),
    ("amx_tile", "AMX"),
    ("amx_int8", "AMX-INT8"),
    ("amx_bf16", "AMX-BF16"),
    ("neon", "NEON"),
    ("dotprod", "dotprod"),
    ("i8mm", "I8MM"),
    ("sve", "SVE"),
    ("sve2", "SVE2"),
    ("sme", "SME"),
)


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

    @property
    def instruction_sets(self) -> tuple[str, ...]:
        """Display names of the llama.cpp-relevant instruction sets present, in fixed order."""
        present = set(self.flags)
        return tuple(name for flag, name in INSTRUCTION_SETS if flag in present)

    def has(self, flag: str) -> bool:
        """True when the lower-case flag is present."""
        return flag in self.flags


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
    os_name: str  # "Linux", "macOS" or "Windows" (platform.system() otherwise)
    os_version: str
    cpu: CpuInfo
    memory: MemoryInfo
    gpus: tuple[GpuDevice, ...] = ()
    gpu_error: str | None = None  # "no NVIDIA GPU detected: <reason>" or None
    apple: AppleSilicon | None = None
    disk_free_bytes: int | None = None
    probe_notes: tuple[str, ...] = field(default=())  # timeouts and partial failures
    detected_at: str = ""  # ISO 8601 UTC time of the probe ("" for planned profiles)

    @property
    def nvidia_gpus(self) -> tuple[GpuDevice, ...]:
        """The NVIDIA GPUs."""
        return tuple(g for g in self.gpus if g.vendor == "NVIDIA")

    @property
    def total_vram_bytes(self) -> int | None:
        """Sum of GPU memory (None when no GPU reports its memory)."""
        sizes = [g.memory_total_bytes for g in self.gpus if g.memory_total_bytes is not None]
        return sum(sizes) if sizes else None

    @property
    def os_label(self) -> str:
        """OS name and version in one string, e.g. "Linux 6.8.0"."""
        return f"{self.os_name} {self.os_version}".strip()

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the whole profile (plus an `os` summary object)."""
        data = asdict(self)
        data["os"] = {"name": self.os_name, "version": self.os_version}
        data["cpu"]["instruction_sets"] = list(self.cpu.instruction_sets)
        return data


@dataclass(frozen=True)
class GpuSample:
    """One live reading of one GPU; None where the reading failed or is unsupported."""

    index: int
    name: str
    utilization_pct: float | None
    memory_used_bytes: int | None
    memory_total_bytes: int | None
    temperature_c: float | None

    @property
    def memory_pct(self) -> float | None:
        """Memory in use as a percentage of the total (None when either is unknown)."""
        if self.memory_used_bytes is None or not self.memory_total_bytes:
            return None
        return 100.0 * self.memory_used_bytes / self.memory_total_bytes


@dataclass(frozen=True)
class LiveSample:
    """A live reading of this machine for the gauges: CPU, RAM and each GPU."""

    cpu_pct: float | None
    ram_used_bytes: int | None
    ram_total_bytes: int | None
    gpus: tuple[GpuSample, ...] = ()
    gpu_error: str | None = None  # e.g. "GPU is lost" after a driver error mid-sample

    @property
    def ram_pct(self) -> float | None:
        """RAM in use as a percentage (None when unknown)."""
        if self.ram_used_bytes is None or not self.ram_total_bytes:
            return None
        return 100.0 * self.ram_used_bytes / self.ram_total_bytes
