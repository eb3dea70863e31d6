"""Scenario files: save, open, and clear messages for newer, older and damaged files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.domain.cost.inputs import (
    SCENARIO_VERSION,
    CostInputs,
    CustomRegion,
    ScenarioError,
    Workload,
)
from desktop_app.domain.cost.overrides import PriceKey
from desktop_app.services.cost import (
    cost_overrides,
    load_scenario,
    reset_cost_overrides,
    save_scenario,
    set_cost_override,
)
from desktop_app.storage.user.store import UserStore


def test_round_trip_keeps_every_input(tmp_path: Path) -> None:
    inputs = CostInputs(
        region="custom",
        custom=CustomRegion("Berlin", "EUR", "de_DE", 0.92, 110),
        workload=Workload(kind="daily", queries_per_day=50_000, peak_factor=4),
        frameworks=("vllm", "ollama"),
        gpu="H100 SXM 80GB",
        basis="reserved",
        discount_pct=30,
        months=24,
        gpu_month_price=3000,
    )
    path = tmp_path / "workshop.json"
    save_scenario(path, inputs)
    assert json.loads(path.read_text())["version"] == SCENARIO_VERSION
    assert load_scenario(path) == inputs


def _write(tmp_path: Path, doc: object) -> Path:
    path = tmp_path / "s.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"format": "infernav-cost-scenario", "version": 99, "inputs": {}}, "newer version"),
        ({"format": "infernav-cost-scenario", "version": 0, "inputs": {}}, "old format"),
        ('{"format": "infernav-cost-scenario", "vers', "not valid JSON"),
        ({"hello": 1}, "not an Inference Navigator cost scenario"),
        ({"format": "infernav-cost-scenario", "version": 1}, "no inputs"),
        (
            {"format": "infernav-cost-scenario", "version": 1, "inputs": {"months": "twelve"}},
            "not a number",
        ),
        (
            {
                "format": "infernav-cost-scenario",
                "version": 1,
                "inputs": {"workload": {"load_rps": -3}},
            },
            "more than 0",
        ),
    ],
)
def test_bad_files_get_a_clear_message(tmp_path: Path, doc: object, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(_write(tmp_path, doc))


def test_missing_file_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="Could not read"):
        load_scenario(tmp_path / "nope.json")


def test_user_prices_persist_and_reset_to_bundled(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "user.sqlite")
    set_cost_override(store, PriceKey.fx("INR"), 86.5, "INR per USD")
    store.set_user_price("other:thing", 1, "x")
    reopened = UserStore(tmp_path / "user.sqlite")
    assert reopened.user_prices()["cost:fx:INR"].value == 86.5  # the stored string
    assert cost_overrides(reopened) == {PriceKey.fx("INR"): 86.5}
    reset_cost_overrides(reopened)
    assert cost_overrides(reopened) == {}
    assert "other:thing" in reopened.user_prices()  # other features' prices are kept


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

positive = st.floats(min_value=0.01, max_value=1e5, allow_nan=False)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    region=st.sampled_from(["us", "sg", "in"]),
    rps=positive,
    months=st.integers(1, 120),
    price=st.one_of(st.none(), positive),
    frameworks=st.lists(
        st.sampled_from(["vllm", "ollama", "tgi", "sglang"]), min_size=1, max_size=4, unique=True
    ),
)
def test_any_valid_scenario_survives_a_round_trip(
    tmp_path: Path,
    region: str,
    rps: float,
    months: int,
    price: float | None,
    frameworks: list[str],
) -> None:
    inputs = CostInputs(
        region=region,
        workload=Workload(load_rps=rps),
        months=months,
        frameworks=tuple(frameworks),
        gpu_month_price=price,
        basis="user" if price else "cloud",
    )
    path = tmp_path / "s.json"
    save_scenario(path, inputs)
    assert load_scenario(path) == inputs
