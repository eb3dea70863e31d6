"""Cost charts: cumulative cost with break-even, monthly cost per framework, $/1M against load."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from desktop_app.domain.cost.calculator import CostResult, FrameworkCost
from desktop_app.domain.cost.model_cost import LoadCurve, ModelCostResult
from desktop_app.domain.money import MoneyError, format_money, format_span, money_scale
from desktop_app.domain.units import format_number
from desktop_app.ui.charts.base import ChartPanel, Row
from desktop_app.ui.charts.hover import HoverIndex
from desktop_app.ui.theme import framework_colour

CPU_COLOUR = "#4B5563"


def _axis(plot: pg.PlotWidget) -> None:
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.enableAutoSIPrefix(False)
        axis.setStyle(tickFont=_font())


def _font() -> QFont:
    font = QFont()
    font.setPointSize(11)
    return font


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _update_legend(
    legend: pg.LegendItem, shown: list[str], wanted: list[tuple[pg.PlotDataItem, str]]
) -> list[str]:
    """Rebuild the legend only when its names change (the slowest part of a redraw; most
    edits, the load or a price, leave it as it is); returns the names now shown."""
    names = [name for _, name in wanted]
    if names != shown:
        legend.clear()
        for item, name in wanted:
            legend.addItem(item, name)
    return names


class _FrameworkLines:
    """The items of one framework on the cumulative chart, made once and updated."""

    def __init__(self, plot: pg.PlotWidget, colour: str) -> None:
        pen = pg.mkPen(QColor(colour), width=2)
        self.low = plot.plot([], [], pen=pen)
        self.high = plot.plot([], [], pen=pen)
        fill = QColor(colour)
        fill.setAlpha(60)
        self.band = pg.FillBetweenItem(self.low, self.high, brush=fill)
        plot.addItem(self.band)
        self.buy = plot.plot(
            [], [], pen=pg.mkPen(QColor(colour), width=2, style=Qt.PenStyle.DashLine)
        )

    def hide(self) -> None:
        for item in (self.low, self.high, self.buy):
            item.setData([], [])
        self.band.setVisible(False)


def _conditions(result: CostResult) -> str:
    return f"Conditions: {result.workload_text}, {result.inputs.gpu}, {result.region.name}"


def _framework_sources(result: CostResult, fc: FrameworkCost, buy: bool = False) -> str:
    """Where a framework's cost comes from: its speed figure and the price used, dated."""
    speed = fc.throughput.tooltip() if fc.throughput else "Speed: unknown"
    price = result.purchase if buy else result.rent
    return f"Speed: {speed}\nPrice: {price.tooltip() if price else 'unknown'}"


