"""Tooltips for chart items that stay while the pointer rests on the item.

Each plotted bar or point registers its region and text; bars a chart did not register are
found from their BarGraphItem and described by name, value and unit. The tooltip is shown
from Qt's own tooltip event on the plot's viewport, so Qt does not hide it again a moment
later (it did when the text was shown from mouse moves only: the plot has no tooltip of its
own, and Qt's tooltip event then hid ours).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Slot
from PySide6.QtGui import QCursor, QHelpEvent
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


def _as_list(value: object, n: int, default: float = 0.0) -> list[float]:
    if value is None:
        return [default] * n
    if isinstance(value, int | float):
        return [float(value)] * n
    return [float(v) for v in value]  # type: ignore[attr-defined]


def bar_rects(item: pg.BarGraphItem) -> list[tuple[float, float, float, float]]:
    """The (x0, x1, y0, y1) of every bar of a BarGraphItem, from its options."""
    o = item.opts
    sizes = [o.get(k) for k in ("x", "x0", "x1", "y", "y0", "y1", "width", "height")]
    n = max((len(v) for v in sizes if v is not None and not isinstance(v, int | float)), default=0)
    if n == 0:
        return []
    width, height = o.get("width"), o.get("height")
    out = []
    for axis_c, axis_0, axis_1, size in (("x", "x0", "x1", width), ("y", "y0", "y1", height)):
        c, lo, hi, s = (o.get(axis_c), o.get(axis_0), o.get(axis_1), size)
        if lo is not None:
            start = _as_list(lo, n)
            end = (
                _as_list(hi, n)
                if hi is not None
                else [a + b for a, b in zip(start, _as_list(s, n), strict=True)]
            )
        elif c is not None:
            mid, half = _as_list(c, n), [v / 2 for v in _as_list(s, n)]
            start = [m - h for m, h in zip(mid, half, strict=True)]
            end = [m + h for m, h in zip(mid, half, strict=True)]
        elif hi is not None:
            end = _as_list(hi, n)
            start = [a - b for a, b in zip(end, _as_list(s, n), strict=True)]
        else:
            start, end = [0.0] * n, _as_list(s, n)
        out.append((start, end))
    (xs0, xs1), (ys0, ys1) = out
    return [
        (min(a, b), max(a, b), min(c, d), max(c, d))
        for a, b, c, d in zip(xs0, xs1, ys0, ys1, strict=True)
        if a != b and c != d
    ]


class HoverIndex(QObject):
    """Shows the tooltip of the chart item under the mouse (value, unit, source, date)."""

    def __init__(
        self, plot: pg.PlotWidget, describe_bar: Callable[[pg.BarGraphItem, int], str] | None = None
    ) -> None:
        super().__init__(plot)
        self._plot = plot
        self._regions: list[_Region] = []
        self._describe_bar = describe_bar
        plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        plot.viewport().installEventFilter(self)

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
        return self._unregistered_bar_at(x, y)

    def _unregistered_bar_at(self, x: float, y: float) -> str | None:
        if self._describe_bar is None or self._regions:
            return None
        for item in reversed(self._plot.getPlotItem().items):
            if isinstance(item, pg.BarGraphItem) and item.isVisible():
                for i, (x0, x1, y0, y1) in enumerate(bar_rects(item)):
                    if x0 <= x <= x1 and y0 <= y <= y1:
                        return self._describe_bar(item, i)
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

    def text_at_viewport(self, pos: QPoint) -> str | None:
        """The tooltip for a position on the plot's viewport (widget pixels)."""
        return self.text_at_scene(self._plot.mapToScene(pos))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Answer Qt's tooltip event ourselves, so the text stays while the pointer rests."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.text_at_viewport(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self._plot.viewport())
            else:
                QToolTip.hideText()
            return True
        return False

    @Slot(object)
    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        text = self.text_at_scene(pos)
        if text:
            if QToolTip.text() != text or not QToolTip.isVisible():
                QToolTip.showText(QCursor.pos(), text, self._plot.viewport())
        elif QToolTip.isVisible() and self._shows_ours():
            QToolTip.hideText()

    def _shows_ours(self) -> bool:
        return any(QToolTip.text() == r.text for r in self._regions) or bool(QToolTip.text())
