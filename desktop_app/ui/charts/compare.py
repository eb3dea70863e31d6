"""Compare charts: range bars per framework, throughput against TTFT, token rates.

Ranges are drawn low to high (never a midpoint of our own), open-ended figures as an
arrow from their bound; measured trials are stars labelled "measured on this machine".
Log axes are drawn in log10 units with human tick labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QLabel

from desktop_app.domain.compare.series import Point, RangeBar, Unplotted
from desktop_app.domain.units import format_number
from desktop_app.ui import theme
from desktop_app.ui.charts.base import ChartPanel, Row
from desktop_app.ui.charts.hover import HoverIndex

MEASURED = "measured on this machine"
TTFT_TICKS = (
    (10, "10 ms"),
    (30, "30 ms"),
    (100, "100 ms"),
    (300, "300 ms"),
    (1000, "1 s"),
    (3000, "3 s"),
    (10000, "10 s"),
)
SETUP_TICKS = (
    (1 / 6, "10 min"),
    (1, "1 h"),
    (8, "1 day"),
    (40, "1 week"),
    (160, "1 month"),
)
RATE_TICKS = (
    (1, "1"),
    (10, "10"),
    (100, "100"),
    (1000, "1,000"),
    (10000, "10,000"),
    (100000, "100,000"),
)
Frameworks = Sequence[tuple[str, str]]  # (id, name)


class CompareChart(ChartPanel):
    """A chart of the compared frameworks: colours, dimming, hover and presentation size."""

    def __init__(self, title: str, x_label: str, y_label: str) -> None:
        super().__init__(title, x_label, y_label)
        self.x_label, self.y_label = x_label, y_label
        self.hover = HoverIndex(self.plot)
        # Let long titles wrap so two charts fit side by side on a 1366-pixel screen.
        self.heading.setWordWrap(True)
        self.heading.setMinimumWidth(120)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {theme.MUTED_FG};")
        layout = self.layout()
        assert layout is not None
        layout.addWidget(self.note)
        self.scale = 1.0
        self.frameworks: list[tuple[str, str]] = []
        self.dimmed: dict[str, str] = {}
        self.trials: list[Point] = []
        self.plot.setMenuEnabled(False)
        self.plot.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)
        self.set_data_source(self.data_rows)
        self._style()

    def data_rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        """(header, rows) of exactly what is plotted."""
        raise NotImplementedError

    def _draw(self) -> None:
        raise NotImplementedError

    def set_presentation(self, on: bool, redraw: bool = True) -> None:
        """Larger fonts and thicker lines for a projector."""
        self.scale = 1.6 if on else 1.0
        self._style()
        if redraw:
            self.redraw()

    def set_trials(self, points: Sequence[Point]) -> None:
        """Measured trials to show as their own series."""
        self.trials = list(points)
        self.redraw()

    def redraw(self) -> None:
        """Rebuild every item from the current content."""
        self.plot.clear()
        self.legend.clear()
        self.hover.clear()
        self._draw()

    def scaled_font(self, points: float = 10, bold: bool = False) -> QFont:
        """A font scaled for the current mode."""
        f = QFont()
        f.setPointSizeF(points * self.scale)
        f.setBold(bold)
        return f

    def colour(self, fw: str) -> QColor:
        """The framework's colour (faded when it does not run on this hardware)."""
        c = QColor(theme.framework_colour(fw))
        if fw in self.dimmed:
            c.setAlpha(55)
        return c

    def text(self, text: str, x: float, y: float, anchor: tuple[float, float] = (0, 0.5)) -> None:
        """A data label."""
        item = pg.TextItem(text, color="#111827", anchor=anchor)
        item.setFont(self.scaled_font(9.5))
        item.setPos(x, y)
        self.plot.addItem(item)

    def _style(self) -> None:
        size = f"{11 * self.scale:.0f}pt"
        for side, label in (("bottom", self.x_label), ("left", self.y_label)):
            axis = self.plot.getAxis(side)
            axis.setTickFont(self.scaled_font(10, bold=self.scale > 1))
            axis.setPen(pg.mkPen("#111827", width=self.scale))
            axis.setTextPen(pg.mkPen("#111827"))
            self.plot.setLabel(side, label, **{"font-size": size, "color": "#111827"})
        self.legend.setLabelTextSize(f"{9.5 * self.scale:.0f}pt")
        self.heading.setStyleSheet(f"font-size: {round(14 * self.scale)}px;")
        px = round(12 * self.scale)
        self.note.setStyleSheet(f"color: {theme.MUTED_FG}; font-size: {px}px;")
        # A fixed two-line height: new notes do not re-lay out (and repaint) every chart.
        self.note.setFixedHeight(round(px * 1.4 * 2) + 4)

    def _rows(self, headroom: float = 0.0) -> dict[str, float]:
        n = len(self.frameworks)
        rows = {fw: float(n - 1 - i) for i, (fw, _name) in enumerate(self.frameworks)}
        ticks = [(rows[fw], name) for fw, name in self.frameworks]
        axis = self.plot.getAxis("left")
        axis.setTicks([ticks, []])
        # Size the axis for the names now: a chart not yet painted would otherwise clip them.
        metrics = QFontMetrics(self.scaled_font(10, bold=self.scale > 1))
        axis.setWidth(max((metrics.horizontalAdvance(name) for _fw, name in ticks), default=0) + 16)
        self.plot.setYRange(-0.7, n - 0.4 + headroom, padding=0)
        return rows

    def _legend_swatches(self) -> None:
        """Framework names sit on the axis, so the legend only explains marker kinds."""
        self.legend.anchor(itemPos=(1, 1), parentPos=(1, 1), offset=(-8, -8))

    def _note(self, missing: Sequence[Unplotted], extra: str = "") -> None:
        names = dict(self.frameworks)
        by_reason: dict[str, list[str]] = {}
        for m in missing:
            by_reason.setdefault(m.reason, []).append(m.name)
        lines = [f"Not plotted: {', '.join(n)}: {why}." for why, n in by_reason.items()]
        lines += [
            f"Greyed out: {names.get(fw, fw)} ({why})."
            for fw, why in self.dimmed.items()
            if fw in names
        ]
        if extra:
            lines.append(extra)
        self.note.setText("  ".join(lines))

    def _star(self, x: float, y: float, fw: str, tip: str, legend: bool, label: str = "") -> None:
        item = pg.ScatterPlotItem(
            [x],
            [y],
            symbol="star",
            size=20 * self.scale,
            brush=self.colour(fw),
            pen=pg.mkPen("#111827", width=1.5 * self.scale),
        )
        item.setZValue(20)
        self.plot.addItem(item)
        if legend:
            self.legend.addItem(item, MEASURED)
        self.hover.add_point(x, y, tip)
        if label:
            self.text(f"  {label}", x, y)


