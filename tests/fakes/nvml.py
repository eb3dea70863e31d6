"""A fake NVML: replaces pynvml's functions (not the probe's code) with recorded readings.

Return types follow nvidia-ml-py 12/13: strings for names, UUIDs and the driver version,
`c_nvmlMemory_t` / `c_nvmlUtilization_t` structures, a (major, minor) tuple for the compute
capability, ints for clocks, widths and milliwatts, `c_nvmlDevice_t` handles, and
`pynvml.NVMLError(<code>)` (which becomes the matching NVMLError_* subclass) for failures.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pynvml
import pytest

MIB = 1024**2


@dataclass
class FakeGpu:
    """One GPU's readings; a field listed in `unsupported` raises NVMLError_NotSupported."""

    name: str
    uuid: str
    total_mib: int
    used_mib: int
    cc: tuple[int, int]
    bus_width: int
    max_mem_clock_mhz: int
    power_limit_mw: int
    pcie_gen: int
    pcie_width: int
    util_pct: int = 3
    temp_c: int = 41
    mig: tuple[int, int] | None = None  # (current, pending) or None when not supported
    power_draw_mw: int = 250_000  # what nvmlDeviceGetPowerUsage reports, in milliwatts
    unsupported: set[str] = field(default_factory=set)


# Readings as a real card of each model reports them (nvidia-smi -q values).
RTX_4090 = FakeGpu(
    "NVIDIA GeForce RTX 4090",
    "GPU-5b7e1f2c-8d3a-4c51-9e0b-2f6a7d9c1e34",
    24564,
    1120,
    (8, 9),
    384,
    10501,
    450000,
    4,
    16,
)
H100 = FakeGpu(
    "NVIDIA H100 80GB HBM3",
    "GPU-0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    81559,
    7,
    (9, 0),
    5120,
    2619,
    700000,
    5,
    16,
    util_pct=0,
    temp_c=33,
)
A100_MIG = FakeGpu(
    "NVIDIA A100-SXM4-80GB",
    "GPU-9f8e7d6c-5b4a-3210-fedc-ba9876543210",
    81920,
    512,
    (8, 0),
    5120,
    1593,
    400000,
    4,
    16,
    mig=(1, 1),
    unsupported={"utilization", "temperature", "power"},
)


class FakeNvml:
    """Install with `FakeNvml(gpus).install(monkeypatch)`; tweak its attributes between calls."""

    def __init__(
        self,
        gpus: list[FakeGpu] | None = None,
        init_error: int | None = None,
        driver: str = "550.54.14",
        cuda: int = 12040,
    ) -> None:
        self.gpus = list(gpus or [])
        self.init_error = init_error
        self.driver = driver
        self.cuda = cuda
        self.fail_with: int | None = None  # an error code every device call raises from now on
        self.initialised = 0
        self.handles = [pynvml.c_nvmlDevice_t() for _ in self.gpus]
        # The energy counter (mJ since the driver loaded) integrates the power draw over
        # real time, as the card's own counter does.
        self.started = time.monotonic()

    def _gpu(self, handle: Any, what: str = "") -> FakeGpu:
        if self.initialised <= 0:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_UNINITIALIZED)
        if self.fail_with is not None:
            raise pynvml.NVMLError(self.fail_with)
        for h, gpu in zip(self.handles, self.gpus, strict=True):
            if h is handle:
                if what in gpu.unsupported:
                    raise pynvml.NVMLError(pynvml.NVML_ERROR_NOT_SUPPORTED)
                return gpu
        raise pynvml.NVMLError(pynvml.NVML_ERROR_INVALID_ARGUMENT)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeNvml:
        """Replace the pynvml functions the app calls."""
        nv = pynvml

        def init() -> None:
            if self.init_error is not None:
                raise nv.NVMLError(self.init_error)
            self.initialised += 1

        def shutdown() -> None:
            if self.initialised <= 0:
                raise nv.NVMLError(nv.NVML_ERROR_UNINITIALIZED)
            self.initialised -= 1

        def handle_by_index(index: int) -> Any:
            if self.initialised <= 0:
                raise nv.NVMLError(nv.NVML_ERROR_UNINITIALIZED)
            if not 0 <= index < len(self.gpus):
                raise nv.NVMLError(nv.NVML_ERROR_INVALID_ARGUMENT)
            return self.handles[index]

        def memory(handle: Any, version: Any = None) -> Any:
            gpu = self._gpu(handle, "memory")
            mem = nv.c_nvmlMemory_t()
            mem.total = gpu.total_mib * MIB
            mem.used = gpu.used_mib * MIB
            mem.free = (gpu.total_mib - gpu.used_mib) * MIB
            return mem

        def utilization(handle: Any) -> Any:
            gpu = self._gpu(handle, "utilization")
            util = nv.c_nvmlUtilization_t()
            util.gpu = gpu.util_pct
            util.memory = 1
            return util

        def max_clock(handle: Any, kind: int) -> int:
            gpu = self._gpu(handle, "clock")
            if kind != nv.NVML_CLOCK_MEM:
                raise nv.NVMLError(nv.NVML_ERROR_NOT_SUPPORTED)
            return gpu.max_mem_clock_mhz

        def temperature(handle: Any, sensor: int) -> int:
            return self._gpu(handle, "temperature").temp_c

        def mig_mode(handle: Any) -> list[int]:
            gpu = self._gpu(handle, "mig")
            if gpu.mig is None:
                raise nv.NVMLError(nv.NVML_ERROR_NOT_SUPPORTED)
            return [gpu.mig[0], gpu.mig[1]]

        def power_usage(handle: Any) -> int:
            return self._gpu(handle, "power").power_draw_mw

        def total_energy(handle: Any) -> int:
            gpu = self._gpu(handle, "power")
            return int(gpu.power_draw_mw * (time.monotonic() - self.started))

        def count() -> int:
            if self.initialised <= 0:
                raise nv.NVMLError(nv.NVML_ERROR_UNINITIALIZED)
            return len(self.gpus)

        replacements: dict[str, Any] = {
            "nvmlInit": init,
            "nvmlShutdown": shutdown,
            "nvmlSystemGetDriverVersion": lambda: self.driver,
            "nvmlSystemGetCudaDriverVersion": lambda: self.cuda,
            "nvmlDeviceGetCount": count,
            "nvmlDeviceGetHandleByIndex": handle_by_index,
            "nvmlDeviceGetName": lambda h: self._gpu(h).name,
            "nvmlDeviceGetUUID": lambda h: self._gpu(h).uuid,
            "nvmlDeviceGetMemoryInfo": memory,
            "nvmlDeviceGetCudaComputeCapability": lambda h: self._gpu(h, "cc").cc,
            "nvmlDeviceGetMemoryBusWidth": lambda h: self._gpu(h, "bus").bus_width,
            "nvmlDeviceGetMaxClockInfo": max_clock,
            "nvmlDeviceGetPowerManagementLimit": lambda h: self._gpu(h, "power").power_limit_mw,
            "nvmlDeviceGetMaxPcieLinkGeneration": lambda h: self._gpu(h, "pcie").pcie_gen,
            "nvmlDeviceGetMaxPcieLinkWidth": lambda h: self._gpu(h, "pcie").pcie_width,
            "nvmlDeviceGetUtilizationRates": utilization,
            "nvmlDeviceGetTemperature": temperature,
            "nvmlDeviceGetMigMode": mig_mode,
            "nvmlDeviceGetPowerUsage": power_usage,
            "nvmlDeviceGetTotalEnergyConsumption": total_energy,
        }
        for name, fn in replacements.items():
            assert hasattr(nv, name), f"pynvml has no {name}: the fake is out of date"
            monkeypatch.setattr(nv, name, fn)
        return self
