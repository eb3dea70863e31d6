"""The Compare view: table, charts, hover, export, trials, hardware filter, presentation."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from desktop_app.domain.trial.record import Trial
from desktop_app.storage.user.settings import COMPARE_FRAMEWORKS
from desktop_app.ui import theme
from desktop_app.ui.charts.compare import MEASURED
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.compare.view import CompareView
from tests.fakes.profiles import machine, planned_gpu

pytestmark = pytest.mark.gui


def compare_view(window: MainWindow) -> CompareView:
    view = window.show_view("compare")
    assert isinstance(view, CompareView)
    view.show_charts()
    return view


def column(view: CompareView, name: str) -> int:
    for col in range(view.table.columnCount()):
        header = view.table.horizontalHeaderItem(col)
        if header is not None and header.text().split("\n")[0] == name:
            return col
    raise AssertionError(f"no column {name}")


def row(view: CompareView, label: str) -> int:
    for r in range(view.table.rowCount()):
        header = view.table.verticalHeaderItem(r)
        if header is not None and header.text() == label:
            return r
    raise AssertionError(f"no row {label}")


def cell_text(view: CompareView, label: str, name: str) -> str:
    item = view.table.item(row(view, label), column(view, name))
    assert item is not None
    return item.text()


def pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    ptr = image.constBits()
    data = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine() // 4, 4)[:, : image.width(), :3]


def colour_count(image: QImage, hex_colour: str, tolerance: int = 12) -> int:
    c = QColor(hex_colour)
    target = np.array([c.blue(), c.green(), c.red()])
    return int((np.abs(pixels(image).astype(int) - target).max(axis=2) <= tolerance).sum())


def test_default_table_shows_store_values_sources_conflicts_and_unknowns(
    window: MainWindow,
) -> None:
    view = compare_view(window)
    assert [view.table.horizontalHeaderItem(c).text() for c in range(4)] == [  # type: ignore[union-attr]
        "vLLM", "TensorRT-LLM", "Ollama", "llama.cpp",
    ]  # fmt: skip
    assert cell_text(view, "Throughput (requests/s)", "vLLM") == "120–160 requests/s"
    item = view.table.item(row(view, "Throughput (requests/s)"), column(view, "vLLM"))
    assert item is not None and "line 63" in item.toolTip() and "2026-11-29" in item.toolTip()
    assert cell_text(view, "Throughput (requests/s)", "llama.cpp") == "unknown"
    assert cell_text(view, "Setup time", "Ollama") == "1–2 hours ⚠"
    setup = view.table.item(row(view, "Setup time"), column(view, "Ollama"))
    assert setup is not None and "10 minutes" in setup.toolTip() and "C3" in setup.toolTip()
    assert cell_text(view, "Licence", "Ollama") == "MIT"
    for r in range(view.table.rowCount()):
        for c in range(view.table.columnCount()):
            found = view.table.item(r, c)
            assert found is not None and found.text() and found.toolTip()


def test_picker_keeps_two_to_four(window: MainWindow, qtbot: QtBot) -> None:
    view = compare_view(window)
    qtbot.mouseClick(view.buttons["tgi"], Qt.MouseButton.LeftButton)
    assert view.selected() == ["vllm", "tensorrt-llm", "ollama", "llama.cpp"]
    assert "at most 4" in view.message.text()
    for fid in ("tensorrt-llm", "ollama"):
        qtbot.mouseClick(view.buttons[fid], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.buttons["tgi"], Qt.MouseButton.LeftButton)
    assert view.selected() == ["vllm", "llama.cpp", "tgi"]
    assert cell_text(view, "Project status", "Hugging Face TGI").endswith("⚠")
    qtbot.mouseClick(view.buttons["vllm"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.buttons["llama.cpp"], Qt.MouseButton.LeftButton)
    assert "at least 2" in view.message.text() and len(view.selected()) == 2
    bars = view.throughput_chart.bar_items
    assert ("tgi", "headline") in bars and ("ollama", "headline") not in bars


def test_chart_items_carry_the_store_values(window: MainWindow) -> None:
    view = compare_view(window)
    assert view.throughput_chart.span("vllm", "headline") == (120, 160)
    assert view.throughput_chart.span("tensorrt-llm", "headline") == (180, 220)
    low, high = view.ttft_chart.span("vllm", "headline")  # log axis
    assert (10**low, 10**high) == (pytest.approx(50), pytest.approx(80))
    low, high = view.setup_chart.span("tensorrt-llm", "headline")  # 1-2 weeks, 40 h a week
    assert (10**low, 10**high) == (pytest.approx(40), pytest.approx(80))
    assert (
        "llama.cpp" in view.setup_chart.note.text()
        and "hours to days" in view.setup_chart.note.text()
    )
    error = view.scatter_chart.items["vllm"]
    x, left, right = error.opts["x"][0], error.opts["left"][0], error.opts["right"][0]
    assert (x - left, x + right) == (50, 80)
    thresholds = [t[0] for t in view.ttft_chart.thresholds]
    assert thresholds == [100, 500, 1000]


def test_hover_shows_value_source_and_date(window: MainWindow) -> None:
    view = compare_view(window)
    chart = view.throughput_chart
    vllm_row = 3.0 + 0.12
    tip = chart.hover.text_at(140, vllm_row)
    assert tip is not None and "120–160 requests/s" in tip and "line 63" in tip
    assert "Retrieved: 2026-11-29" in tip
    assert chart.hover.text_at(20, vllm_row) is None
    rate = view.rate_chart.hover.text_at(math.log10(6095.37), 3.12)
    assert rate is not None and "GPT-OSS-120B" in rate and "2x NVIDIA H100" in rate


def test_each_chart_renders_something(window: MainWindow) -> None:
    window.resize(1440, 900)
    view = compare_view(window)
    for chart in view.charts:
        chart.plot.resize(700, 320)
        image = chart.plot.grab().toImage()
        assert pixels(image).std() > 20, chart.title
    vllm = theme.framework_colour("vllm")
    assert colour_count(view.throughput_chart.plot.grab().toImage(), vllm) > 200
    assert colour_count(view.scatter_chart.plot.grab().toImage(), vllm) > 50


def test_csv_export_round_trips_the_plotted_values(window: MainWindow, tmp_path: Path) -> None:
    view = compare_view(window)
    path = tmp_path / "setup.csv"
    view.setup_chart.save_csv(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    head = {r["framework"]: r for r in rows if r["series"] == "headline"}
    assert (float(head["vllm"]["low"]), float(head["vllm"]["high"])) == (8, 16)
    assert head["ollama"]["as stated"] == "1–2 hours" and head["ollama"]["date"] == "2026-11-29"
    assert "llama.cpp" not in head
    path = tmp_path / "throughput.csv"
    view.throughput_chart.save_csv(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for r in rows:
        drawn = view.throughput_chart.span(r["framework"], "headline")
        assert (float(r["low"]), float(r["high"])) == drawn
    ttft = list(csv.DictReader(io.StringIO(view.ttft_chart.csv_text())))
    loaded = next(
        r for r in ttft if r["framework"] == "tensorrt-llm" and r["series"] == "under load"
    )
    assert (loaded["low"], loaded["high"], loaded["as stated"]) == (
        "1000.0",
        "open-ended",
        "1,000+ ms",
    )
    assert view.scatter_chart.csv_text().count("\n") == 3  # header + vLLM + TensorRT-LLM
    assert view.throughput_chart.save_png(tmp_path / "t.png")
    assert QImage(str(tmp_path / "t.png")).width() > 100


def test_measured_trials_are_their_own_series(window: MainWindow) -> None:
    view = compare_view(window)
    ctx = window.ctx
    payload = {"engine": "llama.cpp", "ttft_ms": 143.0, "decode_tokens_per_s": 38.5,
               "quantization": "Q4_K_M", "output_tokens": 128,
               "hardware": {"gpus": [], "cpu": {"brand": "Test CPU"}}}  # fmt: skip
    record = ctx.stores.user.add_trial(
        Trial.from_json(payload, engine_version="b4000", model="qwen2.5-0.5b")
    )
    ctx.trials.trial_saved.emit(record)
    _header, rows = view.ttft_chart.data_rows()
    measured = [r for r in rows if r[1] == MEASURED]
    assert measured and measured[0][0] == "llama.cpp" and measured[0][2] == 143.0
    tip = view.ttft_chart.hover.text_at(math.log10(143.0), 0 - 0.24)
    assert tip is not None and "Measured on this machine" in tip and "qwen2.5-0.5b" in tip
    _header, rows = view.rate_chart.data_rows()
    assert any(r[1] == MEASURED and r[2] == 38.5 for r in rows)
    assert any(r[1] == "published" for r in rows)


def test_trials_saved_earlier_are_loaded(window: MainWindow) -> None:
    window.ctx.stores.user.add_trial(
        Trial.from_json(
            {"ttft_ms": 210.0}, engine="ollama", engine_version="0.5", model="llama3.2:1b"
        )
    )
    view = compare_view(window)
    assert [p.value for p in view.trial_series("ttft_ms")] == [210.0]


def test_hardware_filter_greys_out_with_reason(window: MainWindow) -> None:
    window.ctx.hardware.profile = None  # as before the probe has reported
    view = compare_view(window)
    assert not view.filter.isEnabled() and "detecting hardware" in view.filter.text()
    window.ctx.hardware.set_active(machine(planned=True, label="Office laptop"))
    assert view.filter.isEnabled() and "Office laptop" in view.filter.text()
    assert cell_text(view, "Runs on this machine?", "TensorRT-LLM").startswith("✗")
    assert cell_text(view, "Runs on this machine?", "llama.cpp").startswith("✓")
    view.filter.setChecked(True)
    col = column(view, "TensorRT-LLM")
    header = view.table.horizontalHeaderItem(col)
    assert header is not None and "not on this hardware" in header.text()
    assert "NVIDIA GPU required" in header.toolTip()
    item = view.table.item(row(view, "Licence"), col)
    assert item is not None and item.foreground().color().name() == "#9ca3af"
    assert "Greyed out: TensorRT-LLM" in view.throughput_chart.note.text()
    window.ctx.hardware.set_active(planned_gpu("H100", "9.0"))
    assert cell_text(view, "Runs on this machine?", "TensorRT-LLM").startswith("✓ NVIDIA H100")


def test_presentation_mode_is_app_wide_and_reversible(window: MainWindow, qtbot: QtBot) -> None:
    view = compare_view(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    before = app.font().pointSizeF()
    tick_before = view.ttft_chart.plot.getAxis("bottom").style["tickFont"].pointSizeF()
    qtbot.mouseClick(view.presentation, Qt.MouseButton.LeftButton)
    try:
        assert window.presentation and window.isFullScreen()
        assert app.font().pointSizeF() > before
        view.table.ensurePolished()
        assert view.table.font().pointSizeF() > before
        assert view.ttft_chart.plot.getAxis("bottom").style["tickFont"].pointSizeF() > tick_before
        other = window.show_view("sources")
        other.ensurePolished()
        assert other.font().pointSizeF() > before
    finally:
        window.presentation_action.trigger()
    assert not window.presentation and not view.presentation.isChecked()
    assert app.font().pointSizeF() == before


def test_mouse_position_maps_to_the_bar_under_it(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(1440, 900)
    view = compare_view(window)
    chart = view.throughput_chart
    chart.plot.resize(700, 320)
    vb = chart.plot.getPlotItem().getViewBox()
    over_bar = chart.hover.text_at_scene(vb.mapViewToScene(pg.Point(140, 3.12)))
    assert over_bar is not None and "120–160 requests/s" in over_bar
    assert "Retrieved: 2026-11-29" in over_bar
    assert chart.hover.text_at_scene(vb.mapViewToScene(pg.Point(60, 1.0))) is None


def test_charts_follow_the_selection_keeping_their_items(window: MainWindow) -> None:
    view = compare_view(window)
    chart = view.throughput_chart
    kept = [*chart.series.values(), chart.markers, chart.stars]
    before = len(chart.plot.getPlotItem().items)
    view.set_selection(["tgi", "sglang"])  # drawn at once, on the same items
    assert chart.span("tgi", "headline") == (100, 140)
    assert ("vllm", "headline") not in chart.bar_items
    assert " 100–140 requests/s" in chart.labels()
    assert "SGLang" in chart.note.text()
    view.set_selection(["vllm", "tensorrt-llm", "ollama", "llama.cpp"])
    view.set_presentation_mode(True)
    view.set_presentation_mode(False)
    assert chart.span("vllm", "headline") == (120, 160)
    assert [*chart.series.values(), chart.markers, chart.stars] == kept
    assert all(item in chart.plot.getPlotItem().items for item in kept)
    assert len(chart.plot.getPlotItem().items) <= before + 2  # a label or two, no rebuild


def test_picked_frameworks_are_remembered(window: MainWindow, qtbot: QtBot) -> None:
    view = compare_view(window)
    qtbot.mouseClick(view.buttons["tensorrt-llm"], Qt.MouseButton.LeftButton)
    assert window.ctx.stores.user.get_setting(COMPARE_FRAMEWORKS) == [
        "vllm", "ollama", "llama.cpp",
    ]  # fmt: skip
    window.ctx.stores.user.set_setting(COMPARE_FRAMEWORKS, ["tgi", "nonsense"])
    window.views.pop("compare").deleteLater()
    assert compare_view(window).selected() == ["vllm", "tensorrt-llm", "ollama", "llama.cpp"]
    window.ctx.stores.user.set_setting(COMPARE_FRAMEWORKS, ["sglang", "tgi"])
    window.views.pop("compare").deleteLater()
    assert compare_view(window).selected() == ["tgi", "sglang"]


def test_presentation_mode_before_the_charts_are_opened(window: MainWindow) -> None:
    view = window.show_view("compare")
    assert isinstance(view, CompareView)
    window.set_presentation_mode(True)
    try:
        view.show_charts()
        assert view.throughput_chart.scale > 1 and view.throughput_chart.bar_items
    finally:
        window.set_presentation_mode(False)
