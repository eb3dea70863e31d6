"""The app shell: loading, the Overview cards, the Sources table, damaged stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from desktop_app import paths
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS
from desktop_app.ui.views.overview.view import OverviewView
from desktop_app.ui.views.sources.view import SourcesView
from desktop_app.ui.workers import BackgroundRunner

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


def test_sources_search_sort_and_conflicts(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
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
    assert all(view.proxy.index(r, 8).data().startswith("⚠") for r in range(view.proxy.rowCount()))
    view.conflicts_only.setChecked(False)
    view.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    view.topic.setCurrentIndex(view.topic.findData("setup_time"))
    first = view.proxy.index(0, 1).data()
    assert first != "unknown"
    view.conflict_list.setCurrentRow(2)  # C3 Ollama setup time
    values = {view.conflict_model.index(r, 1).data() for r in range(view.conflict_model.rowCount())}
    assert {"10", "1", "1–2"} <= values
    sources = {
        view.conflict_model.index(r, 5).data() for r in range(view.conflict_model.rowCount())
    }
    assert len(sources) >= 3


def test_every_view_opens(window: MainWindow) -> None:
    for spec in VIEWS:
        widget = window.show_view(spec.key)
        assert not widget.grab().isNull()


def test_damaged_user_store_is_reported_and_kept(qtbot) -> None:  # type: ignore[no-untyped-def]
    path = paths.user_store_path()
    path.write_bytes(b"garbage" * 300)
    win = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    qtbot.addWidget(win)
    win.start_loading()
    assert win.ctx is not None
    assert win.banner.isVisibleTo(win) and "damaged" in win.banner.label.text()
    assert any(".damaged-" in p.name for p in path.parent.iterdir())


def test_broken_bundled_store_shows_one_message(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("INFERNAV_BUNDLED_STORE", str(tmp_path / "missing.sqlite"))
    win = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    qtbot.addWidget(win)
    win.start_loading()
    assert win.ctx is None and win.error is not None
    assert "reinstall" in win.loading.text() and "Traceback" not in win.loading.text()
