"""Benchmark charts: throughput and TTFT against load, and tokens/s per user against total.

Every series comes from domain BenchRun objects; the definitions are docs/benchmark-metrics.md.
Published figures from the guide's studies are drawn as grey stars with their source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt

from desktop_app.domain.bench.report import PALETTE
from desktop_app.domain.bench.run import BenchRun
from desktop_app.ui.charts.base import ChartPanel, Row

DOC = "docs/benchmark-metrics.md"


@dataclass(frozen=True)
class Published:
    """A published throughput figure to draw beside measured runs."""

    label: str
    source: str  # study, publisher and date
    concurrency: float
    tok_s: float


def _x_label(runs: Sequence[BenchRun]) -> str:
    rate = any(s.mode == "rate" for r in runs for s in r.steps)
    return "requests per second" if rate else "concurrent requests"


class BenchCharts:
    """The three chart panels of the Benchmark view, redrawn from a list of runs."""

    def __init__(self) -> None:
        self.throughput = ChartPanel(
            "Output throughput", "concurrent requests", "output tok/s (all users)"
        )
        self.ttft = ChartPanel("Time to first token", "concurrent requests", "TTFT (ms)")
        self.pareto = ChartPanel(
            "Tokens/s per user against total", "output tok/s (all users)", "tok/s per user (p50)"
        )
        self.throughput.setToolTip(
            f"Output token throughput = Σ output tokens / step duration ({DOC}, 'Per step'). "
            "Grey stars: published figures, with their source in the legend."
        )
        self.ttft.setToolTip(
            f"TTFT = time to the first non-empty content; p50 solid, p99 dashed ({DOC})."
        )
        self.pareto.setToolTip(
            f"Each point is a step: x = output tok/s of all users, y = 1/TPOT per user (p50), "
            f"TPOT = (E2E − TTFT)/(N − 1) ({DOC})."
        )
        self.runs: list[BenchRun] = []
        self.published: list[Published] = []
        self.show_published = True
        self.throughput.set_data_source(self._throughput_rows)
        self.ttft.set_data_source(self._ttft_rows)
        self.pareto.set_data_source(self._pareto_rows)

    @property
    def panels(self) -> tuple[ChartPanel, ChartPanel, ChartPanel]:
        """The panels, in display order."""
        return (self.throughput, self.ttft, self.pareto)

    def show_runs(self, runs: Sequence[BenchRun], published: Sequence[Published] = ()) -> None:
        """Redraw every chart for `runs` (any number, overlaid) and the published figures."""
        self.runs = list(runs)
        self.published = list(published)
        for panel in self.panels:
            panel.plot.clear()
            panel.legend.clear()
        x_label = _x_label(self.runs)
        log_x = x_label == "concurrent requests"
        # A doubling ladder is drawn on a log2 axis with a tick at every step that was run.
        xs = sorted(
            {s.value for r in self.runs for s in r.steps}
            | ({p.concurrency for p in self.published} if log_x and self.show_published else set())
        )

        def fx(v: float) -> float:
            return math.log2(v) if log_x and v > 0 else v

        ticks = [[(fx(v), f"{v:g}") for v in xs]]
        for panel in (self.throughput, self.ttft):
            panel.plot.setLabel("bottom", x_label)
            panel.plot.getAxis("bottom").setTicks(ticks if xs else None)
        for i, run in enumerate(self.runs):
            colour = PALETTE[i % len(PALETTE)]
            solid = pg.mkPen(colour, width=2)
            dashed = pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine)
            thr = [(s.value, s.output_throughput) for s in run.steps if s.output_throughput]
            if thr:
                self.throughput.plot.plot(
                    [fx(p[0]) for p in thr],
                    [p[1] for p in thr],
                    pen=solid,
                    symbol="o",
                    symbolBrush=colour,
                    symbolSize=7,
                    name=run.title,
                )
            for attr, pen, suffix in (("p50", solid, "p50"), ("p99", dashed, "p99")):
                pts = [(s.value, getattr(s.ttft_ms, attr)) for s in run.steps]
                pts = [p for p in pts if p[1] is not None]
                if pts:
                    self.ttft.plot.plot(
                        [fx(p[0]) for p in pts],
                        [p[1] for p in pts],
                        pen=pen,
                        symbol="o",
                        symbolBrush=colour,
                        symbolSize=6,
                        name=f"{run.title} {suffix}",
                    )
            par = [
                (s.output_throughput, s.tok_s_per_user.p50)
                for s in run.steps
                if s.output_throughput and s.tok_s_per_user.p50
            ]
            if par:
                self.pareto.plot.plot(
                    [p[0] for p in par],
                    [p[1] for p in par],
                    pen=solid,
                    symbol="o",
                    symbolBrush=colour,
                    symbolSize=7,
                    name=run.title,
                )
        if log_x and self.show_published:
            for pub in self.published:
                self.throughput.plot.plot(
                    [fx(pub.concurrency)],
                    [pub.tok_s],
                    pen=None,
                    symbol="star",
                    symbolSize=14,
                    symbolBrush="#7F7F7F",
                    name=f"{pub.label} (published)",
                )

    def _throughput_rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        rows: list[Row] = [
            (r.title, s.mode, s.value, s.output_throughput, s.request_throughput)
            for r in self.runs
            for s in r.steps
        ]
        rows += [(p.label, "published", p.concurrency, p.tok_s, None) for p in self.published]
        return ("run", "mode", "load", "output_tok_s", "requests_per_s"), rows

    def _ttft_rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        return ("run", "mode", "load", "ttft_ms_p50", "ttft_ms_p99"), [
            (r.title, s.mode, s.value, s.ttft_ms.p50, s.ttft_ms.p99)
            for r in self.runs
            for s in r.steps
        ]

    def _pareto_rows(self) -> tuple[Sequence[str], Sequence[Row]]:
        return ("run", "load", "output_tok_s", "tok_s_per_user_p50"), [
            (r.title, s.value, s.output_throughput, s.tok_s_per_user.p50)
            for r in self.runs
            for s in r.steps
        ]
