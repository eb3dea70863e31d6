"""Launch's starter models: Download & run against the resolve-protocol server, then chat."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from PySide6.QtGui import QDesktopServices

from desktop_app import paths
from desktop_app.storage.user.settings import MODEL_MIRROR, engine_binary
from desktop_app.ui.views.fit.view import COL_ACTION
from tests.fakes.hf_server import HfServer
from tests.integration.conftest import wait_gone

pytestmark = [pytest.mark.gui, pytest.mark.slow]


@pytest.fixture
def llama_bin() -> Path:
    """The real llama-server, or skip."""
    import os

    value = os.environ.get("INFERNAV_TEST_LLAMA_SERVER")
    if not value or not Path(value).is_file():
        pytest.skip("INFERNAV_TEST_LLAMA_SERVER is not set (run scripts/get-llama-server)")
    return Path(value)


def _launch(make_window: Any, monkeypatch: pytest.MonkeyPatch, store: Path, mirror: str,
            llama: Path | None = None) -> Any:  # fmt: skip
    monkeypatch.setenv("INFERNAV_BUNDLED_STORE", str(store))
    window = make_window()
    user = window.ctx.stores.user
    user.set_setting(MODEL_MIRROR, mirror)
    if llama is not None:
        user.set_setting(engine_binary("llama.cpp"), str(llama))
    return window.show_view("launch")


def test_the_empty_gguf_tab_offers_the_starter_models(window) -> None:  # type: ignore[no-untyped-def]
    view = window.show_view("launch")
    models = view.models
    assert models.gguf_stack.currentWidget() is models.starters
    starters = models.starters
    names = [starters.table.item(r, 0).text() for r in range(starters.table.rowCount())]
    assert "Gemma 3 270M (instruct)" in names and "Qwen2.5 0.5B (instruct)" in names
    fit = [starters.table.item(r, 2).text() for r in range(starters.table.rowCount())]
    assert all(fit) and "unknown" in fit  # Gemma 3 has no catalogue shape yet: said so
    assert starters.run_button.text() == "Download && run" and starters.run_button.isEnabled()
    assert starters.bar.isHidden() and starters.pause_button.isHidden()
    assert "Start needs" in view.start_reason.text() and not view.start_button.isEnabled()
    opened: list[str] = []
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    try:
        starters.page_button.click()
    finally:
        monkeypatch.undo()
    assert opened and opened[0].startswith("https://huggingface.co/")


def test_download_and_run_answers_in_the_chat(  # type: ignore[no-untyped-def]
    qtbot, make_window, monkeypatch, gemma_store: Path, hf_server: HfServer, llama_bin: Path,
    gemma_gguf: tuple[Path, str],
) -> None:  # fmt: skip
    view = _launch(make_window, monkeypatch, gemma_store, hf_server.url, llama_bin)
    starters = view.models.starters
    assert starters.select("gemma-3-270m-test")
    seen: list[str] = []
    starters._relay.progress.connect(lambda _p: seen.append(starters.message.text()))
    view.threads_edit.setText("2")
    starters.run_button.click()
    target = paths.models_dir() / gemma_gguf[0].name
    assert target.is_file()
    assert any("MiB/s" in text and "left" in text for text in seen)  # speed and time left
    assert "SHA-256 and size checked" in starters.message.text()
    qtbot.waitUntil(lambda: "Ready at" in view.status.text(), timeout=60_000)
    assert view.models.selected_gguf() is not None
    assert view.models.selected_gguf().path == target
    with qtbot.waitSignal(view.answer_finished, timeout=60_000) as answered:
        view.chat.prompt.setText("Say hello.")
        view.chat.send_button.click()
    assert answered.args[0].metrics.output_tokens
    assert "You: Say hello." in view.chat.transcript.toPlainText()
    view.stop_button.click()
    qtbot.waitUntil(lambda: view.status.text().startswith("Stopped"), timeout=15_000)
    assert not wait_gone(str(target))


def test_a_wrong_hash_starts_nothing_and_says_so(  # type: ignore[no-untyped-def]
    make_window, monkeypatch, gemma_store: Path, hf_server: HfServer, llama_bin: Path
) -> None:
    hf_server.faults.corrupt = True
    view = _launch(make_window, monkeypatch, gemma_store, hf_server.url, llama_bin)
    starters = view.models.starters
    starters.select("gemma-3-270m-test")
    starters.run_button.click()
    assert "does not match its published SHA-256" in starters.message.text()
    assert "nothing was started" in starters.message.text()
    assert view.server is None and view.status.text() == "No engine running."
    assert not any(paths.models_dir().glob("*.gguf"))
    assert starters.run_button.isEnabled() and starters.bar.isHidden()


def test_pause_keeps_the_part_and_the_next_click_resumes(  # type: ignore[no-untyped-def]
    make_window, monkeypatch, gemma_store: Path, hf_server: HfServer,
    gemma_gguf: tuple[Path, str],
) -> None:  # fmt: skip
    view = _launch(make_window, monkeypatch, gemma_store, hf_server.url)
    starters = view.models.starters
    starters.select("gemma-3-270m-test")

    def pause_at_30_mib(p: Any) -> None:
        if p.done > 30 * 2**20 and starters.pause_button.isEnabled():
            starters.pause_button.click()

    starters._relay.progress.connect(pause_at_30_mib)
    starters.run_button.click()
    assert "paused" in starters.message.text() and "kept" in starters.message.text()
    part = paths.models_dir() / f"{gemma_gguf[0].name}.part"
    assert part.stat().st_size >= 30 * 2**20
    starters._relay.progress.disconnect(pause_at_30_mib)
    starters.run_button.click()
    assert hf_server.log.ranges  # resumed with Range, not from the start
    assert (paths.models_dir() / gemma_gguf[0].name).is_file() and not part.exists()
    assert "Start needs llama-server" in view.start_reason.text() or view.server is not None


def test_a_bad_mirror_address_is_refused_at_the_field(window) -> None:  # type: ignore[no-untyped-def]
    starters = window.show_view("launch").models.starters
    starters.mirror_edit.setText("mirror.lan")
    starters.mirror_edit.editingFinished.emit()
    assert "must start with http" in starters.mirror_error.text()
    assert not starters.mirror_error.isHidden()
    assert starters.mirror_edit.text() == "mirror.lan"  # kept for fixing
    assert window.ctx.stores.user.get_setting(MODEL_MIRROR) == ""


def test_run_this_model_in_models_selects_its_starter_in_launch(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    models = window.show_view("models")
    qtbot.waitUntil(lambda: bool(models.top_items()), timeout=30_000)
    item = next(i for i in models.top_items() if i.text(0).startswith("Qwen2.5-0.5B"))
    button = models.tree.itemWidget(item, COL_ACTION)
    assert not models.tree.isColumnHidden(COL_ACTION) and button.text() == "Run this model →"
    button.click()
    view = window.show_view("launch")
    assert window.current_view() is view
    starters = view.models.starters
    assert view.models.gguf_stack.currentWidget() is starters
    assert starters.selected().id == "qwen2.5-0.5b-instruct"
    assert "click Download & run" in starters.message.text()
