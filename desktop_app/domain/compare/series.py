"""What the Compare charts plot: sourced ranges, published benchmarks, measured trials.

Ranges stay ranges (low and high, never a midpoint of our own); setup times are
converted to working hours; open-ended figures keep their missing bound as None.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.compare.table import HOURS_PER_UNIT, Cell, Comparison
from desktop_app.domain.sources.catalog import Benchmark
from desktop_app.domain.sources.figures import Figure
from desktop_app.domain.trial.record import Trial
from desktop_app.domain.units import format_number


@dataclass(frozen=True)
class RangeBar:
    """One bar: a framework's range in the chart's unit, with the figure behind it."""

    framework: str
    name: str
    series: str  # "headline", "under load", "other figure (conflict)"
    low: float | None
    high: float | None
    unit: str
    as_stated: str
    tooltip: str
    figure_id: str
    source: str
    retrieved: str
    conflicts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Point:
    """A single plotted value: a published benchmark or a trial measured here."""

    framework: str
    value: float
    unit: str
    metric: str
    conditions: str
    tooltip: str
    source: str
    date: str
    label: str = ""  # a few words for the chart: value and the key conditions


@dataclass(frozen=True)
class Unplotted:
    """A framework the chart cannot place, with the reason shown under the chart."""

    framework: str
    name: str
    reason: str


def to_hours(value: float | None, unit: str) -> float | None:
    """A duration in working hours (1 day = 8 h, 1 week = 40 h); None if not convertible."""
    if value is None:
        return None
    factor = HOURS_PER_UNIT.get(unit.strip().lower())
    return None if factor is None else value * factor


def _bar(fw_id: str, name: str, series: str, fig: Figure, cell: Cell, hours: bool) -> RangeBar:
    low, high, unit = fig.low, fig.high, fig.unit
    if hours:
        low, high, unit = to_hours(fig.low, fig.unit), to_hours(fig.high, fig.unit), "hours"
    return RangeBar(
        framework=fw_id,
        name=name,
        series=series,
        low=low,
        high=high,
        unit=unit,
        as_stated=fig.display_value(),
        tooltip=cell.tooltip if cell.figure is fig else fig.tooltip(),
        figure_id=fig.id,
        source=fig.provenance.source,
        retrieved=fig.provenance.retrieved,
        conflicts=fig.conflicts,
    )


def _numeric(fig: Figure | None, hours: bool) -> bool:
    if fig is None or (fig.low is None and fig.high is None):
        return False
    return not hours or to_hours(fig.low if fig.low is not None else fig.high, fig.unit) is not None


def range_bars(
    comparison: Comparison, row_keys: Sequence[str], hours: bool = False
) -> tuple[list[RangeBar], list[Unplotted]]:
    """Bars for the rows' figures (e.g. "ttft" and "ttft_load"), and what cannot be drawn."""
    bars: list[RangeBar] = []
    missing: list[Unplotted] = []
    for fw in comparison.frameworks:
        drawn = False
        for key in row_keys:
            cell = comparison.cell(key, fw.id)
            series = "under load" if key.endswith("_load") else "headline"
            if _numeric(cell.figure, hours) and cell.figure is not None:
                bars.append(_bar(fw.id, fw.name, series, cell.figure, cell, hours))
                drawn = True
            shown = (
                {(cell.figure.low, cell.figure.high, cell.figure.unit)} if cell.figure else set()
            )
            for other in cell.also:
                same = (other.low, other.high, other.unit) in shown
                if other.conflicts and _numeric(other, hours) and not same:
                    shown.add((other.low, other.high, other.unit))
                    bars.append(_bar(fw.id, fw.name, "other figure (conflict)", other, cell, hours))
        if not drawn:
            cell = comparison.cell(row_keys[0], fw.id)
            if cell.known:
                reason = f"“{cell.text}” (no numeric bounds)"
            else:
                reason = "unknown (no figure in the guide or the sourced data)"
            missing.append(Unplotted(fw.id, fw.name, reason))
    return bars, missing


def _conditions(b: Benchmark) -> str:
    parts = [b.model, b.quantization if b.quantization != "see note" else "", b.hardware]
    load = f"{b.concurrency} concurrent users" if b.concurrency.replace("/", "").isdigit() else ""
    return ", ".join(p for p in (*parts, load or b.concurrency) if p)


def benchmark_points(benchmarks: Sequence[Benchmark], ids: Sequence[str]) -> list[Point]:
    """Published token-rate figures (tokens/s) for the compared frameworks."""
    points = []
    for b in benchmarks:
        if b.framework not in ids or b.value is None or not b.unit.startswith("tokens/s"):
            continue
        conditions = _conditions(b)
        value = f"{format_number(b.value)} {b.unit}"
        tip = (
            f"Published: {b.metric} = {value}\nConditions: {conditions}\n"
            f"Study: {b.study} ({b.study_date or 'date unknown'})\n"
            f"{b.provenance.describe()}" + (f"\nNote: {b.note}" if b.note else "")
        )
        points.append(
            Point(
                b.framework,
                b.value,
                "tokens/s",
                b.metric,
                conditions,
                tip,
                b.provenance.source,
                b.study_date or b.provenance.retrieved,
                _short_label(b),
            )
        )
    return points


def _short_label(b: Benchmark) -> str:
    """E.g. "4,000 · Llama 3 8B, 100 users" or "6,095 · GPT-OSS-120B (baseline)"."""
    assert b.value is not None
    parts = [b.model]
    if b.concurrency.replace("/", "").isdigit():
        parts.append(f"{b.concurrency} users")
    variant = b.metric.split("(", 1)[1].rstrip(")") if "(" in b.metric else ""
    text = f"{format_number(b.value)} · {', '.join(p for p in parts if p)}"
    return f"{text} ({variant})" if variant and variant != "decode" else text


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value >= 0 else None


def trial_point(trial: Trial, metric: str) -> Point | None:
    """A measured trial's `metric` ("ttft_ms" or "decode_tokens_per_s"), or None if absent."""
    value = _number(getattr(trial.metrics, metric, None))
    if value is None:
        return None
    unit = "ms" if metric == "ttft_ms" else "tokens/s"
    label = "time to first token" if metric == "ttft_ms" else "decode speed (single request)"
    engine, version = trial.engine, trial.engine_version
    conditions = ", ".join(
        str(p)
        for p in (trial.model, trial.quantization, trial.where, f"{engine} {version}".strip())
        if p
    )
    tokens = trial.metrics.output_tokens
    tip = (
        f"Measured on this machine: {label} = {format_number(value)} {unit}\n"
        f"Conditions: {conditions}\n"
        f"Output tokens: {'unknown' if tokens is None else tokens}\n"
        f"Source: your trial of {trial.created}"
    )
    return Point(
        engine, value, unit, label, conditions, tip, "measured on this machine", trial.created
    )


def figure_points(comparison: Comparison, row_key: str) -> list[Point]:
    """The row's framework-specific single figures as points (e.g. a guide benchmark citation)."""
    points = []
    for fw in comparison.frameworks:
        fig = comparison.cell(row_key, fw.id).figure
        if fig is None or fig.framework != fw.id or fig.low is None:
            continue
        mark = " ⚠ " + ", ".join(fig.conflicts) if fig.conflicts else ""
        detail = fig.entity.split("(", 1)[1].rstrip(")") if "(" in fig.entity else fig.metric
        points.append(
            Point(
                fw.id,
                fig.low,
                fig.unit,
                fig.metric,
                f"guide: {detail}{mark}",
                fig.tooltip(),
                fig.provenance.source,
                fig.provenance.retrieved,
                f"{format_number(fig.low)}{mark} · guide: {detail}",
            )
        )
    return points