class CumulativeCostChart(ChartPanel):
    """Cumulative cost per option (rent as a low–high band, buy dashed), break-even shaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Cumulative cost over the horizon", "month", "cost", parent=parent)
        _axis(self.plot)
        self._rows: list[Row] = []
        self._header: list[str] = ["month"]
        self.set_data_source(lambda: (self._header, self._rows))
        # pyqtgraph items are created once and updated: deleting and recreating them on
        # every input change crashed PySide6 at interpreter exit.
        self._lines: dict[str, _FrameworkLines] = {}
        self.cpu = self.plot.plot(
            [], [], pen=pg.mkPen(CPU_COLOUR, width=2, style=Qt.PenStyle.DotLine)
        )
        self.break_even_region = pg.LinearRegionItem(
            values=(0, 1), movable=False, brush=QColor(0, 0, 0, 25)
        )
        self.break_even_label = pg.TextItem("", color="#1F2937", anchor=(0, 0))
        for item in (self.break_even_region, self.break_even_label):
            item.setVisible(False)
            self.plot.addItem(item)
        self.legend_names: list[str] = []

    def _lines_for(self, framework: str) -> _FrameworkLines:
        if framework not in self._lines:
            self._lines[framework] = _FrameworkLines(self.plot, framework_colour(framework))
        return self._lines[framework]

    def show_result(self, result: CostResult | None, lakh: bool = False) -> None:
        """Redraw for a calculator result (None clears the chart)."""
        wanted: list[tuple[pg.PlotDataItem, str]] = []
        self.hover.clear()  # the last result's points must not answer for this one
        for lines in self._lines.values():
            lines.hide()
        self.cpu.setData([], [])
        self.break_even_region.setVisible(False)
        self.break_even_label.setVisible(False)
        self._rows, self._header = [], ["month"]
        if result is None:
            self._set_legend(wanted)
            return
        months = list(range(int(result.inputs.months) + 1))
        series: list[tuple[str, list[float]]] = []
        for fc in result.frameworks:
            setup = fc.setup or (0.0, 0.0)
            if fc.monthly is not None:
                series.append(
                    (f"{fc.name} rent (low)", [setup[0] + fc.monthly[0] * m for m in months])
                )
                series.append(
                    (f"{fc.name} rent (high)", [setup[1] + fc.monthly[1] * m for m in months])
                )
            if fc.purchase is not None:
                series.append((f"{fc.name} buy (high)", [setup[1] + fc.purchase[1]] * len(months)))
        cpu = result.cpu_option.guide
        if cpu is not None:
            series.append(("CPU-only llama.cpp (guide, high)", [cpu.high * m for m in months]))
        top = max((max(v) for _, v in series), default=0.0)
        scale, unit = money_scale(top, result.currency, lakh)
        self.plot.setLabel("left", f"cumulative cost ({unit})")
        by_name = dict(series)

        def scaled(values: list[float]) -> list[float]:
            return [v / scale for v in values]

        for fc in result.frameworks:
            low = by_name.get(f"{fc.name} rent (low)")
            high = by_name.get(f"{fc.name} rent (high)")
            buy = by_name.get(f"{fc.name} buy (high)")
            if low is None and buy is None:
                continue
            lines = self._lines_for(fc.framework)
            if low is not None and high is not None:
                lines.low.setData(months, scaled(low))
                lines.high.setData(months, scaled(high))
                lines.band.setVisible(True)
                wanted.append((lines.high, f"{fc.name} — rent"))
            if buy is not None:
                lines.buy.setData(months, scaled(buy))
                wanted.append((lines.buy, f"{fc.name} — buy"))
        cpu_line = by_name.get("CPU-only llama.cpp (guide, high)")
        if cpu_line is not None:
            self.cpu.setData(months, scaled(cpu_line))
            wanted.append((self.cpu, "CPU-only llama.cpp"))
        self._set_legend(wanted)
        self._describe_lines(result, by_name, months, scale)
        be = next((fc.break_even_months for fc in result.frameworks if fc.break_even_months), None)
        if be is not None and be[0] <= months[-1]:
            self.break_even_region.setRegion((be[0], min(be[1], months[-1])))
            self.break_even_label.setText(f"break-even {be[0]:.1f}–{be[1]:.1f} months")
            self.break_even_label.setPos(be[0], top / scale if top else 1)
            self.break_even_region.setVisible(True)
            self.break_even_label.setVisible(True)
        self.plot.enableAutoRange()
        self._header = ["month", *(f"{name} ({result.currency})" for name, _ in series)]
        self._rows = [[m, *(round(v[m], 2) for _, v in series)] for m in months]

    def _describe_lines(
        self, result: CostResult, by_name: dict[str, list[float]], months: list[int], scale: float
    ) -> None:
        """Each month of each line says its cost, conditions, source and date on hover."""
        cur, loc = result.currency, result.region.locale
        described: list[tuple[str, str]] = []
        for fc in result.frameworks:
            described.append((f"{fc.name} rent (high)", _framework_sources(result, fc)))
            described.append((f"{fc.name} rent (low)", _framework_sources(result, fc)))
            described.append((f"{fc.name} buy (high)", _framework_sources(result, fc, buy=True)))
        cpu = result.cpu_option.guide
        if cpu is not None:
            described.append(("CPU-only llama.cpp (guide, high)", cpu.tooltip()))
        for name, sources in described:
            values = by_name.get(name)
            for m, value in zip(months, values or [], strict=False):
                try:
                    money = format_money(value, cur, loc)
                except MoneyError:  # an absurd price entered: the table says why
                    money = "unknown"
                self.hover.add_point(
                    m,
                    value / scale,
                    f"{name}, after {m} months: {money}\n{_conditions(result)}\n{sources}",
                )

    def _set_legend(self, wanted: list[tuple[pg.PlotDataItem, str]]) -> None:
        self.legend_names = _update_legend(self.legend, self.legend_names, wanted)


class MonthlyCostChart(ChartPanel):
    """Monthly cost per framework: solid to the low end, lighter up to the high end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Monthly cost per framework", "", "cost per month", parent=parent)
        _axis(self.plot)
        self.legend.hide()
        self._rows: list[Row] = []
        self.set_data_source(
            lambda: (["option", "monthly low", "monthly high", "currency", "figures"], self._rows)
        )
        # Two bar items for all options, updated in place (see CumulativeCostChart).
        self.low_bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.high_bars = pg.BarGraphItem(x=[], height=[], width=0.6)
        self.plot.addItem(self.low_bars)
        self.plot.addItem(self.high_bars)
        self.labels: list[str] = []

    def show_result(self, result: CostResult | None, lakh: bool = False) -> None:
        """Redraw for a calculator result (None clears the chart)."""
        self._rows, self.labels = [], []
        self.hover.clear()
        if result is None:
            self.low_bars.setOpts(x=[], height=[])
            self.high_bars.setOpts(x=[], height=[])
            return
        entries: list[tuple[str, str, tuple[float, float] | None, str]] = []
        sources: list[str] = []  # each bar's hover: where its cost comes from, dated
        for fc in result.frameworks:
            ids = [fc.throughput.id] if fc.throughput else []
            ids += list(result.rent.refs) if result.rent else []
            entries.append((fc.name, framework_colour(fc.framework), fc.monthly, ", ".join(ids)))
            sources.append(_framework_sources(result, fc))
        cpu = result.cpu_option
        for label, quote in (
            ("CPU llama.cpp (guide)", cpu.guide),
            ("CPU 32 vCPU (on-demand)", cpu.sourced),
        ):
            if quote is not None:
                entries.append((label, CPU_COLOUR, (quote.low, quote.high), ", ".join(quote.refs)))
                sources.append(quote.tooltip())
        top = max((e[2][1] for e in entries if e[2] is not None), default=0.0)
        scale, unit = money_scale(top, result.currency, lakh)
        self.plot.setLabel("left", f"per month ({unit})")
        xs: list[int] = []
        lows: list[float] = []
        rises: list[float] = []
        solid: list[QColor] = []
        light: list[QColor] = []
        for i, (label, colour, span, refs) in enumerate(entries):
            self.labels.append(label if span is not None else f"{label} (unknown)")
            self._rows.append([label, *(span or (None, None)), result.currency, refs])
            if span is None:
                continue
            self.hover.add_rect(
                i - 0.3,
                i + 0.3,
                0,
                span[1] / scale,
                f"{label}: {format_span(span, result.currency, result.region.locale, lakh)} "
                f"a month\n{_conditions(result)}\n{sources[i]}",
            )
            xs.append(i)
            lows.append(span[0] / scale)
            rises.append((span[1] - span[0]) / scale)
            solid.append(QColor(colour))
            faint = QColor(colour)
            faint.setAlpha(90)
            light.append(faint)
        self.low_bars.setOpts(x=xs, height=lows, brushes=solid)
        self.high_bars.setOpts(x=xs, y0=lows, height=rises, brushes=light)
        self.plot.getAxis("bottom").setTicks([list(enumerate(self.labels))])
        self.plot.setXRange(-0.6, max(len(entries) - 0.4, 0.6), padding=0)
        self.plot.enableAutoRange(axis="y")


