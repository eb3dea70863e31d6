"""The installer workflows (which cannot run here) checked offline, and the one llama-server build.

The schema is SchemaStore's github-workflow.json as check-jsonschema vendors it (no network).
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
INSTALLERS = REPO / ".github" / "workflows" / "installers.yml"


def _validate(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _jobs() -> dict[str, Any]:
    return yaml.safe_load(INSTALLERS.read_text(encoding="utf-8"))["jobs"]  # type: ignore[no-any-return]


def _step_text(job: dict[str, Any]) -> list[str]:
    return [f"{s.get('uses', '')} {s.get('run', '')} {s.get('env', '')}" for s in job["steps"]]


def test_every_workflow_matches_the_github_workflow_schema() -> None:
    assert WORKFLOWS, "no workflow files found"
    result = _validate(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_workflow_is_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = INSTALLERS.read_text(encoding="utf-8")
    broken.write_text(text.replace("timeout-minutes: 30", "timeout-minutes: soon", 1))
    result = _validate(broken)
    assert result.returncode != 0 and "timeout-minutes" in result.stdout + result.stderr


def test_each_installer_job_builds_and_bundles_llama_server() -> None:
    jobs = _jobs()
    assert set(jobs) >= {"linux", "windows", "macos"}
    for name, job in jobs.items():
        steps = _step_text(job)
        build = next(i for i, s in enumerate(steps) if "installers/" in s or "installers\\" in s)
        before = " ".join(steps[:build])
        assert "scripts/get-llama-server" in before, f"{name}: no llama-server before the build"
        assert "actions/cache" in before, f"{name}: llama-server is not cached"
        if name != "linux":  # build_linux.sh stages the cached binary itself
            assert "INFERNAV_LLAMA_SERVER_DIR" in before, f"{name}: nothing passed to the spec"
        keys = [s["with"]["key"] for s in job["steps"] if "actions/cache" in s.get("uses", "")]
        assert all("hashFiles('scripts/get-llama-server')" in k for k in keys), keys
    windows = " ".join(_step_text(jobs["windows"]))
    assert "INFERNAV_LLAMA_BUILD" in windows and "variants" in windows
    assert "msvc-dev-cmd" in windows
    assert "--list-devices" in " ".join(_step_text(jobs["macos"]))  # Metal shows up there


def _fake_cache(tmp_path: Path, stamp: str) -> Path:
    cache = tmp_path / "cache"
    (cache / "bin").mkdir(parents=True)
    server = cache / "bin" / "llama-server"
    server.write_text("#!/bin/sh\necho 'version: 1 (build 1, commit abc)'\n")
    server.chmod(0o755)
    (cache / "bin" / "STAMP").write_text(stamp + "\n")
    return cache


@pytest.mark.skipif(sys.platform == "win32", reason="bash script")
def test_the_cached_portable_build_is_reused_not_rebuilt(tmp_path: Path) -> None:
    cache = _fake_cache(tmp_path, f"llama-cpp-python==0.3.36 portable={platform.machine()}")
    env = {**os.environ, "INFERNAV_LLAMA_CACHE": str(cache)}
    env.pop("INFERNAV_LLAMA_BUILD", None)
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "get-llama-server")],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(cache / "bin" / "llama-server")
    assert "cached binary is current" in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="bash script")
def test_an_unknown_build_kind_is_one_sentence(tmp_path: Path) -> None:
    cache = _fake_cache(tmp_path, "llama-cpp-python==0.3.36 portable=x86_64")
    env = {**os.environ, "INFERNAV_LLAMA_CACHE": str(cache), "INFERNAV_LLAMA_BUILD": "fast"}
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "get-llama-server")],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "get-llama-server: INFERNAV_LLAMA_BUILD must be portable or variants, not 'fast'"
    )
