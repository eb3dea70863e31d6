"""The GUI's engine wrapper (ServerProcess): outcome, log, and death with the app."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from desktop_app.services.engines.specs import LaunchSpec
from desktop_app.ui import server_process
from desktop_app.ui.server_process import ServerProcess
from tests.conftest import REPO
from tests.integration.conftest import engine_processes, wait_gone

pytestmark = [pytest.mark.engine]

APP = """
import sys
from PySide6.QtCore import QCoreApplication, QTimer
from desktop_app.services.engines.specs import llama_server_spec
from desktop_app.ui.server_process import ServerProcess
app = QCoreApplication([])
spec = llama_server_spec(sys.argv[1], sys.argv[2], threads=1, ctx=512, parallel=1)
proc = ServerProcess(spec)
def report():
    print("engine", proc.outcome.pid, flush=True)
proc.started.connect(lambda: QTimer.singleShot(300, report))
proc.start()
app.exec()
"""


def test_sigkill_of_the_app_takes_its_engine_with_it(
    llama_server_bin: Path, tiny_gguf: Path, no_engine_left: None
) -> None:
    app = subprocess.Popen(
        [sys.executable, "-c", APP, str(llama_server_bin), str(tiny_gguf)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env={"QT_QPA_PLATFORM": "offscreen", **dict(__import__("os").environ)},
    )
    assert app.stdout is not None
    try:
        line = app.stdout.readline()
        assert line.startswith("engine"), line
        pid = int(line.split()[1])
        engine = psutil.Process(pid)
        assert engine.name() == "llama-server" and engine.ppid() == app.pid
    finally:
        app.send_signal(signal.SIGKILL)
        app.wait(10)
        app.stdout.close()
    assert not wait_gone(str(tiny_gguf))


# An engine that spawns a helper and leaves it behind when it is stopped (as Ollama's
# runners can): the helper's command line carries a marker the test looks for.
SPAWNER = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)", sys.argv[1]])
print("spawned", flush=True)
time.sleep(300)
"""


def _spawner_spec(marker: str) -> LaunchSpec:
    return LaunchSpec("ollama", sys.executable, ("-c", SPAWNER, marker))


@pytest.mark.gui
def test_stopping_from_the_gui_takes_the_engines_helpers_too(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    marker = f"helper-{tmp_path.name}"
    proc = ServerProcess(_spawner_spec(marker))
    with qtbot.waitSignal(proc.log_text, timeout=10_000):
        proc.start()
    assert engine_processes(marker), "the helper did not start"
    with qtbot.waitSignal(proc.finished, timeout=10_000):
        proc.stop()
    assert proc.outcome.was_stopped_by_us() and not proc.outcome.failed
    assert not wait_gone(marker, timeout_s=3)


@pytest.mark.gui
def test_without_setpriv_the_log_says_the_engine_could_outlive_a_killed_app(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    real_which = server_process.shutil.which
    monkeypatch.setattr(
        server_process.shutil,
        "which",
        lambda name, *a, **k: None if name == "setpriv" else real_which(name, *a, **k),
    )
    marker = f"helper-{tmp_path.name}"
    proc = ServerProcess(_spawner_spec(marker))
    with qtbot.waitSignal(proc.started, timeout=10_000):
        proc.start()
    assert server_process.NO_SETPRIV_NOTE in "\n".join(proc.outcome.log)
    proc.stop(wait=True)
    assert not proc.running() and not wait_gone(marker, timeout_s=3)
