"""The command line as a user runs it: real process, real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app import __version__
from tests.conftest import REPO


def infernav(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m desktop_app ARGS` as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        cwd=REPO,
    )


def test_version() -> None:
    out = infernav("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"infernav {__version__}"


def test_a_python_without_the_dependencies_gets_one_sentence() -> None:
    # `python3 -m desktop_app` from the source folder with the system Python, not the venv:
    # -S leaves site-packages out, so the first third-party import (platformdirs) fails.
    out = subprocess.run(
        [sys.executable, "-S", "-m", "desktop_app", "--version"],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        timeout=60,
        cwd=REPO,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "dependencies are not installed" in out.stderr and "bash scripts/run" in out.stderr


def test_frameworks_json_has_headlines_with_sources() -> None:
    out = infernav("frameworks", "--json")
    assert out.returncode == 0, out.stderr
    data = {f["id"]: f for f in json.loads(out.stdout)}
    assert list(data) == [
        "vllm",
        "tensorrt-llm",
        "ollama",
        "llama.cpp",
        "tgi",
        "sglang",
        "lmdeploy",
        "mlc-llm",
    ]
    assert data["vllm"]["throughput"]["low"] == 120 and data["vllm"]["throughput"]["high"] == 160
    assert "line 63" in data["vllm"]["throughput"]["source"]
    assert data["tgi"]["maintenance_mode"] is True
    assert data["sglang"]["throughput"] is None


def test_frameworks_text_marks_unknown_and_maintenance() -> None:
    out = infernav("frameworks")
    assert out.returncode == 0
    assert "throughput: 120–160 requests/s" in out.stdout
    assert "⚠ status: maintenance mode since 2025-12-11" in out.stdout
    assert "llama.cpp (llama.cpp)\n  throughput: unknown" in out.stdout


def test_figures_json_fields() -> None:
    out = infernav("figures", "--json")
    assert out.returncode == 0
    figures = json.loads(out.stdout)
    assert len(figures) >= 172
    for key in (
        "topic",
        "entity",
        "metric",
        "low",
        "high",
        "unit",
        "region",
        "source",
        "source_type",
        "retrieved",
    ):
        assert all(key in f for f in figures)
    p2 = next(f for f in figures if f["id"] == "P002")
    assert p2["low"] is None and p2["display"] == "unknown"


def test_unknown_command_is_one_sentence() -> None:
    out = infernav("frobnicate")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr


def test_broken_install_is_one_sentence(tmp_path: Path) -> None:
    out = infernav("frameworks", env={"INFERNAV_BUNDLED_STORE": str(tmp_path / "gone.sqlite")})
    assert out.returncode == 1
    assert "missing" in out.stderr and "reinstall" in out.stderr
    assert "Traceback" not in out.stderr


def test_smoke_test_prints_ok() -> None:
    out = infernav("--smoke-test", env={"QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")


def test_screenshots_writes_pngs_of_the_size_asked(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    home = {"INFERNAV_HOME": str(tmp_path / "home")}
    for _ in range(2):  # the second run starts from the geometry the first one remembered
        out = infernav(
            "screenshots", "--out", str(tmp_path / "shots"), "--size", "1366x768", env=home
        )
        assert out.returncode == 0, out.stderr
    pngs = sorted(p.name for p in (tmp_path / "shots").glob("*.png"))
    assert "overview.png" in pngs and "sources.png" in pngs
    assert all((tmp_path / "shots" / p).stat().st_size > 20_000 for p in pngs)
    # The window is the size asked for, not the offscreen screen's 800×600.
    image = QImage(str(tmp_path / "shots" / "costs.png"))
    assert (image.width(), image.height()) == (1366, 768)


def test_screenshots_to_a_folder_that_cannot_exist_is_one_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = infernav("screenshots", "--out", str(blocker / "shots"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"infernav: error: cannot write screenshots to {blocker / 'shots'}: Not a directory"
    )
