"""Chart tooltips stay while the pointer rests on a bar, on every chart; no "A" button."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

import pyqtgraph as pg
from PySide6.QtCore import QPoint
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QToolTip

from desktop_app.ui.charts.base import ChartPanel
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS
from desktop_app.ui.views.compare.view import CompareView

pytestmark = pytest.mark.gui


# Showing a tooltip raises its window, which the offscreen platform only reports.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_tooltip_stays_while_the_pointer_rests_on_a_bar(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(1366, 768)
    window.show()
    view = window.show_view("compare")
    assert isinstance(view, CompareView)
    view.show_charts()
    chart = view.throughput_chart
    qtbot.waitUntil(lambda: bool(chart.bar_items))
    QApplication.processEvents()
    vb = chart.plot.getPlotItem().getViewBox()
    scene_pos = vb.mapViewToScene(pg.Point(140, 3.12))  # vLLM's 120–160 requests/s bar
    local = chart.plot.mapFromScene(scene_pos)
    viewport = chart.plot.viewport()
    QCursor.setPos(viewport.mapToGlobal(local))
    qtbot.mouseMove(viewport, local)
    qtbot.wait(2000)  # Qt's own tooltip event comes after ~700 ms; the text must survive it
    assert QToolTip.isVisible()
    assert "120–160 requests/s" in QToolTip.text() and "Retrieved:" in QToolTip.text()
    QToolTip.hideText()


def test_every_chart_has_hover_and_no_auto_range_button(window: MainWindow) -> None:
    charts = []
    for spec in VIEWS:
        view = window.show_view(spec.key)
        charts += view.findChildren(ChartPanel)
    assert len(charts) >= 10
    for chart in charts:
        assert chart.hover is not None, chart.title
        assert not chart.plot.getPlotItem().autoBtn.isVisible(), chart.title


def test_a_bar_no_chart_described_still_says_its_value(window: MainWindow) -> None:
    panel = ChartPanel("Monthly cost", "", "per month (USD)")
    try:
        bars = pg.BarGraphItem(x=[0, 1], height=[1200, 800], width=0.6, name="Rent")
        panel.plot.addItem(bars)
        panel.hover_note = "Source: cloud price catalogue, retrieved 2026-11-29"
        text = panel.hover.text_at(1.0, 400.0)
        assert text is not None and "800" in text and "per month (USD)" in text
        assert "retrieved 2026-11-29" in text
        assert panel.hover.text_at(0.5, 100.0) is None  # between the bars
        assert QPoint(0, 0).isNull()
    finally:
        panel.deleteLater()


def test_cost_and_memory_bars_say_their_source_and_date(window: MainWindow) -> None:
    """Costs' bars and lines and the Models memory bar: value, conditions, source, date."""
    costs = window.show_view("costs")
    monthly = costs.results.monthly  # type: ignore[attr-defined]
    tip = monthly.hover.text_at(0.0, 0.01)  # the first framework's bar, near its foot
    assert tip is not None and "a month" in tip and "Conditions:" in tip
    assert "Source:" in tip and "Observed at source:" in tip and "Retrieved" in tip
    cumulative = costs.results.cumulative  # type: ignore[attr-defined]
    line = next(iter(cumulative._lines.values())).high
    xs, ys = line.getData()
    tip = cumulative.hover.text_at(float(xs[-1]), float(ys[-1]))
    assert tip is not None and "after 12 months" in tip and "Observed at source:" in tip
    models = window.show_view("models")
    chart = models.chart  # type: ignore[attr-defined]
    assert chart.result is not None
    weights_gib = sum(chart.result.placement["weights"]) / 1024**3
    tip = chart.panel.hover.text_at(weights_gib / 2, 0.0) or chart.panel.hover.text_at(
        weights_gib / 2, 1.0
    )
    assert tip is not None and tip.startswith("Weights in ")
    assert "Conditions:" in tip and "Source: estimated by the app" in tip


def test_a_new_cost_result_replaces_the_old_hover_points(window: MainWindow) -> None:
    costs = window.show_view("costs")
    cumulative = costs.results.cumulative  # type: ignore[attr-defined]
    result = costs.result  # type: ignore[attr-defined]
    cumulative.show_result(result)
    before = cumulative.hover.text_at(0.0, 0.0)
    cumulative.show_result(None)
    assert cumulative.hover.text_at(0.0, 0.0) is None  # cleared with the chart
    cumulative.show_result(result)
    assert cumulative.hover.text_at(0.0, 0.0) == before
