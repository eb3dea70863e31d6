"""What every view is given: the stores, the background helper and the active hardware."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.ui.workers import BackgroundRunner

if TYPE_CHECKING:
    from desktop_app.services.stores import Stores


class HardwareState(QObject):
    """The active hardware profile (detected or planned); views subscribe to changes."""

    profile_changed = Signal(object)  # HardwareProfile

    def __init__(self) -> None:
        super().__init__()
        self.detected: HardwareProfile | None = None
        self.profile: HardwareProfile | None = None

    def set_detected(self, profile: HardwareProfile) -> None:
        """Record this machine's profile (and make it active if nothing is planned)."""
        self.detected = profile
        if self.profile is None or not self.profile.planned:
            self.set_active(profile)

    def set_active(self, profile: HardwareProfile) -> None:
        """Make `profile` the one every view uses."""
        self.profile = profile
        self.profile_changed.emit(profile)


class TrialEvents(QObject):
    """Announces new measured trials so charts can show them."""

    trial_saved = Signal(object)  # TrialRecord


@dataclass
class AppContext:
    """Shared objects for the views; built once the stores have loaded."""

    stores: Stores
    runner: BackgroundRunner
    hardware: HardwareState = field(default_factory=HardwareState)
    trials: TrialEvents = field(default_factory=TrialEvents)
