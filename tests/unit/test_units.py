"""The one formatter: the text a user reads for sizes, speeds, durations, counts, years."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.sources.figures import format_range
from desktop_app.domain.units import (
    UNKNOWN,
    format_bytes,
    format_count,
    format_duration,
    format_ms,
    format_number,
    format_reading,
    format_speed,
    text_or_unknown,
)

GIB = 1024**3
MIB = 1024**2
_FACTOR = {"B": 1, "KiB": 1024, "MiB": MIB, "GiB": GIB, "TiB": 1024**4}


def _parse_bytes(text: str) -> float:
    number, unit = text.split(" ")
    return float(number.replace(",", "").replace("−", "-")) * _FACTOR[unit]


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (int(4.58 * GIB), "4.58 GiB"),  # the Models view's size column
        (GIB, "1.00 GiB"),
        (24 * GIB, "24.0 GiB"),  # the Hardware view's RTX 4090
        (512 * MIB, "512.0 MiB"),  # a KV cache
        (int(533.2 * 1024), "533.2 KiB"),  # a small GGUF in the Launch view
        (900, "900 B"),
        (-512 * MIB, "−512.0 MiB"),  # negative headroom
        (2 * 1024**4, "2.00 TiB"),
    ],
)
def test_bytes_read_in_binary_units(n: int, text: str) -> None:
    assert format_bytes(n) == text


def test_missing_values_read_unknown_never_zero() -> None:
    for text in (
        format_bytes(None),
        format_speed(None),
        format_ms(None),
        format_count(None),
        format_reading(None, "MHz"),
        format_number(float("nan")),
        text_or_unknown(None),
        text_or_unknown(""),
    ):
        assert text == UNKNOWN
    assert format_bytes(0) == "0 B"  # a real zero still reads as zero


def test_speeds_durations_counts_and_readings() -> None:
    assert format_speed(1234.56) == "1,234.6 tok/s"
    assert format_speed(23.7, compact=True) == "24 tok/s"
    assert format_speed(6.14, compact=True) == "6.1 tok/s"
    assert format_ms(12.34) == "12.3 ms"
    assert format_ms(1200) == "1,200 ms"
    # Short for a narrow column: milliseconds under a second, then seconds.
    assert format_duration(98.76) == "98.8 ms" and format_duration(812.4) == "812 ms"
    assert format_duration(2082.4) == "2.08 s" and format_duration(24712) == "24.7 s"
    assert format_duration(None) == format_duration(float("nan")) == "unknown"
    assert format_count(12345) == "12,345"
    assert format_reading(1008.1, "GB/s") == "1,008 GB/s"
    assert format_reading(8.94, "GB/s") == "8.9 GB/s"


def test_years_are_not_grouped_like_amounts() -> None:
    assert format_number(2024, "year") == "2024"
    assert format_range(2024, 2025, "year") == "2024–2025"
    assert format_range(2025, 2025, "year") == "2025"
    assert format_number(2024) == "2,024"  # other figures keep their separators
    assert format_range(1, 1, "years") == "1 year"


@given(st.integers(min_value=0, max_value=2**50))
def test_bytes_round_trip_within_half_a_percent(n: int) -> None:
    text = format_bytes(n)
    assert re.fullmatch(r"[\d,]+(\.\d{1,2})? (B|KiB|MiB|GiB|TiB)", text)
    assert _parse_bytes(text) == pytest.approx(n, rel=5e-3, abs=0.5)


@given(st.integers(min_value=0, max_value=2**50), st.integers(min_value=0, max_value=2**50))
def test_bigger_sizes_never_read_smaller(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert _parse_bytes(format_bytes(low)) <= _parse_bytes(format_bytes(high))