class RangeChart(CompareChart):
    """Horizontal low–high bars per framework, optionally on a log axis."""

    def __init__(
        self,
        title: str,
        x_label: str,
        log_ticks: Sequence[tuple[float, str]] | None = None,
        thresholds: Sequence[tuple[float, str, str]] = (),
    ) -> None:
        self.log_ticks = log_ticks
        self.thresholds = list(thresholds)
        self.bars: list[RangeBar] = []
        self.missing: list[Unplotted] = []
        self.bar_items: dict[tuple[str, str], pg.GraphicsObject] = {}
        super().__init__(title, x_label, "")

    def set_content(
        self,
        frameworks: Frameworks,
        bars: Sequence[RangeBar],
        missing: Sequence[Unplotted],
        dimmed: dict[str, str],
    ) -> None:
        """Show these bars for these frameworks (rows in the given order)."""
        self.frameworks, self.bars, self.missing = list(frameworks), list(bars), list(missing)
        self.dimmed = dict(dimmed)
        self.redraw()

    def to_axis(self, value: float) -> float:
        """Data value to axis position (log10 on log charts)."""
        return math.log10(value) if self.log_ticks else value

    def data_rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        """One row per bar or marker: framework, series, low, high, unit, source, date."""
        header = (
            "framework",
            "series",
            "low",
            "high",
            "unit",
            "as stated",
            "conditions",
            "source",
            "date",
            "figure",
        )
        rows: list[Row] = [
            (
                b.framework,
                b.series,
                b.low if b.low is not None or b.high is None else "open-ended",
                b.high if b.high is not None or b.low is None else "open-ended",
                b.unit,
                b.as_stated,
                "",
                b.source,
                b.retrieved,
                b.figure_id,
            )
            for b in self.bars
        ]
        rows += [
            (
                t.framework,
                MEASURED,
                t.value,
                t.value,
                t.unit,
                format_number(t.value),
                t.conditions,
                t.source,
                t.date,
                "",
            )
            for t in self.trials
            if t.framework in dict(self.frameworks)
        ]
        return header, rows

    def _draw(self) -> None:
        rows = self._rows(1.0 if self.thresholds else 0.0)
        self.bar_items = {}
        self._legend_swatches()
        values: list[float] = [t[0] for t in self.thresholds]
        kinds: set[str] = set()
        for bar in self.bars:
            values += [v for v in (bar.low, bar.high) if v is not None]
            kinds.add(self._draw_bar(bar, rows[bar.framework]))
        for trial in self.trials:
            if trial.framework in rows and trial.value > 0:
                pos = self.to_axis(trial.value)
                y = rows[trial.framework] - 0.24
                label = f"{format_number(trial.value)} {trial.unit}"
                self._star(pos, y, trial.framework, trial.tooltip, MEASURED not in kinds, label)
                kinds.add(MEASURED)
                values.append(trial.value)
        for i, (value, label, tip) in enumerate(self.thresholds):
            line = pg.InfiniteLine(
                pos=self.to_axis(value),
                angle=90,
                pen=pg.mkPen("#374151", width=1.5 * self.scale, style=Qt.PenStyle.DashLine),
                label=label,
                labelOpts={
                    "position": 0.97 - 0.08 * i,
                    "color": "#111827",
                    "anchors": [(0, 0.5), (0, 0.5)],
                    "fill": (255, 255, 255, 220),
                },
            )
            line.setZValue(5 - i)  # earlier labels stay readable over later lines
            line.label.setFont(self.scaled_font(9))
            line.label.setToolTip(tip)
            self.plot.addItem(line)
        self._set_x_range([v for v in values if v and v > 0])
        self._legend_kinds(kinds)
        self._note(self.missing)

    def _legend_kinds(self, kinds: set[str]) -> None:
        if "under load" in kinds:
            brush = pg.mkBrush("#374151")
            brush.setStyle(Qt.BrushStyle.BDiagPattern)
            sample = pg.BarGraphItem(x0=[0], x1=[1], y=[0], height=1, brush=brush)
            self.legend.addItem(sample, "under load")
        if "other figure (conflict)" in kinds:
            sample = pg.ScatterPlotItem(symbol="d", brush=None, pen=pg.mkPen("#374151", width=2))
            self.legend.addItem(sample, "⚠ other figure in the guide")

    def _draw_bar(self, bar: RangeBar, row: float) -> str:
        headline = bar.series == "headline"
        other = bar.series.startswith("other")
        y = row + (0.12 if headline else -0.24)
        height = 0.36 if headline else 0.2
        colour = self.colour(bar.framework)
        pen = pg.mkPen(colour.darker(150), width=1.2 * self.scale)
        label = "⚠" if other else bar.as_stated + (" ⚠" if bar.conflicts else "")
        if bar.series == "under load":
            label += " under load"
        item: pg.GraphicsObject
        if bar.low is not None and bar.high is not None and bar.low != bar.high:
            x0, end = self.to_axis(bar.low), self.to_axis(bar.high)
            brush = pg.mkBrush(None) if other else pg.mkBrush(colour)
            if bar.series == "under load":
                brush.setStyle(Qt.BrushStyle.BDiagPattern)
            item = pg.BarGraphItem(x0=[x0], x1=[end], y=[y], height=height, brush=brush, pen=pen)
            self.hover.add_rect(x0, end, y - height / 2, y + height / 2, bar.tooltip)
        else:
            bound = bar.low if bar.low is not None else bar.high
            assert bound is not None
            end = self.to_axis(bound)
            symbol = "d" if bar.low == bar.high else ("t2" if bar.low is not None else "t3")
            item = pg.ScatterPlotItem(
                [end],
                [y],
                symbol=symbol,
                size=(14 if other else 18) * self.scale,
                brush=None if other else colour,
                pen=pg.mkPen(colour.darker(150), width=2 * self.scale),
            )
            self.hover.add_point(end, y, bar.tooltip)
        item.setZValue(10)
        self.plot.addItem(item)
        key = bar.series if headline else f"{bar.series}:{bar.figure_id}"
        self.bar_items[(bar.framework, key)] = item
        self.text(f" {label}", end, y)
        return bar.series

    def _set_x_range(self, values: list[float]) -> None:
        axis = self.plot.getAxis("bottom")
        if self.log_ticks:
            lo = math.log10(min(values, default=1)) - 0.3
            hi = math.log10(max(values, default=10)) + 1.1
            axis.setTicks([[(math.log10(v), t) for v, t in self.log_ticks], []])
            self.plot.setXRange(lo, hi, padding=0)
        else:
            axis.setTicks(None)
            self.plot.setXRange(0, max(values, default=1) * 1.45, padding=0)
