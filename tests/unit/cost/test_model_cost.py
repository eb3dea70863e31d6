"""Costs for the user's model: GPUs from the fit, $/1M tokens, dates and the bottom line."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain.cost.age import age_of
from desktop_app.domain.cost.calculator import calculate
from desktop_app.domain.cost.inputs import CostInputs, Workload
from desktop_app.domain.cost.model_cost import (
    ModelCostInputs,
    cost_model,
    default_frameworks,
    per_million,
)
from desktop_app.domain.cost.sizing import measured_throughput, replica_for
from desktop_app.domain.fit.estimate import catalogue_shape

MODELS = [
    "Llama-3.2-1B(-Instruct)",
    "Llama-3.1-8B(-Instruct)",
    "Qwen2.5-32B(-Instruct)",
    "Llama-3.1-70B(-Instruct)",
]


def _shape(store, name: str, quant: str = "Q4_K_M"):  # type: ignore[no-untyped-def]
    arch = next(a for a in store.model_archs() if a.model == name)
    return catalogue_shape(arch, quant)


def _result(store, users: float, model: str, quant: str = "Q4_K_M", region: str = "in", **kw):  # type: ignore[no-untyped-def]
    w = Workload(kind="users", users=users)
    base = calculate(store, CostInputs(region=region, workload=w, frameworks=("vllm",)))
    return cost_model(store, base, ModelCostInputs(shape=_shape(store, model, quant), **kw))


def test_50_users_in_india_gets_a_bottom_line_in_lakh_with_the_cpu_option(bundled_store) -> None:  # type: ignore[no-untyped-def]
    w = Workload(kind="users", users=50)
    fws = default_frameworks(w.peak_rps())
    assert "llama.cpp" in fws and "tgi" not in fws
    base = calculate(bundled_store, CostInputs(region="in", workload=w, frameworks=fws))
    r = cost_model(bundled_store, base, ModelCostInputs(shape=_shape(bundled_store, MODELS[1])))
    assert r.bottom_line.startswith("For 50 users in India: about ₹")
    assert "lakh a month on 1 rented A100" in r.bottom_line
    assert "CPU-only with llama.cpp" in r.bottom_line


def test_a_model_too_big_for_one_gpu_is_split_and_never_priced_on_one(bundled_store) -> None:  # type: ignore[no-untyped-def]
    r = _result(bundled_store, 50, MODELS[3], "F16")
    row = r.rows[0]
    assert row.sizing.replica.gpus == 2
    assert row.sizing.gpus_low is not None and row.sizing.gpus_low >= 2
    assert "tensor-parallel over 2" in row.sizing.replica.note


def test_the_guide_figure_is_used_with_a_visible_caveat(bundled_store) -> None:  # type: ignore[no-untyped-def]
    row = _result(bundled_store, 50, MODELS[1]).rows[0]
    assert row.sizing.throughput is not None and row.sizing.throughput.kind == "guide"
    assert any("no particular model" in n for n in row.notes)


def test_a_measured_run_replaces_the_guide_figure(bundled_store) -> None:  # type: ignore[no-untyped-def]
    run = measured_throughput(
        500.0, output_tokens_per_request=250, source="bench run 7", observed="2026-12-01"
    )
    row = _result(bundled_store, 500, MODELS[1], measured={"vllm": run}).rows[0]
    assert row.sizing.throughput is run
    assert row.sizing.gpus_low == 9  # 500 users × 2/min ÷ 60 = 16.7 req/s ÷ 2 req/s per replica
    assert not row.notes


def test_cost_per_million_follows_the_formula_and_divides_by_utilisation() -> None:
    # $2/h (1,460 a month) at 2,000 tok/s: $0.28 per 1M at 100%, $1.39 at 20%
    monthly = (2.0 * 730, 2.0 * 730)
    full, _ = per_million(monthly, (2000, 2000), (0, 1), 1.0)
    fifth, _ = per_million(monthly, (2000, 2000), (0, 1), 0.2)
    assert full is not None and fifth is not None
    assert full[0] == pytest.approx(0.2778, abs=1e-4)
    assert fifth[0] == pytest.approx(1.3889, abs=1e-4)


def test_utilisation_is_shown_and_break_even_against_an_api(bundled_store) -> None:  # type: ignore[no-untyped-def]
    row = _result(bundled_store, 5000, MODELS[1], api_price_per_million=50.0).rows[0]
    assert row.per_million.utilisation is not None and 0 < row.per_million.utilisation <= 1
    assert "from your traffic" in row.per_million.utilisation_note
    assert row.monthly is not None and row.break_even_tokens is not None
    assert row.break_even_tokens[0] == pytest.approx(row.monthly[0] / 50.0 * 1e6)


def test_owned_cost_adds_energy_only_when_a_kwh_price_is_given(bundled_store) -> None:  # type: ignore[no-untyped-def]
    without = _result(bundled_store, 50, MODELS[1]).rows[0]
    with_e = _result(bundled_store, 50, MODELS[1], kwh_price=10.0).rows[0]
    assert without.owned_monthly and with_e.owned_monthly
    assert "energy not included" in without.owned_note
    # A100 80GB: 400 W × 730 h × ₹10/kWh = ₹2,920 more a month per GPU
    assert with_e.owned_monthly[0] - without.owned_monthly[0] == pytest.approx(2920.0)


@settings(max_examples=25, deadline=None)
@given(a=st.integers(1, 20_000), b=st.integers(1, 20_000))
def test_more_users_never_cost_less(bundled_store, a: int, b: int) -> None:  # type: ignore[no-untyped-def]
    lo, hi = sorted((a, b))
    r1 = _result(bundled_store, lo, MODELS[1]).rows[0]
    r2 = _result(bundled_store, hi, MODELS[1]).rows[0]
    assert r1.monthly is not None and r2.monthly is not None
    assert r2.monthly[0] >= r1.monthly[0] and r2.monthly[1] >= r1.monthly[1]


@settings(max_examples=25, deadline=None)
@given(
    i=st.integers(0, 3),
    j=st.integers(0, 3),
    ctx=st.sampled_from([2048, 8192, 32768]),
    conc=st.integers(1, 64),
    mem=st.sampled_from([24.0, 40.0, 80.0, 141.0]),
)
def test_a_bigger_model_never_needs_fewer_gpus_and_never_one_it_does_not_fit(
    bundled_store,
    i: int,
    j: int,
    ctx: int,
    conc: int,
    mem: float,  # type: ignore[no-untyped-def]
) -> None:
    small, big = sorted((i, j))
    rs = replica_for(_shape(bundled_store, MODELS[small]), ctx, conc, mem)
    rb = replica_for(_shape(bundled_store, MODELS[big]), ctx, conc, mem)
    for r in (rs, rb):
        if r.gpus is not None:
            assert r.total_bytes / r.gpus <= r.gpu_bytes  # never priced on GPUs it overflows
    if rb.gpus is not None:
        assert rs.gpus is not None and rb.gpus >= rs.gpus


def test_prices_show_their_observed_age_and_a_stale_mark() -> None:
    today = date(2026, 12, 1)
    assert age_of("2026-03-06", today).stale  # nine months old
    assert not age_of("2026-10-01", today).stale
    assert age_of("", today).stale and "unknown" in age_of("", today).text
    assert age_of("before 2025-06", today).stale
    assert "months ago" in age_of("2026-03-06", today).text


def test_the_default_rate_is_the_newest_sourced_one_and_the_guide_rate_stays_the_guides(
    bundled_store,
) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.domain.cost.prices import guide_fx_quote

    base = calculate(bundled_store, CostInputs(region="in", frameworks=("vllm",)))
    assert base.fx is not None and base.fx.refs == ("X007",) and base.fx.observed == "2026-03-06"
    guide = guide_fx_quote(bundled_store, "INR")
    assert guide is not None and guide.low == 83.33 and "guide" in guide.label
    sg = calculate(bundled_store, replace(base.inputs, region="sg"))
    assert sg.fx is not None and sg.fx.low == 1.2684


def test_aws_rows_from_before_the_june_2025_cut_are_marked(bundled_store) -> None:  # type: ignore[no-untyped-def]
    p4d = next(p for p in bundled_store.cloud_prices() if p.id == "P007")
    assert p4d.observed == "before 2025-06" and "June 2025" in p4d.note
    assert age_of(p4d.observed, date(2026, 12, 1)).stale
