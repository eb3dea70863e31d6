"""The bundled, read-only store: repositories that return frozen domain objects."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import create_engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from desktop_app.domain.download.starter import StarterModel
from desktop_app.domain.sources.catalog import (
    Benchmark,
    CloudPrice,
    DecisionRow,
    FxRate,
    Gpu,
    ModelArch,
    Scenario,
)
from desktop_app.domain.sources.figures import Conflict, Figure, Provenance
from desktop_app.domain.sources.frameworks import Fact, Framework
from desktop_app.domain.sources.pack import Manifest, PackContents, merge
from desktop_app.errors import StoreError
from desktop_app.storage.bundled import schema as m

__all__ = ["BundledStore"]


_D = TypeVar("_D")


def _prov(row: m._Sourced) -> Provenance:
    return Provenance(row.source, row.source_type, row.retrieved)


def _native(cls: type[_D], row: m._Sourced, **given: Any) -> _D:
    """The domain record `cls` from an ORM row: fields of the same name are copied, the
    provenance is built from the row's source columns, and `given` supplies the rest.

    One mapping for every table, so adding a column means the CSV, the ORM row and the
    dataclass, not a fourth hand-written copy here.
    """
    assert dataclasses.is_dataclass(cls)
    values = dict(given)
    for f in dataclasses.fields(cls):
        if f.name in values:
            continue
        values[f.name] = _prov(row) if f.name == "provenance" else getattr(row, f.name)
    return cls(**values)


class BundledStore:
    """Read-only access to the bundled store; everything is loaded once and cached."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise StoreError(
                f"The bundled data file is missing ({path}). Please reinstall Inference Navigator."
            )
        uri = f"sqlite+pysqlite:///file:{quote(str(path))}?mode=ro&immutable=1&uri=true"
        self.path = path
        self.pack: Manifest | None = None  # the data pack overlaid, if any
        self._engine = create_engine(uri)
        try:
            self._load()
        except (SQLAlchemyError, ValueError) as exc:
            raise StoreError(
                f"The bundled data file is damaged ({path}). Please reinstall Inference "
                f"Navigator. Detail: {exc.__class__.__name__}"
            ) from exc
        finally:
            self._engine.dispose()

    def _load(self) -> None:
        with Session(self._engine) as s:
            meta = {r.key: r.value for r in s.scalars(select(m.MetaRow))}
            if meta.get("schema_version") != str(m.SCHEMA_VERSION):
                raise ValueError(f"schema version {meta.get('schema_version')!r}")
            self.source_hash = meta.get("source_hash", "")
            members: dict[str, list[str]] = defaultdict(list)
            by_figure: dict[str, list[str]] = defaultdict(list)
            for cm in s.scalars(
                select(m.ConflictMemberRow).order_by(
                    m.ConflictMemberRow.conflict_id, m.ConflictMemberRow.position
                )
            ):
                members[cm.conflict_id].append(cm.figure_id)
                by_figure[cm.figure_id].append(cm.conflict_id)
            self._conflicts = [
                Conflict(c.id, c.title, c.description, tuple(members[c.id]), _prov(c))
                for c in s.scalars(select(m.ConflictRow).order_by(m.ConflictRow.id))
            ]
            self._figures = [
                _native(Figure, f, conflicts=tuple(by_figure.get(f.id, ())))
                for f in s.scalars(select(m.FigureRow).order_by(m.FigureRow.seq))
            ]
            self._figure_index = {f.id: f for f in self._figures}
            facts: dict[str, dict[str, Fact]] = defaultdict(dict)
            for fact in s.scalars(select(m.FrameworkFactRow)):
                facts[fact.framework][fact.attribute] = Fact(
                    fact.attribute, fact.value, _prov(fact), fact.note
                )
            fig = self._figure_index.get
            self._frameworks = [
                Framework(
                    id=r.id,
                    name=r.name,
                    summary=r.summary,
                    best_for=r.best_for,
                    not_for=r.not_for,
                    provenance=_prov(r),
                    throughput=fig(r.throughput_figure or ""),
                    ttft=fig(r.ttft_figure or ""),
                    setup_time=fig(r.setup_figure or ""),
                    facts=dict(facts[r.id]),
                )
                for r in s.scalars(select(m.FrameworkRow).order_by(m.FrameworkRow.seq))
            ]
            self._gpus = [
                _native(Gpu, g) for g in s.scalars(select(m.GpuRow).order_by(m.GpuRow.seq))
            ]
            self._prices = [
                _native(CloudPrice, p)
                for p in s.scalars(select(m.CloudPriceRow).order_by(m.CloudPriceRow.id))
            ]
            self._fx = [
                _native(FxRate, x) for x in s.scalars(select(m.FxRateRow).order_by(m.FxRateRow.id))
            ]
            self._models = [
                _native(ModelArch, a)
                for a in s.scalars(select(m.ModelArchRow).order_by(m.ModelArchRow.seq))
            ]
            self._benchmarks = [
                _native(Benchmark, b)
                for b in s.scalars(select(m.BenchmarkRow).order_by(m.BenchmarkRow.id))
            ]
            self._matrix = [
                DecisionRow(d.id, d.constraint, tuple(d.frameworks.split(";")), d.why, _prov(d))
                for d in s.scalars(select(m.DecisionRowRow).order_by(m.DecisionRowRow.seq))
            ]
            self._scenarios = [
                _native(Scenario, c)
                for c in s.scalars(select(m.ScenarioRow).order_by(m.ScenarioRow.id))
            ]
            self._starters = [
                _native(StarterModel, r)
                for r in s.scalars(select(m.StarterModelRow).order_by(m.StarterModelRow.seq))
            ]

    def apply_pack(self, pack: PackContents) -> None:
        """Overlay a checked data pack: its rows replace those with the same id, add the rest."""
        self._prices = merge(self._prices, pack.cloud_prices)
        self._fx = merge(self._fx, pack.fx_rates)
        self._benchmarks = merge(self._benchmarks, pack.benchmarks)
        self._figures = merge(self._figures, tuple(pack.figures()))
        self._figure_index = {f.id: f for f in self._figures}
        self.pack = pack.manifest

    def figures(self) -> list[Figure]:
        """Every figure of the store, in source order."""
        return list(self._figures)

    def figure(self, figure_id: str) -> Figure | None:
        """One figure by id, or None."""
        return self._figure_index.get(figure_id)

    def figures_for(self, framework: str, topic: str | None = None) -> list[Figure]:
        """The figures about one framework (optionally of one topic)."""
        return [
            f
            for f in self._figures
            if f.framework == framework and (topic is None or f.topic == topic)
        ]

    def conflicts(self) -> list[Conflict]:
        """The documented disagreements between figures."""
        return list(self._conflicts)

    def frameworks(self) -> list[Framework]:
        """The eight framework cards, in the guide's order."""
        return list(self._frameworks)

    def framework(self, framework_id: str) -> Framework | None:
        """One framework by id, or None."""
        return next((f for f in self._frameworks if f.id == framework_id), None)

    def gpus(self) -> list[Gpu]:
        """The GPU catalogue."""
        return list(self._gpus)

    def cloud_prices(self) -> list[CloudPrice]:
        """On-demand cloud prices by region."""
        return list(self._prices)

    def fx_rates(self) -> list[FxRate]:
        """Exchange rates with their basis."""
        return list(self._fx)

    def model_archs(self) -> list[ModelArch]:
        """Architectures of popular open models."""
        return list(self._models)

    def benchmarks(self) -> list[Benchmark]:
        """Published benchmark figures."""
        return list(self._benchmarks)

    def decision_matrix(self) -> list[DecisionRow]:
        """The guide's quick decision matrix."""
        return list(self._matrix)

    def scenarios(self) -> list[Scenario]:
        """The guide's scenarios and examples."""
        return list(self._scenarios)

    def starter_models(self) -> list[StarterModel]:
        """The curated models the app offers to download, in catalogue order."""
        return list(self._starters)

    def starter_model(self, model_id: str) -> StarterModel | None:
        """One starter model by id (None when there is no such id)."""
        return next((x for x in self._starters if x.id == model_id), None)
