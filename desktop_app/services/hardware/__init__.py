"""Hardware detection: the full probe (`probe_hardware`) and live sampling (`LiveSampler`)."""

from __future__ import annotations

from desktop_app.services.hardware.live import LiveSampler
from desktop_app.services.hardware.probe import probe_hardware

__all__ = ["LiveSampler", "probe_hardware"]
