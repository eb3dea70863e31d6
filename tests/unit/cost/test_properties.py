"""Property tests over the calculator: no crash, monotonic, no overflowed currency strings."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.domain.cost.calculator import calculate
from desktop_app.domain.cost.inputs import CostInputs, InputError, Workload
from desktop_app.domain.money import MoneyError, format_money_range

FRAMEWORKS = ("vllm", "tensorrt-llm", "ollama", "llama.cpp", "tgi", "sglang")
loads = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False)
anything = st.one_of(st.floats(), st.integers(min_value=-(10**30), max_value=10**30))
prices = st.one_of(st.none(), st.floats(min_value=1, max_value=1e9))
regions = st.sampled_from(["us", "sg", "in"])
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _shown(result) -> list[str]:  # type: ignore[no-untyped-def]
    cur, loc = result.region.currency, result.region.locale
    out = []
    for fc in result.frameworks:
        for span in (fc.monthly, fc.setup, fc.total, fc.purchase):
            out.append(format_money_range(*(span or (None, None)), cur, loc, lakh=True))
    return out


@SETTINGS
@given(rps=loads, region=regions, price=prices, months=st.integers(1, 120))
def test_valid_inputs_never_crash_nor_overflow(bundled_store, rps, region, price, months) -> None:  # type: ignore[no-untyped-def]
    inputs = CostInputs(
        region=region,
        workload=Workload(load_rps=rps),
        frameworks=FRAMEWORKS,
        basis="user" if price else "cloud",
        gpu_month_price=price,
        months=months,
    )
    result = calculate(bundled_store, inputs)
    for text in _shown(result):
        assert "nan" not in text.lower() and "inf" not in text.lower()
        assert "e+" not in text and len(text) < 60, text
    for fc in result.frameworks:
        if fc.gpus_conservative is not None:
            assert fc.gpus_conservative >= fc.gpus_optimistic >= 1  # type: ignore[operator]


@SETTINGS
@given(a=loads, b=loads, region=regions)
def test_more_load_never_needs_fewer_gpus_or_costs_less(bundled_store, a, b, region) -> None:  # type: ignore[no-untyped-def]
    lo, hi = sorted((a, b))
    r_lo = calculate(
        bundled_store,
        CostInputs(region=region, workload=Workload(load_rps=lo), frameworks=FRAMEWORKS),
    )
    r_hi = calculate(
        bundled_store,
        CostInputs(region=region, workload=Workload(load_rps=hi), frameworks=FRAMEWORKS),
    )
    for x, y in zip(r_lo.frameworks, r_hi.frameworks, strict=True):
        if x.gpus_conservative is None:
            assert y.gpus_conservative is None
            continue
        assert y.gpus_conservative >= x.gpus_conservative  # type: ignore[operator]
        assert y.gpus_optimistic >= x.gpus_optimistic  # type: ignore[operator]
        if x.monthly and y.monthly:
            assert y.monthly[0] >= x.monthly[0] and y.monthly[1] >= x.monthly[1]


@SETTINGS
@given(rps=anything, price=anything, months=anything)
def test_any_number_is_a_result_or_an_input_error(bundled_store, rps, price, months) -> None:  # type: ignore[no-untyped-def]
    inputs = CostInputs(
        workload=Workload(load_rps=rps),
        frameworks=FRAMEWORKS,
        basis="user",
        gpu_month_price=price,
        months=months,
    )
    try:
        result = calculate(bundled_store, inputs)
    except InputError as exc:
        assert exc.message and exc.field
        return
    assert math.isfinite(result.peak_rps)
    try:
        _shown(result)
    except MoneyError as exc:  # pragma: no cover - would be a bug
        raise AssertionError(f"calculator produced an unformattable amount: {exc}") from exc
