"""The background helper on its real thread pool: results, failures, ordering, guards."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.workers import BackgroundRunner
from tests.conftest import REPO

pytestmark = pytest.mark.gui


def _explode() -> int:
    raise ValueError("the disk said no")


def test_a_pool_job_returns_its_result_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = BackgroundRunner()
    seen: dict[str, object] = {}

    def job() -> int:
        seen["job_thread"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["done_thread"] = threading.get_ident()

    runner.submit(job, done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42
    assert seen["job_thread"] != threading.get_ident()  # it ran off the GUI thread
    assert seen["done_thread"] == threading.get_ident()  # and reported back on it
    assert runner.pending() == 0


def test_an_unhandled_pool_failure_is_logged_and_announced(qtbot, caplog) -> None:  # type: ignore[no-untyped-def]
    runner = BackgroundRunner()
    with qtbot.waitSignal(runner.unhandled, timeout=5000) as blocker:
        runner.submit(_explode, lambda _r: None)
    message = blocker.args[0]
    assert "the disk said no" in message and str(paths.log_file()) in message
    assert "Traceback" not in message
    records = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert records and "_explode" in records[0].getMessage()
    assert 'raise ValueError("the disk said no")' in records[0].getMessage()  # the traceback
    assert [str(e) for e in runner.failures] == ["the disk said no"]
    runner.failures.clear()  # seen: the guard must not fail this test


def test_a_handled_failure_goes_to_on_error_and_the_log(qtbot, caplog) -> None:  # type: ignore[no-untyped-def]
    runner = BackgroundRunner()
    errors: list[BaseException] = []
    runner.submit(_explode, lambda _r: None, errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "the disk said no"
    assert not runner.failures
    assert any("_explode" in r.getMessage() for r in caplog.records)


def test_writes_with_one_key_land_in_order_last_one_wins(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = BackgroundRunner()
    setting: list[int] = []
    finished: list[int] = []
    clicks = 6

    def write(value: int) -> None:
        time.sleep(0.02 * (clicks - value))  # earlier clicks are slower to write
        setting.append(value)

    for value in range(clicks):
        runner.submit(lambda v=value: write(v), finished.append, key="compare.frameworks")
    qtbot.waitUntil(lambda: len(finished) == clicks, timeout=10_000)
    assert setting == list(range(clicks))
    assert setting[-1] == clicks - 1


def test_the_banner_shows_a_failure_nobody_handled(window: MainWindow) -> None:
    window.runner.submit(_explode, lambda _r: None)
    assert not window.banner.isHidden()
    text = window.banner.label.text()
    assert "the disk said no" in text and str(paths.log_file()) in text
    window.runner.failures.clear()


def test_a_failed_hardware_probe_leaves_no_view_detecting_forever(make_window) -> None:  # type: ignore[no-untyped-def]
    def broken_probe() -> object:
        raise OSError("psutil could not read /proc")

    win = make_window(probe=broken_probe)
    hardware = win.ctx.hardware
    assert hardware.failure is not None and "psutil could not read /proc" in hardware.failure
    assert hardware.profile is not None and hardware.profile.memory.total_bytes is None
    assert "could not be detected" in win.banner.label.text()
    decide = win.show_view("decide")
    assert "detecting" not in decide.hardware.itemText(decide.hardware.count() - 1)  # type: ignore[attr-defined]
    view = win.show_view("hardware")
    assert "Detecting" not in view.active_label.text()  # type: ignore[attr-defined]


def test_the_gui_guard_fails_a_test_whose_job_failure_was_dropped(tmp_path: Path) -> None:
    probe = tmp_path / "test_dropped.py"
    probe.write_text(
        textwrap.dedent(
            """
            from tests.gui.conftest import _dangling_runner_jobs  # noqa: F401 (autouse guard)
            from desktop_app.ui.workers import BackgroundRunner

            def boom() -> None:
                raise RuntimeError("lost")

            def test_drops_a_failure(qtbot) -> None:
                BackgroundRunner(immediate=True).submit(boom, lambda _r: None)
            """
        )
    )
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(probe)],
        cwd=tmp_path,
        env={**__import__("os").environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0, out.stdout[-2000:]
    assert "unhandled background failure: RuntimeError('lost')" in out.stdout
