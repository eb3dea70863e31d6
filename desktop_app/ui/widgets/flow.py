"""A layout that wraps its widgets onto the next line, like words (toolbars at 1024 px)."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


def _hidden(item: QLayoutItem) -> bool:
    widget = item.widget()
    return widget is not None and widget.isHidden()


class FlowLayout(QLayout):
    """Left to right, wrapping when the row is full; its minimum width is its widest item."""

    def __init__(
        self, parent: QWidget | None = None, spacing: int = 6, stretch_first: bool = False
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self._stretch_first = stretch_first  # a title that takes the room the rest leave
        # Qt asks heightForWidth many times per layout pass (every parent asks again), and
        # each answer walks every item's size hint: kept per width until the layout changes.
        self._heights: dict[int, int] = {}
        self._minimum: QSize | None = None

    def invalidate(self) -> None:
        """Qt's hook when an item or its size hint changes: forget the kept heights."""
        self._heights.clear()
        self._minimum = None
        super().invalidate()

    def addItem(self, item: QLayoutItem) -> None:
        """Qt's hook for addWidget."""
        self._items.append(item)
        self.invalidate()

    def count(self) -> int:
        """How many items."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        """The item at `index`, or None."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at `index`."""
        if not 0 <= index < len(self._items):
            return None
        self.invalidate()
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        """It grows in neither direction by itself."""
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        """Its height depends on its width (rows wrap)."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height the items need at this width."""
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def setGeometry(self, rect: QRect) -> None:
        """Place the items."""
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """All items on one row."""
        m = self.contentsMargins()
        width = sum(i.sizeHint().width() + self._gap for i in self._items)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The widest single item."""
        if self._minimum is not None:
            return self._minimum
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m: QMargins = self.contentsMargins()
        self._minimum = size + QSize(m.left() + m.right(), m.top() + m.bottom())
        return self._minimum

    def _arrange(self, rect: QRect, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, row_height = area.x(), area.y(), 0
        shown = [i for i in self._items if not _hidden(i)]
        others = sum(i.sizeHint().width() + self._gap for i in shown[1:])
        for n, item in enumerate(shown):
            hint = item.sizeHint()
            if n == 0 and self._stretch_first and shown:
                width = max(hint.width(), area.width() - others)
                if width + others <= area.width():
                    height = item.heightForWidth(width) if item.hasHeightForWidth() else -1
                    hint = QSize(width, max(height, hint.height()))
            if x + hint.width() > area.right() + 1 and row_height > 0:
                x, y, row_height = area.x(), y + row_height + self._gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + m.bottom()
