"""`infernav trial` and the launcher against a real llama-server with the tiny model."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from desktop_app import paths
from desktop_app.services.engines.clients import StreamError, stream_llama
from desktop_app.services.engines.process import EngineError, EngineProcess
from desktop_app.services.engines.specs import LaunchSpec, free_port, llama_server_spec
from desktop_app.services.trial import TrialError, TrialOptions, run_trial
from desktop_app.storage.user.store import UserStore
from tests.conftest import REPO
from tests.integration.conftest import cli, engine_processes, wait_gone

pytestmark = [pytest.mark.engine]


def test_trial_cli_end_to_end_prints_metrics_and_saves_them(
    llama_server_bin: Path, tiny_gguf: Path, no_engine_left: None
) -> None:
    result = cli(
        "trial", "--engine", "llama.cpp", "--model", str(tiny_gguf), "--threads", "1",
        "--max-tokens", "24", "--server-binary", str(llama_server_bin), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["engine"] == "llama.cpp"
    assert data["engine_version"].startswith("0.5.0-dev")
    assert data["model"] == str(tiny_gguf)
    assert data["quantization"] == "F32"
    # the random model may stop early at its end-of-text token; the count is the server's
    assert 1 <= data["output_tokens"] <= 24
    assert data["output_tokens"] == data["server"]["output_tokens"]
    assert data["server"]["source"] == "llama-server timings"
    assert data["ttft_ms"] > 0 and data["e2e_ms"] >= data["ttft_ms"]
    assert data["decode_tokens_per_s"] > 0 and data["prompt_tokens_per_s"] > 0
    assert data["server"]["decode_tokens_per_s"] > 0
    assert 1 <= data["port"] <= 65535
    assert data["settings"]["threads"] == 1
    store = UserStore(paths.user_store_path())
    saved = store.trials()
    store.close()
    assert len(saved) == 1 and saved[0].metrics.output_tokens == data["output_tokens"]


def test_trial_cli_human_output_shows_both_columns(
    llama_server_bin: Path, tiny_gguf: Path, no_engine_left: None
) -> None:
    result = cli(
        "trial", "--engine", "llama.cpp", "--model", str(tiny_gguf), "--threads", "1",
        "--max-tokens", "8", "--server-binary", str(llama_server_bin), "--api", "completion",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "measured here" in result.stdout and "engine says" in result.stdout
    assert "decode speed" in result.stdout and "Saved as trial #1." in result.stdout


def test_a_busy_port_is_swapped_for_a_free_one_and_said(
    llama_server_bin: Path, tiny_gguf: Path, no_engine_left: None
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        busy = sock.getsockname()[1]
        result = cli(
            "trial", "--engine", "llama.cpp", "--model", str(tiny_gguf), "--threads", "1",
            "--max-tokens", "4", "--port", str(busy), "--server-binary", str(llama_server_bin),
            "--json",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    port = json.loads(result.stdout)["port"]
    assert port != busy
    assert f"Port {busy} is busy, so the engine uses port {port} instead." in result.stderr


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("infernav: error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_missing_binary_says_how_to_get_it(tiny_gguf: Path) -> None:
    result = cli(
        "trial", "--engine", "llama.cpp", "--model", str(tiny_gguf),
        env={"PATH": "/nonexistent", "HOME": os.environ["HOME"]},
    )  # fmt: skip
    line = _one_line_error(result)
    assert "llama-server was not found" in line and "github.com/ggml-org/llama.cpp" in line
    picked = cli(
        "trial", "--engine", "llama.cpp", "--model", str(tiny_gguf),
        "--server-binary", "/opt/none/llama-server",
    )  # fmt: skip
    assert "/opt/none/llama-server does not exist." in _one_line_error(picked)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing", "does not exist"),
        ("truncated", "The model file is corrupt or incomplete"),
        ("random", "The file is not a GGUF model"),
        ("empty", "The file is not a GGUF model"),
    ],
)
def test_bad_model_files_get_a_plain_message(
    llama_server_bin: Path,
    tiny_gguf: Path,
    tmp_path: Path,
    kind: str,
    expected: str,
    no_engine_left: None,
) -> None:
    bad = tmp_path / f"{kind}.gguf"
    data = tiny_gguf.read_bytes()
    if kind == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif kind == "random":
        bad.write_bytes(os.urandom(4096))
    elif kind == "empty":
        bad.write_bytes(b"")
    result = cli(
        "trial", "--engine", "llama.cpp", "--model", str(bad), "--threads", "1",
        "--server-binary", str(llama_server_bin),
    )  # fmt: skip
    assert expected in _one_line_error(result)
    assert not wait_gone(str(bad))


def _engine(
    llama_server_bin: Path, model: Path, *extra: str, port: int | None = None
) -> EngineProcess:
    port = port or free_port()
    args = ("-m", str(model), "--host", "127.0.0.1", "--port", str(port), "-t", "1", *extra)
    return EngineProcess(LaunchSpec("llama.cpp", str(llama_server_bin), args, port=port))


def test_the_engine_itself_reports_a_busy_port(
    llama_server_bin: Path, tiny_gguf: Path, no_engine_left: None
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        proc = _engine(llama_server_bin, tiny_gguf, port=sock.getsockname()[1])
        proc.start()
        with pytest.raises(EngineError, match="port is already in use"):
            proc.wait_ready(20)
    assert not proc.running()


def test_the_engine_itself_reports_a_missing_model_and_an_unknown_flag(
    llama_server_bin: Path, tiny_gguf: Path, tmp_path: Path, no_engine_left: None
) -> None:
    proc = _engine(llama_server_bin, tmp_path / "nowhere.gguf")
    proc.start()
    with pytest.raises(EngineError, match="The model file does not exist"):
        proc.wait_ready(20)
    proc = _engine(llama_server_bin, tiny_gguf, "--no-mmap")
    proc.start()
    with pytest.raises(EngineError, match="does not accept the option --no-mmap"):
        proc.wait_ready(20)
    # and the launcher refuses that flag before starting anything
    with pytest.raises(Exception, match="does not accept --no-mmap"):
        llama_server_spec(str(llama_server_bin), tiny_gguf, extra=("--no-mmap",))


def test_a_start_that_never_becomes_ready_times_out_and_is_stopped(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    never = tmp_path / "llama-server"
    never.write_text(
        '#!/bin/sh\ncase "$1" in --version) echo "version: 1.0 (build 1, commit x)";;\n'
        "  --help) echo '-m, --model F'; echo '--host H'; echo '--port P'; echo '-t N';\n"
        "   echo '-c N'; echo '-np N';;\n"
        "  *) exec python3 -c 'import time; time.sleep(300)' never-ready-marker;; esac\n"
    )
    never.chmod(0o755)
    result = cli(
        "trial", "--engine", "llama.cpp", "--model", str(tiny_gguf), "--threads", "1",
        "--server-binary", str(never), "--ready-timeout", "1.5",
    )  # fmt: skip
    assert "did not become ready within 1.5 s" in _one_line_error(result)
    assert not wait_gone("never-ready-marker")


def test_an_engine_killed_mid_answer_is_reported(
    llama_server_bin: Path, tiny_gguf: Path, no_engine_left: None
) -> None:
    killed = threading.Event()

    def kill_engine(_text: str) -> None:
        if not killed.is_set():
            killed.set()
            # Freeze it first so it cannot finish the reply before the kill lands.
            for child in psutil.Process().children(recursive=True):
                child.send_signal(signal.SIGSTOP)
                child.send_signal(signal.SIGKILL)

    opts = TrialOptions(
        engine="llama.cpp",
        model=str(tiny_gguf),
        threads=1,
        max_tokens=3500,
        server_binary=str(llama_server_bin),
        api="completion",
        ignore_eos=True,
    )
    with pytest.raises(TrialError) as err:
        run_trial(opts, on_text=kill_engine)
    message = str(err.value)
    assert "stopped answering in the middle of the reply" in message
    assert "killed (SIGKILL)" in message


def test_stop_generation_cancels_the_stream(
    llama_server_bin: Path, tiny_gguf: Path, no_engine_left: None
) -> None:
    proc = _engine(llama_server_bin, tiny_gguf, "-c", "4096", "-np", "1")
    proc.start()
    try:
        proc.wait_ready(20)
        cancel = threading.Event()
        answer = stream_llama(
            proc.spec.base_url, "hello", 3000, api="completion", cancel=cancel,
            on_text=lambda _t: cancel.set(), ignore_eos=True,
        )  # fmt: skip
        assert answer.metrics.cancelled
        assert answer.metrics.ttft_ms is not None
        # the engine keeps serving after a cancelled answer
        again = stream_llama(proc.spec.base_url, "hello", 5, api="completion", ignore_eos=True)
        assert again.metrics.output_tokens == 5
    finally:
        proc.stop()
    with pytest.raises(StreamError, match="Could not reach the engine"):
        stream_llama(proc.spec.base_url, "hello", 5)


DRIVER = """
import sys, time
import psutil
from desktop_app.services.engines.process import EngineProcess
from desktop_app.services.engines.specs import LaunchSpec, free_port
binary, model = sys.argv[1], sys.argv[2]
def spec():
    port = free_port()
    return LaunchSpec("llama.cpp", binary,
        ("-m", model, "--host", "127.0.0.1", "--port", str(port), "-t", "1", "-c", "512"),
        port=port)
