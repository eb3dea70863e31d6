"""The Hardware view says which llama-server a trial would start, and where it came from."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from desktop_app.services.engines import discovery
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.hardware.view import HardwareView

pytestmark = pytest.mark.gui


def _hardware(win: MainWindow) -> HardwareView:
    view = win.show_view("hardware")
    assert isinstance(view, HardwareView)
    return view


def test_the_bundled_engine_is_named_with_what_it_runs_on(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.environ.get("INFERNAV_TEST_LLAMA_SERVER")
    if not real or not Path(real).is_file():
        pytest.skip("INFERNAV_TEST_LLAMA_SERVER is not set (run scripts/get-llama-server)")
    internal = tmp_path / "infernav" / "_internal"
    (internal / "llama.cpp").mkdir(parents=True)
    (internal / "llama.cpp" / "llama-server").symlink_to(real)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(discovery, "usual_places", lambda engine: [])
    text = _hardware(window).engine_label.text()
    assert text.startswith("llama-server used for trials:")
    assert "(bundled with the app)" in text and "runs on: CPU only" in text


def test_no_engine_says_how_to_get_one(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(discovery, "usual_places", lambda engine: [])
    text = _hardware(window).engine_label.text()
    assert text.startswith("llama-server: not found.") and "github.com/ggml-org/llama.cpp" in text
