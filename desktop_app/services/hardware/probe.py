"""The full hardware probe: every sub-probe in parallel, each with its own time limit.

A stuck driver call cannot be interrupted in Python, so each sub-probe runs on a daemon
thread behind a Future: the probe reports the timeout and returns, and a hung thread can
never keep the app (or `infernav detect`) from exiting, as a pool's workers would.
"""

from __future__ import annotations

import platform
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from desktop_app import paths
from desktop_app.domain.hardware.profile import (
    AppleSilicon,
    CpuInfo,
    GpuDevice,
    HardwareProfile,
    MemoryInfo,
)
from desktop_app.services.hardware import cpu as cpu_probe
from desktop_app.services.hardware import nvidia, other_gpus, system

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 5.0


def _start(fn: Callable[[], T], name: str) -> Future[T]:
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(fn())
        except BaseException as exc:  # delivered to the waiting probe, never lost
            future.set_exception(exc)

    threading.Thread(target=run, name=f"infernav-probe-{name}", daemon=True).start()
    return future


def _collect(future: Future[T], name: str, deadline: float, notes: list[str]) -> T | None:
    try:
        return future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        notes.append(f"{name}: timed out (still not answering; results left out)")
    except Exception as exc:
        notes.append(f"{name}: failed ({type(exc).__name__}: {exc})")
    return None


def probe_hardware(
    timeout_s: float = DEFAULT_TIMEOUT_S,
    sysfs_root: Path = other_gpus.SYSFS_DRM,
    cpuinfo_path: Path = Path("/proc/cpuinfo"),
) -> HardwareProfile:
    """Probe this machine; slow sub-probes time out and are named in `probe_notes`."""
    is_mac = sys.platform == "darwin"
    jobs: dict[str, Callable[[], Any]] = {
        "CPU": lambda: cpu_probe.probe_cpu(cpuinfo_path, timeout_s),
        "memory": system.probe_memory,
        "disk": lambda: system.disk_free(paths.models_dir()),
        "OS": system.os_name_version,
        "NVIDIA (NVML)": nvidia.probe_nvidia,
    }
    if sys.platform.startswith("linux"):
        jobs["AMD/Intel GPUs (sysfs)"] = lambda: other_gpus.amd_and_intel(sysfs_root)
    if is_mac and platform.machine() == "arm64":
        jobs["Apple GPU (system_profiler)"] = lambda: other_gpus.apple_displays(timeout_s)
    futures = {name: _start(fn, name) for name, fn in jobs.items()}
    deadline = time.monotonic() + timeout_s
    notes: list[str] = []
    results = {name: _collect(f, name, deadline, notes) for name, f in futures.items()}

    cpu: CpuInfo = results["CPU"] or CpuInfo(
        None, None, platform.machine() or "unknown", None, None, None
    )
    memory: MemoryInfo = results["memory"] or MemoryInfo(None, None)
    os_name, os_version = results["OS"] or (platform.system(), platform.release())
    gpus: list[GpuDevice] = []
    gpu_error: str | None
    nv: nvidia.NvidiaResult | None = results["NVIDIA (NVML)"]
    if nv is None:
        gpu_error = f"{nvidia.NO_GPU}: NVML did not answer within {timeout_s:g} s"
    else:
        gpus.extend(nv.gpus)
        gpu_error = nv.error
        notes.extend(f"NVML: {n}" for n in nv.notes)
    sysfs = results.get("AMD/Intel GPUs (sysfs)")
    if sysfs is not None:
        others, sysfs_notes = sysfs
        gpus.extend(others)
        if gpu_error and sysfs_notes:
            notes.extend(f"{n}, but NVML could not read it" for n in sysfs_notes)
    apple: AppleSilicon | None = None
    if "Apple GPU (system_profiler)" in results:
        apple, apple_gpu = other_gpus.apple_silicon(
            cpu.brand, memory.total_bytes, results["Apple GPU (system_profiler)"]
        )
        gpus.append(apple_gpu)
    label = "This machine"
    return HardwareProfile(
        label=label,
        planned=False,
        os_name=os_name,
        os_version=os_version,
        cpu=cpu,
        memory=memory,
        gpus=tuple(gpus),
        gpu_error=gpu_error,
        apple=apple,
        disk_free_bytes=results["disk"],
        probe_notes=tuple(notes),
        detected_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
