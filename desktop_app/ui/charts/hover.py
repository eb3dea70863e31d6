"""Tooltips for chart items: each plotted bar or point registers its region and text."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip

POINT_TOLERANCE_PX = 10.0


@dataclass(frozen=True)
class _Region:
    x0: float
    x1: float
    y0: float
    y1: float
    text: str
    point: bool


class HoverIndex(QObject):
    """Shows the tooltip of the chart item under the mouse (value, unit, source, date)."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        super().__init__(plot)
        self._plot = plot
        self._regions: list[_Region] = []
        plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    def clear(self) -> None:
        """Forget every region (before a redraw)."""
        self._regions.clear()

    def add_rect(self, x0: float, x1: float, y0: float, y1: float, text: str) -> None:
        """A rectangle in data coordinates (a bar)."""
        self._regions.append(
            _Region(min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1), text, False)
        )

    def add_point(self, x: float, y: float, text: str) -> None:
        """A marker in data coordinates; hit within a few pixels."""
        self._regions.append(_Region(x, x, y, y, text, True))

    def text_at(self, x: float, y: float) -> str | None:
        """The tooltip for a position in data coordinates (points win over bars)."""
        px, py = self._pixel_size()
        best: tuple[float, str] | None = None
        for r in self._regions:
            if r.point:
                dx, dy = abs(x - r.x0) / px, abs(y - r.y0) / py
                dist = max(dx, dy)
                if dist <= POINT_TOLERANCE_PX and (best is None or dist < best[0]):
                    best = (dist, r.text)
        if best is not None:
            return best[1]
        for r in reversed(self._regions):
            if not r.point and r.x0 <= x <= r.x1 and r.y0 <= y <= r.y1:
                return r.text
        return None

    def _pixel_size(self) -> tuple[float, float]:
        px, py = self._plot.getPlotItem().getViewBox().viewPixelSize()
        return (px or 1.0, py or 1.0)

    def text_at_scene(self, pos: QPointF) -> str | None:
        """The tooltip for a scene position (what the mouse is over), or None."""
        view = self._plot.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(pos):
            return None
        point = view.mapSceneToView(pos)
        return self.text_at(point.x(), point.y())

    @Slot(object)
    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        text = self.text_at_scene(pos)
        if text:
            QToolTip.showText(QCursor.pos(), text, self._plot)
        else:
            QToolTip.hideText()
