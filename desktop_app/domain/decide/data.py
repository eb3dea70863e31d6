"""The sourced records a recommendation is computed from, and how to cite them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from desktop_app.domain.decide.guide import GUIDE, GUIDE_PASSAGES
from desktop_app.domain.sources.catalog import Benchmark, DecisionRow, Scenario
from desktop_app.domain.sources.figures import Conflict, Figure
from desktop_app.domain.sources.frameworks import Framework


@dataclass(frozen=True)
class DecisionData:
    """The sourced records the recommendation is computed from."""

    frameworks: tuple[Framework, ...]
    figures: tuple[Figure, ...]
    matrix: tuple[DecisionRow, ...]
    benchmarks: tuple[Benchmark, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    scenarios: tuple[Scenario, ...] = ()

    def figure(self, figure_id: str) -> Figure | None:
        """One figure by id."""
        return next((f for f in self.figures if f.id == figure_id), None)

    def figures_of(self, framework: str, topic: str) -> list[Figure]:
        """A framework's figures of one topic, in source order."""
        return [f for f in self.figures if f.framework == framework and f.topic == topic]

    def evidence_tooltip(self, evidence_id: str) -> str:
        """Hover text for a cited id: the value, its source and its date."""
        if evidence_id.startswith("F:"):
            _, fw_id, attribute = evidence_id.split(":", 2)
            fw = next((f for f in self.frameworks if f.id == fw_id), None)
            if fw is None:
                return f"{evidence_id}: not in the store"
            return f"{fw.name} — {fw.fact(attribute).tooltip()}"
        fig = self.figure(evidence_id)
        if fig is not None:
            return fig.tooltip()
        for row in self.matrix:
            if row.id == evidence_id:
                names = " or ".join(self._name(f) for f in row.frameworks)
                return (
                    f"Quick Decision Matrix {row.id}: {row.constraint} → {names}\n"
                    f"Why: {row.why}\n{row.provenance.describe()}"
                )
        for bench in self.benchmarks:
            if bench.id == evidence_id:
                value = "unknown" if bench.value is None else f"{bench.value:g} {bench.unit}"
                return (
                    f"{bench.study} ({bench.study_date}): {bench.framework}, {bench.model}, "
                    f"{bench.hardware}, {bench.concurrency} users — {bench.metric}: {value}\n"
                    f"{bench.provenance.describe()}\nNote: {bench.note}"
                )
        for conflict in self.conflicts:
            if conflict.id == evidence_id:
                return (
                    f"⚠ {conflict.title}\n{conflict.description}\n{conflict.provenance.describe()}"
                )
        for sc in self.scenarios:
            if sc.id == evidence_id:
                return f"{sc.title}: {sc.hardware} → {self._name(sc.framework)}\n" + (
                    sc.provenance.describe()
                )
        if evidence_id in GUIDE_PASSAGES:
            return f"{GUIDE_PASSAGES[evidence_id]}\nSource: {GUIDE} (guide claim)"
        return f"{evidence_id}: not in the store"

    def _name(self, framework_id: str) -> str:
        fw = next((f for f in self.frameworks if f.id == framework_id), None)
        return fw.name if fw else framework_id


class DecisionSource(Protocol):
    """Anything that serves the store's records (the bundled store does)."""

    def frameworks(self) -> list[Framework]: ...
    def figures(self) -> list[Figure]: ...
    def decision_matrix(self) -> list[DecisionRow]: ...
    def benchmarks(self) -> list[Benchmark]: ...
    def conflicts(self) -> list[Conflict]: ...
    def scenarios(self) -> list[Scenario]: ...


def decision_data(store: DecisionSource) -> DecisionData:
    """Collect the records the recommendation needs from a store."""
    return DecisionData(
        frameworks=tuple(store.frameworks()),
        figures=tuple(store.figures()),
        matrix=tuple(store.decision_matrix()),
        benchmarks=tuple(store.benchmarks()),
        conflicts=tuple(store.conflicts()),
        scenarios=tuple(store.scenarios()),
    )
