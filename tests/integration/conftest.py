"""Real engines for integration tests: llama-server + tiny GGUF, and the Ollama test server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.conftest import REPO
from tests.fakes.gguf import write_tiny_gguf
from tests.fakes.ollama_fixture import fake_ollama  # noqa: F401  (the one fixture)


@pytest.fixture(scope="session")
def llama_server_bin() -> Path:
    """The real llama-server scripts/get-llama-server built (skips when not given)."""
    value = os.environ.get("INFERNAV_TEST_LLAMA_SERVER")
    if not value:
        pytest.skip("INFERNAV_TEST_LLAMA_SERVER is not set (run scripts/get-llama-server)")
    path = Path(value)
    if not path.is_file():
        pytest.skip(f"INFERNAV_TEST_LLAMA_SERVER points at a missing file: {path}")
    return path


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The deterministic tiny random-weight llama model (0.5 MB)."""
    return write_tiny_gguf(tmp_path_factory.mktemp("models") / "tiny-random-llama.gguf")


def engine_processes(marker: str) -> list[psutil.Process]:
    """Live (non-zombie) processes whose command line mentions `marker`."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            if marker in cmd and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return [p for p in found if p.pid != os.getpid()]


def wait_gone(marker: str, timeout_s: float = 5.0) -> list[psutil.Process]:
    """Wait until no process mentions `marker`; returns what is left."""
    deadline = time.monotonic() + timeout_s
    left = engine_processes(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = engine_processes(marker)
    return left


@pytest.fixture
def no_engine_left(tiny_gguf: Path) -> Iterator[None]:
    """Fail the test if a llama-server for the tiny model outlives it."""
    yield
    left = wait_gone(str(tiny_gguf.parent))
    for proc in left:
        proc.kill()
    assert not left, f"engine processes left behind: {[p.pid for p in left]}"


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m desktop_app ARGS` as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        env=full_env,
        check=False,
    )


def fake_ollama_binary(tmp_path: Path) -> Path:
    """An `ollama` program backed by the Ollama test server (serve / --version)."""
    script = tmp_path / "bin" / "ollama"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(
        f'#!/bin/sh\nPYTHONPATH={REPO} exec {sys.executable} -m tests.fakes.ollama_server "$@"\n'
    )
    script.chmod(0o755)
    return script
