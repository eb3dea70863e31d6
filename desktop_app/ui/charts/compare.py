"""Compare charts: range bars per framework, throughput against TTFT, token rates.

Ranges are drawn low to high (never a midpoint of our own), open-ended figures as an
arrow from their bound; measured trials are stars labelled "measured on this machine".
Log axes are drawn in log10 units with human tick labels.

Each chart creates its plot items once (one per series, a pool of labels) and updates
them with setOpts / setData on every change, the pyqtgraph idiom: nothing is rebuilt.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPen
from PySide6.QtWidgets import QLabel

from desktop_app.domain.compare.series import Point, RangeBar, Unplotted
from desktop_app.domain.units import format_number
from desktop_app.ui import theme
from desktop_app.ui.charts.base import ChartPanel, Row

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
SERIES = ("headline", "under load", "other")  # one bar item each on a range chart


class CompareChart(ChartPanel):
    """A chart of the compared frameworks: colours, dimming, hover and presentation size."""

    def __init__(self, title: str, x_label: str, y_label: str) -> None:
        super().__init__(title, x_label, y_label)
        self.x_label, self.y_label = x_label, y_label
        # Let long titles wrap so two charts fit side by side on a 1366-pixel screen.
        self.heading.setWordWrap(True)
        self.heading.setMinimumWidth(120)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setProperty("role", "muted")
        layout = self.layout()
        assert layout is not None
        layout.addWidget(self.note)
        self.scale = 1.0
        self.frameworks: list[tuple[str, str]] = []
        self.dimmed: dict[str, str] = {}
        self.trials: list[Point] = []
        self._labels: list[pg.TextItem] = []  # a pool, reused in order on every draw
        self._labels_used = 0
        self.stars = pg.ScatterPlotItem()  # the measured trials, one series
        self.stars.setZValue(20)
        self.plot.addItem(self.stars)
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

    @Slot(object)
    def _on_theme_changed(self, palette: theme.Palette) -> None:
        super()._on_theme_changed(palette)
        try:
            self._style()
            self.redraw()
        except RuntimeError:  # already deleted with its window
            return

    def redraw(self) -> None:
        """Update the chart's items from the current content (no item is recreated)."""
        self.legend.clear()
        self.hover.clear()
        self._labels_used = 0
        self._draw()
        for item in self._labels[self._labels_used :]:
            item.hide()

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
        """A data label (the next one from the pool)."""
        if self._labels_used == len(self._labels):
            self._labels.append(pg.TextItem(color=theme.current().chart_fg))
            self.plot.addItem(self._labels[-1])
        item = self._labels[self._labels_used]
        self._labels_used += 1
        item.setText(text, color=theme.current().chart_fg)
        item.setAnchor(anchor)
        item.setFont(self.scaled_font(9.5))
        item.setPos(x, y)
        item.show()

    def labels(self) -> list[str]:
        """The data labels shown now."""
        return [item.toPlainText() for item in self._labels[: self._labels_used]]

    def _style(self) -> None:
        size = f"{11 * self.scale:.0f}pt"
        for side, label in (("bottom", self.x_label), ("left", self.y_label)):
            axis = self.plot.getAxis(side)
            axis.setTickFont(self.scaled_font(10, bold=self.scale > 1))
            axis.setPen(pg.mkPen(theme.current().chart_fg, width=self.scale))
            axis.setTextPen(pg.mkPen(theme.current().chart_fg))
            self.plot.setLabel(
                side, label, **{"font-size": size, "color": theme.current().chart_fg}
            )
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

    def _draw_trials(
        self, rows: dict[str, float], to_axis: Callable[[float], float]
    ) -> list[float]:
        """The measured trials as one star series below their framework's row; their values."""
        shown = [t for t in self.trials if t.framework in rows and t.value > 0]
        xs = [to_axis(t.value) for t in shown]
        ys = [rows[t.framework] - 0.24 for t in shown]
        self.stars.setData(
            x=xs,
            y=ys,
            symbol="star",
            size=20 * self.scale,
            brush=[self.colour(t.framework) for t in shown],
            pen=pg.mkPen(theme.current().chart_fg, width=1.5 * self.scale),
        )
        if shown:
            self.legend.addItem(self.stars, MEASURED)
        for t, x, y in zip(shown, xs, ys, strict=True):
            self.hover.add_point(x, y, t.tooltip)
            self.text(f"  {format_number(t.value)} {t.unit}", x, y)
        return [t.value for t in shown]


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
        # (framework, series key) -> (the item that draws it, its index in that item)
        self.bar_items: dict[tuple[str, str], tuple[pg.GraphicsObject, int]] = {}
        super().__init__(title, x_label, "")
        # One bar item per series, one marker item for bounds and single values.
        self.series = {kind: pg.BarGraphItem(x0=[], x1=[], y=[], height=[]) for kind in SERIES}
        self.markers = pg.ScatterPlotItem()
        for item in (*self.series.values(), self.markers):
            item.setZValue(10)
            self.plot.addItem(item)
        self.lines = [self._threshold_line(i, *t) for i, t in enumerate(self.thresholds)]
        loaded = pg.mkBrush(theme.current().chart_line)
        loaded.setStyle(Qt.BrushStyle.BDiagPattern)
        self.under_load_sample = pg.BarGraphItem(x0=[0], x1=[1], y=[0], height=1, brush=loaded)
        self.conflict_sample = pg.ScatterPlotItem(
            symbol="d", brush=None, pen=pg.mkPen(theme.current().chart_line, width=2)
        )

    def _threshold_line(self, i: int, value: float, label: str, tip: str) -> pg.InfiniteLine:
        line = pg.InfiniteLine(
            pos=self.to_axis(value),
            angle=90,
            label=label,
            labelOpts={
                "position": 0.97 - 0.08 * i,
                "color": theme.current().chart_fg,
                "anchors": [(0, 0.5), (0, 0.5)],
                "fill": (255, 255, 255, 220),
            },
        )
        line.setZValue(5 - i)  # earlier labels stay readable over later lines
        line.label.setToolTip(tip)
        self.plot.addItem(line)
        return line

    def span(self, framework: str, key: str) -> tuple[float, float]:
        """Where the chart draws this bar: (start, end) read back from its item."""
        item, i = self.bar_items[(framework, key)]
        if isinstance(item, pg.BarGraphItem):
            return (float(item.opts["x0"][i]), float(item.opts["x1"][i]))
        x = float(item.data["x"][i])
        return (x, x)

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
        drawn: dict[str, list[tuple[float, float, float, float, QBrush, QPen]]] = {
            kind: [] for kind in SERIES
        }
        spots: list[dict[str, object]] = []
        for bar in self.bars:
            values += [v for v in (bar.low, bar.high) if v is not None]
            kinds.add(bar.series)
            self._place_bar(bar, rows[bar.framework], drawn, spots)
        for kind, item in self.series.items():
            entries = drawn[kind]
            item.setOpts(
                x0=[e[0] for e in entries],
                x1=[e[1] for e in entries],
                y=[e[2] for e in entries],
                height=[e[3] for e in entries],
                # None for an empty series: pyqtgraph 0.14 fails on an empty pens list.
                brushes=[e[4] for e in entries] or None,
                pens=[e[5] for e in entries] or None,
            )
        self.markers.setData(spots=spots)
        values += self._draw_trials(rows, self.to_axis)
        for line in self.lines:
            line.setPen(
                pg.mkPen(
                    theme.current().chart_line, width=1.5 * self.scale, style=Qt.PenStyle.DashLine
                )
            )
            line.label.setFont(self.scaled_font(9))
        self._set_x_range([v for v in values if v and v > 0])
        self._legend_kinds(kinds)
        self._note(self.missing)

    def _legend_kinds(self, kinds: set[str]) -> None:
        if "under load" in kinds:
            self.legend.addItem(self.under_load_sample, "under load")
        if "other figure (conflict)" in kinds:
            self.legend.addItem(self.conflict_sample, "⚠ other figure in the guide")

    def _place_bar(
        self,
        bar: RangeBar,
        row: float,
        drawn: dict[str, list[tuple[float, float, float, float, QBrush, QPen]]],
        spots: list[dict[str, object]],
    ) -> None:
        """Add one bar (or a marker for a bound or a single value) to its series."""
        headline = bar.series == "headline"
        other = bar.series.startswith("other")
        kind = "other" if other else bar.series if bar.series in SERIES else "headline"
        y = row + (0.12 if headline else -0.24)
        height = 0.36 if headline else 0.2
        colour = self.colour(bar.framework)
        label = "⚠" if other else bar.as_stated + (" ⚠" if bar.conflicts else "")
        if bar.series == "under load":
            label += " under load"
        key = bar.series if headline else f"{bar.series}:{bar.figure_id}"
        if bar.low is not None and bar.high is not None and bar.low != bar.high:
            x0, end = self.to_axis(bar.low), self.to_axis(bar.high)
            brush = pg.mkBrush(None) if other else pg.mkBrush(colour)
            if bar.series == "under load":
                brush.setStyle(Qt.BrushStyle.BDiagPattern)
            pen = pg.mkPen(colour.darker(150), width=1.2 * self.scale)
            self.bar_items[(bar.framework, key)] = (self.series[kind], len(drawn[kind]))
            drawn[kind].append((x0, end, y, height, brush, pen))
            self.hover.add_rect(x0, end, y - height / 2, y + height / 2, bar.tooltip)
        else:
            bound = bar.low if bar.low is not None else bar.high
            assert bound is not None
            end = self.to_axis(bound)
            symbol = "d" if bar.low == bar.high else ("t2" if bar.low is not None else "t3")
            self.bar_items[(bar.framework, key)] = (self.markers, len(spots))
            spots.append(
                {
                    "pos": (end, y),
                    "symbol": symbol,
                    "size": (14 if other else 18) * self.scale,
                    "brush": pg.mkBrush(None) if other else pg.mkBrush(colour),
                    "pen": pg.mkPen(colour.darker(150), width=2 * self.scale),
                }
            )
            self.hover.add_point(end, y, bar.tooltip)
        self.text(f" {label}", end, y)

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
