"""Compare charts of points: throughput against TTFT, and token rates (published, measured)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

import pyqtgraph as pg
from PySide6.QtCore import Qt

from desktop_app.domain.compare.series import Point, RangeBar, Unplotted
from desktop_app.domain.sources.figures import Figure
from desktop_app.domain.units import format_number
from desktop_app.ui import theme
from desktop_app.ui.charts.base import Row
from desktop_app.ui.charts.compare import MEASURED, RATE_TICKS, CompareChart, Frameworks


class ThroughputTtftChart(CompareChart):
    """One marker per framework at the centre of its two ranges, the ranges as error bars."""

    def __init__(self) -> None:
        self.pairs: list[tuple[RangeBar, RangeBar]] = []
        self.missing: list[Unplotted] = []
        self.items: dict[str, pg.ErrorBarItem] = {}  # the frameworks drawn now
        self._error_bars: dict[str, pg.ErrorBarItem] = {}  # one per framework, kept
        super().__init__(
            "Throughput against time to first token",
            "time to first token, ms (lower is better)",
            "requests/s (higher is better)",
        )
        self.centres = pg.ScatterPlotItem(symbol="o")
        self.plot.addItem(self.centres)
        self.instant = pg.InfiniteLine(
            pos=100,
            angle=90,
            label="100 ms: feels instant",
            labelOpts={
                "position": 0.1,
                "color": theme.current().chart_fg,
                "fill": pg.mkColor(theme.current().chart_bg),
            },
        )
        self.plot.addItem(self.instant)

    def _error_bar(self, framework: str) -> pg.ErrorBarItem:
        if framework not in self._error_bars:
            item = pg.ErrorBarItem(x=np.array([0.0]), y=np.array([0.0]))
            self._error_bars[framework] = item
            self.plot.addItem(item)
        return self._error_bars[framework]

    def set_content(
        self,
        frameworks: Frameworks,
        throughput: Sequence[RangeBar],
        ttft: Sequence[RangeBar],
        dimmed: dict[str, str],
    ) -> None:
        """Pair each framework's headline throughput and TTFT ranges."""
        self.frameworks, self.dimmed = list(frameworks), dict(dimmed)
        thr = {b.framework: b for b in throughput if b.series == "headline"}
        lat = {b.framework: b for b in ttft if b.series == "headline"}
        self.pairs, self.missing = [], []
        for fw, name in frameworks:
            t, f = thr.get(fw), lat.get(fw)
            if t and f and None not in (t.low, t.high, f.low, f.high):
                self.pairs.append((t, f))
            else:
                lacking = " and ".join(
                    what for what, bar in (("throughput", t), ("TTFT", f)) if bar is None
                )
                self.missing.append(Unplotted(fw, name, f"no {lacking} range in the store"))
        self.redraw()

    @staticmethod
    def _centre(bar: RangeBar) -> float:
        assert bar.low is not None and bar.high is not None
        return (bar.low + bar.high) / 2

    def data_rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        """Both ranges per framework, and where the marker sits (the ranges' centre)."""
        header = (
            "framework",
            "throughput low",
            "throughput high",
            "throughput unit",
            "ttft low",
            "ttft high",
            "ttft unit",
            "marker ttft (range centre)",
            "marker throughput (range centre)",
            "sources",
            "date",
        )
        rows: list[Row] = [
            (
                t.framework,
                t.low,
                t.high,
                t.unit,
                f.low,
                f.high,
                f.unit,
                self._centre(f),
                self._centre(t),
                f"{t.figure_id}: {t.source} | {f.figure_id}: {f.source}",
                t.retrieved,
            )
            for t, f in self.pairs
        ]
        return header, rows

    def _draw(self) -> None:
        self._legend_swatches()
        self.items = {}
        xs: list[float] = [100.0]
        ys: list[float] = [0.0]
        centres: list[tuple[float, float, str]] = []
        for t, f in self.pairs:
            assert t.low is not None and t.high is not None
            assert f.low is not None and f.high is not None
            cx, cy = self._centre(f), self._centre(t)
            colour = self.colour(t.framework)
            bars = self._error_bar(t.framework)
            bars.setData(
                x=np.array([cx]),
                y=np.array([cy]),
                left=np.array([cx - f.low]),
                right=np.array([f.high - cx]),
                bottom=np.array([cy - t.low]),
                top=np.array([t.high - cy]),
                beam=4 * self.scale,
                pen=pg.mkPen(colour, width=2.5 * self.scale),
            )
            self.items[t.framework] = bars
            centres.append((cx, cy, t.framework))
            self.text(f" {t.name}", f.high, t.high, anchor=(0, 1))
            tip = (
                f"{t.name}\nThroughput: {t.as_stated} ({t.figure_id})\n"
                f"Time to first token: {f.as_stated} ({f.figure_id})\n"
                "The marker sits at the centre of both ranges; the guide gives only ranges.\n"
                f"Source: {t.source}\nRetrieved: {t.retrieved}"
            )
            self.hover.add_rect(f.low, f.high, t.low, t.high, tip)
            self.hover.add_point(cx, cy, tip)
            xs += [f.low, f.high]
            ys += [t.low, t.high]
        for fw, item in self._error_bars.items():
            item.setVisible(fw in self.items)
        self.centres.setData(
            x=[c[0] for c in centres],
            y=[c[1] for c in centres],
            size=14 * self.scale,
            brush=[self.colour(fw) for _x, _y, fw in centres],
            pen=pg.mkPen(theme.current().chart_fg, width=self.scale),
        )
        self.instant.setPen(
            pg.mkPen(theme.current().chart_line, width=1.5 * self.scale, style=Qt.PenStyle.DashLine)
        )
        self.instant.label.setFont(self.scaled_font(9))
        self.plot.setXRange(0, max(xs) * 1.3, padding=0)
        self.plot.setYRange(0, max(ys) * 1.2 or 1, padding=0)
        self._note(self.missing)


