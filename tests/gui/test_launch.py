"""The Launch view with a real llama-server and the Ollama test server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

from PySide6.QtGui import QDesktopServices

from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.services.engines.specs import free_port
from desktop_app.storage.user.settings import GGUF_FOLDERS, engine_binary
from tests.fakes.gguf import write_tiny_gguf
from tests.fakes.ollama_fixture import fake_ollama  # noqa: F401  (the one fixture)
from tests.fakes.profiles import machine
from tests.integration.conftest import wait_gone

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def no_stray_ollama(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point OLLAMA_HOST at a port where nothing answers (other tests may run one)."""
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{free_port()}")


@pytest.fixture
def llama_bin() -> Path:
    """The real llama-server, or skip."""
    value = os.environ.get("INFERNAV_TEST_LLAMA_SERVER")
    if not value or not Path(value).is_file():
        pytest.skip("INFERNAV_TEST_LLAMA_SERVER is not set (run scripts/get-llama-server)")
    return Path(value)


@pytest.fixture
def models(tmp_path: Path) -> Path:
    """A folder with the tiny model."""
    folder = tmp_path / "models"
    write_tiny_gguf(folder / "tiny-random-llama.gguf")
    return folder


def cpu_box() -> HardwareProfile:
    """A CPU-only machine with 16 GiB of RAM, 8 GiB free."""
    return machine(planned=True, ram_gib=16, free_gib=8)


def _launch(window, llama: Path | None = None, folder: Path | None = None):  # type: ignore[no-untyped-def]
    user = window.ctx.stores.user
    if llama is not None:
        user.set_setting(engine_binary("llama.cpp"), str(llama))
    if folder is not None:
        user.set_setting(GGUF_FOLDERS, [str(folder)])
    return window.show_view("launch")


def test_engines_and_gguf_files_are_listed(window, llama_bin: Path, models: Path) -> None:  # type: ignore[no-untyped-def]
    window.ctx.hardware.set_active(cpu_box())  # fit verdicts for a CPU-only box
    view = _launch(window, llama_bin, models)
    assert view.engine_labels["llama.cpp"].text().startswith("0.5.0-dev (build 1")
    assert str(llama_bin) in view.engine_labels["llama.cpp"].text()
    table = view.models.gguf_table
    assert table.rowCount() == 1
    cells = [table.item(0, c).text() for c in range(4)]
    assert cells == [
        "tiny-random-llama.gguf",
        "533.2 KiB",
        "F32",
        "CPU only",
    ]  # fit on this CPU box


