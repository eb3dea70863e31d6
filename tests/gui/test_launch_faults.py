"""The Launch view under engine faults, with real background threads (not run inline).

A total stall (an Ollama the user runs accepts the question and sends nothing): the
chat's Stop, the engine Stop and closing the window each let go in under 1.5 s. A foreign
server that takes the port while our llama-server starts: one sentence, nothing saved.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.services.trial import TrialPlan
from desktop_app.storage.user.settings import GGUF_FOLDERS, engine_binary
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.launch.view import LaunchView
from desktop_app.ui.workers import BackgroundRunner
from tests.fakes.gguf import write_tiny_gguf
from tests.fakes.llama_server import serve
from tests.fakes.stalled_server import stalled_server
from tests.gui.conftest import fixed_probe
from tests.integration.conftest import wait_gone

pytestmark = pytest.mark.gui


@pytest.fixture
def threaded_window(qtbot: Any) -> Iterator[MainWindow]:
    """A loaded main window whose jobs run on real background threads."""
    win = MainWindow(runner=BackgroundRunner(), show_errors_in_dialog=False, probe=fixed_probe)
    qtbot.addWidget(win)
    win.start_loading()
    qtbot.waitUntil(lambda: win.ctx is not None, timeout=20_000)
    yield win
    win.close()
    win.runner.wait(5000)


@pytest.fixture
def stalled_ollama(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An Ollama the user runs that answers /api/version and /api/tags, then stalls."""
    with stalled_server() as url:
        monkeypatch.setenv("OLLAMA_HOST", url.removeprefix("http://"))
        yield url


def _asking(qtbot: Any, window: MainWindow) -> tuple[LaunchView, list[object]]:
    """The Launch view using the stalled Ollama, with one question sent and waiting."""
    view = window.show_view("launch")
    assert isinstance(view, LaunchView)
    qtbot.waitUntil(lambda: view.models.ollama_table.rowCount() == 1, timeout=10_000)
    view.models.tabs.setCurrentIndex(1)
    view.models.ollama_table.selectRow(0)
    view.start_button.click()
    assert "Using the Ollama already running" in view.status.text()
    answers: list[object] = []
    view.answer_finished.connect(answers.append)
    view.send_prompt("Hello?", 16)
    qtbot.wait(300)  # the request is sent; the server says nothing
    assert not answers and window.runner.pending() == 1
    return view, answers


def test_the_chat_stop_lets_go_of_a_total_stall_at_once(
    qtbot: Any, threaded_window: MainWindow, stalled_ollama: str
) -> None:
    view, answers = _asking(qtbot, threaded_window)
    start = time.monotonic()
    view.chat.stop_button.click()
    qtbot.waitUntil(lambda: bool(answers), timeout=1_500)
    assert time.monotonic() - start < 1.5
    assert answers[0].metrics.cancelled  # type: ignore[attr-defined]
    assert "Stopped early: not saved." in view.chat.metrics_note.text()
    assert view.chat.history.rowCount() == 0


def test_the_engine_stop_lets_go_of_a_total_stall_at_once(
    qtbot: Any, threaded_window: MainWindow, stalled_ollama: str
) -> None:
    view, answers = _asking(qtbot, threaded_window)
    start = time.monotonic()
    view.stop_button.click()
    qtbot.waitUntil(lambda: bool(answers), timeout=1_500)
    assert time.monotonic() - start < 1.5
    assert "it keeps running" in view.status.text()


def test_closing_the_window_during_a_total_stall_does_not_wait(
    qtbot: Any, threaded_window: MainWindow, stalled_ollama: str
) -> None:
    _asking(qtbot, threaded_window)
    start = time.monotonic()
    threaded_window.close()
    assert time.monotonic() - start < 1.5
    assert threaded_window.runner.pending() == 0 or threaded_window.runner.wait(1000)


@pytest.fixture
def llama_bin() -> Path:
    """The real llama-server, or skip."""
    value = os.environ.get("INFERNAV_TEST_LLAMA_SERVER")
    if not value or not Path(value).is_file():
        pytest.skip("INFERNAV_TEST_LLAMA_SERVER is not set (run scripts/get-llama-server)")
    return Path(value)


@pytest.mark.engine
def test_a_foreign_server_on_the_port_is_never_ready_and_nothing_is_saved(
    qtbot: Any, threaded_window: MainWindow, llama_bin: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "models"
    write_tiny_gguf(folder / "tiny-random-llama.gguf")
    user = threaded_window.ctx.stores.user  # type: ignore[union-attr]
    user.set_setting(engine_binary("llama.cpp"), str(llama_bin))
    user.set_setting(GGUF_FOLDERS, [str(folder)])
    view = threaded_window.show_view("launch")
    assert isinstance(view, LaunchView)
    qtbot.waitUntil(lambda: view.models.gguf_table.rowCount() == 1 and bool(view.engines),
                    timeout=20_000)  # fmt: skip
    view.threads_edit.setText("1")
    with contextlib.ExitStack() as stack:
        # The port was free when planned; another server takes it as our engine starts.
        def take_port(plan: TrialPlan) -> None:
            stack.enter_context(serve(plan.port))

        view.engine.launching.connect(take_port)
        view.start_button.click()
        qtbot.waitUntil(lambda: "Another program" in view.status.text(), timeout=30_000)
        port = view.engine.port
        assert view.status.text() == (
            f"Another program is already answering on port {port}, so nothing was "
            "measured; stop that program or choose another port."
        )
        assert view.start_button.isEnabled() and not view.chat.send_button.isEnabled()
        assert view.base_url is None
    assert user.trials() == []
    assert not wait_gone(str(folder))


def test_unreadable_saved_trials_get_a_banner_and_the_rest_are_listed(
    qtbot: Any, make_window: Any
) -> None:
    import sqlite3

    from desktop_app import paths
    from tests.faults.test_user_store_faults import _fill

    path = paths.user_store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    _fill(path, trials=4)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        # Rows a newer version wrote: they cannot be read here, and stay in the file.
        conn.execute("""UPDATE trial SET payload_json = '{"format": 99}' WHERE id IN (1, 3)""")
    window = make_window()
    assert "2 saved trials could not be read and are not shown." in window.banner.label.text()
    view = window.show_view("launch")
    assert view.chat.history.rowCount() == 2
    assert "Something went wrong" not in view.status.text()
