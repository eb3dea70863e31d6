"""Live gauges: current CPU, RAM and GPU readings as large numbers, and the last minute as lines."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.domain.hardware.profile import LiveSample
from desktop_app.domain.units import UNKNOWN, format_bytes
from desktop_app.ui import theme
from desktop_app.ui.charts.base import ChartPanel

HISTORY = 60  # samples kept (one a second: the last minute)
GAUGES_PER_ROW = 5
_COLOURS = {"cpu": "#0072B2", "ram": "#E69F00", "util": "#009E73", "vram": "#D55E00"}
_TEMP_COLOUR = "#CC79A7"


def _pct(value: float | None) -> str:
    return UNKNOWN if value is None else f"{value:.0f} %"


class LiveGauges(QWidget):
    """Big current values plus two rolling charts (usage % and GPU temperature)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.gauge_grid = QGridLayout()
        self.gauges: dict[str, QLabel] = {}
        layout.addLayout(self.gauge_grid)
        self.usage = ChartPanel("Usage, last minute", "seconds ago", "%")
        # Repainted every second: grid lines and antialiasing cost the GUI thread ~15 ms
        # a tick in Qt's raster engine, so these two charts draw neither.
        self.usage.plot.setAntialiasing(False)
        self.usage.plot.showGrid(x=False, y=False)
        self.usage.plot.setYRange(0, 100)
        self.usage.plot.setXRange(-HISTORY, 0)
        self.usage.setMinimumHeight(230)
        self.usage.set_data_source(self._usage_rows)
        charts = QHBoxLayout()
        charts.addWidget(self.usage, 3)
        self.temps = ChartPanel("GPU temperature, last minute", "seconds ago", "°C")
        self.temps.plot.setXRange(-HISTORY, 0)
        self.temps.plot.setAntialiasing(False)
        self.temps.plot.showGrid(x=False, y=False)
        self.temps.setMinimumHeight(200)
        self.temps.set_data_source(self._temp_rows)
        self.temps.hide()
        charts.addWidget(self.temps, 2)
        layout.addLayout(charts)
        self.error = QLabel()
        self.error.setWordWrap(True)
        theme.set_role(self.error, "warning")
        self.error.hide()
        layout.addWidget(self.error)
        self.times: deque[float] = deque(maxlen=HISTORY)
        self.series: dict[str, deque[float]] = {}
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._names: dict[str, str] = {}
        self.samples_shown = 0

    def _gauge(self, key: str, title: str) -> QLabel:
        label = self.gauges.get(key)
        if label is None:
            n = len(self.gauges)
            row, col = 2 * (n // GAUGES_PER_ROW), n % GAUGES_PER_ROW
            head = QLabel(title)
            theme.set_role(head, "muted")
            label = QLabel(UNKNOWN)
            label.setStyleSheet("font-size: 20px; font-weight: bold;")
            label.setToolTip("Live reading of this machine (psutil, NVML or sysfs), every second")
            self.gauge_grid.addWidget(head, row, col, Qt.AlignmentFlag.AlignLeft)
            self.gauge_grid.addWidget(label, row + 1, col, Qt.AlignmentFlag.AlignLeft)
            self.gauges[key] = label
        return label

    def _push(
        self, key: str, name: str, value: float | None, panel: ChartPanel, colour: str
    ) -> None:
        data = self.series.get(key)
        if data is None:
            data = self.series[key] = deque([float("nan")] * (len(self.times) - 1), maxlen=HISTORY)
            style = Qt.PenStyle.DashLine if key.startswith("gpu1") else Qt.PenStyle.SolidLine
            pen = pg.mkPen(colour, width=2.5, style=style)
            # Antialiasing thick lines costs ~20× the paint time in Qt's raster engine;
            # at one point a second the live lines look the same without it.
            self._curves[key] = panel.plot.plot(
                [], [], pen=pen, name=name, connect="finite", antialias=False
            )
            self._names[key] = name
            panel.show()
        data.append(float("nan") if value is None else value)

    def update_sample(self, sample: LiveSample) -> None:
        """Show one reading: gauges now, and append it to the rolling charts."""
        self.times.append(time.monotonic())
        self._gauge("cpu", "CPU").setText(_pct(sample.cpu_pct))
        ram = f"{_pct(sample.ram_pct)} · {format_bytes(sample.ram_used_bytes)}"
        self._gauge("ram", "RAM in use").setText(ram)
        self._push("cpu", "CPU %", sample.cpu_pct, self.usage, _COLOURS["cpu"])
        self._push("ram", "RAM %", sample.ram_pct, self.usage, _COLOURS["ram"])
        for gpu in sample.gpus:
            g = f"gpu{gpu.index}"
            self._gauge(f"{g}util", f"GPU {gpu.index} busy").setText(_pct(gpu.utilization_pct))
            vram = f"{_pct(gpu.memory_pct)} · {format_bytes(gpu.memory_used_bytes)}"
            self._gauge(f"{g}vram", f"GPU {gpu.index} VRAM").setText(vram)
            temp = UNKNOWN if gpu.temperature_c is None else f"{gpu.temperature_c:.0f} °C"
            self._gauge(f"{g}temp", f"GPU {gpu.index} temp").setText(temp)
            self._push(
                f"{g}util",
                f"GPU {gpu.index} busy %",
                gpu.utilization_pct,
                self.usage,
                _COLOURS["util"],
            )
            self._push(
                f"{g}vram", f"GPU {gpu.index} VRAM %", gpu.memory_pct, self.usage, _COLOURS["vram"]
            )
            if gpu.temperature_c is not None or f"{g}temp" in self.series:
                self._push(
                    f"{g}temp", f"GPU {gpu.index} °C", gpu.temperature_c, self.temps, _TEMP_COLOUR
                )
        for data in self.series.values():
            if len(data) < len(self.times):  # a GPU that stopped answering: a gap, not a 0
                data.append(float("nan"))
        self.error.setText(f"⚠ {sample.gpu_error}" if sample.gpu_error else "")
        self.error.setVisible(bool(sample.gpu_error))
        xs = self._x()
        for key, curve in self._curves.items():
            curve.setData(xs[-len(self.series[key]) :], list(self.series[key]))
        self.samples_shown += 1

    def _x(self) -> list[float]:
        now = self.times[-1] if self.times else 0.0
        return [round(t - now, 1) for t in self.times]

    def _rows(self, keys: Sequence[str]) -> tuple[list[str], list[list[object]]]:
        xs = self._x()
        header = ["seconds ago", *(self._names[k] for k in keys)]
        rows: list[list[object]] = []
        for i, x in enumerate(xs):
            row: list[object] = [x]
            for k in keys:
                data = list(self.series[k])
                offset = len(xs) - len(data)
                v = data[i - offset] if i >= offset else float("nan")
                row.append(None if v != v else round(v, 1))  # NaN → "unknown" in the CSV
            rows.append(row)
        return header, rows

    def _usage_rows(self) -> tuple[list[str], list[list[object]]]:
        return self._rows([k for k in self.series if not k.endswith("temp")])

    def _temp_rows(self) -> tuple[list[str], list[list[object]]]:
        return self._rows([k for k in self.series if k.endswith("temp")])
