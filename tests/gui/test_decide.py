"""The Decide view as a user drives it: answers, matrix ticks, weight sliders, tooltips."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from desktop_app.domain.decide.guide import BUDGETS, HARDWARE, TIMES
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.decide.panels import HIGHLIGHT_BG
from desktop_app.ui.views.decide.view import DecideView
from tests.fakes.profiles import detected_nvidia

pytestmark = pytest.mark.gui


@pytest.fixture
def view(window: MainWindow) -> DecideView:
    v = window.show_view("decide")
    assert isinstance(v, DecideView)
    return v


def first(view: DecideView) -> str:
    return view.ranking.names()[0].removesuffix(" ◆")


def answer(
    view: DecideView,
    budget: str | None = None,
    time: str | None = None,
    users: int = 0,
    hardware: str = "auto",
) -> None:
    view.budget.setCurrentIndex(BUDGETS.index(budget) + 1 if budget else 0)
    view.time.setCurrentIndex(TIMES.index(time) + 1 if time else 0)
    view.users.setValue(users)
    view.hardware.setCurrentIndex(HARDWARE.index(hardware))


def test_moving_a_weight_slider_reranks_live(view: DecideView) -> None:
    answer(view, users=150, hardware="nvidia")
    assert first(view) == "vLLM"
    assert "Weights: set by your answers" in view.weights.state.text()
    for cid, slider in view.weights.sliders.items():
        slider.setValue(10 if cid == "throughput" else 0)
    assert first(view) == "TensorRT-LLM"
    assert "Weights: your own" in view.weights.state.text()
    assert view.weights.values["throughput"].text() == "10"
    # Answers no longer move the user's weights; Reset hands them back to the answers.
    view.users.setValue(20)
    assert view.weights.sliders["throughput"].value() == 10
    view.weights.reset.click()
    assert view.weights.sliders["guide"].value() == 5
    assert first(view) == "vLLM"


def test_ticking_a_matrix_row_highlights_it_and_its_framework(view: DecideView) -> None:
    answer(view, hardware="nvidia")
    row = next(i for i, r in enumerate(view.matrix.rows) if r.id == "M6")
    assert not view.matrix.is_highlighted("M6")
    view.matrix.cells[row][0].setCheckState(Qt.CheckState.Checked)
    assert view.matrix.is_highlighted("M6")
    assert view.matrix.cells[row][1].background().color().name().upper() == HIGHLIGHT_BG.upper()
    assert view.ranking.names()[0] == "SGLang ◆"
    assert "ticked by hand" in view.recommendation.ticked_rows["M6"]  # type: ignore[union-attr]
    view.matrix.cells[row][0].setCheckState(Qt.CheckState.Unchecked)
    assert not view.matrix.is_highlighted("M6")
    assert "SGLang ◆" not in view.ranking.names()


def test_answers_tick_rows_and_lock_them(view: DecideView) -> None:
    answer(view, budget="no-gpu")
    assert view.matrix.is_highlighted("M1")
    item = view.matrix.cells[0][0]
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "Ticked by your answer (budget: can't afford GPUs)" in item.toolTip()
    assert first(view) == "llama.cpp"
    assert "Recommended:" in view.headline.text() and "llama.cpp" in view.headline.text()


def this_machine(view: DecideView) -> str:
    return view.hardware.itemText(HARDWARE.index("auto"))


def test_scenario_s2_on_the_detected_h100(window: MainWindow, view: DecideView) -> None:
    window.ctx.hardware.set_detected(detected_nvidia("NVIDIA H100 80GB HBM3", "9.0"))
    assert this_machine(view) == "This machine: NVIDIA H100 80GB HBM3"
    answer(view, budget="cluster", time="dedicated-team", users=200, hardware="auto")
    assert first(view) == "TensorRT-LLM"
    assert "this machine (NVIDIA H100 80GB HBM3)" in view.why.texts()[0]
    # Data sovereignty is an explicit need: its row wins, and the guide's own Scenario 2
    # choice is shown as the contradiction it is.
    view.needs["data-sovereignty"].setChecked(True)
    assert first(view) == "vLLM" and view.ranking.names()[1].startswith("TensorRT-LLM")
    assert any("Data sovereignty: vLLM or TGI (matrix)" in t for t in view.why.texts())


def test_hardware_prefilled_and_updated_on_profile_change(
    window: MainWindow, view: DecideView
) -> None:
    # The hardware question is about the deployment target; this machine is one choice.
    assert view.hardware.currentData() == "deployment"
    assert "before any answer, based on the hardware alone" in view.headline.text().lower()
    window.ctx.hardware.set_active(
        detected_nvidia("NVIDIA GeForce RTX 4090", "8.9", os_name="Windows")
    )
    assert this_machine(view) == "This machine: NVIDIA GeForce RTX 4090"
    answer(view, users=50, hardware="auto")
    assert "Before any answer" not in view.headline.text()
    excluded = {r.name for r in view.recommendation.ranking if r.excluded}  # type: ignore[union-attr]
    assert excluded == {"vLLM", "TensorRT-LLM", "Hugging Face TGI"}
    # Excluded frameworks sit in their own group, without a score.
    assert not excluded & {n.removesuffix(" ◆") for n in view.ranking.names()}
    assert {n.removesuffix(" ◆") for n in view.ranking.excluded_names()} == excluded
    group = view.ranking._group_row
    assert view.ranking.item(group, 0).text() == "Not for you, because…"  # type: ignore[union-attr]
    vllm_row = (
        group + 1 + [n.removesuffix(" ◆") for n in view.ranking.excluded_names()].index("vLLM")
    )
    status, score = view.ranking.item(vllm_row, 3), view.ranking.item(vllm_row, 2)
    assert status is not None and status.text() == "✗ hardware"
    assert score is not None and score.text() == "—"
    assert "Not native on Windows" in status.toolTip()


def test_criteria_cells_explain_their_score_with_sources(view: DecideView) -> None:
    answer(view, hardware="nvidia")
    header = view.criteria.horizontalHeaderItem(2)
    assert header is not None and header.text() == "Throughput"
    row = next(
        i
        for i in range(view.criteria.rowCount())
        if view.criteria.item(i, 0).text() == "vLLM"  # type: ignore[union-attr]
    )
    cell = view.criteria.item(row, 2)
    assert cell is not None and cell.text() == "4"
    tip = cell.toolTip()
    assert "120–160 requests/s" in tip and "[G020]" in tip and "Retrieved: 2026-11-29" in tip
    assert "How scored:" in tip


def test_why_panel_names_deciding_facts_and_the_tgi_disagreement(view: DecideView) -> None:
    answer(view, hardware="nvidia")
    view.needs["hf-ecosystem"].setChecked(True)
    lines = view.why.texts()
    assert lines[0] == "Hardware: the deployment target you chose, NVIDIA GPUs."
    note = next(t for t in lines if t.startswith("⚠ You said Hugging Face ecosystem"))
    assert "archived read-only on 2026-03-21" in note and "2025-12-11" in note
    assert "maintainers recommend vLLM or SGLang" in note
    assert any(t.startswith("■ Recommended: vLLM") for t in lines)
    assert "You said Hugging Face ecosystem, and the guide points you to it." in " ".join(lines)
    runner_up = next(t for t in lines if t.startswith("■ 2. "))
    assert "SGLang" in runner_up and "why not first" in runner_up
    deciding = [lab for lab in view.why.lines if lab.text().startswith("• ")]
    assert len(deciding) >= 2
    assert all("Sources:" in lab.toolTip() or "default" in lab.toolTip() for lab in deciding[1:])
    out = lines.index("Not for you, because…")
    assert lines[out + 1].startswith("■ Hugging Face TGI: Its repository was archived")
    assert not any("Hugging Face TGI (" in t for t in lines)  # no score for an excluded one
    hf_row = next(i for i, r in enumerate(view.matrix.rows) if r.id == "M5")
    pointed = view.matrix.cells[hf_row][1]
    assert pointed.text() == "Hugging Face TGI ⚠" and "2025-12-11" in pointed.toolTip()


def test_decide_content_fits_1024_pixels(view: DecideView) -> None:
    answer(view, budget="cluster", time="dedicated-team", users=500, hardware="nvidia")
    view.needs["data-sovereignty"].setChecked(True)
    assert view.minimumSizeHint().width() <= 1024
