"""The Decide view's panels: decision matrix, weight sliders, ranking, why, criteria table."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.catalog import DecisionRow
from desktop_app.domain.decide import WEIGHT_MAX, Recommendation
from desktop_app.domain.decide_scoring import CRITERIA, DecisionData
from desktop_app.ui import theme

HIGHLIGHT_BG = "#DDEBFF"  # ticked matrix rows and the frameworks they point to
SCORE_BG = {1: "#F8D7DA", 2: "#FCE8D5", 3: "#F2F2F2", 4: "#DFF0D8", 5: "#C8E6C9"}


def sources_tooltip(data: DecisionData, text: str, evidence: tuple[str, ...]) -> str:
    """A tooltip: the sentence, then each cited source with its value and date."""
    if not evidence:
        return f"{text}\n\nNo figure in the store: this is a default, not a measurement."
    parts = [text, "", "Sources:"]
    parts += [f"[{e}] {data.evidence_tooltip(e)}" for e in evidence]
    return "\n".join(parts)


def _item(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""


def _table(rows: int, headers: list[str]) -> QTableWidget:
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setWordWrap(True)
    return table


class MatrixTable(QTableWidget):
    """The guide's Quick Decision Matrix; ticking a row highlights it and its frameworks."""

    rows_ticked = Signal(object)  # frozenset of row ids ticked by hand

    def __init__(self, rows: list[DecisionRow], names: dict[str, str]) -> None:
        super().__init__(len(rows), 3)
        self.rows = rows
        self.setHorizontalHeaderLabels(["Your primary constraint", "Recommended", "Why"])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.cells: list[list[QTableWidgetItem]] = []
        for i, row in enumerate(rows):
            tip = f"{row.constraint}: {row.why}\n{row.provenance.describe()}"
            first = _item(row.constraint, tip)
            first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            first.setCheckState(Qt.CheckState.Unchecked)
            names_text = " or ".join(names.get(f, f) for f in row.frameworks)
            self.cells.append([first, _item(names_text, tip), _item(row.why, tip)])
            for col, cell in enumerate(self.cells[i]):
                self.setItem(i, col, cell)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.itemChanged.connect(self._on_table_item_changed)

    def show_ticks(self, derived: dict[str, str], manual: frozenset[str]) -> None:
        """Tick rows the answers imply (locked) and the ones ticked by hand; highlight them."""
        self.blockSignals(True)
        for i, row in enumerate(self.rows):
            item = self.cells[i][0]
            locked = row.id in derived
            ticked = locked or row.id in manual
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if not locked:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            base = f"{row.constraint}: {row.why}\n{row.provenance.describe()}"
            item.setToolTip(
                f"Ticked by your answer ({derived[row.id]}); change the answer to untick.\n{base}"
                if locked
                else f"Tick if this constraint applies to you.\n{base}"
            )
            for col in range(3):
                cell = self.cells[i][col]
                cell.setBackground(QBrush(QColor(HIGHLIGHT_BG)) if ticked else QBrush())
                font = cell.font()
                font.setBold(ticked)
                cell.setFont(font)
        self.blockSignals(False)

    def is_highlighted(self, row_id: str) -> bool:
        """True when the row is shown ticked and highlighted."""
        i = next(n for n, r in enumerate(self.rows) if r.id == row_id)
        item = self.cells[i][0]
        return item.checkState() == Qt.CheckState.Checked and item.font().bold()

    @Slot(QTableWidgetItem)
    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0 or not item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            return
        manual = frozenset(
            r.id
            for i, r in enumerate(self.rows)
            if self.cells[i][0].checkState() == Qt.CheckState.Checked
            and self.cells[i][0].flags() & Qt.ItemFlag.ItemIsUserCheckable
        )
        self.rows_ticked.emit(manual)


