"""The app shell: loading, the Overview cards, the Sources table, damaged stores."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from desktop_app import paths
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS
from desktop_app.ui.views.overview.view import OverviewView
from desktop_app.ui.views.sources.view import SourcesView
from desktop_app.ui.workers import BackgroundRunner
from tests.conftest import REPO

pytestmark = pytest.mark.gui


def test_overview_cards_show_store_figures_with_sources(window: MainWindow) -> None:
    view = window.show_view("overview")
    assert isinstance(view, OverviewView)
    cards = {c.framework.id: c for c in view.cards}
    assert len(cards) == 8
    vllm = cards["vllm"].figure_labels["throughput"]
    assert vllm.text() == "120–160 requests/s"
    assert "line 63" in vllm.toolTip() and "Retrieved: 2026-11-29" in vllm.toolTip()
    assert cards["llama.cpp"].figure_labels["throughput"].text() == "unknown"
    assert "maintenance mode since 2025-12-11" in cards["tgi"].status_label.text()
    assert "maintenance" not in cards["vllm"].status_label.text().replace(
        "no maintenance notice", ""
    )
    assert cards["ollama"].figure_labels["setup"].text().endswith("⚠")


def test_sources_search_sort_and_conflicts(window: MainWindow, qtbot: QtBot) -> None:
    view = window.show_view("sources")
    assert isinstance(view, SourcesView)
    total = view.proxy.rowCount()
    assert total == len(window.ctx.stores.bundled.figures())  # type: ignore[union-attr]
    qtbot.keyClicks(view.search, "A100 purchase")
    assert 0 < view.proxy.rowCount() < total
    shown = {view.proxy.index(r, 1).data() for r in range(view.proxy.rowCount())}
    assert "10,000–15,000" in shown
    view.search.clear()
    view.conflicts_only.setChecked(True)
    documented = documented_conflicts()
    assert len(documented) == len(window.ctx.stores.bundled.conflicts()) >= 9  # type: ignore[union-attr]
    flagged = [view.proxy.index(r, 8).data() for r in range(view.proxy.rowCount())]
    store = window.ctx.stores.bundled  # type: ignore[union-attr]
    in_table = {f.id for f in store.figures()}
    sides = {i for ids in documented.values() for i in ids if i in in_table}
    assert (
        len(flagged) == len(sides) > len(documented)
    )  # every side of every conflict, nothing else
    assert all(text.startswith("⚠ ") for text in flagged)
    named = {c.strip() for text in flagged for c in text.removeprefix("⚠ ").split(",")}
    assert named == set(documented)
    listed = [view.conflict_list.item(i).text() for i in range(view.conflict_list.count())]
    assert sorted(t.split(":")[0] for t in listed) == sorted(f"⚠ {c}" for c in documented)
    view.conflicts_only.setChecked(False)
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    view.topic.setCurrentIndex(view.topic.findData("setup_time"))
    first = view.proxy.index(0, 1).data()
    assert first != "unknown"
    view.conflict_list.setCurrentRow(listed.index(next(t for t in listed if t.startswith("⚠ C3:"))))
    values = {view.conflict_model.index(r, 1).data() for r in range(view.conflict_model.rowCount())}
    assert {"10", "1", "1–2"} <= values
    sources = {
        view.conflict_model.index(r, 5).data() for r in range(view.conflict_model.rowCount())
    }
    assert len(sources) >= 3


def documented_conflicts() -> dict[str, list[str]]:
    """data/conflicts.csv: conflict id -> the figures on its sides."""
    with (REPO / "data" / "conflicts.csv").open(encoding="utf-8", newline="") as f:
        return {row["id"]: row["figures"].split(";") for row in csv.DictReader(f)}


def distinct_colours(image: QImage) -> int:
    """How many different colours a grabbed image holds (1 for a blank page)."""
    small = image.scaled(160, 100).convertToFormat(QImage.Format.Format_RGB32)
    return len({small.pixel(x, y) for x in range(small.width()) for y in range(small.height())})


def test_every_view_opens_with_content(window: MainWindow) -> None:
    window.resize(1280, 800)
    for spec in VIEWS:
        widget = window.show_view(spec.key)
        widget.resize(1200, 760)
        # A user sees a heading and some text, not a blank page.
        labels = [w for w in widget.findChildren(QLabel) if w.isVisibleTo(widget)]
        words = " ".join(label.text() for label in labels)
        assert len(words.split()) >= 5, spec.key
        assert distinct_colours(widget.grab().toImage()) > 8, spec.key


def test_damaged_user_store_is_reported_and_kept(qtbot: QtBot) -> None:
    path = paths.user_store_path()
    path.write_bytes(b"garbage" * 300)
    win = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    qtbot.addWidget(win)
    win.start_loading()
    assert win.ctx is not None
    assert win.banner.isVisibleTo(win) and "damaged" in win.banner.label.text()
    assert any(".damaged-" in p.name for p in path.parent.iterdir())


def test_broken_bundled_store_shows_one_message(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFERNAV_BUNDLED_STORE", str(tmp_path / "missing.sqlite"))
    win = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    qtbot.addWidget(win)
    win.start_loading()
    assert win.ctx is None and win.error is not None
    assert "reinstall" in win.loading.text() and "Traceback" not in win.loading.text()
