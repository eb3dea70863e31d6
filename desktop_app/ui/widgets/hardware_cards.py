"""Device cards for the Hardware view: CPU, memory and system, each GPU, Apple silicon."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.domain.hardware.profile import GpuDevice, HardwareProfile
from desktop_app.domain.hardware.text import gpu_lines, gpu_title
from desktop_app.domain.units import UNKNOWN, format_bytes, format_reading, text_or_unknown
from desktop_app.ui import theme

_VENDOR_COLOURS = {"NVIDIA": "#009E73", "AMD": "#D55E00", "Intel": "#0072B2", "Apple": "#7F7F7F"}


def provenance(profile: HardwareProfile, how: str) -> str:
    """Tooltip text: where a shown value comes from and when."""
    if profile.planned:
        notes = "\n".join(profile.probe_notes)
        return f"Planned hardware, not measured.\n{notes}".strip()
    when = profile.detected_at.replace("T", " ").replace("+00:00", " UTC") or UNKNOWN
    return f"Measured on this machine by {how}\nDetected: {when}"


class DeviceCard(QFrame):
    """A titled card of (label, value) rows; `values` maps each label to its value label."""

    def __init__(
        self,
        title: str,
        rows: list[tuple[str, str]],
        tooltip: str,
        colour: str = "#56B4E9",
        notes: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        # Background and border come from the theme (ui/theme.py); only the strip is ours.
        self.setStyleSheet(f"QFrame#card {{ border-top: 6px solid {colour}; }}")
        self.setToolTip(tooltip)
        layout = QVBoxLayout(self)
        self.title = QLabel(f"<b>{title}</b>")
        self.title.setStyleSheet("font-size: 14pt;")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.values: dict[str, QLabel] = {}
        for row, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "muted")
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setToolTip(tooltip)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[label] = shown
            grid.addWidget(shown, row, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        for note in notes:
            extra = QLabel(f"Note: {note}")
            extra.setWordWrap(True)
            extra.setProperty("role", "muted")
            layout.addWidget(extra)
        layout.addStretch(1)


def cpu_card(profile: HardwareProfile) -> DeviceCard:
    """The CPU: brand, cores, frequency and the instruction sets llama.cpp uses."""
    cpu = profile.cpu
    sets = " · ".join(cpu.instruction_sets) or UNKNOWN
    rows = [
        ("Vendor", text_or_unknown(cpu.vendor)),
        ("Architecture", cpu.architecture),
        (
            "Cores",
            f"{format_reading(cpu.physical_cores)} physical / "
            f"{format_reading(cpu.logical_cores)} logical",
        ),
        ("Frequency", format_reading(cpu.frequency_mhz, "MHz")),
        ("Instruction sets", sets),
    ]
    how = "psutil and /proc/cpuinfo, sysctl or py-cpuinfo"
    return DeviceCard(f"CPU · {cpu.brand or UNKNOWN}", rows, provenance(profile, how))


def system_card(profile: HardwareProfile) -> DeviceCard:
    """Memory, swap, OS and free disk in the models folder."""
    mem = profile.memory
    rows = [
        ("OS", profile.os_label or UNKNOWN),
        ("RAM", format_bytes(mem.total_bytes)),
        ("Available", format_bytes(mem.available_bytes)),
        ("Swap", format_bytes(mem.swap_total_bytes)),
        ("Free disk", format_bytes(profile.disk_free_bytes) + " (models folder)"),
    ]
    return DeviceCard("Memory and system", rows, provenance(profile, "psutil and platform"))


def gpu_card(profile: HardwareProfile, gpu: GpuDevice) -> DeviceCard:
    """One GPU with every figure the probe (or the catalogue) has."""
    colour = _VENDOR_COLOURS.get(gpu.vendor, "#7F7F7F")
    rows = gpu_lines(gpu)
    if gpu.uuid and len(gpu.uuid) > 16:  # a UUID does not wrap: shorten it, full in the tooltip
        rows = [(k, f"{v[:13]}…" if k == "UUID" else v) for k, v in rows]
    tip = provenance(profile, gpu.source)
    if gpu.uuid:
        tip += f"\nUUID: {gpu.uuid}"
    if gpu.bandwidth_note:
        tip += f"\nPeak bandwidth: {gpu.bandwidth_note}"
    return DeviceCard(
        gpu_title(gpu),
        rows,
        tip,
        colour,
        notes=tuple(n for n in gpu.notes if not profile.planned),
    )


def apple_card(profile: HardwareProfile) -> DeviceCard | None:
    """Apple silicon: chip, unified memory, GPU cores, Metal."""
    apple = profile.apple
    if apple is None:
        return None
    metal = UNKNOWN if apple.metal is None else ("available" if apple.metal else "not available")
    rows = [
        ("Chip", text_or_unknown(apple.chip)),
        ("Unified memory", format_bytes(apple.unified_memory_bytes)),
        ("GPU cores", format_reading(apple.gpu_cores)),
        ("Metal", metal),
    ]
    return DeviceCard(
        "Apple silicon", rows, provenance(profile, "sysctl and system_profiler"), "#7F7F7F"
    )


def no_gpu_card(profile: HardwareProfile) -> DeviceCard:
    """Says plainly that no GPU was found, and why."""
    reason = profile.gpu_error or "no GPU detected"
    rows = [("Why", reason.split(": ", 1)[-1] if ": " in reason else reason)]
    card = DeviceCard(
        "No NVIDIA GPU detected" if "NVIDIA" in reason else "No GPU",
        rows,
        provenance(profile, "NVML and sysfs"),
        theme.WARNING_FG,
        notes=(
            (
                "Frameworks below are judged for the CPU; install or fix the NVIDIA driver "
                "and press Detect again."
            ),
        )
        if not profile.planned
        else (),
    )
    return card
