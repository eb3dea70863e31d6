"""The recommendation agrees with the guide: matrix rows, Quick Answer, FAQ, scenarios S1-S3."""

from __future__ import annotations

import pytest

from desktop_app.domain.decide.data import DecisionData, decision_data
from desktop_app.domain.decide.guide import Answers
from desktop_app.domain.decide.hardware import hardware_target
from desktop_app.domain.decide.rank import Recommendation, default_weights, recommend
from desktop_app.domain.decide.scoring import CRITERION_IDS
from desktop_app.storage.bundled.store import BundledStore
from tests.fakes.profiles import apple_silicon, planned_cpu_only, planned_gpu


@pytest.fixture(scope="module")
def data(bundled_store: BundledStore) -> DecisionData:
    return decision_data(bundled_store)


def ids(rec: Recommendation) -> list[str]:
    return [r.id for r in rec.ranking]


def eligible(rec: Recommendation) -> list[str]:
    return [r.id for r in rec.ranking if not r.excluded]


# ------------------------------------------------------------------ the guide's scenarios


def test_s1_bangalore_no_gpu_budget_gets_llama_cpp(data: DecisionData) -> None:
    answers = Answers(budget="no-gpu", hardware="cpu", needs=frozenset({"tight-budget"}))
    rec = recommend(data, answers)
    assert rec.top.id == "llama.cpp"
    assert set(rec.ticked_rows) == {"M1", "M7"}
    trt = next(r for r in rec.ranking if r.id == "tensorrt-llm")
    assert trt.excluded and "CPU-only" in trt.reasons[0]


def test_s2_singapore_h100_dedicated_team_gets_tensorrt_llm(data: DecisionData) -> None:
    answers = Answers(
        budget="cluster",
        time="dedicated-team",
        users=200,
        hardware="auto",
        needs=frozenset({"data-sovereignty"}),
    )
    h100 = planned_gpu("NVIDIA H100 80GB HBM3", "9.0", count=3)
    rec = recommend(data, answers, h100)
    assert rec.hardware.label == "3× NVIDIA H100 80GB HBM3"
    assert {"M4", "M8"} <= set(rec.ticked_rows)
    assert "supported-GPU list" in rec.scores["hardware", "tensorrt-llm"].explanation
    # Data sovereignty is an explicit need: its row (vLLM or TGI) comes first, TGI is
    # archived, and the guide's own Scenario 2 (TensorRT-LLM) is shown as a contradiction.
    assert rec.top.id == "vllm" and ids(rec)[1] == "tensorrt-llm"
    assert any("C14" in n.evidence for n in rec.guide_notes)
    # Without that tick, Scenario 2's answers give the guide's choice.
    plain = recommend(data, Answers(budget="cluster", time="dedicated-team", users=200), h100)
    assert plain.top.id == "tensorrt-llm"


def test_s3_san_francisco_a100_ship_in_a_week_gets_vllm(data: DecisionData) -> None:
    answers = Answers(budget="cluster", time="week", users=500)
    rec = recommend(data, answers, planned_gpu("NVIDIA A100-SXM4-80GB", "8.0", count=8))
    assert rec.top.id == "vllm"
    assert ids(rec)[1] == "tensorrt-llm"
    # The decisive difference is the one the guide gives: a week versus weeks of setup.
    top_reasons = " ".join(rec.top.reasons)
    assert "Setup effort" in top_reasons or "Latency under load" in top_reasons


# ------------------------------------------------------------------ the Quick Decision Matrix

MATRIX_CASES = [
    ("M1", Answers(budget="no-gpu"), {"llama.cpp"}),
    ("M2", Answers(needs=frozenset({"prototype"})), {"ollama"}),
    ("M3", Answers(users=50, hardware="nvidia"), {"vllm"}),
    ("M4", Answers(users=150, hardware="nvidia", time="dedicated-team"), {"tensorrt-llm"}),
    ("M5", Answers(needs=frozenset({"hf-ecosystem"}), hardware="nvidia"), {"vllm", "sglang"}),
    ("M6", Answers(needs=frozenset({"agentic"}), hardware="nvidia"), {"sglang"}),
    ("M7", Answers(needs=frozenset({"tight-budget"})), {"llama.cpp"}),
    ("M8", Answers(needs=frozenset({"data-sovereignty"}), hardware="nvidia"), {"vllm"}),
]


@pytest.mark.parametrize(
    ("row", "answers", "expected"), MATRIX_CASES, ids=[c[0] for c in MATRIX_CASES]
)
def test_each_matrix_row_is_ticked_and_its_framework_wins(
    data: DecisionData, row: str, answers: Answers, expected: set[str]
) -> None:
    rec = recommend(data, answers)
    assert row in rec.ticked_rows
    assert rec.top.id in expected
    assert set(eligible(rec)[: len(expected)]) == expected


