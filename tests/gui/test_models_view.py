"""The Models view as a user sees it: one row per model, the usable ones first, plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.ui.views.fit.view import COL_MODEL, COL_QUANT, COL_SPEED, COL_VERDICT
from tests.fakes import profiles
from tests.fakes.gguf import (
    write_random_bytes,
    write_tiny_gguf,
    write_tiny_moe_gguf,
    write_truncated,
)
from tests.fakes.profiles import nvidia

pytestmark = pytest.mark.gui
GIB = 1024**3


def machine(vram_gib: float | None, ram_gib: float) -> HardwareProfile:
    """A planned machine with one NVIDIA GPU of `vram_gib` (None: none), all RAM free."""
    gpus = (
        ()
        if vram_gib is None
        else (nvidia("Planned GPU", None, planned=True, memory_gib=vram_gib, bandwidth_gbps=504.0),)
    )
    return profiles.machine(
        gpus=gpus, planned=True, label=f"plan {vram_gib} GiB", ram_gib=ram_gib, free_gib=ram_gib
    )


def item_of(view, name: str, quant: str | None = None):  # type: ignore[no-untyped-def]
    """The model's row (its best choice), or with `quant` the row of that quantization."""
    for top in view.top_items():
        if top.text(COL_MODEL) != name:
            continue
        if quant is None or top.text(COL_QUANT) == quant:
            return top
        for c in range(top.childCount()):
            if top.child(c).text(COL_QUANT) == quant:
                return top.child(c)
    raise AssertionError(f"{name} {quant} not in the table")


def test_detecting_hardware_until_a_profile_arrives(window) -> None:  # type: ignore[no-untyped-def]
    window.ctx.hardware.profile = None
    view = window.show_view("models")
    assert "detecting hardware" in view.hardware_label.text()
    item = item_of(view, "Llama-3.1-8B", "Q4_K_M")
    assert item.text(COL_VERDICT) == "detecting hardware…"
    assert "Weights 4.58 GiB" in item.toolTip(2)  # sizes are shown meanwhile
    assert item.text(COL_SPEED) == "unknown"  # never 0


def test_one_row_per_model_with_the_other_quantizations_on_expand(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(12, 32))
    names = view.row_texts()
    assert len(names) == len(set(names)) == 39  # the catalogue, once each
    top = item_of(view, "Llama-3.1-8B")
    assert top.childCount() == 7  # 8 GGUF quantizations: the best here plus 7 more
    assert top.text(COL_QUANT) == "Q8_0" and top.text(COL_VERDICT) == "fits on the GPU"
    assert item_of(view, "gpt-oss-20b").childCount() == 0  # its one MXFP4 file


def test_default_order_is_the_best_model_that_runs_at_a_usable_speed(window) -> None:  # type: ignore[no-untyped-def]
    """The issue: on a CPU-only laptop the top row ran at 1.5 tok/s."""
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(None, 32))
    assert view.sort_combo.currentText() == "Best that runs at a usable speed here"
    assert "usable = at least 10 tokens/s" in view.status_label.text()
    first = view.selected_result()
    assert first is not None and first.decode_estimate is not None
    assert first.decode_estimate >= 10 and first.verdict == "cpu_only"
    assert first.shape.is_moe  # a 30 B mixture of experts runs like a 3 B model
    slow = [c.best for c in view.choices if c.best.verdict.runs and c.best.decode_estimate < 10]
    assert slow and view.choices.index(next(c for c in view.choices if c.best is slow[0])) > 0
    view.sort_combo.setCurrentText("Best quality that fits")
    assert view.choices[0].best.decode_estimate < 10  # the old order: biggest that fits


