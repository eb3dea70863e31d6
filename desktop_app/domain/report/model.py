"""What a decision report holds: plain data, ready to be written as HTML or PDF.

The builder (services/report) fills it from the domain functions; the renderers
(ui/report) only lay it out. Every figure is a `Cited` text with the ids of its sources;
the ids are listed, with source and date, in the report's Sources appendix, never in a
headline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.domain.cost.calculator import CostResult

PAGE_SIZES = ("a4", "letter")
LETTER_TERRITORIES = frozenset({"US", "CA"})  # North America prints on Letter


def default_page_size(territory: str) -> str:
    """Letter for the United States and Canada, A4 everywhere else."""
    return "letter" if territory.upper() in LETTER_TERRITORIES else "a4"


@dataclass(frozen=True)
class Cited:
    """A sentence or a value, with the ids of the sources it comes from."""

    text: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of cited cells; an empty table shows `empty` instead."""

    header: tuple[str, ...]
    rows: tuple[tuple[Cited, ...], ...]
    empty: str = "Nothing to show."
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart the renderer draws: which one, its title, and what it shows."""

    key: str  # "monthly-cost" or "cumulative-cost"
    title: str
    caption: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """One entry of the Sources appendix."""

    id: str
    text: str


@dataclass(frozen=True)
class Report:
    """The whole report."""

    title: str
    created: str  # ISO date the report was made
    app_version: str
    data: str  # which data: the bundled data or an imported pack's label
    machine: tuple[Cited, ...]
    answers: tuple[tuple[str, str], ...]  # (question, answer)
    headline: str  # "Recommended: vLLM — 4.10 / 5 for NVIDIA GPUs"
    reasons: tuple[Cited, ...]
    excluded: tuple[Cited, ...]
    ranking: Table
    contradictions: tuple[Cited, ...]
    comparison: Table
    cost_bottom_line: str
    cost_table: Table
    cost_notes: tuple[Cited, ...]
    freshness: Cited  # the oldest price used, and how old it is
    models: Table
    trials: Table
    bench: Table
    charts: tuple[Chart, ...]
    sources: tuple[Source, ...]
    scenario: dict[str, Any]  # the JSON document to open the same answer again
    notes: tuple[str, ...] = ()
    cost_result: CostResult | None = field(default=None, compare=False)

    def cited_ids(self) -> list[str]:
        """Every source id the report cites, in first-cited order."""
        seen: dict[str, None] = {}
        singles = [*self.machine, *self.reasons, *self.excluded, *self.contradictions]
        singles += [*self.cost_notes, self.freshness]
        tables = (self.ranking, self.comparison, self.cost_table, self.models)
        cells = [c for t in (*tables, self.trials, self.bench) for row in t.rows for c in row]
        for item in [*singles, *cells]:
            for sid in item.sources:
                seen.setdefault(sid, None)
        for chart in self.charts:
            for sid in chart.sources:
                seen.setdefault(sid, None)
        return list(seen)
