"""How old a price is: the date it was observed at its source, and a "stale" mark past a threshold.

An observed date reads `2026-03-06`, `2026-03`, `2026`, or `before 2025-06`; anything else
(or nothing) is an unknown age, which is shown as "unknown" and counts as stale: a price
whose date nobody knows cannot be called fresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

STALE_AFTER_MONTHS = 6  # default threshold; the user can change it
GUIDE_OBSERVED = "2025"  # the guide was written in 2025 (its reference dates); prices are older

_DATE = re.compile(r"^(before\s+)?(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Age:
    """The age of one price or rate on a given day."""

    observed: str  # as written at the source ("" = unknown)
    months: float | None  # None when the date is unknown
    stale: bool

    @property
    def text(self) -> str:
        """e.g. "observed 2026-03-06 (9 months ago, stale)"."""
        if self.months is None:
            return "observed: unknown (treat as stale)"
        whole = int(self.months)
        ago = "this month" if whole < 1 else f"{whole} month{'s' if whole != 1 else ''} ago"
        return f"observed {self.observed} ({ago}{', stale' if self.stale else ''})"


def parse_observed(text: str) -> date | None:
    """The latest day an observed date can mean (the start of the period for "before")."""
    m = _DATE.match((text or "").strip())
    if m is None:
        return None
    before, year, month, day = m.groups()
    y = int(year)
    mo = int(month) if month else (1 if before else 12)
    if not 1 <= mo <= 12:
        return None
    if day:
        d = int(day)
    elif before:
        d = 1
    else:
        d = 28  # end of the month or year, give or take a few days: never makes a price older
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def age_of(observed: str, today: date, threshold_months: float = STALE_AFTER_MONTHS) -> Age:
    """The age of a price observed on `observed`, as of `today`."""
    seen = parse_observed(observed)
    if seen is None:
        return Age(observed, None, True)
    months = max(0.0, (today - seen).days / 30.44)
    return Age(observed, months, months > threshold_months)
