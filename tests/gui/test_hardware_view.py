"""The Hardware view: device cards, live gauges, eligibility, planning, system info."""

from __future__ import annotations

import json
from pathlib import Path

import pynvml
import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QGuiApplication

from desktop_app.services.hardware import probe_hardware
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.compare.view import CompareView
from desktop_app.ui.views.decide.view import DecideView
from desktop_app.ui.views.hardware.view import CPU_ONLY, PLAN, THIS_MACHINE, HardwareView
from tests.fakes.nvml import A100_MIG, RTX_4090, FakeNvml

pytestmark = pytest.mark.gui


@pytest.fixture
def fake_nvml(monkeypatch: pytest.MonkeyPatch) -> FakeNvml:
    return FakeNvml([RTX_4090, A100_MIG]).install(monkeypatch)


@pytest.fixture
def gpu_window(make_window, fake_nvml: FakeNvml) -> MainWindow:  # type: ignore[no-untyped-def]
    """A loaded window whose real start-up probe saw the fake GPUs."""
    return make_window(probe=probe_hardware)  # type: ignore[no-any-return]


def compare_runs(view: CompareView, name: str) -> str:
    """The Compare table's "Runs on this machine?" cell for one framework."""
    col = next(
        c
        for c in range(view.table.columnCount())
        if view.table.horizontalHeaderItem(c).text().split("\n")[0] == name  # type: ignore[union-attr]
    )
    item = view.table.item(0, col)
    assert item is not None and view.table.verticalHeaderItem(0).text() == "Runs on this machine?"  # type: ignore[union-attr]
    return item.text()


def _view(win: MainWindow) -> HardwareView:
    view = win.show_view("hardware")
    assert isinstance(view, HardwareView)
    return view


def test_start_up_detects_and_cards_show_the_gpus(gpu_window: MainWindow) -> None:
    ctx = gpu_window.ctx
    assert ctx is not None and ctx.hardware.detected is not None
    assert ctx.hardware.profile is ctx.hardware.detected
    view = _view(gpu_window)
    titles = [c.title.text() for c in view.device_cards]
    assert titles[2:] == [
        "<b>GPU 0 · NVIDIA GeForce RTX 4090</b>",
        "<b>GPU 1 · NVIDIA A100-SXM4-80GB</b>",
    ]
    rtx = view.device_cards[2].values
    assert rtx["Memory"].text() == "24.0 GiB"
    assert rtx["Compute capability"].text() == "8.9"
    assert rtx["Peak bandwidth"].text() == "1,008 GB/s (computed)"
    assert "bus width × max memory clock" in rtx["Peak bandwidth"].toolTip()
    assert rtx["PCIe"].text() == "Gen 4 ×16 (max)"
    assert rtx["Driver"].text() == "550.54.14" and rtx["CUDA (driver)"].text() == "12.4"
    assert "Measured on this machine by NVML" in rtx["Memory"].toolTip()
    a100 = view.device_cards[3].values
    assert a100["Power limit"].text() == "unknown"  # not supported under MIG: never 0
    cpu = view.device_cards[0].values
    assert cpu["Cores"].text().endswith(f"/ {ctx.hardware.detected.cpu.logical_cores} logical")
    status = {view.table.item(r, 0).text(): view.table.item(r, 1).text() for r in range(8)}
    assert status["TensorRT-LLM"] == "✔ runs"


@pytest.fixture
def no_driver(monkeypatch: pytest.MonkeyPatch) -> FakeNvml:
    """NVML as on a machine without the NVIDIA driver (set up before the window probes)."""
    return FakeNvml(init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).install(monkeypatch)