def test_matrix_rows_come_from_the_store(data: DecisionData) -> None:
    rows = {r.id: set(r.frameworks) for r in data.matrix}
    guide = {case[0]: case[2] for case in MATRIX_CASES} | {"M5": {"tgi"}, "M8": {"vllm", "tgi"}}
    assert rows == guide


def test_a_row_ticked_by_hand_counts_like_an_answer(data: DecisionData) -> None:
    rec = recommend(data, Answers(hardware="nvidia", rows=frozenset({"M6"})))
    assert rec.ticked_rows["M6"] == "ticked by hand"
    assert rec.top.id == "sglang"


def test_hugging_face_row_says_where_current_facts_disagree(data: DecisionData) -> None:
    rec = recommend(data, Answers(needs=frozenset({"hf-ecosystem"}), hardware="nvidia"))
    tgi = next(r for r in rec.ranking if r.id == "tgi")
    assert tgi.excluded and tgi.placement.step == "hard constraint"
    assert "2026-03-21" in tgi.reasons[0] and "2025-12-11" in tgi.reasons[0]
    # The need points to the alternatives Hugging Face itself recommends.
    assert [r.id for r in rec.ranking[:2]] == ["vllm", "sglang"]
    note = rec.guide_notes[0]
    assert note.text.startswith("You said Hugging Face ecosystem: the guide names Hugging Face TGI")
    assert "maintainers recommend vLLM or SGLang" in note.text
    assert "F:tgi:status" in note.evidence and "C9" in note.evidence
    assert "vLLM" in data.evidence_tooltip("F:tgi:status")


# ------------------------------------------------------------------ Quick Answer and FAQ


def test_quick_answer_vllm_for_100_plus_users_with_low_latency(data: DecisionData) -> None:
    for hw in ("nvidia", "amd"):
        assert recommend(data, Answers(users=150, hardware=hw)).top.id == "vllm"


def test_quick_answer_tensorrt_on_nvidia_with_weeks_to_invest(data: DecisionData) -> None:
    rec = recommend(data, Answers(hardware="nvidia", time="dedicated-team"))
    assert rec.top.id == "tensorrt-llm"


def test_quick_answer_ollama_to_prototype_today(data: DecisionData) -> None:
    assert recommend(data, Answers(time="today")).top.id == "ollama"
    assert recommend(data, Answers(needs=frozenset({"prototype"}), hardware="apple")).top.id == (
        "ollama"
    )


def test_quick_answer_llama_cpp_without_gpus_or_on_edge(data: DecisionData) -> None:
    assert recommend(data, Answers(hardware="cpu")).top.id == "llama.cpp"
    assert recommend(data, Answers(needs=frozenset({"edge"}))).top.id == "llama.cpp"
    assert recommend(data, Answers(needs=frozenset({"edge"}), hardware="nvidia")).top.id == (
        "llama.cpp"
    )


def test_practical_recommendation_start_with_ollama_without_constraints(
    data: DecisionData,
) -> None:
    rec = recommend(data, Answers())
    assert rec.top.id == "ollama"
    assert rec.statements[0].evidence == ("PR",)
    assert "Unless you have unusual constraints" in data.evidence_tooltip("PR")


def test_faq_vllm_vs_tensorrt_depends_on_time_to_invest(data: DecisionData) -> None:
    quick = recommend(data, Answers(users=300, hardware="nvidia", time="week"))
    massive = recommend(
        data, Answers(users=300, hardware="nvidia", time="dedicated-team", budget="cluster")
    )
    assert quick.top.id == "vllm" and massive.top.id == "tensorrt-llm"


def test_faq_ollama_for_prototypes_llama_cpp_for_cpu_production(data: DecisionData) -> None:
    assert recommend(data, Answers(needs=frozenset({"prototype"}))).top.id == "ollama"
    assert recommend(data, Answers(hardware="cpu", users=50)).top.id == "llama.cpp"


def test_faq_fastest_tensorrt_peak_but_vllm_steadier_under_load(data: DecisionData) -> None:
    rec = recommend(data, Answers())
    throughput = {fw.id: rec.scores["throughput", fw.id].value for fw in data.frameworks}
    assert max(throughput, key=lambda k: throughput[k]) == "tensorrt-llm"
    assert rec.scores["latency", "vllm"].value > rec.scores["latency", "tensorrt-llm"].value
    assert "50–80 ms" in rec.scores["latency", "vllm"].explanation


# ------------------------------------------------------------------ hard constraints


