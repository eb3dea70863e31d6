"""Sourced figures: every number the app shows carries its unit, source and date."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.domain.units import UNKNOWN, YEAR, format_number

_SINGULAR = {
    "minutes": "minute",
    "hours": "hour",
    "days": "day",
    "weeks": "week",
    "months": "month",
    "years": "year",
}


def format_range(low: float | None, high: float | None, unit: str = "") -> str:
    """Format a low–high range with its unit; a missing value reads "unknown".

    Calendar years read as themselves: "2024–2025", not "2,024–2,025 year".
    """
    number_unit = unit  # the figure's own unit decides how its numbers read
    if low == 1 and high == 1 and unit in _SINGULAR:
        unit = _SINGULAR[unit]
    suffix = f" {unit}" if unit and number_unit != YEAR else ""
    if low is None and high is None:
        return UNKNOWN
    if low is None:
        return f"up to {format_number(high, number_unit)}{suffix}"  # type: ignore[arg-type]
    if high is None:
        return f"{format_number(low, number_unit)}+{suffix}"
    if low == high:
        return f"{format_number(low, number_unit)}{suffix}"
    return f"{format_number(low, number_unit)}–{format_number(high, number_unit)}{suffix}"


@dataclass(frozen=True)
class Provenance:
    """Where a figure or fact comes from and when it was looked up."""

    source: str
    source_type: str
    retrieved: str
    pack: str = ""  # the data pack a figure came from ("" = bundled with the app)

    def describe(self) -> str:
        """One line for tooltips: source, kind of source and date."""
        kind = f" ({self.source_type})" if self.source_type else ""
        date = self.retrieved or UNKNOWN
        origin = f"\nData pack: {self.pack}" if self.pack else ""
        return f"Source: {self.source or UNKNOWN}{kind}\nRetrieved: {date}{origin}"


@dataclass(frozen=True)
class Figure:
    """One figure of the store: a value or range with unit, conditions and source."""

    id: str
    topic: str
    entity: str
    framework: str
    metric: str
    low: float | None
    high: float | None
    text: str
    unit: str
    region: str
    conditions: str
    provenance: Provenance
    note: str = ""
    conflicts: tuple[str, ...] = ()

    @property
    def is_known(self) -> bool:
        """True when the figure has a numeric value or a textual one."""
        return self.low is not None or self.high is not None or bool(self.text)

    def display_value(self) -> str:
        """The value as a user reads it, with its unit; "unknown" when missing."""
        if self.low is None and self.high is None:
            if self.text:
                return f"{self.text} {self.unit}".strip() if self.unit else self.text
            return UNKNOWN
        return format_range(self.low, self.high, self.unit)

    def tooltip(self) -> str:
        """Hover text: value, what it measures, conditions, source and date."""
        lines = [f"{self.entity} — {self.metric}: {self.display_value()}"]
        if self.conditions:
            lines.append(f"Conditions: {self.conditions}")
        if self.region and self.region != "global":
            lines.append(f"Region: {self.region}")
        lines.append(self.provenance.describe())
        if self.note:
            lines.append(f"Note: {self.note.replace('see benchmarks.csv', 'see Sources')}")
        if self.conflicts:
            lines.append(
                "⚠ Disagrees with other figures (Sources lists them): " + ", ".join(self.conflicts)
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class Conflict:
    """A place where the guide disagrees with itself or with sourced data."""

    id: str
    title: str
    description: str
    figure_ids: tuple[str, ...]
    provenance: Provenance
