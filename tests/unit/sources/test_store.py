"""The bundled store: complete, sourced, current against data/, read-only."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pytest

from data.build_store import build, default_data_dir, source_hash
from desktop_app import paths
from desktop_app.domain.sources.frameworks import FRAMEWORK_IDS
from desktop_app.errors import StoreError
from desktop_app.storage.bundled.store import BundledStore
from tests.conftest import REPO


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return sorted(conn.iterdump())


def test_compiled_store_is_current_with_data_folder(tmp_path: Path) -> None:
    shipped = paths.bundled_store_source_path()
    fresh = tmp_path / "fresh.sqlite"
    build(default_data_dir(), fresh)
    assert _dump(fresh) == _dump(shipped), (
        "desktop_app/store/navigator.sqlite is stale: run scripts/build-store"
    )


def test_store_records_hash_of_its_sources(bundled_store: BundledStore) -> None:
    assert bundled_store.source_hash == source_hash(default_data_dir())


def test_every_guide_figure_is_in_the_store(bundled_store: BundledStore) -> None:
    with (REPO / "tests" / "data" / "guide_figures_expected.csv").open(encoding="utf-8") as fh:
        expected = list(csv.DictReader(fh))
    assert len(expected) == 172
    guide = [f for f in bundled_store.figures() if f.id.startswith("G")]
    missing = []
    for row in expected:
        low = float(row["low"]) if row["low"] else None
        high = float(row["high"]) if row["high"] else None
        hit = [
            f
            for f in guide
            if f.entity == row["entity"]
            and f.metric == row["metric"]
            and f.low == low
            and f.high == high
            and f"line {row['seed_line']}" in f.provenance.source
            and row["unit"] in (f.unit, f.text)
        ]
        if not hit:
            missing.append(row)
    assert not missing, f"{len(missing)} guide figures missing, first: {missing[0]}"


def test_every_figure_has_source_and_date(bundled_store: BundledStore) -> None:
    unsourced = [
        f.id
        for f in bundled_store.figures()
        if not f.provenance.source or not f.provenance.retrieved
    ]
    # The one external SGD/USD rate is a documented gap with no source at all.
    assert unsourced == ["X006"]


def test_missing_values_read_unknown_never_zero(bundled_store: BundledStore) -> None:
    gap = bundled_store.figure("P002")  # g5.xlarge not catalogued in Singapore
    assert gap is not None and gap.low is None
    assert gap.display_value() == "unknown"
    sgd = bundled_store.figure("X006")
    assert sgd is not None and sgd.display_value() == "unknown"


def documented_conflicts() -> dict[str, list[str]]:
    """data/conflicts.csv: conflict id -> the figures on its sides."""
    with (REPO / "data" / "conflicts.csv").open(encoding="utf-8", newline="") as f:
        return {row["id"]: row["figures"].split(";") for row in csv.DictReader(f)}


def test_nine_conflicts_show_both_sides(bundled_store: BundledStore) -> None:
    documented = documented_conflicts()
    assert len(documented) >= 9
    conflicts = {c.id: c for c in bundled_store.conflicts()}
    assert {c: list(conflicts[c].figure_ids) for c in conflicts} == documented
    for conflict_id, figure_ids in documented.items():
        figures = [bundled_store.figure(i) for i in figure_ids]
        sources = set()
        for fig in figures:
            # Every side is in the store, names its own source and date, and points back.
            assert fig is not None, (conflict_id, figure_ids)
            assert fig.provenance.source.strip() and fig.provenance.retrieved, fig.id
            assert conflict_id in fig.conflicts, fig.id
            sources.add(fig.provenance.source)
        assert len(sources) >= 2, f"{conflict_id}: one source cannot disagree with itself"
    ollama_setup = {
        bundled_store.figure(i).display_value()  # type: ignore[union-attr]
        for i in ("G008", "G016", "G041")
    }
    assert ollama_setup == {"10 minutes", "1 hour", "1–2 hours"}


def test_eight_frameworks_with_tgi_in_maintenance(bundled_store: BundledStore) -> None:
    frameworks = bundled_store.frameworks()
    assert tuple(f.id for f in frameworks) == FRAMEWORK_IDS
    tgi = bundled_store.framework("tgi")
    assert tgi is not None and tgi.in_maintenance
    assert "2025-12-11" in tgi.status
    vllm = bundled_store.framework("vllm")
    assert vllm is not None and not vllm.in_maintenance
    assert vllm.throughput is not None and (vllm.throughput.low, vllm.throughput.high) == (120, 160)


def test_catalogues_are_loaded(bundled_store: BundledStore) -> None:
    assert len(bundled_store.gpus()) == 35
    assert len(bundled_store.cloud_prices()) == 34
    assert len(bundled_store.model_archs()) == 39
    assert len(bundled_store.benchmarks()) == 20
    assert len(bundled_store.decision_matrix()) == 8
    assert len(bundled_store.scenarios()) == 7
    a100 = next(g for g in bundled_store.gpus() if g.name.startswith("A100 80GB"))
    assert a100.memory_gb == 80 and a100.bandwidth_gbps == 2039


def test_store_is_opened_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "install"
    folder.mkdir()
    copy = folder / "store.sqlite"
    copy.write_bytes(paths.bundled_store_source_path().read_bytes())
    copy.chmod(0o444)
    store = BundledStore(copy)
    assert store.frameworks()
    assert sorted(p.name for p in folder.iterdir()) == ["store.sqlite"]  # no journal


def test_missing_bundled_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"missing.*reinstall"):
        BundledStore(tmp_path / "nope.sqlite")


def test_damaged_bundled_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="damaged"):
        BundledStore(bad)
