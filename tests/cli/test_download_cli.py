"""`infernav download` as a user runs it: a real process against the resolve-protocol server."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.fakes.hf_server import HfServer
from tests.integration.conftest import cli

pytestmark = pytest.mark.slow


def test_list_names_every_starter_model_with_its_fit_here() -> None:
    out = cli("download", "--list", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    ids = {r["id"] for r in rows}
    assert {"gemma-3-270m-it", "qwen2.5-0.5b-instruct", "llama-3.2-3b-instruct"} <= ids
    for r in rows:
        assert r["repo"] and r["file"].endswith(".gguf") and r["licence"]
        assert r["sha256"] == "unknown" or len(r["sha256"]) == 64
        assert r["fit_here"]  # a verdict or "unknown", never empty
        assert r["retrieved"]
    text = cli("download", "--list")
    assert "Qwen2.5 0.5B" in text.stdout and "licence Apache-2.0" in text.stdout


def test_download_through_a_mirror_lands_verified(
    hf_server: HfServer, gemma_store: Path, gemma_gguf: tuple[Path, str], tmp_path: Path
) -> None:
    dest = tmp_path / "models"
    env = {"INFERNAV_BUNDLED_STORE": str(gemma_store)}
    out = cli("download", "gemma-3-270m-test", "--mirror", hf_server.url, "--dir", str(dest),
              env=env)  # fmt: skip
    assert out.returncode == 0, out.stderr
    path = dest / gemma_gguf[0].name
    assert str(path) in out.stdout and "SHA-256 and size checked" in out.stdout
    assert hashlib.sha256(path.read_bytes()).hexdigest() == gemma_gguf[1]
    assert "Checking the file" in out.stderr  # the progress line, not a TTY: one per phase


def test_the_environment_names_the_mirror_and_failures_are_one_sentence(
    hf_server: HfServer, gemma_store: Path, tmp_path: Path
) -> None:
    hf_server.faults.status = 500
    env = {"INFERNAV_BUNDLED_STORE": str(gemma_store), "INFERNAV_MODEL_MIRROR": hf_server.url}
    out = cli("download", "gemma-3-270m-test", "--dir", str(tmp_path), env=env)
    assert out.returncode == 1
    error = out.stderr.strip().splitlines()[-1]
    assert error.startswith("infernav: error: 127.0.0.1:") and "HTTP 500" in error
    assert "Traceback" not in out.stderr


def test_an_unknown_model_and_a_bad_mirror_are_refused() -> None:
    out = cli("download", "no-such-model")
    assert out.returncode == 2 and "--list" in out.stderr
    out = cli("download", "gemma-3-270m-it", "--mirror", "mirror.lan")
    assert out.returncode == 1 and "must start with http" in out.stderr
