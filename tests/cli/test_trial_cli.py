"""`infernav trial` input mistakes: one sentence on stderr, exit 2, nothing started."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.cli import run
from desktop_app.services.engines.specs import free_port


@pytest.fixture(autouse=True)
def nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{free_port()}")
    monkeypatch.setattr("desktop_app.services.engines.discovery.usual_places", lambda e: [])


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = run(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err.strip()


def test_a_port_outside_the_range_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, ["trial", "--engine", "llama.cpp", "--model", "m.gguf", "--port", "70000"])
    assert err == (
        "infernav: error: The port must be from 1 to 65535; 70000 is outside that range."
    )


def test_zero_threads_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, ["trial", "--engine", "llama.cpp", "--model", "m.gguf", "--threads", "0"])
    assert "--threads must be at least 1" in err


def test_an_unknown_engine_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run(["trial", "--engine", "vllm", "--model", "x"])
    assert exc.value.code == 2
    assert "invalid choice: 'vllm'" in capsys.readouterr().err


def test_no_ollama_anywhere_says_how_to_get_it(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, ["trial", "--engine", "ollama", "--model", "llama3.2"])
    assert "ollama was not found" in err and "https://ollama.com/download" in err


def test_a_missing_model_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    fake = tmp_path / "llama-server"
    fake.write_text("#!/bin/sh\necho 'version: 1.2.3 (build 1, commit x)'\n")
    fake.chmod(0o755)
    missing = tmp_path / "nope.gguf"
    err = _error(
        capsys,
        ["trial", "--engine", "llama.cpp", "--model", str(missing), "--server-binary", str(fake)],
    )
    assert err == f"infernav: error: The model file {missing} does not exist."
