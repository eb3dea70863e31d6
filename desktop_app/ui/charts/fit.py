"""The memory bar of the Models view: weights / KV cache / compute / overhead on VRAM and RAM."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg

from desktop_app.domain.fit.estimate import GIB, FitResult
from desktop_app.domain.units import format_bytes
from desktop_app.ui.charts.base import ChartPanel, Row

# Okabe–Ito colours, distinct from one another for colour-blind readers.
PART_COLOURS = {
    "weights": "#0072B2",
    "kv": "#E69F00",
    "compute": "#009E73",
    "overhead": "#7F7F7F",
}
PART_LABELS = {
    "weights": "Weights",
    "kv": "KV cache",
    "compute": "Compute buffer (est.)",
    "overhead": "Overhead (est.)",
}
DEVICES = (("gpu", 1.0, "GPU VRAM"), ("ram", 0.0, "System RAM"))
AVAILABLE_PEN = pg.mkPen("#C00000", width=3, style=pg.QtCore.Qt.PenStyle.DashLine)


class MemoryBarChart:
    """A stacked bar per device against the memory available there."""

    def __init__(self) -> None:
        self.panel = ChartPanel("Memory needed vs available", "GiB", "")
        self.result: FitResult | None = None
        plot = self.panel.plot
        plot.getAxis("left").setTicks([[(y, label) for _, y, label in DEVICES]])
        plot.setYRange(-0.6, 2.7, padding=0)
        self.panel.legend.setColumnCount(3)
        self.bars: dict[str, pg.BarGraphItem] = {}
        for part, colour in PART_COLOURS.items():
            bar = pg.BarGraphItem(
                x0=[0, 0], y=[1, 0], width=[0, 0], height=0.55, brush=colour, name=PART_LABELS[part]
            )
            plot.addItem(bar)
            self.bars[part] = bar
        self.available = pg.PlotDataItem(
            [], [], pen=AVAILABLE_PEN, name="Available", connect="pairs"
        )
        plot.addItem(self.available)
        self.panel.set_data_source(self.rows)

    def show(self, result: FitResult | None) -> None:
        """Draw `result` (None clears the chart)."""
        self.result = result
        starts = [0.0, 0.0]
        for part, bar in self.bars.items():
            gpu, ram = result.placement.get(part, (0, 0)) if result else (0, 0)
            widths = [gpu / GIB, ram / GIB]
            bar.setOpts(x0=list(starts), y=[1, 0], width=widths, height=0.55)
            starts = [starts[0] + widths[0], starts[1] + widths[1]]
        xs: list[float] = []
        ys: list[float] = []
        b = result.budget if result else None
        if b is not None:
            for value, y in ((b.vram_bytes, 1.0), (b.ram_bytes, 0.0)):
                if value:
                    xs += [value / GIB, value / GIB]
                    ys += [y - 0.4, y + 0.4]
        self.available.setData(xs, ys)
        self._describe(result)
        right = max([*starts, *xs, 1.0])
        self.panel.plot.setXRange(0, right * 1.08, padding=0)

    def _describe(self, result: FitResult | None) -> None:
        """Each part of each bar, and each limit, says what it is and where it comes from."""
        hover = self.panel.hover
        hover.clear()
        if result is None:
            return
        st = result.settings
        shape = result.shape
        conditions = (
            f"Conditions: {shape.name} {shape.quant}, {st.ctx:,} tokens of context × "
            f"{st.parallel} slot(s), KV cache {st.kv_type}"
        )
        source = (
            "Source: estimated by the app from the model's "
            f"{shape.source or 'catalogue row'} (formula: docs/fit-and-metrics.md)"
        )
        starts = [0.0, 0.0]
        for part in self.bars:
            sides = result.placement.get(part, (0, 0))
            for index, (_, y, device) in enumerate(DEVICES):
                width = sides[index] / GIB
                if width > 0:
                    hover.add_rect(
                        starts[index],
                        starts[index] + width,
                        y - 0.275,
                        y + 0.275,
                        f"{PART_LABELS[part]} in {device}: {format_bytes(sides[index])}\n"
                        f"{conditions}\n{source}",
                    )
                starts[index] += width
        b = result.budget
        if b is not None:
            for value, (_, y, device) in zip((b.vram_bytes, b.ram_bytes), DEVICES, strict=True):
                if value:
                    hover.add_point(
                        value / GIB,
                        y,
                        f"{device} available: {format_bytes(value)}\n"
                        "Source: detected on this machine (Hardware view)",
                    )

    def rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        """(header, rows): bytes of each part per device, and the memory available."""
        header = ("device", "part", "bytes", "shown", "available_bytes")
        r = self.result
        if r is None:
            return header, []
        b = r.budget
        avail = {"gpu": b.vram_bytes if b else None, "ram": b.ram_bytes if b else None}
        out: list[Row] = []
        for index, (device, _, label) in enumerate(DEVICES):
            for part, sides in r.placement.items():
                out.append(
                    (
                        label,
                        PART_LABELS[part],
                        sides[index],
                        format_bytes(sides[index]),
                        avail[device],
                    )
                )
        return header, out
