"""The launcher against the Ollama test server: reuse, start, tags, pull, chat, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from desktop_app.services.engines import ollama
from desktop_app.services.engines.clients import StreamError, stream_ollama
from desktop_app.services.engines.discovery import find_engine
from desktop_app.services.engines.process import EngineProcess
from desktop_app.services.engines.specs import free_port, ollama_serve_spec
from tests.conftest import REPO
from tests.integration.conftest import cli, fake_ollama_binary, wait_gone


def test_an_ollama_already_running_is_reused_and_left_running(
    fake_ollama: str, tmp_path: Path
) -> None:
    env = {"OLLAMA_HOST": fake_ollama, "PATH": "/nonexistent"}
    result = cli(
        "trial", "--engine", "ollama", "--model", "tinyllama", "--max-tokens", "8", "--json",
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"Using the Ollama already running at {fake_ollama} (left running)." in result.stderr
    data = json.loads(result.stdout)
    assert data["engine"] == "ollama" and data["engine_version"] == "0.33.0"
    assert data["model"] == "tinyllama" and data["quantization"] == "Q4_K_M"
    assert data["output_tokens"] == 8 and data["server"]["output_tokens"] == 8
    assert data["server"]["source"] == "Ollama eval_* fields"
    assert data["server"]["load_ms"] == pytest.approx(1.334875)
    assert data["ttft_ms"] > 0 and data["decode_tokens_per_s"] > 0
    assert data["settings"]["reused_running_server"] is True
    # never stop what we did not start
    assert ollama.version_at(fake_ollama) == "0.33.0"


def test_with_none_running_ollama_serve_is_started_and_stopped(tmp_path: Path) -> None:
    binary = fake_ollama_binary(tmp_path)
    port = free_port()
    env = {"OLLAMA_HOST": f"127.0.0.1:{port}"}
    result = cli(
        "trial", "--engine", "ollama", "--model", "tinyllama", "--max-tokens", "5",
        "--server-binary", str(binary), "--json", env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["port"] == port and data["settings"]["reused_running_server"] is False
    assert data["output_tokens"] == 5
    assert ollama.version_at(f"http://127.0.0.1:{port}") is None  # we stopped it
    assert not wait_gone("tests.fakes.ollama_server")


def test_an_unknown_model_is_a_plain_message(fake_ollama: str) -> None:
    result = cli(
        "trial", "--engine", "ollama", "--model", "nosuch", env={"OLLAMA_HOST": fake_ollama}
    )
    assert result.returncode == 2
    assert "Ollama has no model 'nosuch'" in result.stderr and "pull it first" in result.stderr
    assert "Traceback" not in result.stderr


def test_tags_pull_with_progress_and_errors(fake_ollama: str) -> None:
    names = [m.name for m in ollama.list_models(fake_ollama)]
    assert names == ["tinyllama:latest"]
    seen: list[ollama.PullProgress] = []
    assert ollama.pull(fake_ollama, "qwen2.5:0.5b", on_progress=seen.append)
    fractions = [p.fraction for p in seen if p.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert seen[0].status == "pulling manifest" and seen[-1].status == "success"
    assert "qwen2.5:0.5b" in [m.name for m in ollama.list_models(fake_ollama)]
    with pytest.raises(StreamError, match="pull model manifest: file does not exist"):
        ollama.pull(fake_ollama, "bogus-model")


def test_a_pull_can_be_cancelled(fake_ollama: str) -> None:
    cancel = threading.Event()
    progress: list[ollama.PullProgress] = []

    def on_progress(p: ollama.PullProgress) -> None:
        progress.append(p)
        if len(progress) == 3:
            cancel.set()

    assert ollama.pull(fake_ollama, "llama3.2", cancel=cancel, on_progress=on_progress) is False
    assert len(progress) == 3
    assert "llama3.2:latest" not in [m.name for m in ollama.list_models(fake_ollama)]


def test_chat_streams_with_nanosecond_metrics_and_can_be_stopped(fake_ollama: str) -> None:
    pieces: list[str] = []
    answer = stream_ollama(fake_ollama, "tinyllama", "hi", 6, on_text=pieces.append)
    assert len(pieces) == 6 and answer.text == "".join(pieces)
    server = answer.metrics.server
    assert server is not None and server.output_tokens == 6
    assert server.decode_tokens_per_s is not None and server.decode_tokens_per_s > 0
    cancel = threading.Event()
    stopped = stream_ollama(
        fake_ollama, "tinyllama", "hi", 100, cancel=cancel, on_text=lambda _t: cancel.set()
    )
    assert stopped.metrics.cancelled and stopped.text.count(" ") == 0


def test_the_server_exits_1_on_a_bound_port_and_we_say_why(
    fake_ollama: str, tmp_path: Path
) -> None:
    port = int(fake_ollama.rsplit(":", 1)[1])
    direct = subprocess.run(
        [sys.executable, "-m", "tests.fakes.ollama_server", "--port", str(port)],
        cwd=REPO, capture_output=True, text=True, timeout=20, check=False,
    )  # fmt: skip
    assert direct.returncode == 1
    assert f"listen tcp 127.0.0.1:{port}: bind: address already in use" in direct.stderr
    spec = ollama_serve_spec(str(fake_ollama_binary(tmp_path)))
    # force the taken port, as if it had been taken between our check and the start
    spec = type(spec)(**{**spec.__dict__, "env": {"OLLAMA_HOST": f"127.0.0.1:{port}"},
                         "port": port})  # fmt: skip
    proc = EngineProcess(spec)
    proc.start()
    try:
        assert proc.exited_within(15) and proc.outcome.code == 1
        assert proc.outcome.failed and str(proc.outcome) == (
            "The port is already in use by another program; choose another port."
        )
    finally:
        proc.stop()


def test_the_ollama_binary_and_its_version_are_found(tmp_path: Path) -> None:
    info = find_engine("ollama", str(fake_ollama_binary(tmp_path)))
    assert info.usable and info.version == "0.33.0"


def test_find_running_reads_ollama_host(fake_ollama: str) -> None:
    running = ollama.find_running({"OLLAMA_HOST": fake_ollama.removeprefix("http://")})
    assert running is not None and running.version == "0.33.0"
    assert ollama.find_running({"OLLAMA_HOST": f"127.0.0.1:{free_port()}"}) is None
    assert psutil.pid_exists(psutil.Process().pid)
