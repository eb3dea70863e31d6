"""The GUI's engine wrapper (ServerProcess): outcome, log, and death with the app."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.conftest import REPO
from tests.integration.conftest import wait_gone

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