class PerMillionChart(ChartPanel):
    """Cost per million output tokens against the peak load, one line per framework.

    The x axis is logarithmic (a tenth of the user's load to ten times it); a vertical line
    marks the user's own load; every point's tooltip gives its value, unit, conditions,
    source and date.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "Cost per million output tokens against load",
            "peak load (requests/s, log scale)",
            "cost per 1M output tokens",
            parent=parent,
        )
        _axis(self.plot)
        self.plot.setLogMode(x=True, y=False)
        self.hover = HoverIndex(self.plot)
        self._rows: list[Row] = []
        self._header: list[str] = ["peak requests/s"]
        self.set_data_source(lambda: (self._header, self._rows))
        self._lines: dict[str, pg.PlotDataItem] = {}
        self.here = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#6B7280", width=1))
        self.here_label = pg.TextItem("", color="#374151", anchor=(0, 0))
        for item in (self.here, self.here_label):
            item.setVisible(False)
            self.plot.addItem(item)
        self.legend_names: list[str] = []

    def _line_for(self, framework: str) -> pg.PlotDataItem:
        if framework not in self._lines:
            colour = QColor(framework_colour(framework))
            self._lines[framework] = self.plot.plot(
                [], [], pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=6,
                symbolBrush=colour, symbolPen=None,
            )  # fmt: skip
        return self._lines[framework]

    def show_curves(
        self,
        curves: list[LoadCurve],
        result: ModelCostResult | None,
        lakh: bool = False,
    ) -> None:
        """Redraw for the model costing's curves (an empty list clears the chart)."""
        for line in self._lines.values():
            line.setData([], [])
        self.hover.clear()
        self.here.setVisible(False)
        self.here_label.setVisible(False)
        self._rows, self._header = [], ["peak requests/s"]
        if result is None or not curves:
            self._set_legend([])
            return
        base = result.base
        cur, loc = base.region.currency, base.region.locale
        values = [v for c in curves for _, v in c.points if v is not None]
        scale, unit = money_scale(max(values, default=0.0), cur, lakh)
        self.plot.setLabel("left", f"per 1M output tokens ({unit})")
        mi = result.inputs
        conditions = (
            f"{mi.shape.name} {mi.shape.quant}, {base.inputs.gpu}, {mi.ctx:,} tokens of "
            f"context, {mi.output_tokens:g} output tokens per request, utilisation from the "
            "traffic (average a third of the peak), dearest end of the range"
        )
        rent = base.rent
        rent_source = (
            "no rent price"
            if rent is None
            else f"{rent.label}, {rent.source} (observed {rent.observed or 'unknown'})"
        )
        wanted: list[tuple[pg.PlotDataItem, str]] = []
        for curve in curves:
            xs = [load for load, v in curve.points if v is not None]
            ys = [v / scale for _, v in curve.points if v is not None]
            if not xs:
                continue
            line = self._line_for(curve.framework)
            line.setData(xs, ys)
            wanted.append((line, curve.name))
            for x, (_, v) in zip(xs, [p for p in curve.points if p[1] is not None], strict=True):
                assert v is not None
                self.hover.add_point(
                    math.log10(x),
                    v / scale,
                    f"{curve.name} at {x:,.1f} requests/s peak: "
                    f"{format_money(v, cur, loc, 2)} per 1M output tokens\n"
                    f"Conditions: {conditions}\n"
                    f"Speed: {curve.speed}, dated {curve.observed}\n"
                    f"Rent: {rent_source}\n"
                    "Formula: docs/bench-deploy-cost.md §4",
                )
        self._set_legend(wanted)
        loads = [load for load, _ in curves[0].points]
        self._header += [f"{c.name} ({cur} per 1M output tokens)" for c in curves]
        self._rows = [
            [round(load, 3), *(_rounded(c.points[i][1]) for c in curves)]
            for i, load in enumerate(loads)
        ]
        self.here.setValue(math.log10(base.peak_rps))
        self.here_label.setText(f"your load: {base.peak_rps:,.1f} req/s")
        self.here_label.setPos(math.log10(base.peak_rps), max(values, default=0.0) / scale)
        self.here.setVisible(True)
        self.here_label.setVisible(True)
        # Plain load figures under every third point: pyqtgraph's own log ticks crowd
        # into each other at this width.
        ticks = [(math.log10(load), format_number(load)) for load in loads[::3]]
        self.plot.getAxis("bottom").setTicks([ticks, []])
        self.plot.setXRange(math.log10(loads[0]), math.log10(loads[-1]), padding=0.04)
        self.plot.enableAutoRange(axis="y")

    def _set_legend(self, wanted: list[tuple[pg.PlotDataItem, str]]) -> None:
        self.legend_names = _update_legend(self.legend, self.legend_names, wanted)