@pytest.mark.parametrize("hw", ["amd", "apple", "cpu"])
def test_tensorrt_is_excluded_off_nvidia_and_ranks_last(data: DecisionData, hw: str) -> None:
    rec = recommend(data, Answers(hardware=hw, users=500, budget="cluster"))
    trt = next(r for r in rec.ranking if r.id == "tensorrt-llm")
    assert trt.excluded and trt.reasons[0].startswith("Excluded:")
    assert "tensorrt-llm" not in eligible(rec) and trt.placement.step == "hard constraint"


def test_windows_excludes_vllm_and_tensorrt_not_others(data: DecisionData) -> None:
    win = planned_gpu("NVIDIA GeForce RTX 4090", "8.9", os_name="Windows")
    rec = recommend(data, Answers(users=50, hardware="auto"), win)
    excluded = {r.id for r in rec.ranking if r.excluded and r.constraints[0].kind == "hardware"}
    assert excluded == {"vllm", "tensorrt-llm"}
    vllm = next(r for r in rec.ranking if r.id == "vllm")
    assert "Not native on Windows" in vllm.reasons[0]
    assert rec.top.id not in excluded
    assert any("vLLM" in n.text and "rule it out" in n.text for n in rec.guide_notes)


def test_old_gpu_below_minimum_compute_capability_is_excluded(data: DecisionData) -> None:
    rec = recommend(data, Answers(hardware="auto"), planned_gpu("Tesla V100", "7.0"))
    excluded = {r.id for r in rec.ranking if r.excluded}
    assert {"vllm", "tensorrt-llm", "sglang"} <= excluded
    assert "lmdeploy" not in excluded and "ollama" not in excluded


def test_unknown_hardware_assumes_cpu_only_without_inventing_answers(data: DecisionData) -> None:
    rec = recommend(data, Answers(hardware="auto"))
    assert rec.hardware.label == "unknown hardware" and not rec.ticked_rows
    assert rec.notes and "unknown" in rec.notes[0]
    assert next(r for r in rec.ranking if r.id == "tensorrt-llm").excluded


def test_hardware_defaults_to_the_deployment_target_not_this_laptop(data: DecisionData) -> None:
    laptop = planned_cpu_only(8)
    rec = recommend(data, Answers(needs=frozenset({"prototype"})), laptop)
    assert rec.top.id == "ollama"  # "Start with Ollama" stays Ollama on a laptop without GPU
    assert rec.basis.startswith("Hardware: the deployment target, not chosen yet")
    assert not any(r.excluded and r.constraints[0].kind == "hardware" for r in rec.ranking)
    here = recommend(data, Answers(hardware="auto"), laptop)
    assert here.basis.startswith("Hardware: this machine (")
    assert next(r for r in here.ranking if r.id == "tensorrt-llm").excluded
    # Before any answer the verdict says it rests on the hardware alone.
    assert recommend(data, Answers()).before_answers
    assert not recommend(data, Answers(users=3)).before_answers


def test_apple_profile_is_read_as_apple(data: DecisionData) -> None:
    mac = apple_silicon("Apple M2")
    target = hardware_target("auto", mac)
    assert (target.cls, target.label) == ("apple", "Apple M2")


# ------------------------------------------------------------------ scores and weights


def test_every_score_is_1_to_5_and_explains_itself(data: DecisionData) -> None:
    rec = recommend(data, Answers(users=20, hardware="nvidia", needs=frozenset({"agentic"})))
    assert len(rec.scores) == len(CRITERION_IDS) * 8
    for score in rec.scores.values():
        assert 1 <= score.value <= 5
        assert "/5" in score.explanation or score.criterion == "hardware"
        for ev in score.evidence:
            assert "not in the store" not in data.evidence_tooltip(ev), ev


def test_unknown_figures_are_said_to_be_unknown_not_zero(data: DecisionData) -> None:
    rec = recommend(data, Answers())
    sglang = rec.scores["throughput", "sglang"]
    assert sglang.value == 3 and sglang.explanation.startswith("Unknown")


def test_answers_set_weights_and_user_weights_rerank(data: DecisionData) -> None:
    answers = Answers(users=150, hardware="nvidia")
    w = default_weights(answers)
    assert w["stability"] > default_weights(Answers())["stability"]
    assert recommend(data, answers).top.id == "vllm"
    only_throughput = {c: 0 for c in CRITERION_IDS} | {"throughput": 10}
    assert recommend(data, answers, weights=only_throughput).top.id == "tensorrt-llm"


def test_all_weights_zero_does_not_crash(data: DecisionData) -> None:
    rec = recommend(data, Answers(), weights=dict.fromkeys(CRITERION_IDS, 0))
    assert len(rec.ranking) == 8


def test_bad_answers_are_rejected_with_the_valid_values() -> None:
    with pytest.raises(ValueError, match="no-gpu, one-or-two-gpus, cluster"):
        Answers(budget="lots")
    with pytest.raises(ValueError, match="at least 1"):
        Answers(users=0)
