"""Every view opens under every kind of hardware profile without an error.

A view that raises, or anything that logs an ERROR while the views open, fails the test.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import pytest

from desktop_app.domain.hardware.plan import find_gpu, planned_cpu_profile, planned_gpu_profile
from desktop_app.domain.hardware.profile import (
    AppleSilicon,
    CpuInfo,
    GpuDevice,
    HardwareProfile,
    MemoryInfo,
)
from desktop_app.storage.bundled.store import BundledStore
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS
from tests.gui.conftest import DETECTED, GIB

pytestmark = pytest.mark.gui

RTX_4090 = GpuDevice(
    0,
    "NVIDIA GeForce RTX 4090",
    "NVIDIA",
    "NVML",
    memory_total_bytes=24 * GIB,
    memory_used_bytes=1 * GIB,
    memory_free_bytes=23 * GIB,
    driver_version="550.54.14",
    cuda_driver_version="12.4",
    compute_capability="8.9",
    bandwidth_gbps=1008.0,
)
RX_7900 = GpuDevice(0, "AMD Radeon RX 7900 XTX", "AMD", "sysfs", memory_total_bytes=24 * GIB)


def _catalogue_gpu(store: BundledStore, name: str) -> HardwareProfile:
    gpu = find_gpu(store.gpus(), name)
    assert gpu is not None, name
    return planned_gpu_profile(gpu)


def _unknown_ram(store: BundledStore) -> HardwareProfile:
    cpu = CpuInfo("Planned CPU", None, "x86_64", 16, 32, None)
    return dataclasses.replace(_catalogue_gpu(store, "L4"), cpu=cpu, memory=MemoryInfo(None, None))


# name -> (the detected machine, a planned profile made active, or None)
PROFILES: dict[str, tuple[HardwareProfile, Callable[[BundledStore], HardwareProfile] | None]] = {
    "detected-nvidia": (dataclasses.replace(DETECTED, gpus=(RTX_4090,), gpu_error=None), None),
    "planned-gpu": (DETECTED, lambda store: _catalogue_gpu(store, "RTX 4090")),
    "planned-cpu-only": (DETECTED, lambda _store: planned_cpu_profile(16)),
    "planned-unknown-ram": (DETECTED, _unknown_ram),
    "apple-silicon": (
        dataclasses.replace(
            DETECTED,
            os_name="macOS",
            os_version="15.1",
            cpu=CpuInfo("Apple M3 Max", "Apple", "arm64", 16, 16, None, ("neon", "dotprod")),
            memory=MemoryInfo(128 * GIB, 96 * GIB),
            gpus=(GpuDevice(0, "Apple M3 Max", "Apple", "sysctl", memory_total_bytes=128 * GIB),),
            gpu_error="no NVIDIA GPU detected: not available on macOS",
            apple=AppleSilicon("Apple M3 Max", 128 * GIB, 40, True),
        ),
        None,
    ),
    "detected-amd": (dataclasses.replace(DETECTED, gpus=(RX_7900,)), None),
}


def _cases() -> list[object]:
    return [
        pytest.param(profile, spec.key, id=f"{profile}-{spec.key}")
        for profile in PROFILES
        for spec in VIEWS
    ]


@pytest.mark.parametrize(("profile", "view_key"), _cases())
def test_view_opens_under_profile(
    make_window: Callable[..., MainWindow],
    caplog: pytest.LogCaptureFixture,
    profile: str,
    view_key: str,
) -> None:
    detected, planned = PROFILES[profile]
    win = make_window(probe=lambda: detected)
    assert win.ctx is not None
    if planned is not None:
        win.ctx.hardware.set_active(planned(win.ctx.stores.bundled))
    view = win.show_view(view_key)
    assert win.current_view() is view
    assert not view.grab().isNull()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors
