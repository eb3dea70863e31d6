"""NVIDIA GPUs through NVML (nvidia-ml-py, imported as `pynvml`).

Every pynvml function is looked up on the module at call time, so the tests can replace
them one by one. A field the GPU does not support (MIG, some consumer cards) is left
unknown with a note; a failure of NVML as a whole becomes a reason the user can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from desktop_app.domain.hardware.profile import GpuDevice

T = TypeVar("T")

NO_GPU = "no NVIDIA GPU detected"
_BANDWIDTH_NOTE = "computed: bus width × max memory clock × 2 (DDR)"

# NVML error class name → the reason shown after "no NVIDIA GPU detected: ".
_REASONS = {
    "NVMLError_LibraryNotFound": "NVML library not found (no NVIDIA driver installed?)",
    "NVMLError_DriverNotLoaded": "NVIDIA driver not loaded",
    "NVMLError_LibRmVersionMismatch": (
        "driver/library version mismatch (reboot after a driver update)"
    ),
    "NVMLError_NoPermission": "no permission to access the GPU (check /dev/nvidia* access)",
}


@dataclass(frozen=True)
class NvidiaResult:
    """What NVML told us: the devices, or the reason there are none, and per-field notes."""

    gpus: tuple[GpuDevice, ...]
    error: str | None
    notes: tuple[str, ...] = ()


def classify_error(exc: BaseException) -> str:
    """A short reason for an NVML failure (library missing, driver, mismatch, permission)."""
    if isinstance(exc, ImportError):
        return "library not found (the nvidia-ml-py package is not installed)"
    name = type(exc).__name__
    if name in _REASONS:
        return _REASONS[name]
    return f"NVML error: {exc}"


def _pynvml() -> Any:
    import pynvml

    return pynvml


def _field(nv: Any, notes: list[str], label: str, fn: Callable[..., T], *args: Any) -> T | None:
    """Read one field; an unsupported or failing field is unknown, with a note why."""
    try:
        return fn(*args)
    except nv.NVMLError_NotSupported:
        notes.append(f"{label}: not supported")
    except nv.NVMLError as exc:
        notes.append(f"{label}: {exc}")
    return None


def _temperature(nv: Any, handle: Any) -> int:
    try:
        value: int = nv.nvmlDeviceGetTemperature(handle, nv.NVML_TEMPERATURE_GPU)
    except nv.NVMLError_FunctionNotFound:
        # Drivers past CUDA 13 may drop the old call; the versioned one replaces it.
        value = nv.nvmlDeviceGetTemperatureV(handle, nv.NVML_TEMPERATURE_GPU)
    return value


def _cuda_version(raw: int | None) -> str | None:
    if not raw:
        return None
    return f"{raw // 1000}.{(raw % 1000) // 10}"


def read_device(nv: Any, index: int, driver: str | None, cuda: str | None) -> GpuDevice:
    """All the static and live fields of device `index`."""
    handle = nv.nvmlDeviceGetHandleByIndex(index)
    notes: list[str] = []
    name = _field(nv, notes, "name", nv.nvmlDeviceGetName, handle) or f"NVIDIA GPU {index}"
    memory = _field(nv, notes, "memory", nv.nvmlDeviceGetMemoryInfo, handle)
    cc = _field(nv, notes, "compute capability", nv.nvmlDeviceGetCudaComputeCapability, handle)
    bus = _field(nv, notes, "memory bus width", nv.nvmlDeviceGetMemoryBusWidth, handle)
    clock = _field(
        nv, notes, "max memory clock", nv.nvmlDeviceGetMaxClockInfo, handle, nv.NVML_CLOCK_MEM
    )
    power_mw = _field(nv, notes, "power limit", nv.nvmlDeviceGetPowerManagementLimit, handle)
    gen = _field(nv, notes, "PCIe generation", nv.nvmlDeviceGetMaxPcieLinkGeneration, handle)
    width = _field(nv, notes, "PCIe width", nv.nvmlDeviceGetMaxPcieLinkWidth, handle)
    util = _field(nv, notes, "utilisation", nv.nvmlDeviceGetUtilizationRates, handle)
    temp = _field(nv, notes, "temperature", _temperature, nv, handle)
    mig = _field(nv, [], "MIG mode", nv.nvmlDeviceGetMigMode, handle)
    if mig and mig[0] == nv.NVML_DEVICE_MIG_ENABLE:
        notes.append("MIG mode is on: memory and utilisation are for the whole GPU")
    bandwidth = None
    if bus and clock:
        # bits/8 bytes per transfer × 2 transfers per clock (DDR) × MHz → GB/s.
        bandwidth = round(bus / 8 * clock * 2 / 1000, 1)
    return GpuDevice(
        index=index,
        name=str(name),
        vendor="NVIDIA",
        source="NVML",
        uuid=_field(nv, notes, "UUID", nv.nvmlDeviceGetUUID, handle),
        memory_total_bytes=int(memory.total) if memory is not None else None,
        memory_used_bytes=int(memory.used) if memory is not None else None,
        memory_free_bytes=int(memory.free) if memory is not None else None,
        driver_version=driver,
        cuda_driver_version=cuda,
        compute_capability=f"{cc[0]}.{cc[1]}" if cc else None,
        memory_bus_width_bits=bus or None,
        max_memory_clock_mhz=clock or None,
        bandwidth_gbps=bandwidth,
        bandwidth_note=_BANDWIDTH_NOTE if bandwidth is not None else "",
        power_limit_w=power_mw / 1000 if power_mw else None,
        pcie_generation=gen or None,
        pcie_width=width or None,
        utilization_pct=float(util.gpu) if util is not None else None,
        temperature_c=float(temp) if temp is not None else None,
        notes=tuple(notes),
    )


def probe_nvidia() -> NvidiaResult:
    """Every NVIDIA GPU NVML can see, or "no NVIDIA GPU detected: <reason>"."""
    try:
        nv = _pynvml()
        nv.nvmlInit()
    except Exception as exc:  # ImportError or any NVMLError: the reason is the result
        return NvidiaResult((), f"{NO_GPU}: {classify_error(exc)}")
    try:
        notes: list[str] = []
        driver = _field(nv, notes, "driver version", nv.nvmlSystemGetDriverVersion)
        cuda = _cuda_version(
            _field(nv, notes, "CUDA driver version", nv.nvmlSystemGetCudaDriverVersion)
        )
        count = nv.nvmlDeviceGetCount()
        if count == 0:
            return NvidiaResult((), f"{NO_GPU}: NVML reports no devices", tuple(notes))
        gpus = []
        for index in range(count):
            try:
                gpus.append(read_device(nv, index, driver, cuda))
            except nv.NVMLError as exc:
                notes.append(f"NVIDIA GPU {index} could not be read: {classify_error(exc)}")
        error = None if gpus else f"{NO_GPU}: every device failed ({'; '.join(notes)})"
        return NvidiaResult(tuple(gpus), error, tuple(notes))
    except nv.NVMLError as exc:
        return NvidiaResult((), f"{NO_GPU}: {classify_error(exc)}")
    finally:
        try:
            nv.nvmlShutdown()
        except nv.NVMLError:
            pass
