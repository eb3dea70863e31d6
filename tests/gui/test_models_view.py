"""The Models view as a user sees it: colours follow the hardware, bad files get a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.hardware.profile import HardwareProfile
from tests.fakes import profiles
from tests.fakes.gguf import write_random_bytes, write_tiny_gguf, write_truncated
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


def row_of(view, name: str, quant: str) -> int:  # type: ignore[no-untyped-def]
    for row in range(view.table.rowCount()):
        if view.table.item(row, 0).text() == name and view.table.item(row, 1).text() == quant:
            return row
    raise AssertionError(f"{name} {quant} not in the table")


def test_detecting_hardware_until_a_profile_arrives(window) -> None:  # type: ignore[no-untyped-def]
    window.ctx.hardware.profile = None
    view = window.show_view("models")
    assert "detecting hardware" in view.hardware_label.text()
    row = row_of(view, "Llama-3.1-8B", "Q4_K_M")
    assert view.table.item(row, 5).text() == "detecting hardware…"
    assert view.table.item(row, 2).text() == "4.58 GiB"  # sizes are shown meanwhile


def test_table_colours_follow_the_active_profile(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(24, 64))
    row = row_of(view, "Llama-3.1-8B", "Q8_0")
    big_colour = view.table.item(row, 0).background().color().name()
    assert view.table.item(row, 5).text() == "fits on the GPU"
    window.ctx.hardware.set_active(machine(4, 32))
    row = row_of(view, "Llama-3.1-8B", "Q8_0")
    assert view.table.item(row, 5).text().startswith("partial: ")
    assert view.table.item(row, 0).background().color().name() != big_colour
    window.ctx.hardware.set_active(machine(None, 8))
    row = row_of(view, "Llama-3.1-8B", "Q8_0")
    assert view.table.item(row, 5).text() == "does not fit"
    assert "RAM available: 8.00 GiB" in view.hardware_label.text()


def test_best_quality_that_fits_comes_first(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(12, 32))
    view.ctx_slider.setValue(3)  # 4096
    name, quant = view.table.item(0, 0).text(), view.table.item(0, 1).text()
    # the biggest model that fits a 12 GiB GPU, at the most bits (4 or more) that still fit
    assert name == "Qwen2.5-14B" and quant in ("Q4_K_M", "Q5_K_M", "Q6_K")
    assert view.table.item(0, 5).text() == "fits on the GPU"
    order = ["Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0"]
    more_bits = order[order.index(quant) + 1]
    assert view.table.item(row_of(view, name, more_bits), 5).text() != "fits on the GPU"


def test_context_and_kv_type_change_the_kv_column(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    view.sort_combo.setCurrentText("Model name")
    row = row_of(view, "Llama-3.1-8B", "Q4_K_M")
    view.ctx_slider.setValue(3)
    assert view.table.item(row_of(view, "Llama-3.1-8B", "Q4_K_M"), 3).text() == "512.0 MiB"
    view.ctx_slider.setValue(4)
    assert view.ctx_label.text() == "8,192 tokens"
    assert view.table.item(row_of(view, "Llama-3.1-8B", "Q4_K_M"), 3).text() == "1.00 GiB"
    view.kv_combo.setCurrentText("q8_0")
    row = row_of(view, "Llama-3.1-8B", "Q4_K_M")
    assert view.table.item(row, 3).text() == "544.0 MiB"
    assert "head dims × 8 KV heads" in view.table.item(row, 3).toolTip()


def test_selection_shows_memory_bar_and_speed(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(4, 32))
    view.table.selectRow(row_of(view, "Llama-3.1-8B", "Q4_K_M"))
    result = view.selected_result()
    assert result is not None and result.verdict == "partial_offload"
    header, rows = view.chart.rows()
    assert header[0] == "device" and len(rows) == 8
    gpu_total = sum(r[2] for r in rows if r[0] == "GPU VRAM")
    assert gpu_total == result.vram_needed <= 4 * GIB
    assert "CPU side is slower" in view.details.text()
    assert "Decode speed" in view.details.text()


def test_open_gguf_adds_a_row_and_bad_files_show_a_message(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    good = write_tiny_gguf(tmp_path / "tiny.gguf")
    view.open_gguf(good)
    assert view.table.item(0, 0).text() == "File · tiny-random-llama"
    assert not view.message_label.isVisible() or not view.message_label.text()
    rows = view.table.rowCount()
    view.open_gguf(write_truncated(good, tmp_path / "cut.gguf"))
    assert view.message_label.text().startswith("cut.gguf is truncated")
    assert view.table.rowCount() == rows  # the view keeps working
    view.open_gguf(write_random_bytes(tmp_path / "noise.gguf"))
    assert "noise.gguf is not a GGUF file" in view.message_label.text()
    view.ctx_slider.setValue(5)
    assert view.table.rowCount() == rows


def test_open_folder_lists_good_files_and_names_bad_ones(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    write_tiny_gguf(tmp_path / "a.gguf")
    write_tiny_gguf(tmp_path / "b.gguf", n_layer=3)
    write_random_bytes(tmp_path / "junk.gguf")
    view.open_folder(tmp_path)
    local = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    assert local.count("File · tiny-random-llama") == 2
    assert "junk.gguf is not a GGUF file" in view.message_label.text()


def test_gpu_formats_list_awq_gptq_fp8_and_never_offload(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(8, 32))
    view.format_combo.setCurrentIndex(1)
    quants = {view.table.item(r, 1).text() for r in range(view.table.rowCount())}
    assert quants == {"AWQ-INT4", "GPTQ-INT4", "FP8"}
    verdicts = {view.table.item(r, 5).text() for r in range(view.table.rowCount())}
    assert verdicts == {"fits on the GPU", "does not fit"}
    row = row_of(view, "Llama-3.1-8B", "AWQ-INT4")
    assert "retrieved" in view.table.item(row, 0).toolTip()


def test_a_planned_cpu_only_machine_keeps_the_table_filled(window) -> None:  # type: ignore[no-untyped-def]
    # Hardware → Plan → CPU only, then Models: a plan does not know its RAM ("ram_unknown").
    from desktop_app.domain.hardware.plan import planned_cpu_profile

    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(24, 64))
    window.ctx.hardware.set_active(planned_cpu_profile(16))
    assert view.table.rowCount() > 0
    row = row_of(view, "Llama-3.1-8B", "Q4_K_M")
    assert view.table.item(row, 5).text() == "unknown: this plan's RAM is not known"
    assert "Planned: CPU only, 16 cores" in view.hardware_label.text()
    verdicts = {view.table.item(r, 5).text() for r in range(view.table.rowCount())}
    assert "fits on the GPU" not in verdicts  # the table follows the plan, it is not stale


def test_the_sort_box_orders_the_rows(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("models")
    window.ctx.hardware.set_active(machine(12, 32))
    view.sort_combo.setCurrentText("Model name")
    shown = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    names = [r.shape.name.lower() for r in view.results]
    assert names == sorted(names) and shown[0] == _first_short(view)
    view.sort_combo.setCurrentText("Total memory")
    totals = [r.total_bytes for r in view.results]
    assert totals == sorted(totals) and len(set(totals)) > 1
    view.sort_combo.setCurrentText("Best quality that fits")
    assert view.table.item(0, 5).text() == "fits on the GPU"
    assert view.table.item(view.table.rowCount() - 1, 5).text() == "does not fit"


def _first_short(view) -> str:  # type: ignore[no-untyped-def]
    import re

    return re.sub(r"\(.*?\)", "", view.results[0].shape.name).strip()
