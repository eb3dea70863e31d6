"""`infernav detect` and `infernav eligibility` as a user runs them: a real process."""

from __future__ import annotations

import json
import os

import psutil
import pynvml
import pytest

from desktop_app.cli import run
from tests.cli.test_cli import infernav
from tests.fakes.nvml import MIB, RTX_4090, FakeNvml


def proc_flags() -> list[str]:
    """The CPU flags the Linux kernel reports (the probe's own oracle)."""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        line = next(line for line in f if line.startswith("flags"))
    return sorted(line.split(":", 1)[1].split())


def proc_mem_total() -> int:
    with open("/proc/meminfo", encoding="utf-8") as f:
        kib = next(line for line in f if line.startswith("MemTotal:")).split()[1]
    return int(kib) * 1024


linux_only = pytest.mark.skipif(not os.path.exists("/proc/meminfo"), reason="/proc is the oracle")


@linux_only
def test_detect_json_matches_this_machine() -> None:
    out = infernav("detect", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["os"]["name"] == "Linux"
    assert data["cpu"]["logical_cores"] == os.cpu_count()
    assert data["cpu"]["physical_cores"] == psutil.cpu_count(logical=False)
    assert data["memory"]["total_bytes"] == proc_mem_total()
    assert 0 < data["memory"]["available_bytes"] <= data["memory"]["total_bytes"]
    assert sorted(data["cpu"]["flags"]) == proc_flags()
    shown = {"avx2": "AVX2", "avx512f": "AVX-512F", "fma": "FMA"}
    for flag, name in shown.items():
        assert (name in data["cpu"]["instruction_sets"]) == (flag in proc_flags())


@linux_only
def test_detect_text_names_the_reason() -> None:
    out = infernav("detect")
    assert out.returncode == 0, out.stderr
    assert f"/ {os.cpu_count()} logical cores" in out.stdout
    assert f"RAM: {proc_mem_total() / 2**30:.1f} GiB total" in out.stdout
    assert "Instruction sets: " in out.stdout
    # Either the GPUs or, in one sentence, why there are none.
    assert ("GPU 0:" in out.stdout) != ("no NVIDIA GPU detected: " in out.stdout)


def test_detect_reports_the_nvml_gpu(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    FakeNvml([RTX_4090]).install(monkeypatch)
    assert run(["detect", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["gpu_error"] is None
    [gpu] = [g for g in data["gpus"] if g["vendor"] == "NVIDIA"]
    assert gpu["name"] == "NVIDIA GeForce RTX 4090" and gpu["compute_capability"] == "8.9"
    assert gpu["memory_total_bytes"] == 24564 * MIB
    assert gpu["bandwidth_gbps"] == pytest.approx(384 * 10501 * 2 / 8 / 1000, rel=1e-3)
    assert run(["detect"]) == 0
    text = capsys.readouterr().out
    gpu_line = next(line for line in text.splitlines() if line.startswith("  GPU 0: "))
    assert gpu_line == "  GPU 0: NVIDIA GeForce RTX 4090" and "Source: NVML" in text  # vendor once
    assert "no NVIDIA GPU" not in text


def test_detect_without_a_driver_says_why(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    FakeNvml(init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).install(monkeypatch)
    assert run(["detect", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g for g in data["gpus"] if g["vendor"] == "NVIDIA"] == []
    assert data["gpu_error"].startswith("no NVIDIA GPU detected: NVML library not found")
    assert run(["detect"]) == 0
    assert "no NVIDIA GPU detected: NVML library not found" in capsys.readouterr().out


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
