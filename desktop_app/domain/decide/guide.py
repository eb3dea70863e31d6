"""The guide's advice as data: the answers to its four questions and what each one points to.

The guide ("How to actually choose", the Quick Decision Matrix, the Quick Answer and the
FAQ) names frameworks for each answer. Each such statement is a `GuideStatement` with the
ids of the matrix rows or figures it comes from, so the ranking can cite it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

BUDGETS: tuple[str, ...] = ("no-gpu", "one-or-two-gpus", "cluster")
TIMES: tuple[str, ...] = ("today", "week", "dedicated-team")
HARDWARE: tuple[str, ...] = ("deployment", "nvidia", "amd", "apple", "cpu", "auto")
NEEDS: tuple[str, ...] = (
    "prototype",
    "hf-ecosystem",
    "agentic",
    "data-sovereignty",
    "edge",
    "tight-budget",
)

BUDGET_LABELS: Mapping[str, str] = {
    "no-gpu": "Can't afford GPUs",
    "one-or-two-gpus": "One or two GPUs",
    "cluster": "A GPU cluster",
}
TIME_LABELS: Mapping[str, str] = {
    "today": "Need it running today",
    "week": "Have a week",
    "dedicated-team": "Dedicated ML-infrastructure team",
}
HARDWARE_LABELS: Mapping[str, str] = {
    "deployment": "Deployment: not set",
    "nvidia": "NVIDIA GPUs",
    "amd": "AMD or other non-NVIDIA GPUs",
    "apple": "Apple silicon",
    "cpu": "CPU only",
    "auto": "This machine",
}
NEED_LABELS: Mapping[str, str] = {
    "prototype": "Prototyping / learning",
    "hf-ecosystem": "Hugging Face ecosystem",
    "agentic": "Agentic / multi-step workflows",
    "data-sovereignty": "Data sovereignty",
    "edge": "Edge or offline devices",
    "tight-budget": "Tight budget, moderate traffic",
}

GUIDE = "Guide: Choosing an LLM inference framework (2025)"


@dataclass(frozen=True)
class Answers:
    """What the user told us; None means "not answered"."""

    budget: str | None = None
    time: str | None = None
    users: int | None = None
    hardware: str = "deployment"  # where the model will be served; "auto" = this machine
    needs: frozenset[str] = field(default_factory=frozenset)
    rows: frozenset[str] = field(default_factory=frozenset)  # matrix rows ticked by hand

    def __post_init__(self) -> None:
        for value, valid, name in (
            (self.budget, BUDGETS, "budget"),
            (self.time, TIMES, "time"),
            (self.hardware, HARDWARE, "hardware"),
        ):
            if value is not None and value not in valid:
                raise ValueError(f"{name} must be one of {', '.join(valid)}; got {value!r}")
        unknown = set(self.needs) - set(NEEDS)
        if unknown:
            raise ValueError(f"unknown need {sorted(unknown)[0]!r}; valid: {', '.join(NEEDS)}")
        if self.users is not None and self.users < 1:
            raise ValueError("users must be a whole number of at least 1")

    @property
    def scale(self) -> str | None:
        """The guide's scale band: "personal" (1-10), "small" (10-100), "enterprise" (100+)."""
        if self.users is None:
            return None
        if self.users < 10:
            return "personal"
        if self.users < 100:
            return "small"
        return "enterprise"


@dataclass(frozen=True)
class GuideStatement:
    """One thing the guide says for these answers: which frameworks it points to, and where."""

    text: str
    frameworks: tuple[str, ...]
    evidence: tuple[str, ...]


def derived_rows(answers: Answers, hardware_class: str) -> dict[str, str]:
    """Matrix rows that the answers tick, each with the answer that ticks it."""
    rows: dict[str, str] = {}
    if answers.budget == "no-gpu":
        rows["M1"] = "budget: can't afford GPUs"
    elif hardware_class == "cpu":
        rows["M1"] = "hardware: no GPU"
    if "prototype" in answers.needs:
        rows["M2"] = "special need: prototyping"
    if answers.scale == "small":
        rows["M3"] = f"scale: {answers.users} users"
    if answers.scale == "enterprise" and hardware_class == "nvidia":
        rows["M4"] = f"scale: {answers.users} users on NVIDIA GPUs"
    if "hf-ecosystem" in answers.needs:
        rows["M5"] = "special need: Hugging Face ecosystem"
    if "agentic" in answers.needs:
        rows["M6"] = "special need: agentic workflows"
    if "tight-budget" in answers.needs:
        rows["M7"] = "special need: tight budget"
    if "data-sovereignty" in answers.needs:
        rows["M8"] = "special need: data sovereignty"
    return rows


