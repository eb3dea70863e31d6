"""The report's charts, drawn by the app's own chart classes.

Drawing needs widgets, so `snapshot` runs on the GUI thread, one chart at a time (the
export lets the event loop run between charts); the PNG encoding (`encode_png`) works on
a QImage and may run on the background helper.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from desktop_app.domain.report.model import Chart, Report
from desktop_app.ui.charts.cost import CumulativeCostChart, MonthlyCostChart

CHART_SIZE = (880, 380)  # pixels: sharp at A4 width, readable when printed
_MAKERS: dict[str, type[MonthlyCostChart] | type[CumulativeCostChart]] = {
    "monthly-cost": MonthlyCostChart,
    "cumulative-cost": CumulativeCostChart,
}


def snapshot(report: Report, chart: Chart) -> QImage | None:
    """One chart of the report as an image (GUI thread); None for a chart it cannot draw."""
    maker = _MAKERS.get(chart.key)
    if maker is None or report.cost_result is None:
        return None
    panel = maker()
    try:
        panel.show_result(report.cost_result)
        panel.resize(*CHART_SIZE)
        layout = panel.layout()
        if layout is not None:
            layout.activate()
        image: QImage = panel.plot.grab().toImage()
        return image
    finally:
        shiboken6.delete(panel)  # at once: no hidden widget outlives the export


def encode_png(image: QImage) -> bytes:
    """PNG bytes of an image (any thread)."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")  # type: ignore[call-overload]  # the stubs lack the QIODevice form
    buf.close()
    return bytes(data.data())


def chart_images(report: Report) -> dict[str, bytes]:
    """PNG bytes for each of the report's charts, by chart key (the CLI: no window waits)."""
    images: dict[str, bytes] = {}
    for chart in report.charts:
        image = snapshot(report, chart)
        if image is not None:
            images[chart.key] = encode_png(image)
    return images
