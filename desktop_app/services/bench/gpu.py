"""GPU power, utilisation, memory and energy through NVML while a step runs (NVIDIA only)."""

from __future__ import annotations

import contextlib
from typing import Any

from desktop_app.domain.bench.metrics import GpuFigures


class GpuSampler:
    """Samples every GPU; all readings stay None where NVML is missing or says nothing."""

    def __init__(self) -> None:
        self._nv: Any = None
        self._handles: list[Any] = []
        try:
            import pynvml

            pynvml.nvmlInit()
            self._nv = pynvml
            self._handles = [
                pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())
            ]
        except Exception:  # no driver, no GPU: the figures are unknown, not an error
            self._nv = None
            self._handles = []
        self._reset()

    @property
    def available(self) -> bool:
        """True when at least one NVIDIA GPU answers."""
        return bool(self._handles)

    def _reset(self) -> None:
        self._power: list[float] = []
        self._util: list[float] = []
        self._mem: list[int] = []
        self._energy0: float | None = None

    def _energy_mj(self) -> float | None:
        if not self._handles:
            return None
        try:
            return float(
                sum(self._nv.nvmlDeviceGetTotalEnergyConsumption(h) for h in self._handles)
            )
        except Exception:
            return None

    def start_step(self) -> None:
        """Forget the last step's readings and note the energy counter."""
        self._reset()
        self._energy0 = self._energy_mj()
        self.sample()

    def sample(self) -> None:
        """One reading of every GPU (summed power and memory, mean utilisation)."""
        if not self._handles:
            return
        nv = self._nv
        with contextlib.suppress(Exception):
            self._power.append(sum(nv.nvmlDeviceGetPowerUsage(h) for h in self._handles) / 1000)
        with contextlib.suppress(Exception):
            utils = [nv.nvmlDeviceGetUtilizationRates(h).gpu for h in self._handles]
            self._util.append(sum(utils) / len(utils))
        with contextlib.suppress(Exception):
            self._mem.append(int(sum(nv.nvmlDeviceGetMemoryInfo(h).used for h in self._handles)))

    def end_step(self) -> GpuFigures:
        """The step's figures."""
        self.sample()
        end = self._energy_mj()
        energy = None
        if self._energy0 is not None and end is not None and end >= self._energy0:
            energy = (end - self._energy0) / 1000
        return GpuFigures(
            power_w_mean=sum(self._power) / len(self._power) if self._power else None,
            util_pct_mean=sum(self._util) / len(self._util) if self._util else None,
            memory_used_bytes_max=max(self._mem) if self._mem else None,
            energy_j=energy,
        )

    def close(self) -> None:
        """Release NVML."""
        if self._nv is not None:
            with contextlib.suppress(Exception):
                self._nv.nvmlShutdown()
            self._nv = None
            self._handles = []
