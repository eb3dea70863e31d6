"""Decide: the guide's four questions, its decision matrix and a weighted recommendation."""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.decide.data import decision_data
from desktop_app.domain.decide.guide import (
    BUDGET_LABELS,
    BUDGETS,
    HARDWARE,
    HARDWARE_LABELS,
    NEED_LABELS,
    NEEDS,
    TIME_LABELS,
    TIMES,
    Answers,
)
from desktop_app.domain.decide.hardware import hardware_target
from desktop_app.domain.decide.rank import Assessment, Recommendation, assess, default_weights, rank
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.decide.explain import CriteriaTable, WhyPanel
from desktop_app.ui.views.decide.panels import (
    MatrixTable,
    RankingTable,
    WeightsPanel,
    panel,
    panel_heading,
)
from desktop_app.ui.widgets.page import notice

NOT_SET = "— not set —"


class DecideView(QWidget):
    """Answer the guide's questions; see the ranking, its reasons and its sources."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data = decision_data(ctx.stores.bundled)
        self.names = {fw.id: fw.name for fw in self.data.frameworks}
        self.manual_rows: frozenset[str] = frozenset()
        self.custom_weights: dict[str, int] | None = None
        self.recommendation: Recommendation | None = None
        self._assessment: Assessment | None = None
        self._tips: dict[str, str] = {}
        self._profile: HardwareProfile | None = None
        self.setStyleSheet("font-size: 15px;")

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 12)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setStyleSheet("font-size: 22px; padding-bottom: 4px;")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.headline)
        self.note = notice()
        outer.addWidget(self.note)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self._questions())
        self.ranking = RankingTable()
        top.addWidget(panel("Ranking", self.ranking, "◆ = a ticked row names it"))
        self.why = WhyPanel()
        top.addWidget(panel("Why", self.why, "hover a line for its sources"))
        top.setStretchFactor(0, 0)
        top.setStretchFactor(1, 2)
        top.setStretchFactor(2, 3)
        top.setSizes([300, 330, 390])

        self.tabs = QTabWidget()
        warnings = {
            fw.id: f"{fw.name}: {fw.status} — current facts disagree with this row of the guide."
            for fw in self.data.frameworks
            if fw.in_maintenance
        }
        self.matrix = MatrixTable(list(self.data.matrix), self.names, warnings)
        self.matrix.rows_ticked.connect(self._on_matrix_rows_ticked)
        self.tabs.addTab(self.matrix, "Quick decision matrix")
        self.weights = WeightsPanel()
        self.weights.weights_moved.connect(self._on_weights_moved)
        self.weights.reset_requested.connect(self._on_weights_reset_requested)
        self.tabs.addTab(self.weights, "Weights")
        self.criteria = CriteriaTable([fw.id for fw in self.data.frameworks])
        self.tabs.addTab(self.criteria, "Criteria × frameworks")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.tabs)
        split.setSizes([470, 360])
        outer.addWidget(split, 1)

        ctx.hardware.profile_changed.connect(self._on_hardware_profile_changed)
        self._update_hardware_label(ctx.hardware.profile)
        self.refresh()

    # ------------------------------------------------------------------ building

    def _questions(self) -> QWidget:
        box = QGroupBox("The guide's four questions")
        box.setMinimumWidth(290)
        box.setMaximumWidth(340)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.budget = self._combo(BUDGETS, BUDGET_LABELS)
        self.time = self._combo(TIMES, TIME_LABELS)
        self.users = QSpinBox()
        self.users.setRange(0, 10_000_000)
        self.users.setSingleStep(10)
        self.users.setSpecialValueText(NOT_SET)
        self.users.setSuffix(" users")
        self.users.setToolTip("Users (or concurrent users). The guide's bands: 1–10, 10–100, 100+.")
        self.users.valueChanged.connect(self._on_users_value_changed)
        self.hardware = QComboBox()
        for key in HARDWARE:
            self.hardware.addItem(HARDWARE_LABELS[key], key)
        self.hardware.setItemData(
            0,
            "Where the model will be served, usually not this laptop. Pick its hardware to "
            "check each framework's support.",
            Qt.ItemDataRole.ToolTipRole,
        )
        self.hardware.currentIndexChanged.connect(self._on_answer_changed)
        for label, field, tip in (
            ("Budget", self.budget, "Question 1: what's your budget reality?"),
            ("Time", self.time, "Question 2: how much time do you have?"),
            ("Scale", self.users, "Question 3: what scale are you actually targeting?"),
            ("Hardware", self.hardware, "Question 4: what hardware will serve the model?"),
        ):
            field.setToolTip(f"{tip}\n{field.toolTip()}".strip())
            if isinstance(field, QComboBox):  # long choices must not squeeze the labels
                field.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                field.setMinimumContentsLength(14)
            form.addRow(label, field)
        form.addRow(QLabel("<b>Special needs</b>"))
        self.needs: dict[str, QCheckBox] = {}
        for key in NEEDS:
            check = QCheckBox(NEED_LABELS[key])
            check.toggled.connect(self._on_need_toggled)
            self.needs[key] = check
            form.addRow(check)
        return box

    def _combo(self, keys: tuple[str, ...], labels: dict[str, str] | object) -> QComboBox:
        combo = QComboBox()
        combo.addItem(NOT_SET, None)
        for key in keys:
            combo.addItem(labels[key], key)  # type: ignore[index]
        combo.currentIndexChanged.connect(self._on_answer_changed)
        return combo

    # ------------------------------------------------------------------ state

    def answers(self) -> Answers:
        """The answers as the widgets show them."""
        return Answers(
            budget=self.budget.currentData(),
            time=self.time.currentData(),
            users=self.users.value() or None,
            hardware=self.hardware.currentData(),
            needs=frozenset(k for k, c in self.needs.items() if c.isChecked()),
            rows=self.manual_rows,
        )

    def set_answers(self, answers: Answers, weights: Mapping[str, int] | None = None) -> None:
        """Show these answers (and custom weights, None for the answers' defaults), as when
        a scenario is opened; one recomputation at the end."""
        widgets = (self.budget, self.time, self.hardware, self.users, *self.needs.values())
        for widget in widgets:
            widget.blockSignals(True)
        try:
            for combo, value in (
                (self.budget, answers.budget),
                (self.time, answers.time),
                (self.hardware, answers.hardware),
            ):
                combo.setCurrentIndex(max(combo.findData(value), 0))
            self.users.setValue(answers.users or 0)
            for key, check in self.needs.items():
                check.setChecked(key in answers.needs)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.manual_rows = answers.rows
        self.custom_weights = dict(weights) if weights else None
        self.refresh()

    def apply_theme(self) -> None:
        """Colours written into texts and cells (muted hints, excluded rows) follow the theme."""
        for label in self.findChildren(QLabel):
            heading = label.property("panel_heading")
            if heading:
                label.setText(panel_heading(*heading))
        self.refresh()

    def refresh(self) -> None:
        """Recompute the recommendation and redraw every panel (pure and fast: no worker)."""
        answers = self.answers()
        weights = self.custom_weights or default_weights(answers)
        profile = self.ctx.hardware.profile
        cached = self._assessment
        fresh = cached is None or cached.answers != answers or self._profile is not profile
        if fresh:  # scores depend on answers and hardware only; weights just re-rank them
            self._assessment = assess(self.data, answers, profile)
            self._profile = profile
        assert self._assessment is not None
        rec = rank(self.data, self._assessment, weights)
        self.recommendation = rec
        self.weights.show_weights(dict(rec.weights), self.custom_weights is not None)
        self.matrix.show_ticks(rec.implied_rows, self.manual_rows)
        pointed = {f for r in self.data.matrix if r.id in rec.ticked_rows for f in r.frameworks}
        self.ranking.show_ranking(rec, pointed)
        self.why.show_why(rec, self._describe)
        if fresh:
            self.criteria.show_scores(rec, self._describe)
        else:
            self.criteria.show_totals(rec)
        top = rec.top
        colour = theme.framework_colour(top.id)
        if top.excluded:
            verdict = "No framework fits these constraints"
        elif rec.before_answers:
            verdict = (
                f"Before any answer, based on the hardware alone: start with "
                f"<span style='color:{colour}'>■</span> <b>{top.name}</b>"
            )
        else:
            verdict = (
                f"Recommended: <span style='color:{colour}'>■</span> <b>{top.name}</b>"
                f" — {top.score:.2f} / 5"
            )
        self.headline.setText(
            f"{verdict} <span style='font-size:15px; color:{theme.MUTED_FG}'>"
            f"for {html.escape(rec.hardware.label)}</span>"
        )
        notes = list(rec.notes)
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))

    def _describe(self, evidence_id: str) -> str:
        """A cited id's value, source and date (cached: the store never changes)."""
        if evidence_id not in self._tips:
            self._tips[evidence_id] = self.data.evidence_tooltip(evidence_id)
        return self._tips[evidence_id]

    def _update_hardware_label(self, profile: HardwareProfile | None) -> None:
        target = hardware_target("auto", profile)
        label = "detecting… (CPU only assumed)" if profile is None else target.label
        index = HARDWARE.index("auto")
        self.hardware.setItemText(index, f"This machine: {label}")
        self.hardware.setItemData(
            index,
            "The active hardware profile (detected, or planned in Hardware): use it when "
            "this machine is where the model will be served.",
            Qt.ItemDataRole.ToolTipRole,
        )

    def settle_for_screenshot(self) -> None:
        """Show a worked example: 500 users on NVIDIA, a week, data sovereignty."""
        self.budget.setCurrentIndex(BUDGETS.index("cluster") + 1)
        self.time.setCurrentIndex(TIMES.index("week") + 1)
        self.users.setValue(500)
        self.hardware.setCurrentIndex(HARDWARE.index("nvidia"))
        self.needs["data-sovereignty"].setChecked(True)

    # ------------------------------------------------------------------ slots

    @Slot(int)
    def _on_answer_changed(self, _index: int) -> None:
        self.refresh()

    @Slot(int)
    def _on_users_value_changed(self, _value: int) -> None:
        self.refresh()

    @Slot(bool)
    def _on_need_toggled(self, _checked: bool) -> None:
        self.refresh()

    @Slot(object)
    def _on_matrix_rows_ticked(self, rows: frozenset[str]) -> None:
        self.manual_rows = rows
        self.refresh()

    @Slot(object)
    def _on_weights_moved(self, weights: dict[str, int]) -> None:
        self.custom_weights = weights
        self.refresh()

    @Slot()
    def _on_weights_reset_requested(self) -> None:
        self.custom_weights = None
        self.refresh()

    @Slot(object)
    def _on_hardware_profile_changed(self, profile: HardwareProfile) -> None:
        self._update_hardware_label(profile)
        self.refresh()
