"""Plain-text renderings of a hardware profile: sizes, one-line specs, a Markdown summary."""

from __future__ import annotations

from desktop_app.domain.hardware.profile import GpuDevice, HardwareProfile
from desktop_app.domain.units import UNKNOWN, format_bytes, format_reading, text_or_unknown


def gpu_lines(gpu: GpuDevice) -> list[tuple[str, str]]:
    """(label, value) pairs describing one GPU, in display order."""
    bandwidth = format_reading(gpu.bandwidth_gbps, "GB/s")
    if gpu.bandwidth_gbps is not None and gpu.bandwidth_note:
        bandwidth += f" ({gpu.bandwidth_note.split(':', 1)[0]})"  # the formula is in notes
    pcie = UNKNOWN
    if gpu.pcie_generation is not None or gpu.pcie_width is not None:
        pcie = f"Gen {format_reading(gpu.pcie_generation)} ×{format_reading(gpu.pcie_width)} (max)"
    memory = format_bytes(gpu.memory_total_bytes)
    if gpu.source.startswith("catalogue") and gpu.memory_total_bytes:
        memory = f"{gpu.memory_total_bytes / 1e9:g} GB ({memory})"  # as the catalogue says it
    rows = [
        ("Memory", memory),
        ("In use", format_bytes(gpu.memory_used_bytes)),
        ("Free", format_bytes(gpu.memory_free_bytes)),
        ("Compute capability", text_or_unknown(gpu.compute_capability)),
        ("Peak bandwidth", bandwidth),
        ("Memory bus", format_reading(gpu.memory_bus_width_bits, "bit")),
        ("Max memory clock", format_reading(gpu.max_memory_clock_mhz, "MHz")),
        ("Power limit", format_reading(gpu.power_limit_w, "W")),
        ("PCIe", pcie),
        ("Driver", text_or_unknown(gpu.driver_version)),
        ("CUDA (driver)", text_or_unknown(gpu.cuda_driver_version)),
        ("UUID", text_or_unknown(gpu.uuid)),
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
        f"{format_reading(cpu.physical_cores)} physical / "
        f"{format_reading(cpu.logical_cores)} logical cores; "
        f"{format_reading(cpu.frequency_mhz, 'MHz')}",
        f"- **Instruction sets**: {', '.join(cpu.instruction_sets) or UNKNOWN}",
        f"- **RAM**: {format_bytes(mem.total_bytes)} total, {format_bytes(mem.available_bytes)} "
        f"available; swap {format_bytes(mem.swap_total_bytes)}",
        f"- **Free disk (models folder)**: {format_bytes(profile.disk_free_bytes)}",
    ]
    if profile.apple is not None:
        apple = profile.apple
        metal = UNKNOWN if apple.metal is None else ("yes" if apple.metal else "no")
        lines.append(
            f"- **Apple silicon**: {apple.chip or UNKNOWN}, unified memory "
            f"{format_bytes(apple.unified_memory_bytes)}, "
            f"{format_reading(apple.gpu_cores)} GPU cores, "
            f"Metal: {metal}"
        )
    for gpu in profile.gpus:
        lines.append(
            f"- **{gpu_title(gpu).replace(' · ', '**: ', 1)}, "
            f"{format_bytes(gpu.memory_total_bytes)}, "
            f"CC {text_or_unknown(gpu.compute_capability)}, "
            f"driver {text_or_unknown(gpu.driver_version)}, "
            f"CUDA {text_or_unknown(gpu.cuda_driver_version)} ({gpu.source})"
        )
    if profile.gpu_error:
        lines.append(f"- **GPU**: {profile.gpu_error}")
    for note in profile.probe_notes:
        lines.append(f"- _note_: {note}")
    return "\n".join(lines) + "\n"