class WeightsPanel(QWidget):
    """One slider per criterion; moving one makes the weights the user's own."""

    weights_moved = Signal(object)  # dict criterion -> weight
    reset_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        grid = QGridLayout(self)
        self.state = QLabel()
        grid.addWidget(self.state, 0, 0, 1, 2)
        self.reset = QPushButton("Reset to the answers' weights")
        self.reset.clicked.connect(self._on_reset_clicked)
        grid.addWidget(self.reset, 0, 2)
        self.sliders: dict[str, QSlider] = {}
        self.values: dict[str, QLabel] = {}
        for i, c in enumerate(CRITERIA, start=1):
            label = QLabel(c.label)
            label.setToolTip(c.meaning)
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, WEIGHT_MAX)
            slider.setPageStep(1)
            slider.setTickPosition(QSlider.TickPosition.TicksBelow)
            slider.setToolTip(f"{c.label}: {c.meaning}. 0 ignores it, {WEIGHT_MAX} weighs most.")
            slider.setAccessibleName(f"Weight of {c.label}")
            slider.valueChanged.connect(self._on_slider_value_changed)
            value = QLabel()
            value.setMinimumWidth(40)
            grid.addWidget(label, i, 0)
            grid.addWidget(slider, i, 1)
            grid.addWidget(value, i, 2)
            self.sliders[c.id], self.values[c.id] = slider, value
        grid.setColumnStretch(1, 1)

    def show_weights(self, weights: dict[str, int], custom: bool) -> None:
        """Move the sliders without announcing it."""
        for cid, slider in self.sliders.items():
            slider.blockSignals(True)
            slider.setValue(weights[cid])
            slider.blockSignals(False)
            self.values[cid].setText(str(weights[cid]))
        self.state.setText(
            "<b>Weights: your own.</b> Answers no longer move them."
            if custom
            else "<b>Weights: set by your answers.</b> Move a slider to weigh it yourself."
        )
        self.reset.setEnabled(custom)

    @Slot(int)
    def _on_slider_value_changed(self, _value: int) -> None:
        weights = {cid: s.value() for cid, s in self.sliders.items()}
        for cid, value in weights.items():
            self.values[cid].setText(str(value))
        self.weights_moved.emit(weights)

    @Slot()
    def _on_reset_clicked(self) -> None:
        self.reset_requested.emit()


class RankingTable(QTableWidget):
    """The ranking, best first: score, status, and a marker for the guide's picks."""

    def __init__(self) -> None:
        super().__init__(0, 4)
        self.setHorizontalHeaderLabels(["#", "Framework", "Score", "Status"])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.horizontalHeader()
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def show_ranking(self, rec: Recommendation, pointed: set[str]) -> None:
        """Fill the table from a recommendation; `pointed` are the ticked rows' frameworks."""
        self.setRowCount(len(rec.ranking))
        for i, r in enumerate(rec.ranking):
            guide = " ◆" if r.id in pointed else ""
            tip = "\n".join(r.reasons)
            name = _item(f"{r.name}{guide}", tip)
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(theme.framework_colour(r.id)))
            font = name.font()
            font.setBold(i == 0 and not r.excluded)
            name.setFont(font)
            if r.id in pointed:
                name.setBackground(QBrush(QColor(HIGHLIGHT_BG)))
            if r.excluded:
                status = "✗ excluded"
            elif r.flags:
                status = "⚠ maintenance"
            else:
                status = "★ best fit" if i == 0 else "eligible"
            cells = (
                _item(str(i + 1)),
                name,
                _item(f"{r.score:.2f}", "Weighted mean of the criteria scores (1–5)."),
                _item(status, tip),
            )
            for col, cell in enumerate(cells):
                if r.excluded:
                    cell.setForeground(QBrush(QColor(theme.MUTED_FG)))
                self.setItem(i, col, cell)

    def names(self) -> list[str]:
        """Framework names as shown, best first (with ◆ when a ticked row points to it)."""
        return [_text(self.item(i, 1)) for i in range(self.rowCount())]