for i in range(20):
    p = EngineProcess(spec())
    p.start()
    p.wait_ready(30)
    outcome = p.stop()
    left = len(psutil.Process().children(recursive=True))
    print("cycle", i, outcome.was_stopped_by_us(), left, flush=True)
p = EngineProcess(spec())
p.start()
p.wait_ready(30)
print("engine", p.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.slow
def test_twenty_cycles_then_sigkill_of_the_app_leaves_no_engine(
    llama_server_bin: Path, tiny_gguf: Path, tmp_path: Path, no_engine_left: None
) -> None:
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(llama_server_bin), str(tiny_gguf)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert driver.stdout is not None
    engine_pid = None
    cycles = 0
    try:
        for line in driver.stdout:
            if line.startswith("cycle"):
                cycles += 1
                _, _, ours, left = line.split()
                assert ours == "True", line  # a normal stop: exit 0, or SIGTERM while loading
                assert left == "0", line  # after each stop no child is left
            if line.startswith("engine"):
                engine_pid = int(line.split()[1])
                break
        assert cycles == 20 and engine_pid is not None
        assert psutil.pid_exists(engine_pid)
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait(10)
        driver.stdout.close()
    assert not wait_gone(str(tiny_gguf.parent))
    if psutil.pid_exists(engine_pid):
        assert psutil.Process(engine_pid).status() == psutil.STATUS_ZOMBIE
    assert not engine_processes(str(tiny_gguf))
