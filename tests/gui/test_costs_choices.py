"""The Costs view remembers what the user chose, picks sensible defaults, and takes in new
data: frameworks by scale, the region from the locale, the $/1M-against-load chart, a GGUF
file as the model, the per-million fields, a data pack and a kept Benchmark run."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_app import paths
from desktop_app.domain.bench.config import BenchConfig
from desktop_app.domain.bench.metrics import RequestRecord, summarize_step
from desktop_app.domain.bench.run import BenchRun
from desktop_app.services.datapack import import_pack
from desktop_app.storage.user.bench import BenchStore
from desktop_app.ui.context import pack_applied
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.cost import view as cost_view
from desktop_app.ui.views.cost.view import CostsView
from tests.fakes.gguf import write_random_bytes, write_tiny_gguf
from tests.unit.sources.test_data_pack import HEADER, ROW, _pack

pytestmark = pytest.mark.gui


def choose(combo: Any, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))


def ticked(view: CostsView) -> set[str]:
    return {f for f, c in view.framework_boxes.items() if c.isChecked()}


def costs(make_window: Callable[..., MainWindow]) -> CostsView:
    v = make_window().show_view("costs")
    assert isinstance(v, CostsView)
    return v


@pytest.fixture
def us_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cost_view, "system_locale_name", lambda: "en_US")


@pytest.fixture
def view(us_locale: None, make_window: Callable[..., MainWindow]) -> CostsView:
    return costs(make_window)


def test_frameworks_follow_the_scale_until_the_user_ticks_their_own(view: CostsView) -> None:
    assert ticked(view) == {"vllm", "tensorrt-llm", "sglang"}  # 540 requests/s
    assert "Chosen for 540.0 requests/s" in view.framework_note.text()
    assert view.scale_button.isHidden()
    view.load_rps.edit.setText("1")
    assert ticked(view) == {"llama.cpp", "vllm"}
    view.load_rps.edit.setText("20")
    assert ticked(view) == {"vllm", "sglang", "llama.cpp"}
    view.framework_boxes["ollama"].setChecked(True)
    assert "Your own choice" in view.framework_note.text()
    view.load_rps.edit.setText("500")
    assert ticked(view) == {"vllm", "sglang", "llama.cpp", "ollama"}  # theirs, unchanged
    assert not view.scale_button.isHidden()
    view.scale_button.click()
    assert ticked(view) == {"vllm", "tensorrt-llm", "sglang"}


def test_region_workload_and_frameworks_are_remembered(
    us_locale: None, make_window: Callable[..., MainWindow]
) -> None:
    first = costs(make_window)
    choose(first.region, "in")
    choose(first.workload_kind, "users")
    first.users.edit.setText("50")
    first.framework_boxes["tgi"].setChecked(True)
    first.model_box.stale_months.edit.setText("3")
    chosen = ticked(first)
    again = costs(make_window)  # a new session on the same user store
    assert again.region.currentData() == "in"
    assert again.workload_kind.currentData() == "users"
    assert again.users.edit.text() == "50"
    assert ticked(again) == chosen and "tgi" in chosen
    assert again.model_box.stale_months.edit.text() == "3"
    assert again.results.bottom_line.text().startswith("For 50 users in India")
    assert again.region_note.isHidden()  # the user's choice, not the locale's


@pytest.mark.parametrize(
    ("locale", "region", "said"),
    [
        ("en_IN", "in", "from your system's region setting"),
        ("en_SG", "sg", "from your system's region setting"),
        ("de_DE", "us", "Your system's region (DE) has no bundled prices"),
        ("C", "us", "(not set)"),
    ],
)
def test_the_region_comes_from_the_system_locale_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
    make_window: Callable[..., MainWindow],
    locale: str,
    region: str,
    said: str,
) -> None:
    monkeypatch.setattr(cost_view, "system_locale_name", lambda: locale)
    v = costs(make_window)
    assert v.region.currentData() == region
    assert said in v.region_note.text() and v.region_note.isVisibleTo(v)


def test_cost_per_million_against_load_with_hover_tooltips(view: CostsView) -> None:
    chart = view.results.per_million
    assert chart.isVisibleTo(view)
    vllm = chart._lines["vllm"]
    xs, ys = vllm.getData()
    assert len(xs) == 13
    # In log mode pyqtgraph hands back log10 of the loads.
    assert 10 ** xs[0] == pytest.approx(54.0) and 10 ** xs[-1] == pytest.approx(5400.0)
    assert ys[0] > ys[-1]  # busier GPUs make a token cheaper
    text = chart.hover.text_at(xs[0], ys[0])
    assert text is not None
    assert "vLLM at 54.0 requests/s peak: $" in text and "per 1M output tokens" in text
    assert "Conditions: Llama-3.1-8B" in text and "A100 80GB" in text
    assert "Speed: the guide's per-framework figure" in text and "dated 2025" in text
    assert "Rent:" in text and "observed" in text
    header = chart.csv_text().splitlines()[0]
    assert header.startswith("peak requests/s,vLLM (USD per 1M output tokens)")
    choose(view.region, "in")
    view.lakh.setChecked(True)
    assert "INR" in chart.plot.getAxis("left").labelText
    assert "lakh" in view.results.cumulative.plot.getAxis("left").labelText
    choose(view.model_box.model, "")  # no model: no $/1M chart
    assert not chart.isVisibleTo(view)


def test_a_gguf_file_is_sized_as_the_model_and_a_bad_one_is_refused_at_the_field(
    view: CostsView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        cost_view.QFileDialog,
        "getOpenFileName",
        lambda *a, **k: (asked.append("asked"), ("", ""))[1],
    )
    path = write_tiny_gguf(tmp_path / "tiny-model.gguf")
    view.use_gguf(path)
    box = view.model_box
    assert "tiny-model.gguf" in box.model.currentText()
    assert not box.quant.isEnabled() and box.model_error.isHidden()
    assert view.model_result is not None
    shape = view.model_result.inputs.shape
    assert view.model_result.rows[0].sizing.replica.model == shape.name
    assert "fits one 80 GB GPU" in view.results.model_notes.text()
    before = box.model.currentIndex()
    view.use_gguf(write_random_bytes(tmp_path / "noise.gguf"))
    assert box.model_error.isVisibleTo(view) and "noise.gguf" in box.model_error.text()
    assert box.model.currentIndex() == before  # the model in use stays
    choose(box.model, "pick-gguf")  # the entry asks for a file; it is never the model
    assert asked == ["asked"] and box.model.currentIndex() == before


def test_api_price_electricity_and_stale_threshold_are_checked_at_the_field(
    view: CostsView,
) -> None:
    box = view.model_box
    box.api_price.edit.setText("abc")
    assert "is not a number" in box.api_price.error.text()
    assert view.message.isVisibleTo(view)
    box.api_price.edit.setText("0.6")
    assert box.api_price.error.isHidden() and not view.message.isVisibleTo(view)
    assert "Break-even with the API at" in view.results.model_notes.text()
    assert "energy not included" in view.results.model_notes.text()
    box.kwh_price.edit.setText("0.15")
    assert "energy 400 W" in view.results.model_notes.text()
    box.stale_months.edit.setText("-1")
    assert "Must be more than 0." in box.stale_months.error.text()
    box.stale_months.edit.setText("120")
    ages = [view.results.prices.item(r, 4).text() for r in range(view.results.prices.rowCount())]
    dated = [a for a in ages if "months ago" in a]
    assert dated and not any(a.startswith("⚠") for a in dated)
    box.stale_months.edit.setText("1")
    ages = [view.results.prices.item(r, 4).text() for r in range(view.results.prices.rowCount())]
    assert all(a.startswith("⚠") for a in ages if "months ago" in a)
    assert any("observed: unknown (treat as stale)" in a for a in ages)


def test_an_imported_data_pack_shows_without_a_restart(view: CostsView, tmp_path: Path) -> None:
    choose(view.gpu, "A100 40GB (SXM4)")
    assert view.gpu.currentData() == "A100 40GB (SXM4)"

    def p007() -> str:
        prices = view.results.prices
        for r in range(prices.rowCount()):
            if "P007" in prices.item(r, 2).text():
                return prices.item(r, 1).text() + " · " + prices.item(r, 4).text()
        return ""

    before = p007()
    pack = import_pack(
        _pack(tmp_path / "p.zip", HEADER + ROW.format(h=20, g=2.5, m=1825, obs="2026-11"))
    )
    window = view.window()
    assert isinstance(window, MainWindow)
    message = pack_applied(window.ctx, pack)
    assert "the open views show it now" in message
    after = p007()
    assert after != before and after.startswith("$1,825")


def _kept_run() -> BenchRun:
    records = tuple(
        RequestRecord(0, i * 0.1, 0.05, 1.0, 64, True, 128, (0.015,) * 63, None, 1, {})
        for i in range(8)
    )
    step = summarize_step(0, "concurrency", 4, records, None)
    run = BenchRun(
        "2026-11-30T10:00:00+0000",
        "vLLM",
        "0.11.0",
        "Llama-3.1-8B-Instruct",
        "http://gpu-box:8000",
        "chat",
        8,
        BenchConfig(values=(4,)),
        {"label": "gpu-box", "gpus": [{"name": "NVIDIA A100-SXM4-80GB"}]},
        (step,),
        records,
    )
    store = BenchStore(paths.user_store_path())
    try:
        return store.add(run)
    finally:
        store.close()


def test_costs_are_sized_from_a_kept_benchmark_run(view: CostsView) -> None:
    run = _kept_run()
    view.ctx.trials.bench_saved.emit(run)
    speed = view.model_box.speed
    assert speed.findData(run.id) > 0
    assert "your run of 2026-11-30" in speed.itemText(speed.findData(run.id))
    before = view.results.model_notes.text()
    choose(speed, run.id)
    notes = view.results.model_notes.text()
    assert notes != before
    assert "measured on your engine (your run of 2026-11-30" in notes
    assert view.model_result is not None
    row = next(r for r in view.model_result.rows if r.framework == "vllm")
    tp = row.sizing.throughput
    assert tp is not None and tp.kind == "measured" and tp.observed == "2026-11-30"
    assert "on NVIDIA A100-SXM4-80GB" in tp.conditions
    assert tp.output_tokens_per_s is not None and math.isfinite(tp.output_tokens_per_s)


def test_no_rent_price_draws_no_empty_cost_per_million_chart(view: CostsView) -> None:
    choose(view.gpu, "Instinct MI300X")
    assert "No price per GPU-month" in view.results.notes.text() or view.result is not None
    assert not view.results.per_million.isVisibleTo(view)
