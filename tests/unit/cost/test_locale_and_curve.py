"""The costing region from a locale name, and the loads the $/1M chart is drawn at."""

from __future__ import annotations

import pytest

from desktop_app.domain.cost.inputs import region_for_locale
from desktop_app.domain.cost.model_cost import curve_loads


@pytest.mark.parametrize(
    ("name", "code"),
    [("en_IN", "in"), ("hi_IN.UTF-8", "in"), ("en-SG", "sg"), ("en_US", "us"), ("fr_FR", "us")],
)
def test_region_for_locale(name: str, code: str) -> None:
    got, sentence = region_for_locale(name)
    assert got == code and sentence.endswith(".")
    if name.startswith("fr"):
        assert "(FR) has no bundled prices" in sentence


def test_curve_loads_span_a_tenth_to_ten_times_the_peak() -> None:
    loads = curve_loads(12.0)
    assert loads[0] == pytest.approx(1.2) and loads[-1] == pytest.approx(120.0)
    assert loads == sorted(loads) and len(loads) == 13
    assert curve_loads(float("nan")) == [] and curve_loads(0) == []
