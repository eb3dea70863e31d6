"""The report's charts as PNG images, drawn by the app's own chart classes (GUI thread)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice

from desktop_app.domain.report.model import Report
from desktop_app.ui.charts.base import ChartPanel
from desktop_app.ui.charts.cost import CumulativeCostChart, MonthlyCostChart

CHART_SIZE = (1200, 480)  # pixels: sharp at A4 width, readable when printed


def _png(panel: ChartPanel) -> bytes:
    panel.resize(*CHART_SIZE)
    layout = panel.layout()
    if layout is not None:
        layout.activate()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    panel.plot.grab().save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def chart_images(report: Report) -> dict[str, bytes]:
    """PNG bytes for each of the report's charts, by chart key."""
    result = report.cost_result
    if result is None:
        return {}
    images: dict[str, bytes] = {}
    makers: dict[str, type[MonthlyCostChart] | type[CumulativeCostChart]] = {
        "monthly-cost": MonthlyCostChart,
        "cumulative-cost": CumulativeCostChart,
    }
    for chart in report.charts:
        maker = makers.get(chart.key)
        if maker is None:
            continue
        panel = maker()
        try:
            panel.show_result(result)
            images[chart.key] = _png(panel)
        finally:
            shiboken6.delete(panel)  # at once: no hidden widget outlives the export
    return images
