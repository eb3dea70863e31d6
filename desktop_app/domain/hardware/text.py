"""Plain-text renderings of a hardware profile: sizes, one-line specs, a Markdown summary."""

from __future__ import annotations

from desktop_app.domain.hardware.profile import GpuDevice, HardwareProfile
from desktop_app.domain.sources.figures import UNKNOWN

_GIB = 1024**3


def fmt_bytes(value: int | None) -> str:
    """Bytes as GiB with one decimal ("unknown" when missing, never 0)."""
    if value is None:
        return UNKNOWN
    if value >= _GIB:
        return f"{value / _GIB:,.1f} GiB"
    return f"{value / 1024**2:,.0f} MiB"


def fmt(value: object, unit: str = "") -> str:
    """A value with its unit, or "unknown"."""
    if value is None or value == "":
        return UNKNOWN
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"
    else:
        text = str(value)
    return f"{text} {unit}".rstrip()


def gpu_lines(gpu: GpuDevice) -> list[tuple[str, str]]:
    """(label, value) pairs describing one GPU, in display order."""
    bandwidth = fmt(gpu.bandwidth_gbps, "GB/s")
    if gpu.bandwidth_gbps is not None and gpu.bandwidth_note:
        bandwidth += f" ({gpu.bandwidth_note.split(':', 1)[0]})"  # the formula is in notes
    pcie = UNKNOWN
    if gpu.pcie_generation is not None or gpu.pcie_width is not None:
        pcie = f"Gen {fmt(gpu.pcie_generation)} ×{fmt(gpu.pcie_width)} (max)"
    memory = fmt_bytes(gpu.memory_total_bytes)
    if gpu.source.startswith("catalogue") and gpu.memory_total_bytes:
        memory = f"{gpu.memory_total_bytes / 1e9:g} GB ({memory})"  # as the catalogue says it
    rows = [
        ("Memory", memory),
        ("In use", fmt_bytes(gpu.memory_used_bytes)),
        ("Free", fmt_bytes(gpu.memory_free_bytes)),
        ("Compute capability", fmt(gpu.compute_capability)),
        ("Peak bandwidth", bandwidth),
        ("Memory bus", fmt(gpu.memory_bus_width_bits, "bit")),
        ("Max memory clock", fmt(gpu.max_memory_clock_mhz, "MHz")),
        ("Power limit", fmt(gpu.power_limit_w, "W")),
        ("PCIe", pcie),
        ("Driver", fmt(gpu.driver_version)),
        ("CUDA (driver)", fmt(gpu.cuda_driver_version)),
        ("UUID", fmt(gpu.uuid)),
        ("Source", gpu.source),
    ]
    if gpu.vendor != "NVIDIA":
        nvidia_only = {"Compute capability", "CUDA (driver)", "Driver", "UUID", "Memory bus"}
        rows = [r for r in rows if r[0] not in nvidia_only or r[1] != UNKNOWN]
    return rows


def gpu_title(gpu: GpuDevice) -> str:
    """ "GPU 0 · NVIDIA GeForce RTX 4090" (the vendor once, even when the name repeats it)."""
    name = gpu.name if gpu.name.startswith(gpu.vendor) else f"{gpu.vendor} {gpu.name}"
    return f"GPU {gpu.index} · {name}"


def profile_markdown(profile: HardwareProfile) -> str:
    """A short Markdown summary for bug reports and workshop notes."""
    cpu = profile.cpu
    mem = profile.memory
    lines = [
        f"### {profile.label}",
        "",
        f"- **OS**: {profile.os_label or UNKNOWN}",
        f"- **CPU**: {cpu.brand or UNKNOWN} ({cpu.architecture}); "
        f"{fmt(cpu.physical_cores)} physical / {fmt(cpu.logical_cores)} logical cores; "
        f"{fmt(cpu.frequency_mhz, 'MHz')}",
        f"- **Instruction sets**: {', '.join(cpu.instruction_sets) or UNKNOWN}",
        f"- **RAM**: {fmt_bytes(mem.total_bytes)} total, {fmt_bytes(mem.available_bytes)} "
        f"available; swap {fmt_bytes(mem.swap_total_bytes)}",
        f"- **Free disk (models folder)**: {fmt_bytes(profile.disk_free_bytes)}",
    ]
    if profile.apple is not None:
        apple = profile.apple
        metal = UNKNOWN if apple.metal is None else ("yes" if apple.metal else "no")
        lines.append(
            f"- **Apple silicon**: {apple.chip or UNKNOWN}, unified memory "
            f"{fmt_bytes(apple.unified_memory_bytes)}, {fmt(apple.gpu_cores)} GPU cores, "
            f"Metal: {metal}"
        )
    for gpu in profile.gpus:
        lines.append(
            f"- **{gpu_title(gpu).replace(' · ', '**: ', 1)}, {fmt_bytes(gpu.memory_total_bytes)}"
            f", CC {fmt(gpu.compute_capability)}, driver {fmt(gpu.driver_version)}, "
            f"CUDA {fmt(gpu.cuda_driver_version)} ({gpu.source})"
        )
    if profile.gpu_error:
        lines.append(f"- **GPU**: {profile.gpu_error}")
    for note in profile.probe_notes:
        lines.append(f"- _note_: {note}")
    return "\n".join(lines) + "\n"
