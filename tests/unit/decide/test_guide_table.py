# ruff: noqa: E501  (one guide statement a row: the table reads better unwrapped)
"""Table tests: each guide statement that maps a situation to a framework, alone and combined.

Each row names the guide's words (section and line of the guide in /work/shared/seed) and
the answers that describe that situation; the app's first choice must be the guide's.
"""

from __future__ import annotations

import pytest

from desktop_app.domain.decide.data import DecisionData, decision_data
from desktop_app.domain.decide.guide import Answers
from desktop_app.domain.decide.rank import Recommendation, recommend
from desktop_app.storage.bundled.store import BundledStore


@pytest.fixture(scope="module")
def data(bundled_store: BundledStore) -> DecisionData:
    return decision_data(bundled_store)


def N(*needs: str) -> frozenset[str]:
    return frozenset(needs)


def eligible(rec: Recommendation) -> list[str]:
    return [r.id for r in rec.ranking if not r.excluded]


# (guide statement, answers, the frameworks the guide names: the top must be one of them)
STATEMENTS: list[tuple[str, Answers, set[str]]] = [
    # Quick Answer (line 31) and the FAQ "Which framework should I choose?" (line 359)
    ("QA: vLLM at production scale, 100+ users", Answers(users=150), {"vllm"}),
    ("QA: TensorRT-LLM on NVIDIA with 1-2 weeks", Answers(hardware="nvidia", time="dedicated-team"), {"tensorrt-llm"}),
    ("QA: Ollama for prototyping", Answers(needs=N("prototype")), {"ollama"}),
    ("QA: llama.cpp without GPUs", Answers(budget="no-gpu"), {"llama.cpp"}),
    ("QA: llama.cpp on edge devices", Answers(needs=N("edge")), {"llama.cpp"}),
    # How to Actually Choose: the four questions (lines 243-275)
    ("Q1: one or two GPUs -> vLLM or TGI", Answers(budget="one-or-two-gpus"), {"vllm", "tgi"}),
    ("Q1: a GPU cluster -> TensorRT-LLM", Answers(budget="cluster", hardware="nvidia"), {"tensorrt-llm"}),
    ("Q2: running today -> Ollama", Answers(time="today"), {"ollama"}),
    ("Q2: a week -> vLLM or TGI", Answers(time="week"), {"vllm", "tgi"}),
    ("Q2: a dedicated team -> TensorRT-LLM", Answers(time="dedicated-team", hardware="nvidia"), {"tensorrt-llm"}),
    ("Q3: 1-10 users -> Ollama or llama.cpp", Answers(users=3), {"ollama", "llama.cpp"}),
    ("Q3: 10-100 users -> vLLM or TGI", Answers(users=50), {"vllm", "tgi"}),
    ("Q3: 100+ users -> vLLM or TensorRT-LLM", Answers(users=500), {"vllm", "tensorrt-llm"}),
    ("Q4: AMD -> vLLM", Answers(hardware="amd"), {"vllm"}),
    ("Q4: CPU only -> llama.cpp", Answers(hardware="cpu"), {"llama.cpp"}),
    ("Q4: A100/H100 with time -> TensorRT-LLM", Answers(hardware="nvidia", time="dedicated-team", budget="cluster"), {"tensorrt-llm"}),
    # Quick Decision Matrix (lines 230-237)
    ("M1: no GPU access -> llama.cpp", Answers(budget="no-gpu", users=20), {"llama.cpp"}),
    ("M2: prototyping -> Ollama", Answers(needs=N("prototype"), users=20), {"ollama"}),
    ("M3: 10-100 users -> vLLM", Answers(users=50, hardware="nvidia"), {"vllm"}),
    ("M4: 100+ users on NVIDIA -> TensorRT-LLM", Answers(users=150, hardware="nvidia", time="dedicated-team"), {"tensorrt-llm"}),
    ("M6: agentic -> SGLang", Answers(needs=N("agentic"), users=50), {"sglang"}),
    ("M7: tight budget, moderate traffic -> llama.cpp", Answers(needs=N("tight-budget"), users=50), {"llama.cpp"}),
    # The three scenarios (lines 279-313)
    ("S1: Bangalore, no GPU budget -> llama.cpp", Answers(budget="no-gpu", users=5000, hardware="cpu", needs=N("tight-budget")), {"llama.cpp"}),
    ("S2: Singapore, H100s and a dedicated team -> TensorRT-LLM", Answers(budget="cluster", time="dedicated-team", users=200, hardware="nvidia"), {"tensorrt-llm"}),
    ("S3: San Francisco, ship in a week -> vLLM", Answers(budget="cluster", time="week", users=500, hardware="nvidia"), {"vllm"}),
    # Regional sections (lines 199-225)
    ("India: CPU-only is the viable path -> llama.cpp", Answers(budget="no-gpu", needs=N("tight-budget"), hardware="cpu"), {"llama.cpp"}),
    ("Singapore: data in-region -> vLLM or TGI", Answers(needs=N("data-sovereignty"), budget="one-or-two-gpus", hardware="nvidia"), {"vllm", "tgi"}),
    ("US: funded startups -> vLLM", Answers(time="week", users=500, hardware="nvidia"), {"vllm"}),
    ("US: enterprises with ML teams -> TensorRT-LLM", Answers(time="dedicated-team", users=10000, hardware="nvidia", budget="cluster"), {"tensorrt-llm"}),
    # Practical Recommendations (lines 331-351)
    ("PR: start with Ollama", Answers(), {"ollama"}),
    ("PR: graduate to vLLM for production", Answers(users=200, time="week"), {"vllm"}),
    ("PR: TensorRT-LLM when 5+ GPUs justify it", Answers(budget="cluster", time="dedicated-team", users=500, hardware="nvidia"), {"tensorrt-llm"}),
    ("PR: llama.cpp on a tight budget", Answers(needs=N("tight-budget")), {"llama.cpp"}),
    ("PR: llama.cpp for edge deployment", Answers(needs=N("edge"), hardware="nvidia"), {"llama.cpp"}),
    # FAQ (lines 355-391)
    ("FAQ: without a GPU, llama.cpp", Answers(hardware="cpu", users=50), {"llama.cpp"}),
    ("FAQ: production scale -> vLLM", Answers(users=300, hardware="nvidia", time="week"), {"vllm"}),
]  # fmt: skip

