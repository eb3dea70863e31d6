"""The one place that turns quantities into text: sizes, speeds, durations, counts.

Rules, one per unit:
- Bytes (memory, file sizes, downloads) are binary, as llama.cpp, Ollama and `nvidia-smi`
  print them: B, KiB, MiB, GiB, TiB, stepping up at 1024. Under 10 of a unit there are two
  decimals ("4.58 GiB"), from 10 up one ("24.0 GiB", "512.0 MiB"); plain bytes are whole.
- Speeds are tokens per second with one decimal ("12.3 tok/s").
- Durations are milliseconds with one decimal ("12.3 ms"); a whole count of them is whole.
- Counts are whole numbers with thousands separators ("1,234").
- Hardware readings (GB/s, MHz, W) drop the decimal from 100 up ("1,008 GB/s", "8.9 GB/s").
- Sourced figures are compact ("2.5", "1,200"); calendar years are never grouped ("2024").
- A missing value is "unknown", never 0.
"""

from __future__ import annotations

import math

UNKNOWN = "unknown"

_BYTE_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
YEAR = "year"  # the unit of a calendar year in the sourced figures


def format_bytes(n: int | float | None) -> str:
    """Bytes in binary units ("4.58 GiB", "512.0 MiB", "900 B"); None is "unknown"."""
    if n is None or not math.isfinite(n):
        return UNKNOWN
    sign = "−" if n < 0 else ""
    value = float(abs(n))
    unit = 0
    while value >= 1024 and unit < len(_BYTE_UNITS) - 1:
        value /= 1024
        unit += 1
    if unit == 0:
        return f"{sign}{value:,.0f} B"
    digits = 2 if round(value, 2) < 10 else 1
    return f"{sign}{value:,.{digits}f} {_BYTE_UNITS[unit]}"


def format_quantity(value: float | int | None, unit: str, digits: int = 1) -> str:
    """'12.3 ms' style text (a whole number stays whole), or "unknown" when missing."""
    if value is None:
        return UNKNOWN
    if isinstance(value, int):
        return f"{value:,} {unit}".strip()
    if not math.isfinite(value):
        return UNKNOWN
    return f"{value:,.{digits}f} {unit}".strip()


def format_speed(tokens_per_s: float | None, compact: bool = False) -> str:
    """Tokens per second ("12.3 tok/s"), or "unknown"; compact: whole from 10 up ("24 tok/s")."""
    digits = 0 if compact and tokens_per_s is not None and tokens_per_s >= 10 else 1
    return format_quantity(tokens_per_s, "tok/s", digits)


def format_ms(ms: float | int | None) -> str:
    """A duration in milliseconds ("12.3 ms"), or "unknown"."""
    return format_quantity(ms, "ms")


def format_duration(ms: float | int | None) -> str:
    """A duration, short enough for a narrow column: "812 ms", "2.08 s", "24.7 s"; or "unknown"."""
    if ms is None or isinstance(ms, bool) or not math.isfinite(ms) or ms < 0:
        return format_ms(ms)
    if ms < 1000:
        return format_quantity(float(ms), "ms", 0 if ms >= 100 else 1)
    seconds = ms / 1000
    return format_quantity(seconds, "s", 2 if seconds < 10 else 1 if seconds < 100 else 0)


def format_count(n: int | None) -> str:
    """A count with thousands separators ("1,234"), or "unknown"."""
    return format_quantity(n, "")


def format_reading(value: float | int | None, unit: str = "") -> str:
    """A hardware reading with its unit ("1,008 GB/s", "8.9 GB/s", "10,501 MHz")."""
    if isinstance(value, float) and math.isfinite(value):
        return format_quantity(value, unit, 0 if abs(value) >= 100 else 1)
    return format_quantity(value, unit)


def text_or_unknown(text: str | None) -> str:
    """A name or version as it is, or "unknown" when missing or empty."""
    return text if text else UNKNOWN


def format_number(value: float, unit: str = "") -> str:
    """A sourced figure's number, compact: "1,200", "2.5", "0.1234"; "2024" for a year."""
    if not math.isfinite(value):
        return UNKNOWN
    if unit == YEAR and value == int(value):
        return str(int(value))
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def format_byte_rate(bytes_per_s: float | None) -> str:
    """A transfer speed in binary units per second ("12.3 MiB/s"), or "unknown"."""
    if bytes_per_s is None or not math.isfinite(bytes_per_s) or bytes_per_s < 0:
        return UNKNOWN
    return f"{format_bytes(bytes_per_s)}/s"


def format_time_left(seconds: float | None) -> str:
    """A wait in words ("45 s", "3 min 20 s", "1 h 5 min"), or "unknown"."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return UNKNOWN
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