class WhyPanel(QScrollArea):
    """Why the top choice won and why each runner-up did not; sources on hover."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lines: list[QLabel] = []

    def show_why(self, rec: Recommendation, data: DecisionData) -> None:
        """Rebuild from a recommendation: guide disagreements, then the top three, then the rest."""
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.lines = []

        def line(text: str, tip: str, style: str = "", indent: int = 0) -> None:
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setToolTip(tip)
            label.setStyleSheet(f"margin-left: {indent}px; {style}")
            layout.addWidget(label)
            self.lines.append(label)

        for note in rec.guide_notes:
            line(
                f"⚠ {html.escape(note.text)}",
                sources_tooltip(data, note.text, note.evidence),
                f"background: {theme.WARNING_BG}; color: {theme.WARNING_FG}; padding: 4px;",
            )
        for i, r in enumerate(rec.ranking):
            swatch = f"<span style='color:{theme.framework_colour(r.id)}'>■</span>"
            if i == 0:
                head = f"Recommended: {r.name} ({r.score:.2f} / 5) — why it wins"
            elif r.excluded:
                head = f"{i + 1}. {r.name} — excluded"
            else:
                head = f"{i + 1}. {r.name} ({r.score:.2f}) — why not first"
            line(f"{swatch} <b>{html.escape(head)}</b>", "\n".join(r.reasons), "margin-top: 6px;")
            if i >= 4:
                continue  # the rest: headline only, details on hover
            for text in (*r.exclusions, *r.flags):
                line(f"• {html.escape(text)}", text, indent=18)
            for d in r.deciders:
                line(
                    f"• {html.escape(d.text)}",
                    sources_tooltip(data, d.text, d.evidence),
                    indent=18,
                )
        layout.addStretch(1)
        self.setWidget(body)

    def texts(self) -> list[str]:
        """Every line as plain text, in order."""
        return [html.unescape(re.sub(r"<[^>]+>", "", lab.text())) for lab in self.lines]


def fill_criteria(
    table: QTableWidget,
    rec: Recommendation,
    data: DecisionData,
    colour: Callable[[str], str],
) -> None:
    """Criteria × frameworks: score cells whose tooltips say how each was derived."""
    table.setColumnCount(len(CRITERIA) + 2)
    table.setHorizontalHeaderItem(0, QTableWidgetItem("Framework"))
    for col, c in enumerate(CRITERIA, start=1):
        head = QTableWidgetItem(c.label.replace(" ", "\n", 1))
        head.setToolTip(
            f"{c.label}: {c.meaning}.\nHow scored: {c.method}.\n"
            f"Weight {rec.weights[c.id]} of {WEIGHT_MAX}."
        )
        table.setHorizontalHeaderItem(col, head)
    table.setHorizontalHeaderItem(len(CRITERIA) + 1, QTableWidgetItem("Weighted\nscore"))
    table.setRowCount(len(rec.ranking))
    for row, r in enumerate(rec.ranking):
        name = _item(r.name + (" (excluded)" if r.excluded else ""), "\n".join(r.reasons))
        name.setData(Qt.ItemDataRole.DecorationRole, QColor(colour(r.id)))
        table.setItem(row, 0, name)
        for col, c in enumerate(CRITERIA, start=1):
            s = rec.scores[c.id, r.id]
            tip = sources_tooltip(data, s.explanation, s.evidence)
            cell = _item(f"{s.value:g}", f"{r.name} — {c.label}\n{tip}\n\nHow scored: {c.method}")
            cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setBackground(QBrush(QColor(SCORE_BG[max(1, min(5, round(s.value)))])))
            table.setItem(row, col, cell)
        total = _item(f"{r.score:.2f}", "Weighted mean of this row, using the sliders' weights.")
        total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        table.setItem(row, len(CRITERIA) + 1, total)
    table.resizeColumnsToContents()


def criteria_table() -> QTableWidget:
    """An empty criteria table, ready for `fill_criteria`."""
    table = _table(0, ["Framework"])
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    return table


def panel(title: str, body: QWidget, hint: str = "") -> QWidget:
    """A titled box used for each area of the view."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    head = QLabel(
        f"<b>{title}</b>" + (f" <span style='color:{theme.MUTED_FG}'>{hint}</span>" if hint else "")
    )
    head.setStyleSheet("font-size: 17px;")
    head.setWordWrap(True)
    layout.addWidget(head)
    layout.addWidget(body, 1)
    return box
