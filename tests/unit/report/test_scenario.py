"""The scenario a report embeds: a cost scenario the Costs view opens, plus the answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.domain.cost.inputs import CostInputs, ScenarioError, Workload, scenario_to_dict
from desktop_app.domain.decide.guide import Answers
from desktop_app.domain.report.model import default_page_size
from desktop_app.domain.report.scenario import (
    PlannedHardware,
    ReportScenario,
    scenario_from_json,
    scenario_to_json,
)
from desktop_app.services.cost import load_scenario

SCENARIO = ReportScenario(
    answers=Answers(
        budget="one-or-two-gpus",
        time="week",
        users=500,
        hardware="nvidia",
        needs=frozenset({"data-sovereignty", "agentic"}),
    ),
    cost=CostInputs(region="in", workload=Workload(kind="users", users=500.0)),
    weights={"guide": 7, "cost": 1},
    hardware=PlannedHardware(gpu="A100 80GB (SXM4)", count=2),
    data="data bundled with Inference Navigator 0.1.0",
)


def test_a_scenario_round_trips_through_json_text() -> None:
    text = json.dumps(scenario_to_json(SCENARIO))
    assert scenario_from_json(json.loads(text)) == SCENARIO


def test_the_costs_view_opens_a_report_scenario(tmp_path: Path) -> None:
    path = tmp_path / "from-report.json"
    path.write_text(json.dumps(scenario_to_json(SCENARIO)), encoding="utf-8")
    assert load_scenario(path) == SCENARIO.cost  # the Costs view's own reader


def test_a_plain_cost_scenario_is_a_report_scenario_with_nothing_answered() -> None:
    got = scenario_from_json(scenario_to_dict(SCENARIO.cost))
    assert got.answers == Answers() and got.cost == SCENARIO.cost
    assert got.hardware.is_this_machine and got.weights is None


@pytest.mark.parametrize(
    ("decide", "words"),
    [
        ({"budget": "a-yacht"}, "answer this version does not know"),
        ({"needs": "edge"}, "needs"),
        ({"users": "many"}, "users"),
        ({"weights": {"guide": "high"}}, "“guide” is not a whole number"),
    ],
)
def test_a_damaged_answer_is_one_sentence(decide: dict[str, object], words: str) -> None:
    doc = scenario_to_json(SCENARIO)
    doc["decide"] = decide
    with pytest.raises(ScenarioError) as err:
        scenario_from_json(doc)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_a_damaged_planned_machine_is_refused() -> None:
    doc = scenario_to_json(SCENARIO)
    doc["hardware"] = {"gpu": "A100", "count": 0}
    with pytest.raises(ScenarioError, match="at least 1"):
        scenario_from_json(doc)


@pytest.mark.parametrize(
    ("territory", "size"), [("US", "letter"), ("CA", "letter"), ("DE", "a4"), ("IN", "a4")]
)
def test_paper_follows_the_locale(territory: str, size: str) -> None:
    assert default_page_size(territory) == size