def _names(ids: Iterable[str], names: Mapping[str, str]) -> str:
    items = [names.get(i, i) for i in ids]
    return " or ".join(items)


def guide_statements(
    answers: Answers,
    hardware_class: str,
    big_nvidia: bool,
    matrix: Iterable[tuple[str, str, tuple[str, ...]]],
    names: Mapping[str, str],
) -> list[GuideStatement]:
    """Everything the guide recommends for these answers (matrix rows first, then questions).

    `matrix` is (row id, constraint, frameworks); `big_nvidia` is True when the profile's GPU
    is an A100/H100-class card (the guide's Question 4 singles those out).
    """
    out: list[GuideStatement] = []
    ticked = set(derived_rows(answers, hardware_class)) | set(answers.rows)
    for row_id, constraint, fws in matrix:
        if row_id in ticked:
            out.append(
                GuideStatement(
                    f"The matrix row “{constraint}” → {_names(fws, names)}", fws, (row_id,)
                )
            )

    def q(text: str, fws: tuple[str, ...], *evidence: str) -> None:
        out.append(GuideStatement(f"{text} → {_names(fws, names)}", fws, evidence))

    if answers.budget == "no-gpu":
        q("Question 1, can't afford GPUs", ("llama.cpp",), "Q1")
    elif answers.budget == "one-or-two-gpus":
        q("Question 1, one or two GPUs", ("vllm", "tgi"), "G104")
    elif answers.budget == "cluster":
        q("Question 1, a GPU cluster (5+ GPUs)", ("tensorrt-llm",), "G105", "G106")
    if answers.time == "today":
        q("Question 2, running today", ("ollama",), "G108")
    elif answers.time == "week":
        q("Question 2, a week", ("vllm", "tgi"), "G109")
    elif answers.time == "dedicated-team":
        q("Question 2, dedicated ML-infrastructure engineers", ("tensorrt-llm",), "Q2")
    if answers.scale == "personal":
        q("Question 3, 1-10 users", ("ollama", "llama.cpp"), "G110")
    elif answers.scale == "small":
        q("Question 3, 10-100 concurrent users", ("vllm", "tgi"), "G111")
    elif answers.scale == "enterprise":
        q("Question 3, 100+ concurrent users", ("vllm", "tensorrt-llm"), "G112")
        q("FAQ, production scale (100+ users)", ("vllm",), "G147")
    if hardware_class == "nvidia" and big_nvidia and answers.time == "dedicated-team":
        q("Question 4, A100/H100 and time to tune", ("tensorrt-llm",), "Q4")
    elif hardware_class == "amd":
        q("Question 4, AMD or non-NVIDIA GPUs", ("vllm",), "Q4")
    elif hardware_class == "cpu":
        q("Question 4, CPU only", ("llama.cpp",), "Q4")
    elif hardware_class == "apple":
        q("Guide example E3, a MacBook Pro", ("ollama",), "E3")
    if "edge" in answers.needs:
        q("Quick Answer and FAQ, edge devices", ("llama.cpp",), "QA")
    if not out:
        q(
            "Practical Recommendations, no constraints given yet: start by prototyping",
            ("ollama",),
            "PR",
        )
    return out


# Guide passages that have no figure of their own in the store: cited by these ids.
GUIDE_PASSAGES: Mapping[str, str] = {
    "Q1": "How to Actually Choose > Question 1: “Can't afford GPUs at all: llama.cpp is your "
    "path.”",
    "Q2": "How to Actually Choose > Question 2: “Have dedicated ML infrastructure engineers: "
    "TensorRT-LLM becomes viable.”",
    "Q4": "How to Actually Choose > Question 4: NVIDIA (A100/H100 with time) → TensorRT-LLM; "
    "AMD or non-NVIDIA → vLLM; CPU only → llama.cpp.",
    "PR": "Practical Recommendations > Start with Ollama for Prototyping: “Unless you have "
    "unusual constraints, begin with Ollama.”",
    "QA": "What You Need to Know > Quick Answer and FAQ: “Choose llama.cpp if you don't have "
    "access to GPUs or need to deploy on edge devices.”",
}
