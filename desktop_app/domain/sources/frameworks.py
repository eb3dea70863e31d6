"""The eight inference frameworks and their sourced facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from desktop_app.domain.sources.figures import Figure, Provenance
from desktop_app.domain.units import UNKNOWN

FRAMEWORK_IDS: tuple[str, ...] = (
    "vllm",
    "tensorrt-llm",
    "ollama",
    "llama.cpp",
    "tgi",
    "sglang",
    "lmdeploy",
    "mlc-llm",
)


# Research notes in the data say how a fact was looked up; a user reads what it means.
_PLAIN_NOTES = (
    (" as a target in files read", " in the project's documentation"),
    ("not documented in files read", "not in the project's documentation"),
    (" in files read", " in the project's documentation"),
)


def plain_note(note: str) -> str:
    """A data note in plain words (the research process stays in the data files)."""
    for research, plain in _PLAIN_NOTES:
        note = note.replace(research, plain)
    return note


@dataclass(frozen=True)
class Fact:
    """One attribute of a framework (licence, platform support, ...) with its source."""

    attribute: str
    value: str | None
    provenance: Provenance
    note: str = ""

    def display_value(self) -> str:
        """The value, or "unknown" (with the reason when one was recorded)."""
        if self.value:
            return self.value
        return f"{UNKNOWN} ({plain_note(self.note)})" if self.note else UNKNOWN

    def short_value(self, limit: int = 48) -> str:
        """The value's first clause (full text stays in the tooltip)."""
        text = self.display_value()
        for sep in (";", " ("):
            head = text.split(sep, 1)[0]
            if head and len(head) < len(text):
                text = head
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

    def tooltip(self) -> str:
        """Hover text with source and date."""
        text = f"{self.attribute}: {self.display_value()}\n{self.provenance.describe()}"
        note = plain_note(self.note)
        return f"{text}\nNote: {note}" if note and self.value else text


@dataclass(frozen=True)
class Framework:
    """A framework card: what it is, what it is for, headline figures and facts."""

    id: str
    name: str
    summary: str
    best_for: str
    not_for: str
    provenance: Provenance
    throughput: Figure | None = None
    ttft: Figure | None = None
    setup_time: Figure | None = None
    facts: Mapping[str, Fact] = field(default_factory=dict)

    def fact(self, attribute: str) -> Fact:
        """The named fact, or an "unknown" fact when the store has none."""
        found = self.facts.get(attribute)
        if found is not None:
            return found
        return Fact(attribute, None, Provenance("", "", ""), "not in the store")

    @property
    def status(self) -> str:
        """Project status as recorded in the store, or a plain "no notice" sentence."""
        fact = self.facts.get("status")
        if fact is not None and fact.value:
            return fact.value
        return "no maintenance or end-of-life notice recorded"

    @property
    def in_maintenance(self) -> bool:
        """True when the project is in maintenance mode."""
        fact = self.facts.get("status")
        return fact is not None and "maintenance" in (fact.value or "").lower()