def test_a_missing_engine_says_how_to_get_it(window, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("desktop_app.services.engines.discovery.usual_places", lambda e: [])
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    view = _launch(window)
    assert "ollama.com/download" in view.engine_labels["ollama"].text()
    llama_hint = view.engine_labels["llama.cpp"].text()
    assert "github.com/ggml-org/llama.cpp" in llama_hint
    if sys.platform.startswith("linux"):  # the Linux ways first, Homebrew last
        assert llama_hint.index("distribution") < llama_hint.index("Homebrew")
    # Start waits, saying why, instead of failing on a click.
    assert not view.start_button.isEnabled()
    assert "Start needs llama-server" in view.start_reason.text()
    view.models.tabs.setCurrentIndex(1)
    assert "Start needs Ollama" in view.start_reason.text()
    assert not view.models.pull_button.isEnabled()
    assert "Pull needs a running Ollama" in view.models.pull_message.text()
    assert view.models.pull_bar.isHidden()  # no idle 0% bar
    # Every download page is a button that opens the browser.
    for engine in ("llama.cpp", "ollama"):
        assert not view.page_buttons[engine].isHidden()
        view.page_buttons[engine].click()
    assert opened == ["https://github.com/ggml-org/llama.cpp/releases",
                      "https://ollama.com/download"]  # fmt: skip


def test_look_again_finds_an_engine_installed_meanwhile(  # type: ignore[no-untyped-def]
    window, llama_bin: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr("desktop_app.services.engines.discovery.usual_places", lambda e: [])
    window.ctx.stores.user.set_setting(GGUF_FOLDERS, [str(models)])
    view = window.show_view("launch")
    assert not view.start_button.isEnabled()
    bin_dir = models.parent / "bin"
    bin_dir.mkdir()
    (bin_dir / "llama-server").symlink_to(llama_bin)
    monkeypatch.setenv("PATH", str(bin_dir))
    view.look_again.click()
    assert view.engine_labels["llama.cpp"].text().startswith("0.5.0-dev")
    assert view.start_button.isEnabled() and view.start_reason.text() == ""
    assert view.page_buttons["llama.cpp"].isHidden()


def test_bad_options_are_refused_at_the_field(window, llama_bin: Path, models: Path) -> None:  # type: ignore[no-untyped-def]
    view = _launch(window, llama_bin, models)
    view.port_edit.setText("99999")
    view.start_button.click()
    assert "from 1 to 65535" in view.options_error.text()
    view.port_edit.setText("")
    view.host_edit.setText("0.0.0.0")
    view.start_button.click()
    assert "allow other hosts" in view.options_error.text()
    assert view.server is None
    assert view.port_edit.text() == "" and view.host_edit.text() == "0.0.0.0"  # nothing lost


def test_start_chat_measure_save_and_stop(qtbot, window, llama_bin: Path, models: Path) -> None:  # type: ignore[no-untyped-def]
    view = _launch(window, llama_bin, models)
    view.threads_edit.setText("1")
    view.start_button.click()
    qtbot.waitUntil(lambda: "Ready at" in view.status.text(), timeout=30_000)
    url = view.base_url
    assert url is not None and view.chat.endpoint.text() == f"{url}/v1"
    assert view.chat.published.text().startswith("unknown")
    assert f"curl {url}/v1/chat/completions" in view.chat.curl.toPlainText()
    assert f'base_url="{url}/v1"' in view.chat.python.toPlainText()
    qtbot.waitUntil(lambda: "listening on" in view.log.toPlainText(), timeout=5_000)
    with qtbot.waitSignal(window.ctx.trials.trial_saved, timeout=30_000) as saved:
        view.chat.prompt.setText("Hello there")
        view.chat.send_button.click()
    record = saved.args[0]
    assert record.engine == "llama.cpp" and record.quantization == "F32"
    tokens = record.metrics.output_tokens
    assert view.chat.metric_text("tokens", 0) == f"{tokens:,}"
    assert view.chat.metric_text("tokens", 1) == f"{tokens:,}"
    assert view.chat.metric_text("ttft", 0).endswith(" ms")
    assert view.chat.metric_text("decode", 1).endswith(" tok/s")
    assert "You: Hello there" in view.chat.transcript.toPlainText()
    assert view.chat.history.rowCount() == 1
    assert view.chat.history.item(0, 2).text() == "tiny-random-llama.gguf"
    view.stop_button.click()
    qtbot.waitUntil(lambda: view.status.text().startswith("Stopped"), timeout=10_000)
    assert not wait_gone(str(models))
    assert not view.chat.send_button.isEnabled()


def test_a_bad_model_file_gets_a_plain_failure(
    qtbot, window, llama_bin: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "broken.gguf").write_bytes(os.urandom(2048))
    view = _launch(window, llama_bin, folder)
    assert view.models.gguf_table.item(0, 2).text() == "not GGUF"
    view.threads_edit.setText("1")
    view.start_button.click()
    qtbot.waitUntil(lambda: "not a GGUF model" in view.status.text(), timeout=20_000)
    assert "invalid magic characters" in view.log.toPlainText()
    assert view.start_button.isEnabled() and not view.stop_button.isEnabled()
    assert not wait_gone(str(folder))


def test_closing_the_window_stops_the_engine(qtbot, window, llama_bin: Path, models: Path) -> None:  # type: ignore[no-untyped-def]
    view = _launch(window, llama_bin, models)
    view.threads_edit.setText("1")
    view.start_button.click()
    qtbot.waitUntil(lambda: "Ready at" in view.status.text(), timeout=30_000)
    window.close()
    assert not wait_gone(str(models), timeout_s=2)


def test_a_running_ollama_is_used_pulled_into_and_left_running(
    qtbot,
    window,
    fake_ollama: str,  # noqa: F811  (the fixture imported above)
) -> None:  # type: ignore[no-untyped-def]
    view = _launch(window)
    assert f"already running at {fake_ollama}" in view.engine_labels["ollama"].text()
    models = view.models
    assert models.ollama_table.item(0, 0).text() == "tinyllama:latest"
    assert models.ollama_table.item(0, 3).text() == "Q4_K_M"
    models.pull_name.setText("qwen2.5:0.5b")
    models.pull_button.click()
    assert models.pull_bar.value() == 1000 and "is ready" in models.pull_message.text()
    names = [models.ollama_table.item(r, 0).text() for r in range(models.ollama_table.rowCount())]
    assert "qwen2.5:0.5b" in names
    models.pull_name.setText("bogus")
    models.pull_button.click()
    assert "file does not exist" in models.pull_message.text()
    models.tabs.setCurrentIndex(1)
    models.ollama_table.selectRow(names.index("tinyllama:latest"))
    assert view.start_button.text() == "Use Ollama"
    view.start_button.click()
    assert "Using the Ollama already running" in view.status.text()
    assert view.chat.published.text().startswith("1–3 requests/s")
    assert "Ollama" in view.chat.published.toolTip()
    with qtbot.waitSignal(window.ctx.trials.trial_saved, timeout=10_000) as saved:
        view.send_prompt("Hi", 5)
    assert saved.args[0].engine == "ollama"
    assert saved.args[0].quantization == "Q4_K_M"
    assert view.chat.metric_text("tokens", 1) == "5"
    view.stop_button.click()
    assert "it keeps running" in view.status.text()
    assert httpx.get(fake_ollama + "/api/version").status_code == 200


def test_stop_generation_keeps_what_streamed_and_saves_nothing(
    qtbot, window, llama_bin: Path, models: Path
) -> None:  # type: ignore[no-untyped-def]
    view = _launch(window, llama_bin, models)
    view.threads_edit.setText("1")
    view.start_button.click()
    qtbot.waitUntil(lambda: "Ready at" in view.status.text(), timeout=30_000)
    view._relay.text.connect(lambda _t: view.chat.stop_button.click())
    finished: list[object] = []
    view.answer_finished.connect(finished.append)
    view.send_prompt("Hello", 4000)
    qtbot.waitUntil(lambda: bool(finished), timeout=30_000)
    assert finished[0].metrics.cancelled
    assert "Stopped early: not saved." in view.chat.metrics_note.text()
    assert view.chat.history.rowCount() == 0
    assert view.chat.send_button.isEnabled()  # the engine is still there for the next prompt
    view.stop_button.click()
    qtbot.waitUntil(lambda: view.status.text().startswith("Stopped"), timeout=10_000)


def test_a_start_that_never_becomes_ready_is_stopped(
    qtbot, window, models: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    never = tmp_path / "llama-server"
    never.write_text(
        '#!/bin/sh\ncase "$1" in --version) echo "version: 1.0 (build 1, commit x)";;\n'
        "  --help) echo '-m, --model F'; echo '--host H'; echo '--port P'; echo '-t N';\n"
        "   echo '-c N'; echo '-np N';;\n"
        "  *) exec python3 -c 'import time; time.sleep(300)' gui-never-ready;; esac\n"
    )
    never.chmod(0o755)
    view = _launch(window, never, models)
    view.ready_timeout_s = 1.0
    view.start_button.click()
    qtbot.waitUntil(lambda: "did not become ready within 1 s" in view.status.text(), timeout=15_000)
    qtbot.waitUntil(lambda: not view.server.running(), timeout=10_000)
    assert not wait_gone("gui-never-ready")


def test_ollama_serve_is_started_when_none_runs_and_stopped_after(
    qtbot, window, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.conftest import fake_ollama_binary

    view = _launch(window)
    view.pick_binary("ollama", str(fake_ollama_binary(tmp_path)))
    assert view.engine_labels["ollama"].text().startswith("0.33.0")
    assert "No Ollama is running" in view.models.ollama_status.text()
    view.models.tabs.setCurrentIndex(1)
    view.start_button.click()
    qtbot.waitUntil(lambda: "Ready at" in view.status.text(), timeout=20_000)
    qtbot.waitUntil(lambda: view.models.ollama_table.rowCount() == 1, timeout=5_000)
    assert "started by the app" in view.models.ollama_status.text()
    with qtbot.waitSignal(window.ctx.trials.trial_saved, timeout=10_000) as saved:
        view.send_prompt("Hi", 3)
    assert saved.args[0].metrics.output_tokens == 3
    url = view.base_url
    view.stop_button.click()
    qtbot.waitUntil(lambda: view.status.text().startswith("Stopped"), timeout=10_000)
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{url}/api/version", timeout=1)
