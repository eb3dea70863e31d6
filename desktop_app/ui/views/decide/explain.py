"""The Decide view's explanations: the why panel and the criteria × frameworks table."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.decide.rank import WEIGHT_MAX, Recommendation
from desktop_app.domain.decide.scoring import CRITERIA
from desktop_app.ui import theme
from desktop_app.ui.views.decide.panels import item
from desktop_app.ui.widgets.page import warning_style

SCORE_BG = {1: "#F8D7DA", 2: "#FCE8D5", 3: "#F2F2F2", 4: "#DFF0D8", 5: "#C8E6C9"}
Describe = Callable[[str], str]  # evidence id -> value, source and date


def sources_tooltip(describe: Describe, text: str, evidence: tuple[str, ...]) -> str:
    """A tooltip: the sentence, then each cited source with its value and date."""
    if not evidence:
        return f"{text}\n\nNo figure in the store: this is a default, not a measurement."
    return "\n".join([text, "", "Sources:", *(f"[{e}] {describe(e)}" for e in evidence)])


class WhyPanel(QScrollArea):
    """Why the top choice won and why each runner-up did not; sources on hover."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.setSpacing(4)
        self._layout.addStretch(1)
        self.setWidget(body)
        self._pool: list[QLabel] = []  # labels are reused: rebuilding them costs a relayout
        self.lines: list[QLabel] = []

    def show_why(self, rec: Recommendation, describe: Describe) -> None:
        """Guide disagreements first, then the top choice and the runners-up."""
        self.lines = []

        def line(text: str, tip: str, style: str = "", indent: int = 0) -> None:
            if len(self.lines) == len(self._pool):
                label = QLabel()
                label.setWordWrap(True)
                label.setTextFormat(Qt.TextFormat.RichText)
                self._layout.insertWidget(len(self._pool), label)
                self._pool.append(label)
            label = self._pool[len(self.lines)]
            label.setText(text)
            label.setToolTip(tip)
            css = f"margin-left: {indent}px; {style}"
            if label.styleSheet() != css:  # restyling is the costly part of a refresh
                label.setStyleSheet(css)
            label.setVisible(True)
            self.lines.append(label)

        for note in rec.guide_notes:
            line(
                f"⚠ {html.escape(note.text)}",
                sources_tooltip(describe, note.text, note.evidence),
                warning_style(),
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
                    sources_tooltip(describe, d.text, d.evidence),
                    indent=18,
                )
        for label in self._pool[len(self.lines) :]:
            label.setVisible(False)

    def texts(self) -> list[str]:
        """Every shown line as plain text, in order."""
        return [html.unescape(re.sub(r"<[^>]+>", "", lab.text())) for lab in self.lines]


class CriteriaTable(QTableWidget):
    """Criteria × frameworks in the guide's order; each cell's tooltip says how it was derived."""

    def __init__(self, framework_ids: list[str]) -> None:
        super().__init__(len(framework_ids), len(CRITERIA) + 2)
        self.framework_ids = framework_ids
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setHorizontalHeaderItem(0, QTableWidgetItem("Framework"))
        for col, c in enumerate(CRITERIA, start=1):
            self.setHorizontalHeaderItem(col, QTableWidgetItem(c.label.replace(" ", "\n", 1)))
        self.setHorizontalHeaderItem(len(CRITERIA) + 1, QTableWidgetItem("Weighted\nscore"))
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

    def show_scores(self, rec: Recommendation, describe: Describe) -> None:
        """Fill every score cell (only needed when the answers or hardware change)."""
        ranked = {r.id: r for r in rec.ranking}
        for row, fid in enumerate(self.framework_ids):
            r = ranked[fid]
            name = item(r.name + (" (excluded)" if r.excluded else ""), "\n".join(r.reasons))
            name.setData(Qt.ItemDataRole.DecorationRole, QColor(theme.framework_colour(fid)))
            self.setItem(row, 0, name)
            for col, c in enumerate(CRITERIA, start=1):
                s = rec.scores[c.id, fid]
                tip = sources_tooltip(describe, s.explanation, s.evidence)
                cell = item(
                    f"{s.value:g}", f"{r.name} — {c.label}\n{tip}\n\nHow scored: {c.method}"
                )
                cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                cell.setBackground(QBrush(QColor(SCORE_BG[max(1, min(5, round(s.value)))])))
                cell.setForeground(QBrush(QColor(theme.LIGHT.text)))  # pale cell, both themes
                self.setItem(row, col, cell)
        self.show_totals(rec)

    def show_totals(self, rec: Recommendation) -> None:
        """Update the weighted column and the weights in the header tooltips."""
        ranked = {r.id: (i, r) for i, r in enumerate(rec.ranking, start=1)}
        for col, c in enumerate(CRITERIA, start=1):
            head = self.horizontalHeaderItem(col)
            if head is not None:
                head.setToolTip(
                    f"{c.label}: {c.meaning}.\nHow scored: {c.method}.\n"
                    f"Weight {rec.weights[c.id]} of {WEIGHT_MAX}."
                )
        for row, fid in enumerate(self.framework_ids):
            place, r = ranked[fid]
            rank_text = "excluded" if r.excluded else f"#{place}"
            total = item(f"{r.score:.2f} ({rank_text})", "Weighted mean of this row (sliders).")
            total.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setItem(row, len(CRITERIA) + 1, total)
