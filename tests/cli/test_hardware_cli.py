"""`infernav detect` and `infernav eligibility` as a user runs them: a real process."""

from __future__ import annotations

import json
import os

import psutil

from tests.cli.test_cli import infernav


def test_detect_json_matches_this_machine() -> None:
    out = infernav("detect", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["cpu"]["logical_cores"] == os.cpu_count()
    assert data["cpu"]["physical_cores"] == psutil.cpu_count(logical=False)
    assert data["memory"]["total_bytes"] == psutil.virtual_memory().total
    assert 0 < data["memory"]["available_bytes"] <= data["memory"]["total_bytes"]
    assert isinstance(data["cpu"]["flags"], list)
    assert all(f == f.lower() for f in data["cpu"]["flags"])
    assert isinstance(data["gpus"], list)
    assert data["os"]["name"] in ("Linux", "macOS", "Windows")
    if not data["gpus"]:  # this machine: no NVIDIA driver
        assert data["gpu_error"].startswith("no NVIDIA GPU detected: ")


def test_detect_text_names_the_reason() -> None:
    out = infernav("detect")
    assert out.returncode == 0, out.stderr
    assert f"/ {os.cpu_count()} logical cores" in out.stdout
    assert "Instruction sets: " in out.stdout
    if "GPU 0:" not in out.stdout:
        assert "no NVIDIA GPU detected: " in out.stdout


def test_eligibility_for_a_planned_pair_of_4090s() -> None:
    out = infernav("eligibility", "--json", "--gpu", "GeForce RTX 4090", "--gpu-count", "2")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["profile"] == "Planned: 2× GeForce RTX 4090" and data["planned"] is True
    status = {f["id"]: f["status"] for f in data["frameworks"]}
    assert len(status) == 8
    assert status["tensorrt-llm"] == "runs" and status["llama.cpp"] == "runs"
    trt = next(f for f in data["frameworks"] if f["id"] == "tensorrt-llm")
    assert trt["reasons"][0].endswith("compute capability 8.9 ≥ 8.0 required")
    assert trt["sources"][0]["retrieved"] == "2026-11-29"


def test_eligibility_cpu_only_planned_and_text() -> None:
    out = infernav("eligibility", "--cpu-only", "--cores", "32")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Framework eligibility for: Planned: CPU only, 32 cores")
    assert "TensorRT-LLM   does not run" in out.stdout
    assert "CPU: no (NVIDIA GPU required)" in out.stdout


def test_unknown_gpu_is_one_line_listing_valid_names() -> None:
    out = infernav("eligibility", "--gpu", "RTX 9999")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert lines[0].startswith("infernav: error: unknown GPU 'RTX 9999'; choose one of: ")
    assert "GeForce RTX 4090" in lines[0] and "Instinct MI300X" in lines[0]


def test_gpu_count_without_gpu_is_a_clear_error() -> None:
    out = infernav("eligibility", "--gpu-count", "2")
    assert out.returncode == 2 and out.stderr == "infernav: error: --gpu-count needs --gpu NAME\n"
    out = infernav("eligibility", "--gpu", "L4", "--gpu-count", "0")
    assert out.returncode == 2 and "between 1 and 64" in out.stderr
