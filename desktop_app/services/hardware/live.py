"""Live readings for the gauges: CPU %, RAM, and per-GPU utilisation, memory and temperature.

Cheaper than the full probe: NVML is initialised once and its handles kept; after a
driver error the next sample starts NVML afresh, so a reset GPU comes back on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psutil

from desktop_app.domain.hardware.profile import GpuSample, LiveSample
from desktop_app.services.hardware import nvidia, other_gpus


class LiveSampler:
    """Takes one LiveSample per call; call from one worker at a time."""

    def __init__(self, sysfs_root: Path = other_gpus.SYSFS_DRM) -> None:
        self._nv: Any = None
        self._handles: list[tuple[int, str, Any]] = []
        self._nvml_failed = False
        self._sysfs_root = sysfs_root
        psutil.cpu_percent(interval=None)  # primes the counter: the next call measures from here

    def _start_nvml(self) -> None:
        try:
            import pynvml

            pynvml.nvmlInit()
            handles = []
            for i in range(pynvml.nvmlDeviceGetCount()):
                handle = pynvml.nvmlDeviceGetHandleByIndex(i)
                handles.append((i, str(pynvml.nvmlDeviceGetName(handle)), handle))
        except Exception:  # no NVIDIA GPU: the full probe already said why
            self._nvml_failed = True
            return
        self._nv = pynvml
        self._handles = handles

    def _nvidia(self) -> tuple[list[GpuSample], str | None]:
        if self._nv is None and not self._nvml_failed:
            self._start_nvml()
        nv = self._nv
        if nv is None:
            return [], None
        samples: list[GpuSample] = []
        for index, name, handle in self._handles:
            try:
                mem = nv.nvmlDeviceGetMemoryInfo(handle)
                util = _optional(nv, nv.nvmlDeviceGetUtilizationRates, handle)
                temp = _optional(nv, nvidia._temperature, nv, handle)
            except nv.NVMLError as exc:
                # A lost or reset GPU: report it and start NVML afresh on the next tick.
                self.close()
                return samples, f"GPU {index} stopped answering: {nvidia.classify_error(exc)}"
            samples.append(
                GpuSample(
                    index=index,
                    name=name,
                    utilization_pct=float(util.gpu) if util is not None else None,
                    memory_used_bytes=int(mem.used),
                    memory_total_bytes=int(mem.total),
                    temperature_c=float(temp) if temp is not None else None,
                )
            )
        return samples, None

    def sample(self) -> LiveSample:
        """One reading of CPU, RAM and every GPU."""
        vm = psutil.virtual_memory()
        gpus, error = self._nvidia()
        for card in other_gpus.scan_sysfs(self._sysfs_root):
            if card.vendor == "AMD":
                dev = card.device
                gpus.append(
                    GpuSample(
                        index=len(gpus),
                        name=dev.name,
                        utilization_pct=dev.utilization_pct,
                        memory_used_bytes=dev.memory_used_bytes,
                        memory_total_bytes=dev.memory_total_bytes,
                        temperature_c=None,
                    )
                )
        return LiveSample(
            cpu_pct=psutil.cpu_percent(interval=None),
            ram_used_bytes=int(vm.total - vm.available),
            ram_total_bytes=int(vm.total),
            gpus=tuple(gpus),
            gpu_error=error,
        )

    def close(self) -> None:
        """Release NVML (the next sample starts it again)."""
        nv, self._nv, self._handles = self._nv, None, []
        if nv is not None:
            try:
                nv.nvmlShutdown()
            except Exception:
                pass


def _optional(nv: Any, fn: Any, *args: Any) -> Any:
    """A field some GPUs do not support (MIG, consumer cards): None instead of an error."""
    try:
        return fn(*args)
    except nv.NVMLError_NotSupported:
        return None
