"""The Decide view's panels: decision matrix, weight sliders, ranking, why, criteria table."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.decide.rank import WEIGHT_MAX, Ranked, Recommendation
from desktop_app.domain.decide.rules import STEP_EXPLICIT, STEP_GENERIC, STEP_WEIGHTS
from desktop_app.domain.decide.scoring import CRITERIA
from desktop_app.domain.sources.catalog import DecisionRow
from desktop_app.ui import theme

HIGHLIGHT_BG = "#DDEBFF"  # ticked matrix rows and the frameworks they point to
ON_LIGHT_FG = theme.LIGHT.text  # text on those light fills stays dark in dark mode too


def item(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""


class MatrixTable(QTableWidget):
    """The guide's Quick Decision Matrix; ticking a row highlights it and its frameworks."""

    rows_ticked = Signal(object)  # frozenset of row ids ticked by hand

    def __init__(
        self, rows: list[DecisionRow], names: dict[str, str], warnings: dict[str, str]
    ) -> None:
        """`warnings`: framework id -> why current facts disagree (maintenance mode)."""
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
            first = item(row.constraint, tip)
            first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            first.setCheckState(Qt.CheckState.Unchecked)
            names_text = " or ".join(
                names.get(f, f) + (" ⚠" if f in warnings else "") for f in row.frameworks
            )
            pointed_tip = "\n".join(
                [tip, *(f"⚠ {warnings[f]}" for f in row.frameworks if f in warnings)]
            )
            self.cells.append([first, item(names_text, pointed_tip), item(row.why, tip)])
            for col, cell in enumerate(self.cells[i]):
                self.setItem(i, col, cell)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.itemChanged.connect(self._on_table_item_changed)

    def show_ticks(self, derived: Mapping[str, str], manual: frozenset[str]) -> None:
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
                cell.setForeground(QBrush(QColor(ON_LIGHT_FG)) if ticked else QBrush())
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
        self._group_row = -1

    def show_ranking(self, rec: Recommendation, pointed: set[str]) -> None:
        """Fill the table: eligible frameworks best first, then "Not for you, because…".

        `pointed` are the ticked rows' frameworks. Excluded frameworks get no score.
        """
        eligible = [r for r in rec.ranking if not r.excluded]
        out = [r for r in rec.ranking if r.excluded]
        rows = len(eligible) + (len(out) + 1 if out else 0)
        if self.rowCount() != rows:
            # Items are made once and updated in place: a slider drag refreshes many times.
            self.clearSpans()
            self.setRowCount(rows)
            for i in range(rows):
                for col in range(4):
                    self.setItem(i, col, item(""))
        self._group_row = len(eligible) if out else -1
        for i, r in enumerate(eligible):
            self._fill(i, str(i + 1), r, pointed, f"{r.score:.2f}")
            status = self.item(i, 3)
            assert status is not None
            if r.flags:
                status.setText("⚠ " + ("maintenance" if "maintenance" in r.flags[0] else "limited"))
            else:
                status.setText("★ best fit" if i == 0 else STEP_WORDS.get(r.placement.step, ""))
        if out:
            head = self.item(self._group_row, 0)
            assert head is not None
            head.setText("Not for you, because…")
            head.setToolTip("Ruled out by a hard constraint: no score, never ranked.")
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            self.setSpan(self._group_row, 0, 1, 4)
            for j, r in enumerate(out, start=self._group_row + 1):
                self._fill(j, "✗", r, pointed, "—")
                status = self.item(j, 3)
                assert status is not None
                status.setText(_why_out(r.constraints[0].kind))
                for col in range(4):
                    cell = self.item(j, col)
                    if cell is not None:
                        cell.setForeground(QBrush(QColor(theme.MUTED_FG)))

    def _fill(self, row: int, place: str, r: Ranked, pointed: set[str], score_text: str) -> None:
        rank, name, score, status = (self.item(row, col) for col in range(4))
        assert rank is not None and name is not None and score is not None
        assert status is not None
        tip = "\n".join(r.reasons)
        rank.setText(place)
        name.setText(f"{r.name}{' ◆' if r.id in pointed else ''}")
        name.setToolTip(tip)
        name.setData(Qt.ItemDataRole.DecorationRole, QColor(theme.framework_colour(r.id)))
        font = name.font()
        font.setBold(place == "1")
        name.setFont(font)
        name.setBackground(QBrush(QColor(HIGHLIGHT_BG)) if r.id in pointed else QBrush())
        score.setText(score_text)
        score.setToolTip(
            "Excluded by a hard constraint: no score."
            if r.excluded
            else "Weighted mean of the criteria scores (1–5): the tie-breaker."
        )
        status.setToolTip(tip)
        for cell in (rank, score, status):
            cell.setForeground(QBrush())
        name.setForeground(QBrush(QColor(ON_LIGHT_FG)) if r.id in pointed else QBrush())

    def names(self) -> list[str]:
        """Eligible framework names as shown, best first (◆ when a ticked row points to it)."""
        end = self._group_row if self._group_row >= 0 else self.rowCount()
        return [_text(self.item(i, 1)) for i in range(end)]

    def excluded_names(self) -> list[str]:
        """The names in the "Not for you, because…" group."""
        if self._group_row < 0:
            return []
        return [_text(self.item(i, 1)) for i in range(self._group_row + 1, self.rowCount())]


# The Status column's words for the step of the rule that placed a framework.
STEP_WORDS = {
    STEP_EXPLICIT: "your need",
    STEP_GENERIC: "guide rows",
    STEP_WEIGHTS: "weights",
}


def _why_out(kind: str) -> str:
    return {
        "hardware": "✗ hardware",
        "no-gpu": "✗ needs a GPU",
        "archived": "✗ archived",
    }.get(kind, "✗ ruled out")


def panel_heading(title: str, hint: str) -> str:
    """A panel's title and its hint, in the current theme's muted colour."""
    return f"<b>{title}</b>" + (
        f" <span style='color:{theme.MUTED_FG}'>{hint}</span>" if hint else ""
    )


def panel(title: str, body: QWidget, hint: str = "") -> QWidget:
    """A titled box used for each area of the view."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    head = QLabel(panel_heading(title, hint))
    head.setProperty("panel_heading", (title, hint))  # written again when the theme changes
    head.setStyleSheet("font-size: 17px;")
    head.setWordWrap(True)
    layout.addWidget(head)
    layout.addWidget(body, 1)
    return box
