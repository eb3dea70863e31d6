"""`infernav deploy` as a user runs it: real process, real store, files on disk."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import yaml

from tests.cli.test_cli import infernav


def test_deploy_writes_validated_files(tmp_path: Path) -> None:
    out = tmp_path / "box"
    res = infernav(
        "deploy",
        "--framework",
        "vllm",
        "--model",
        "llama-3.1-8b",
        "--gpus",
        "2",
        "--gpu",
        "L40S",
        "--target-rps",
        "300",
        "--out",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "compose.yaml",
        "docker-run.sh",
        "helm-install.sh",
        "llminferenceservice.yaml",
        "values.yaml",
    ]
    values = yaml.safe_load((out / "values.yaml").read_text())
    assert values["servingEngineSpec"]["modelSpec"][0]["replicaCount"] == 3
    assert "compose.yaml  (The same container as a Compose service" in res.stdout
    # The script is valid POSIX sh.
    assert subprocess.run(["sh", "-n", str(out / "docker-run.sh")], check=False).returncode == 0


def test_deploy_prints_one_target(tmp_path: Path) -> None:
    res = infernav(
        "deploy", "--framework", "sglang", "--model", "qwen2.5-7b", "--target", "compose"
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("==> compose.yaml <==")
    assert "lmsysorg/sglang:v0.5.6-cu129-amd64" in res.stdout
    assert "docker-run.sh" not in res.stdout


def test_deploy_hostile_path_round_trips_through_the_shell(tmp_path: Path) -> None:
    folder = tmp_path / "a b'$(touch gotcha)"
    folder.mkdir()
    model = folder / "model.gguf"
    model.write_bytes(b"GGUF")
    res = infernav(
        "deploy", "--framework", "llama.cpp", "--model", str(model), "--target", "docker", "--json"
    )
    assert res.returncode == 0, res.stderr
    text = json.loads(res.stdout)["files"][0]["text"]
    body = text.split("set -eu\n", 1)[1].replace("\\\n", " ")
    args = shlex.split(body)
    assert f"{model}:/models/model.gguf:ro" in args
    assert not (tmp_path / "gotcha").exists()


def test_deploy_bad_input_is_one_sentence() -> None:
    res = infernav("deploy", "--framework", "vllm", "--model", "llama-3.1-8b", "--gpus", "3")
    assert res.returncode == 2
    assert res.stderr.strip().count("\n") == 0 and "Traceback" not in res.stderr
    assert res.stderr.startswith(
        "infernav: error: --gpus: Llama-3.1-8B(-Instruct) has 32 attention heads"
    )
    res = infernav(
        "deploy", "--framework", "tgi", "--model", "qwen2.5-7b", "--target", "production-stack"
    )
    assert res.returncode == 2 and "serves vLLM only" in res.stderr


def test_deploy_unwritable_folder_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = infernav(
        "deploy", "--framework", "vllm", "--model", "llama-3.1-8b", "--out", str(blocker / "d")
    )
    assert res.returncode == 2
    assert res.stderr.startswith("infernav: error: Cannot create") and "Traceback" not in res.stderr


def test_an_empty_model_is_refused_not_taken_as_the_current_folder(tmp_path: Path) -> None:
    res = infernav("deploy", "--framework", "vllm", "--model", "", "--out", str(tmp_path / "o"))
    assert res.returncode == 2
    assert "Enter a model" in res.stderr and not (tmp_path / "o").exists()
