"""The guide's three deployment scenarios, each priced with the overhead shown both ways."""

from __future__ import annotations

from desktop_app.domain.cost.calculator import calculate
from desktop_app.domain.cost.inputs import CostInputs, Workload


def _rent_both_ways(
    store, region: str, gpus: int
) -> tuple[tuple[float, float], tuple[float, float]]:  # type: ignore[no-untyped-def]
    """(rent only, rent + the guide's 20–30% overhead) for `gpus` GPUs at the guide's rent."""
    base = calculate(store, CostInputs(region=region, frameworks=("vllm",)))
    guide = next(q for q in base.rent_alternatives if "the guide" in q.label)
    oh = base.overhead
    assert oh is not None and (oh.low, oh.high) == (20, 30)
    rent = (gpus * guide.low, gpus * guide.high)
    return rent, (rent[0] * 1.2, rent[1] * 1.3)


def test_s3_san_francisco_8_a100_is_20000_a_month_within_both_ways(bundled_store) -> None:  # type: ignore[no-untyped-def]
    rent, with_oh = _rent_both_ways(bundled_store, "us", 8)
    assert rent == (16_000, 24_000)
    assert with_oh == (19_200, 31_200)
    assert rent[0] <= 20_000 <= rent[1] and with_oh[0] <= 20_000 <= with_oh[1]


def test_e1_bangalore_2_a100_is_4_lakh_rent_only_not_with_overhead(bundled_store) -> None:  # type: ignore[no-untyped-def]
    rent, with_oh = _rent_both_ways(bundled_store, "in", 2)
    assert rent == (300_000, 500_000)
    assert with_oh == (360_000, 650_000)
    assert rent[0] <= 400_000 <= rent[1]  # the guide's ₹4 lakh is within the rent alone


def test_s1_bangalore_cpu_only_is_the_guides_15000_and_far_below_on_demand(bundled_store) -> None:  # type: ignore[no-untyped-def]
    w = Workload(kind="daily", queries_per_day=50_000)
    base = calculate(bundled_store, CostInputs(region="in", workload=w, frameworks=("llama.cpp",)))
    cpu = base.cpu_option
    assert cpu.guide is not None and (cpu.guide.low, cpu.guide.high) == (10_000, 15_000)
    assert (cpu.guide.low * 1.2, cpu.guide.high * 1.3) == (12_000, 19_500)
    assert cpu.sourced is not None and cpu.sourced.low > 5 * cpu.guide.high  # conflict C8


def test_s2_singapore_3_h100_has_no_sourced_price_so_it_is_unknown_not_zero(bundled_store) -> None:  # type: ignore[no-untyped-def]
    base = calculate(
        bundled_store, CostInputs(region="sg", gpu="H100 SXM 80GB", frameworks=("tensorrt-llm",))
    )
    assert base.rent is None
    assert base.frameworks[0].monthly is None
    assert any("enter one" in n for n in base.notes)