def test_search_family_and_size_filter_the_rows(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    view.search.setText("qwen3")
    assert view.row_texts() and all("qwen3" in n.lower() for n in view.row_texts())
    view.search.setText("")
    view.family_combo.setCurrentText("Gemma")
    assert set(view.row_texts()) == {
        "gemma-2-9b", "gemma-2-27b", "gemma-3-1b", "gemma-3-4b", "gemma-3-12b", "gemma-3-27b"
    }  # fmt: skip
    view.size_combo.setCurrentText("Small (under 5 B)")
    assert set(view.row_texts()) == {"gemma-3-1b", "gemma-3-4b"}
    view.search.setText("no such model")
    assert view.row_texts() == [] and "No model matches" in view.status_label.text()


def test_realistic_speed_in_the_table_and_the_bound_on_hover(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(12, 32))
    item = item_of(view, "Llama-3.1-8B", "Q4_K_M")
    r = item.data(COL_MODEL, 256)
    assert item.text(COL_SPEED) == f"{r.decode_estimate:.1f} tok/s"
    assert r.decode_estimate < r.decode_upper
    assert f"upper bound {r.decode_upper:.1f} tok/s" in item.toolTip(COL_SPEED)


def test_plain_words_first_and_the_internals_behind_details(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(12, 32))
    view.select("Llama-3.1-8B", "Q4_K_M")
    assert view.summary.text() == "Fits your 12.0 GiB GPU with room for a 32k context."
    assert "Speed: about" in view.plain.text() and "(usable)" in view.plain.text()
    assert "ggml type" not in view.plain.text() and view.details.isHidden()
    view.details_button.click()
    assert not view.details.isHidden() and "by ggml type" in view.details.text()


def test_selection_shows_memory_bar_and_speed(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(4, 32))
    view.select("Llama-3.1-8B", "Q4_K_M")
    result = view.selected_result()
    assert result is not None and result.verdict == "partial_offload"
    header, rows = view.chart.rows()
    assert header[0] == "device" and len(rows) == 8
    gpu_total = sum(r[2] for r in rows if r[0] == "GPU VRAM")
    assert gpu_total == result.vram_needed <= 4 * GIB
    assert view.summary.text().startswith("Runs split: your 4.00 GiB GPU holds")
    assert "CPU side is slower" in view.details.text()


def test_a_small_gpu_runs_a_moe_model_with_its_experts_in_ram(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(8, 32))
    item = item_of(view, "Qwen3-30B-A3B", "Q4_K_M")
    assert item.text(COL_VERDICT).startswith("split: experts of ")
    view.select("Qwen3-30B-A3B", "Q4_K_M")
    assert "--n-cpu-moe" in view.summary.text()
    assert "3.0 B used per token (8 of 128 experts)" in view.plain.text()
    view.moe_check.setChecked(False)  # whole layers instead
    assert item_of(view, "Qwen3-30B-A3B", "Q4_K_M").text(COL_VERDICT).startswith("split: ")
    assert "layers on GPU" in item_of(view, "Qwen3-30B-A3B", "Q4_K_M").text(COL_VERDICT)


def test_pick_a_gpu_from_the_list_or_enter_its_memory(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(None, 32))
    assert item_of(view, "Llama-3.1-8B", "Q4_K_M").text(COL_VERDICT) == "CPU only"
    laptop = view.gpu_combo.findText("GeForce RTX 4060 Laptop GPU (8 GB)")
    assert laptop > 0 and view.gpu_combo.findText("GeForce RTX 5080 (16 GB)") > 0
    view.gpu_combo.setCurrentIndex(laptop)
    assert "GeForce RTX 4060 Laptop GPU" in view.hardware_label.text()
    item = item_of(view, "Llama-3.1-8B", "Q4_K_M")
    assert item.text(COL_VERDICT) == "fits on the GPU" and item.text(COL_SPEED) != "unknown"
    view.gpu_combo.setCurrentText("Enter GPU memory…")
    assert view.vram_spin.isVisibleTo(view)
    view.vram_spin.setValue(4)
    item = item_of(view, "Llama-3.1-8B", "Q4_K_M")
    assert item.text(COL_VERDICT).startswith("split: ")
    assert item.text(COL_SPEED) == "unknown"  # typed memory says nothing about bandwidth
    view.gpu_combo.setCurrentText("This machine")
    assert item_of(view, "Llama-3.1-8B", "Q4_K_M").text(COL_VERDICT) == "CPU only"


def test_run_action_hook_emits_the_model_id_and_quant(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(12, 32))
    assert not view.tree.isColumnHidden(5)  # the main window asks for the run action
    top = item_of(view, "Llama-3.1-8B")
    button = view.tree.itemWidget(top, 5)
    assert button is not None and button.text() == "Run this model →"
    with qtbot.waitSignal(view.run_requested) as signal:
        button.click()
    assert signal.args == ["llama-3.1-8b", top.text(COL_QUANT)]
    assert view.tree.itemWidget(item_of(view, "DeepSeek-V3 / R1"), 5) is None  # does not run


def test_open_gguf_adds_a_row_and_bad_files_show_a_message(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    good = write_tiny_gguf(tmp_path / "tiny.gguf")
    view.open_gguf(good)
    assert view.row_texts()[0] == "File · tiny-random-llama"
    assert not view.message_label.isVisible() or not view.message_label.text()
    rows = len(view.row_texts())
    view.open_gguf(write_truncated(good, tmp_path / "cut.gguf"))
    assert view.message_label.text().startswith("cut.gguf is truncated")
    assert len(view.row_texts()) == rows  # the view keeps working
    view.open_gguf(write_random_bytes(tmp_path / "noise.gguf"))
    assert "noise.gguf is not a GGUF file" in view.message_label.text()
    view.ctx_slider.setValue(5)
    assert len(view.row_texts()) == rows
    view.open_gguf(write_tiny_moe_gguf(tmp_path / "moe.gguf", "gpt-oss"))
    assert set(view.row_texts()[:2]) == {"File · tiny-random-gpt-oss", "File · tiny-random-llama"}


def test_open_folder_lists_good_files_and_names_bad_ones(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    write_tiny_gguf(tmp_path / "a.gguf")
    write_tiny_gguf(tmp_path / "b.gguf", n_layer=3)
    write_random_bytes(tmp_path / "junk.gguf")
    view.open_folder(tmp_path)
    assert view.row_texts().count("File · tiny-random-llama") == 2
    assert "junk.gguf is not a GGUF file" in view.message_label.text()


def test_gpu_formats_list_awq_gptq_fp8_and_never_offload(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(8, 32))
    view.format_combo.setCurrentIndex(1)
    quants = {r.shape.quant for r in view.results}
    assert quants == {"AWQ-INT4", "GPTQ-INT4", "FP8"}
    verdicts = {r.verdict_text for r in view.results}
    assert verdicts == {"fits on the GPU", "does not fit"}
    assert "as of 2026-11-29" in item_of(view, "Llama-3.1-8B").toolTip(COL_MODEL)


def test_a_planned_cpu_only_machine_keeps_the_table_filled(window) -> None:  # type: ignore[no-untyped-def]
    # Hardware → Plan → CPU only, then Models: a plan does not know its RAM ("ram_unknown").
    from desktop_app.domain.hardware.plan import planned_cpu_profile

    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(24, 64))
    window.ctx.hardware.set_active(planned_cpu_profile(16))
    assert view.row_texts()
    item = item_of(view, "Llama-3.1-8B", "Q4_K_M")
    assert item.text(COL_VERDICT) == "unknown: this plan's RAM is not known"
    assert "Planned: CPU only, 16 cores" in view.hardware_label.text()
    verdicts = {r.verdict_text for r in view.results}
    assert "fits on the GPU" not in verdicts  # the table follows the plan, it is not stale


def test_the_sort_box_orders_the_rows(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(12, 32))
    view.sort_combo.setCurrentText("Model name")
    names = [c.name.lower() for c in view.choices]
    assert names == sorted(names)
    view.sort_combo.setCurrentText("Total memory")
    totals = [c.best.total_bytes for c in view.choices]
    assert totals == sorted(totals) and len(set(totals)) > 1
    view.sort_combo.setCurrentText("Best quality that fits")
    assert view.choices[0].best.verdict_text == "fits on the GPU"
    assert view.choices[-1].best.verdict_text == "does not fit"
