"""The scenario a report embeds: the Costs view's scenario file, extended with the rest.

A report scenario IS a cost scenario (same `format` and `version`, same `inputs`), so the
Costs view's Open scenario… reads it (File → Open scenario or report… reads all of
it); the extra top-level keys carry the Decide answers,
custom weights, planned hardware and the data the answer was computed from. A plain cost
scenario is a report scenario with every answer left unset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from desktop_app.domain.cost.inputs import (
    CostInputs,
    ScenarioError,
    scenario_from_dict,
    scenario_to_dict,
)
from desktop_app.domain.decide.guide import Answers

THIS_MACHINE = "this machine"


@dataclass(frozen=True)
class PlannedHardware:
    """The hardware the answer is for: this machine, N catalogue GPUs or N CPU cores."""

    gpu: str | None = None
    count: int = 1
    cpu_cores: int | None = None

    @property
    def is_this_machine(self) -> bool:
        """True when the report is for the machine it is made on."""
        return self.gpu is None and self.cpu_cores is None

    def to_dict(self) -> dict[str, Any] | str:
        """ "this machine", {"gpu": name, "count": n} or {"cpu_cores": n}."""
        if self.gpu is not None:
            return {"gpu": self.gpu, "count": self.count}
        if self.cpu_cores is not None:
            return {"cpu_cores": self.cpu_cores}
        return THIS_MACHINE


@dataclass(frozen=True)
class ReportScenario:
    """Everything needed to compute the same answer again."""

    answers: Answers = field(default_factory=Answers)
    cost: CostInputs = field(default_factory=CostInputs)
    weights: Mapping[str, int] | None = None  # None: the answers' default weights
    hardware: PlannedHardware = field(default_factory=PlannedHardware)
    data: str = ""  # the data the answer used: bundled data version or data pack label


def scenario_to_json(scenario: ReportScenario) -> dict[str, Any]:
    """The JSON document: a cost scenario plus `decide`, `hardware` and `data`."""
    a = scenario.answers
    doc = scenario_to_dict(scenario.cost)
    doc["decide"] = {
        "budget": a.budget,
        "time": a.time,
        "users": a.users,
        "hardware": a.hardware,
        "needs": sorted(a.needs),
        "rows": sorted(a.rows),
        "weights": None if scenario.weights is None else dict(scenario.weights),
    }
    doc["hardware"] = scenario.hardware.to_dict()
    doc["data"] = scenario.data
    return doc


def _text_or_none(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ScenarioError(f"The scenario's “{name}” is not text.")


def _strings(value: Any, name: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioError(f"The scenario's “{name}” list is damaged.")
    return frozenset(value)


def _whole(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScenarioError(f"The scenario's “{name}” is not a whole number.")
    return value


def _answers(raw: Any) -> tuple[Answers, dict[str, int] | None]:
    if raw is None:
        return Answers(), None
    if not isinstance(raw, dict):
        raise ScenarioError("The scenario's answers are damaged.")
    weights = raw.get("weights")
    if weights is not None and (
        not isinstance(weights, dict)
        or not all(isinstance(k, str) and _whole(v, k) is not None for k, v in weights.items())
    ):
        raise ScenarioError("The scenario's weights are damaged.")
    try:
        answers = Answers(
            budget=_text_or_none(raw.get("budget"), "budget"),
            time=_text_or_none(raw.get("time"), "time"),
            users=_whole(raw.get("users"), "users"),
            hardware=_text_or_none(raw.get("hardware"), "hardware") or "auto",
            needs=_strings(raw.get("needs"), "needs"),
            rows=_strings(raw.get("rows"), "rows"),
        )
    except ValueError as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError(
            f"The scenario has an answer this version does not know: {exc}."
        ) from exc
    return answers, weights


def _hardware(raw: Any) -> PlannedHardware:
    if raw is None or raw == THIS_MACHINE:
        return PlannedHardware()
    if isinstance(raw, dict) and isinstance(raw.get("gpu"), str):
        count = _whole(raw.get("count", 1), "count")
        if count is None or count < 1:
            raise ScenarioError("The scenario's planned GPU count must be at least 1.")
        return PlannedHardware(gpu=raw["gpu"], count=count)
    if isinstance(raw, dict) and "cpu_cores" in raw:
        cores = _whole(raw.get("cpu_cores"), "cpu_cores")
        if cores is None or cores < 1:
            raise ScenarioError("The scenario's planned CPU cores must be at least 1.")
        return PlannedHardware(cpu_cores=cores)
    raise ScenarioError("The scenario's hardware is damaged.")


def scenario_from_json(doc: Any) -> ReportScenario:
    """A scenario from its document (a plain cost scenario works too); ScenarioError if not."""
    cost = scenario_from_dict(doc)  # checks the format, the version and the cost inputs
    answers, weights = _answers(doc.get("decide"))
    data = doc.get("data", "")
    return ReportScenario(
        answers=answers,
        cost=cost,
        weights=weights,
        hardware=_hardware(doc.get("hardware")),
        data=data if isinstance(data, str) else "",
    )
