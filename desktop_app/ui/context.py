"""What every view is given: the stores, the background helper and the active hardware."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop_app.domain.hardware.profile import CpuInfo, HardwareProfile, MemoryInfo
from desktop_app.ui.workers import BackgroundRunner

if TYPE_CHECKING:
    from desktop_app.domain.sources.pack import PackContents
    from desktop_app.services.stores import Stores


class HardwareState(QObject):
    """The active hardware profile (detected or planned); views subscribe to changes."""

    profile_changed = Signal(object)  # HardwareProfile

    def __init__(self) -> None:
        super().__init__()
        self.detected: HardwareProfile | None = None
        self.profile: HardwareProfile | None = None
        self.failure: str | None = None  # why detection failed, when it did

    def set_failed(self, reason: str) -> None:
        """Detection failed: this machine becomes a profile whose hardware is unknown.

        Views then show "unknown" instead of waiting for a probe that will never report.
        """
        self.failure = reason
        self.set_detected(unknown_machine(reason))

    def set_detected(self, profile: HardwareProfile) -> None:
        """Record this machine's profile (and make it active if nothing is planned)."""
        self.detected = profile
        if self.profile is None or not self.profile.planned:
            self.set_active(profile)

    def set_active(self, profile: HardwareProfile) -> None:
        """Make `profile` the one every view uses."""
        self.profile = profile
        self.profile_changed.emit(profile)


def unknown_machine(reason: str) -> HardwareProfile:
    """This machine when the probe failed: every measured field unknown, the reason noted."""
    return HardwareProfile(
        label="This machine (hardware unknown)",
        planned=False,
        os_name=platform.system() or "unknown",
        os_version="",
        cpu=CpuInfo(
            brand=None,
            vendor=None,
            architecture=platform.machine() or "unknown",
            physical_cores=None,
            logical_cores=None,
            frequency_mhz=None,
        ),
        memory=MemoryInfo(total_bytes=None, available_bytes=None),
        gpu_error=f"no NVIDIA GPU detected: {reason}",
        probe_notes=(reason,),
    )


class TrialEvents(QObject):
    """Announces new measured trials so charts can show them."""

    trial_saved = Signal(object)  # TrialRecord
    bench_saved = Signal(object)  # BenchRun, kept by the Benchmark view


class DataEvents(QObject):
    """Announces a data pack imported while the app runs, so open views show its figures."""

    pack_imported = Signal(object)  # PackContents, already laid over the bundled store


@dataclass
class AppContext:
    """Shared objects for the views; built once the stores have loaded."""

    stores: Stores
    runner: BackgroundRunner
    hardware: HardwareState = field(default_factory=HardwareState)
    trials: TrialEvents = field(default_factory=TrialEvents)
    data: DataEvents = field(default_factory=DataEvents)


def pack_applied(ctx: AppContext | None, pack: PackContents) -> str:
    """Lay an imported pack over the open bundled store, tell the views, say so in a sentence."""
    if ctx is None:  # the stores are still loading: they read the pack as they open
        return f"Imported data pack {pack.manifest.label}."
    ctx.stores.bundled.apply_pack(pack)
    ctx.data.pack_imported.emit(pack)
    return f"Imported data pack {pack.manifest.label}; the open views show it now."
