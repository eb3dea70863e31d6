"""The report's content, gathered through the features' own functions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop_app.domain.decide.data import decision_data
from desktop_app.domain.decide.guide import Answers
from desktop_app.domain.decide.rank import recommend
from desktop_app.domain.hardware.plan import planned_cpu_profile
from desktop_app.domain.report.scenario import PlannedHardware, ReportScenario
from desktop_app.domain.trial.metrics import TrialMetrics
from desktop_app.domain.trial.record import Trial
from desktop_app.services.report.build import build_report
from desktop_app.services.report.gather import gather, planned_profile
from desktop_app.storage.user.store import UserStore

NVIDIA = ReportScenario(
    answers=Answers(budget="one-or-two-gpus", time="week", users=500, hardware="nvidia"),
    hardware=PlannedHardware(gpu="A100 80GB (SXM4)", count=2),
)


def _report(store, scenario=NVIDIA, **kw):  # type: ignore[no-untyped-def]
    profile = planned_profile(store, scenario.hardware)
    return build_report(store, scenario, profile, today=date(2026, 12, 2), **kw)


def test_the_headline_is_the_decide_ranking(bundled_store) -> None:  # type: ignore[no-untyped-def]
    report = _report(bundled_store)
    profile = planned_profile(bundled_store, NVIDIA.hardware)
    top = recommend(decision_data(bundled_store), NVIDIA.answers, profile).top
    assert report.headline.startswith(f"Recommended: {top.name} — {top.score:.2f} / 5")
    assert report.reasons and all(r.sources for r in report.reasons if "ahead of" in r.text)
    assert report.ranking.rows[0][1].text == top.name


def test_every_cited_id_has_a_source_with_a_date(bundled_store) -> None:  # type: ignore[no-untyped-def]
    report = _report(bundled_store)
    listed = {s.id: s.text for s in report.sources}
    assert set(report.cited_ids()) == set(listed)
    assert len(listed) > 10
    undated = [
        sid
        for sid, text in listed.items()
        if not any(
            w in text for w in ("Retrieved", "retrieved", "Observed", "observed", "Copied into")
        )
    ]
    assert not undated, undated
    assert not [sid for sid, text in listed.items() if "not in the store" in text]


def test_costs_are_in_the_chosen_currency_with_the_oldest_price(bundled_store) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from desktop_app.domain.cost.inputs import CostInputs

    report = _report(bundled_store, replace(NVIDIA, cost=CostInputs(region="in")))
    assert "₹" in report.cost_bottom_line and "INR" in report.cost_bottom_line
    assert report.cost_table.rows and "₹" in report.cost_table.rows[0][2].text
    assert report.freshness.text.startswith("Oldest price used:")
    assert report.freshness.sources or "unknown" in report.freshness.text
    assert {c.key for c in report.charts} == {"monthly-cost", "cumulative-cost"}


def test_cpu_only_excludes_gpu_frameworks_and_says_why(bundled_store) -> None:  # type: ignore[no-untyped-def]
    scenario = ReportScenario(
        answers=Answers(hardware="cpu"), hardware=PlannedHardware(cpu_cores=8)
    )
    report = build_report(bundled_store, scenario, planned_cpu_profile(8))
    assert report.excluded, "a CPU-only machine excludes the GPU-only frameworks"
    assert all(":" in e.text for e in report.excluded)
    names = [r[1].text for r in report.ranking.rows if r[3].text.startswith("excluded")]
    assert len(names) == len(report.excluded)


def test_measured_trials_come_from_the_user_store(bundled_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    user = UserStore(tmp_path / "user.sqlite")
    try:
        metrics = TrialMetrics(120.0, 900.0, 64, False, 87.5, 12, 400.0, None)
        user.add_trial(
            Trial(
                engine="llama.cpp",
                engine_version="b6000",
                model="gemma-3-270m",
                metrics=metrics,
                hardware={"label": "This machine"},
            )
        )
        report = gather(bundled_store, user, NVIDIA, None)
    finally:
        user.close()
    (row,) = report.trials.rows
    assert row[2].text == "gemma-3-270m" and row[4].text == "87.5 tok/s"
    assert row[4].sources[0] in {s.id for s in report.sources}
    assert report.bench.rows == ()  # none kept: the table says so instead
    assert "No benchmark runs" in report.bench.empty
