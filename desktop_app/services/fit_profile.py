"""This machine's hardware profile for `infernav fit`: the hardware probe, or a minimal stand-in.

The full probe lives in `desktop_app.services.hardware` (another issue); until it is there,
a small psutil + NVML reading gives the memory figures the fit verdict needs.
"""

from __future__ import annotations

import importlib
import platform
from collections.abc import Callable
from typing import Any

from desktop_app.domain.hardware.profile import CpuInfo, GpuDevice, HardwareProfile, MemoryInfo


def this_machine() -> HardwareProfile:
    """The detected profile of this machine (full probe when available)."""
    try:
        module = importlib.import_module("desktop_app.services.hardware")
    except ImportError:
        return minimal_profile()
    for name in ("probe", "detect", "probe_hardware"):
        fn: Callable[[], Any] | None = getattr(module, name, None)
        if callable(fn):
            result = fn()
            if isinstance(result, HardwareProfile):
                return result
    return minimal_profile()


def _nvidia_gpus() -> tuple[list[GpuDevice], str | None]:
    try:
        import pynvml
    except ImportError:
        return [], "nvidia-ml-py is not installed"
    try:
        pynvml.nvmlInit()
    except Exception as exc:  # no driver or no GPU: NVMLError subclasses
        return [], f"no NVIDIA GPU detected: {exc}"
    gpus = []
    try:
        for i in range(pynvml.nvmlDeviceGetCount()):
            h = pynvml.nvmlDeviceGetHandleByIndex(i)
            mem = pynvml.nvmlDeviceGetMemoryInfo(h)
            name = pynvml.nvmlDeviceGetName(h)
            bandwidth = None
            try:  # bus width (bits) × max memory clock (MHz) × 2 (double data rate)
                bus = pynvml.nvmlDeviceGetMemoryBusWidth(h)
                clock = pynvml.nvmlDeviceGetMaxClockInfo(h, pynvml.NVML_CLOCK_MEM)
                bandwidth = bus / 8 * clock * 2 / 1000
            except Exception:  # older drivers lack these queries: bandwidth stays unknown
                pass
            gpus.append(
                GpuDevice(
                    index=i,
                    name=name.decode() if isinstance(name, bytes) else str(name),
                    vendor="NVIDIA",
                    source="NVML",
                    memory_total_bytes=int(mem.total),
                    memory_used_bytes=int(mem.used),
                    memory_free_bytes=int(mem.free),
                    bandwidth_gbps=bandwidth,
                    bandwidth_note="computed: bus width × max memory clock × 2"
                    if bandwidth
                    else "",
                )
            )
    finally:
        pynvml.nvmlShutdown()
    return gpus, None


def minimal_profile() -> HardwareProfile:
    """System memory from psutil and NVIDIA GPUs from NVML; everything else unknown."""
    import psutil

    vm = psutil.virtual_memory()
    gpus, gpu_error = _nvidia_gpus()
    return HardwareProfile(
        label="This machine (minimal probe)",
        planned=False,
        os_name=platform.system(),
        os_version=platform.release(),
        cpu=CpuInfo(
            brand=platform.processor() or None,
            vendor=None,
            architecture=platform.machine(),
            physical_cores=psutil.cpu_count(logical=False),
            logical_cores=psutil.cpu_count(logical=True),
            frequency_mhz=None,
        ),
        memory=MemoryInfo(total_bytes=int(vm.total), available_bytes=int(vm.available)),
        gpus=tuple(gpus),
        gpu_error=gpu_error,
        probe_notes=("minimal probe: psutil memory and NVML GPUs only",),
    )