# Two or three statements at once: the reader's explicit need comes first.
COMBINATIONS: list[tuple[str, Answers, set[str]]] = [
    ("prototyping on AMD", Answers(needs=N("prototype"), hardware="amd"), {"ollama"}),
    ("agentic on a Mac, 5 users", Answers(needs=N("agentic"), hardware="apple", users=5), {"sglang"}),
    ("tight budget at 50 users", Answers(needs=N("tight-budget"), users=50), {"llama.cpp"}),
    ("can't afford GPUs, NVIDIA, 500 users", Answers(budget="no-gpu", hardware="nvidia", users=500), {"llama.cpp"}),
    ("... and a dedicated team", Answers(budget="no-gpu", hardware="nvidia", users=500, time="dedicated-team"), {"llama.cpp"}),
    ("prototype today on a CPU", Answers(needs=N("prototype"), time="today", hardware="cpu"), {"ollama"}),
    ("agentic on AMD with 500 users", Answers(needs=N("agentic"), hardware="amd", users=500), {"sglang"}),
    ("Hugging Face and agentic", Answers(needs=N("hf-ecosystem", "agentic"), hardware="nvidia"), {"sglang"}),
    ("Hugging Face, a week, 50 users", Answers(needs=N("hf-ecosystem"), time="week", users=50), {"vllm", "sglang"}),
    ("data sovereignty, cluster, 200 users", Answers(needs=N("data-sovereignty"), budget="cluster", users=200, hardware="nvidia"), {"vllm"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("statement", "answers", "expected"), STATEMENTS, ids=[s[0] for s in STATEMENTS]
)
def test_each_guide_statement_gives_the_guides_framework(
    data: DecisionData, statement: str, answers: Answers, expected: set[str]
) -> None:
    rec = recommend(data, answers)
    assert rec.top.id in expected, (statement, eligible(rec))  # fmt: skip


@pytest.mark.parametrize(
    ("case", "answers", "expected"), COMBINATIONS, ids=[c[0] for c in COMBINATIONS]
)
def test_combined_statements_put_the_explicit_need_first(
    data: DecisionData, case: str, answers: Answers, expected: set[str]
) -> None:
    rec = recommend(data, answers)
    assert rec.top.id in expected, (case, eligible(rec))
    assert rec.top.placement.step == "explicit need"


@pytest.mark.parametrize(
    ("answers", "both"),
    [
        (Answers(needs=N("edge", "prototype")), {"llama.cpp", "ollama"}),
        (Answers(needs=N("data-sovereignty", "tight-budget"), users=50), {"vllm", "llama.cpp"}),
        (Answers(needs=N("agentic"), budget="no-gpu"), {"sglang", "llama.cpp"}),
    ],
)
def test_two_needs_for_different_frameworks_are_said_and_both_shown(
    data: DecisionData, answers: Answers, both: set[str]
) -> None:
    rec = recommend(data, answers)
    assert set(eligible(rec)[:2]) == both
    assert rec.clashes and "Your needs point to different frameworks" in rec.clashes[0]


def test_100_plus_on_nvidia_shows_the_guides_contradiction(data: DecisionData) -> None:
    rec = recommend(data, Answers(users=150, hardware="nvidia"))
    note = next(n for n in rec.guide_notes if "C10" in n.evidence)
    assert "TensorRT-LLM (matrix) or vLLM (Quick Answer, FAQ)" in note.text
    assert "line 233" in data.evidence_tooltip("C10")


def test_gpu_rental_budgets_show_the_guides_price_contradictions(data: DecisionData) -> None:
    rec = recommend(data, Answers(budget="cluster", hardware="nvidia"))
    shown = {e for n in rec.guide_notes for e in n.evidence}
    assert {"C11", "C12", "C13"} <= shown
    assert "$2,000-2,963" in data.evidence_tooltip("C11")
    assert not {"C11", "C12", "C13"} & {
        e for n in recommend(data, Answers(budget="no-gpu")).guide_notes for e in n.evidence
    }


def test_tensorrt_setup_follows_the_current_workflow_with_the_guides_beside(
    data: DecisionData,
) -> None:
    rec = recommend(data, Answers(hardware="nvidia"))
    setup = rec.scores["setup", "tensorrt-llm"]
    assert setup.value == 3  # installs from pip and serves a checkpoint; the guide's 1-2 weeks = 1
    assert "no engine build" in setup.explanation and "1–2 weeks" in setup.explanation
    assert "F:tensorrt-llm:setup_workflow" in setup.evidence and "G034" in setup.evidence
    assert "2026-12-02" in data.evidence_tooltip("F:tensorrt-llm:setup_workflow")


def test_sglang_on_apple_is_experimental_and_lmdeploy_mlc_on_cpu_unknown(
    data: DecisionData,
) -> None:
    mac = recommend(data, Answers(hardware="apple", needs=N("agentic")))
    sglang = next(r for r in mac.ranking if r.id == "sglang")
    assert any("experimental: build from source" in f for f in sglang.flags)
    cpu = recommend(data, Answers(hardware="cpu"))
    for fid in ("lmdeploy", "mlc-llm"):
        text = cpu.scores["hardware", fid].explanation
        assert "unknown" in text and "limited" not in text.lower(), text
        assert not next(r for r in cpu.ranking if r.id == fid).excluded