class TokenRateChart(CompareChart):
    """Token rates per framework on a log axis: published benchmarks, guide figures, trials."""

    def __init__(self) -> None:
        self.published: list[Point] = []
        self.general: Figure | None = None
        super().__init__("Token rates: published benchmarks and this machine", "tokens/s (log)", "")
        self.band = pg.LinearRegionItem(
            values=(0, 1), movable=False, brush=pg.mkBrush(120, 120, 120, 45), pen=pg.mkPen(None)
        )
        self.points = pg.ScatterPlotItem(symbol="d")  # the published benchmarks, one series
        self.plot.addItem(self.band)
        self.plot.addItem(self.points)

    def set_content(
        self,
        frameworks: Frameworks,
        published: Sequence[Point],
        general: Figure | None,
        dimmed: dict[str, str],
    ) -> None:
        """Published points for these frameworks and the guide's general decode range."""
        self.frameworks, self.dimmed = list(frameworks), dict(dimmed)
        ids = {fw for fw, _name in frameworks}
        self.published = [p for p in published if p.framework in ids]
        self.general = general
        self.redraw()

    def data_rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        """Each plotted point with its conditions and source."""
        header = ("framework", "series", "value", "unit", "metric", "conditions", "source", "date")
        ids = {fw for fw, _name in self.frameworks}
        rows: list[Row] = [
            (p.framework, "published", p.value, p.unit, p.metric, p.conditions, p.source, p.date)
            for p in self.published
        ]
        rows += [
            (t.framework, MEASURED, t.value, t.unit, t.metric, t.conditions, t.source, t.date)
            for t in self.trials
            if t.framework in ids
        ]
        if self.general is not None and self.general.low and self.general.high:
            g = self.general
            rows.append(
                (
                    "(all frameworks)",
                    "guide range",
                    f"{g.low}–{g.high}",
                    g.unit,
                    g.metric,
                    g.entity,
                    g.provenance.source,
                    g.provenance.retrieved,
                )
            )
        return header, rows

    def _draw(self) -> None:
        rows = self._rows()
        self._legend_swatches()
        g = self.general
        self.band.setVisible(bool(g is not None and g.low and g.high))
        if g is not None and g.low and g.high:
            self.band.setRegion((math.log10(g.low), math.log10(g.high)))
            self.band.setToolTip(g.tooltip())
            self.text("guide: all frameworks", math.log10(g.high), len(rows) - 0.5, (0, 0))
        values = [40.0, 60.0]
        seen: dict[str, int] = {}
        xs: list[float] = []
        ys: list[float] = []
        for p in self.published:
            # Alternate labels above and below the row so neighbours do not overlap.
            nth = seen[p.framework] = seen.get(p.framework, -1) + 1
            x, y = math.log10(p.value), rows[p.framework] + 0.12
            xs.append(x)
            ys.append(y)
            label = p.label or format_number(p.value)
            self.text(f" {label}", x, y, (0, 1.0) if nth % 2 == 0 else (0, -0.1))
            self.hover.add_point(x, y, p.tooltip)
            values.append(p.value)
        self.points.setData(
            x=xs,
            y=ys,
            size=16 * self.scale,
            brush=[self.colour(p.framework) for p in self.published],
            pen=pg.mkPen(theme.current().chart_fg, width=self.scale),
        )
        values += self._draw_trials(rows, math.log10)
        self.plot.getAxis("bottom").setTicks([[(math.log10(v), s) for v, s in RATE_TICKS], []])
        lo, hi = math.log10(min(values)) - 0.4, math.log10(max(values)) + 1.2
        self.plot.setXRange(lo, hi, padding=0)
        self._note(
            [],
            "◆ published benchmark (aggregate over all concurrent users); ★ single request "
            "measured on this machine; grey band: the guide's 40–60 tokens/s for any modern "
            "framework. Benchmarks with only qualitative results are in the table.",
        )
