"""Planned hardware: a profile built from the GPU catalogue, for machines the user does not have.

Workshops compare hardware nobody in the room owns; a planned profile carries what the
catalogue knows (memory, bandwidth, compute capability) and leaves the rest unknown.
"""

from __future__ import annotations

from dataclasses import replace

from desktop_app.domain.hardware.profile import (
    AppleSilicon,
    CpuInfo,
    GpuDevice,
    HardwareProfile,
    MemoryInfo,
)
from desktop_app.domain.sources.catalog import Gpu

PLANNED_SOURCE = "catalogue (planned)"
_GB = 1_000_000_000


def _gb_to_bytes(gb: float | None) -> int | None:
    # The catalogue lists marketing sizes in GB (10^9); "80 GB" means 80e9 bytes of HBM.
    return None if gb is None else int(gb * _GB)


def planned_gpu_profile(gpu: Gpu, count: int = 1) -> HardwareProfile:
    """A planned machine with `count` catalogue GPUs (Linux; Apple chips plan as macOS)."""
    if count < 1:
        raise ValueError("a planned machine needs at least one GPU")
    label = f"Planned: {count}× {gpu.name}"
    source = f"{PLANNED_SOURCE}: {gpu.provenance.source} (retrieved {gpu.provenance.retrieved})"
    device = GpuDevice(
        index=0,
        name=gpu.name,
        vendor=gpu.vendor,
        source=PLANNED_SOURCE,
        memory_total_bytes=_gb_to_bytes(gpu.memory_gb),
        compute_capability=gpu.compute_capability or None,
        bandwidth_gbps=gpu.bandwidth_gbps,
        bandwidth_note="catalogue figure" if gpu.bandwidth_gbps is not None else "",
        power_limit_w=gpu.tdp_w,
        notes=(source,),
    )
    gpus = tuple(replace(device, index=i) for i in range(count))
    if gpu.vendor == "Apple":
        memory = _gb_to_bytes(gpu.memory_gb)
        return HardwareProfile(
            label=f"Planned: {gpu.name}",
            planned=True,
            os_name="macOS",
            os_version="",
            cpu=CpuInfo(gpu.name, "Apple", "arm64", None, None, None, ("neon", "dotprod")),
            memory=MemoryInfo(total_bytes=memory, available_bytes=None),
            gpus=gpus[:1],
            apple=AppleSilicon(gpu.name, memory, None, True),
            probe_notes=(source,),
        )
    return HardwareProfile(
        label=label,
        planned=True,
        os_name="Linux",
        os_version="",
        cpu=CpuInfo(None, None, "x86_64", None, None, None),
        memory=MemoryInfo(total_bytes=None, available_bytes=None),
        gpus=gpus,
        probe_notes=(source,),
    )


def planned_cpu_profile(cores: int) -> HardwareProfile:
    """A planned CPU-only Linux machine with `cores` cores (instruction sets unknown)."""
    if cores < 1:
        raise ValueError("a planned machine needs at least one core")
    return HardwareProfile(
        label=f"Planned: CPU only, {cores} cores",
        planned=True,
        os_name="Linux",
        os_version="",
        cpu=CpuInfo(None, None, "x86_64", cores, cores, None),
        memory=MemoryInfo(total_bytes=None, available_bytes=None),
        gpu_error="no GPU (planned CPU-only machine)",
    )


def find_gpu(gpus: list[Gpu], name: str) -> Gpu | None:
    """The catalogue GPU whose name matches `name` (case-insensitive, exact or unique prefix)."""
    wanted = name.strip().casefold()
    exact = [g for g in gpus if g.name.casefold() == wanted]
    if exact:
        return exact[0]
    partial = [g for g in gpus if wanted and wanted in g.name.casefold()]
    if len(partial) > 1:  # "RTX 4090" means the desktop card, not "RTX 4090 Laptop GPU"
        partial = [g for g in partial if g.name.casefold().endswith(wanted)]
    return partial[0] if len(partial) == 1 else None
