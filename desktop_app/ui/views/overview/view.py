"""Overview: one card per framework with its headline figures and status."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.sources.frameworks import Framework
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.figure_label import FactLabel, FigureLabel
from desktop_app.ui.widgets.page import heading, scroll_area

PLATFORM_FACTS = (
    ("NVIDIA (min. CC)", "nvidia_cuda_min_compute_capability"),
    ("AMD ROCm", "amd_rocm"),
    ("Apple silicon", "apple_metal"),
    ("CPU", "cpu"),
    ("Windows", "windows_native"),
)


class FrameworkCard(QFrame):
    """A card: what the framework is, what it is for, figures, hardware, licence.

    Clicking it opens Compare with this framework picked.
    """

    clicked = Signal(str)  # framework id

    def __init__(self, fw: Framework, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.framework = fw
        self.setObjectName("card")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.apply_theme()
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{fw.name}</b> <a href='compare'>Compare →</a>")
        title.linkActivated.connect(lambda _h: self.clicked.emit(fw.id))
        title.setStyleSheet("font-size: 15pt;")
        title.setToolTip(fw.provenance.describe())
        layout.addWidget(title)

        status = fw.fact("status")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        if fw.in_maintenance:
            self.status_label.setText(f"⚠ Project status: {fw.status}")
            self.status_label.setProperty("role", "warning")
            self.status_label.setStyleSheet("font-weight: bold;")
            self.status_label.setToolTip(status.tooltip())
        else:
            self.status_label.setText("Status: no maintenance notice recorded")
            self.status_label.setProperty("role", "muted")
            self.status_label.setToolTip(
                "No maintenance-mode or end-of-life notice for this project is in the store."
            )
        layout.addWidget(self.status_label)

        summary = QLabel(fw.summary)
        summary.setWordWrap(True)
        summary.setToolTip(fw.provenance.describe())
        layout.addWidget(summary)
        best = QLabel(f"<b>Best for:</b> {fw.best_for}")
        best.setWordWrap(True)
        best.setToolTip(fw.provenance.describe())
        layout.addWidget(best)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        self.figure_labels: dict[str, FigureLabel] = {}
        rows = (
            ("Throughput", "throughput", fw.throughput),
            ("First token", "ttft", fw.ttft),
            ("Setup time", "setup", fw.setup_time),
        )
        for row, (label, key, fig) in enumerate(rows):
            grid.addWidget(QLabel(f"<b>{label}</b>"), row, 0, Qt.AlignmentFlag.AlignTop)
            value = FigureLabel(fig)
            self.figure_labels[key] = value
            grid.addWidget(value, row, 1)
        offset = len(rows)
        self.fact_labels: dict[str, FactLabel] = {}
        for i, (label, attr) in enumerate((*PLATFORM_FACTS, ("Licence", "license"))):
            grid.addWidget(QLabel(label), offset + i, 0, Qt.AlignmentFlag.AlignTop)
            fact_label = FactLabel(fw.fact(attr), short=True)
            fact_label.setProperty("role", "muted")
            self.fact_labels[attr] = fact_label
            grid.addWidget(fact_label, offset + i, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnMinimumWidth(0, 110)
        layout.addLayout(grid)
        layout.addStretch(1)

    def apply_theme(self) -> None:
        """The card's colour strip in the current theme (the rest follows the palette)."""
        colour = theme.framework_colour(self.framework.id)
        self.setStyleSheet(f"QFrame#card {{ border-top: 6px solid {colour}; }}")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click anywhere on the card opens Compare on it."""
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.framework.id)
        super().mouseReleaseEvent(event)


class OverviewView(QWidget):
    """All eight framework cards in a scrollable grid; a card opens Compare."""

    navigate = Signal(str, object)  # view key, framework id

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        title = heading(
            "<h2>Inference frameworks at a glance</h2>"
            "<span>Click a card to compare that framework with others. Hover any figure for "
            "its source, conditions and date. ⚠ marks a figure that other sources contradict "
            "(see Sources).</span>"
        )
        title.setContentsMargins(16, 12, 16, 4)
        outer.addWidget(title)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(16, 8, 16, 16)
        grid.setSpacing(12)
        self.cards: list[FrameworkCard] = []
        for i, fw in enumerate(ctx.stores.bundled.frameworks()):
            card = FrameworkCard(fw)
            card.setMinimumWidth(220)
            card.clicked.connect(lambda fid: self.navigate.emit("compare", fid))
            self.cards.append(card)
            grid.addWidget(card, i // 4, i % 4)
        for col in range(4):
            grid.setColumnStretch(col, 1)
        outer.addWidget(scroll_area(body, horizontal=False), 1)

    def apply_theme(self) -> None:
        """Recolour the cards' framework strips."""
        for card in self.cards:
            card.apply_theme()