def test_no_gpu_card_says_why(no_driver: FakeNvml, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window(probe=probe_hardware)  # the real probe, seeing no driver
    view = _view(window)
    assert window.ctx is not None
    profile = window.ctx.hardware.profile
    assert profile is not None and not profile.nvidia_gpus
    card = view.device_cards[-1]
    assert card.title.text() == "<b>No NVIDIA GPU detected</b>"
    assert card.values["Why"].text() == "NVML library not found (no NVIDIA driver installed?)"
    status = {view.table.item(r, 0).text(): view.table.item(r, 1).text() for r in range(8)}
    assert status["TensorRT-LLM"] == "✖ does not run"
    assert "CPU: no (NVIDIA GPU required)" in view.table.item(1, 2).text()
    assert "Retrieved: 2026-11-29" in view.table.item(1, 2).toolTip()


def test_live_gauges_update_and_a_driver_error_shows(
    gpu_window: MainWindow, fake_nvml: FakeNvml
) -> None:
    view = _view(gpu_window)
    view._on_timer_timeout()
    view._on_timer_timeout()
    gauges = view.gauges
    assert gauges.samples_shown == 2
    assert gauges.gauges["cpu"].text().endswith(" %")
    assert gauges.gauges["gpu0util"].text() == "3 %"
    assert gauges.gauges["gpu1util"].text() == "unknown"  # MIG: not supported
    assert gauges.gauges["gpu0temp"].text() == "41 °C"
    assert len(gauges.series["gpu0vram"]) == 2
    header, rows = gauges.usage._data()  # type: ignore[misc]
    assert header[:3] == ["seconds ago", "CPU %", "RAM %"] and len(rows) == 2

    fake_nvml.fail_with = pynvml.NVML_ERROR_GPU_IS_LOST
    view._on_timer_timeout()
    assert gauges.error.text() == "⚠ GPU 0 stopped answering: NVML error: GPU is lost"
    assert gauges.gauges["cpu"].text() != "unknown"

    view._sampling = True  # a sample still running: the next tick is dropped, not queued
    view._on_timer_timeout()
    assert view.dropped_ticks == 1 and gauges.samples_shown == 3


def test_planned_profile_reaches_hardware_compare_and_decide(
    gpu_window: MainWindow, qtbot: QtBot
) -> None:
    # Fit and Launch also follow the profile; their owners' tests and the shell's
    # every-view matrix cover them.
    compare = gpu_window.show_view("compare")
    decide = gpu_window.show_view("decide")
    assert isinstance(compare, CompareView) and isinstance(decide, DecideView)
    view = _view(gpu_window)
    ctx = gpu_window.ctx
    assert ctx is not None
    with qtbot.waitSignal(ctx.hardware.profile_changed) as blocker:
        view.mode.setCurrentText(PLAN)
    assert blocker.args[0].planned
    with qtbot.waitSignal(ctx.hardware.profile_changed) as blocker:
        view.plan_gpu.setCurrentText("A100 80GB (SXM4)")
    view.plan_count.setValue(2)
    profile = ctx.hardware.profile
    assert profile is not None and profile.label == "Planned: 2× A100 80GB (SXM4)"
    assert "Planned: 2× A100 80GB (SXM4)" in view.active_label.text()
    assert [c.title.text() for c in view.device_cards][2] == (
        "<b>GPU 0 · NVIDIA A100 80GB (SXM4)</b>"
    )
    assert view.device_cards[2].values["Memory"].text() == "80 GB (74.5 GiB)"
    assert "Planned hardware, not measured" in view.device_cards[2].values["Memory"].toolTip()
    assert "Planned: 2× A100 80GB (SXM4), planned" in compare.filter.text()
    assert compare_runs(compare, "TensorRT-LLM").startswith("✓")
    assert decide.hardware.itemText(decide.hardware.count() - 1) == (
        "This machine: 2× A100 80GB (SXM4)"
    )

    view.plan_gpu.setCurrentText(CPU_ONLY)
    assert view.plan_count.value() == 32
    assert ctx.hardware.profile.label == "Planned: CPU only, 32 cores"  # type: ignore[union-attr]
    status = {view.table.item(r, 0).text(): view.table.item(r, 1).text() for r in range(8)}
    assert status["TensorRT-LLM"] == "✖ does not run"
    assert "Planned: CPU only, 32 cores, planned" in compare.filter.text()
    assert compare_runs(compare, "TensorRT-LLM").startswith("✗")
    assert (
        decide.hardware.itemText(decide.hardware.count() - 1) == "This machine: CPU only (no GPU)"
    )

    # Detection finishing while a plan is active must not replace the plan.
    view._on_detect_clicked()
    assert ctx.hardware.profile.planned  # type: ignore[union-attr]
    view.mode.setCurrentText(THIS_MACHINE)
    assert ctx.hardware.profile is ctx.hardware.detected


def test_copy_and_save_system_info(gpu_window: MainWindow, tmp_path: Path) -> None:
    view = _view(gpu_window)
    view.copy_json.click()
    data = json.loads(QGuiApplication.clipboard().text())
    assert data["label"] == "This machine" and len(data["gpus"]) == 2
    assert data["gpus"][0]["compute_capability"] == "8.9"
    view.copy_md.click()
    md = QGuiApplication.clipboard().text()
    assert md.startswith("### This machine")
    assert "- **GPU 0**: NVIDIA GeForce RTX 4090, 24.0 GiB, CC 8.9" in md
    assert view.save_system_info(tmp_path / "info.json")
    assert json.loads((tmp_path / "info.json").read_text())["gpus"][1]["name"] == (
        "NVIDIA A100-SXM4-80GB"
    )
    assert view.save_system_info(tmp_path / "info.md")
    assert (tmp_path / "info.md").read_text() == md
    assert not view.save_system_info(tmp_path / "missing" / "info.md")
    assert view.message.text().startswith("Could not save ")
