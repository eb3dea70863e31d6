"""The comparison table, its chart series, "runs here?" and the `compare` command."""

from __future__ import annotations

import csv
import io
import json

import pytest

from desktop_app.cli import run
from desktop_app.domain.compare.series import range_bars, to_hours, trial_point
from desktop_app.domain.compare.table import CompareError, build_comparison, parse_ids, runs_on
from desktop_app.domain.trial.record import Trial
from desktop_app.storage.bundled.store import BundledStore
from tests.fakes.profiles import amd, apple_silicon, machine, planned_gpu

DEFAULT = ["vllm", "tensorrt-llm", "ollama", "llama.cpp"]


def test_cells_carry_store_figures_sources_and_conflicts(bundled_store: BundledStore) -> None:
    table = build_comparison(bundled_store, DEFAULT)
    thr = table.cell("throughput", "vllm")
    assert thr.figure is not None and (thr.figure.low, thr.figure.high) == (120, 160)
    assert thr.text == "120–160 requests/s"
    assert "line 63" in thr.tooltip and "Retrieved: 2026-11-29" in thr.tooltip
    assert table.cell("throughput", "llama.cpp").text == "unknown"
    setup = table.cell("setup_time", "ollama")
    assert setup.text == "1–2 hours" and setup.display.endswith("⚠")
    assert "C3" in setup.conflicts
    assert {f.id for f in setup.also} >= {"G008", "G016"}
    assert "10 minutes" in setup.tooltip and "Ollama setup time" in setup.tooltip
    assert table.cell("ttft_load", "tensorrt-llm").text == "1,000+ ms"
    assert table.cell("license", "ollama").text == "MIT"
    assert table.cell("multi_node", "ollama").text == "unknown"


def test_tgi_status_is_marked_as_a_conflict(bundled_store: BundledStore) -> None:
    table = build_comparison(bundled_store, ["tgi", "sglang"])
    status = table.cell("status", "tgi")
    assert "maintenance mode since 2025-12-11" in status.text and "C9" in status.conflicts
    assert table.cell("per_token_latency", "sglang").text == "4–21 ms"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (["vllm"], "2 to 4"),
        (["vllm", "a", "b", "c", "d"], "unknown framework"),
        (["vllm", "ollama", "tgi", "sglang", "lmdeploy"], "not 5"),
        (["vllm", "vllm"], "only once"),
        (["vllm", "trt"], "valid ids are: vllm, tensorrt-llm"),
    ],
)
def test_bad_ids_give_one_sentence(raw: list[str], message: str) -> None:
    with pytest.raises(CompareError, match=message):
        parse_ids(raw)


def test_ids_are_case_insensitive() -> None:
    assert parse_ids(["vLLM", "Ollama"]) == ("vllm", "ollama")


def test_setup_bars_are_working_hours_and_unplotted_are_explained(
    bundled_store: BundledStore,
) -> None:
    table = build_comparison(bundled_store, DEFAULT)
    bars, missing = range_bars(table, ["setup_time"], hours=True)
    head = {b.framework: (b.low, b.high) for b in bars if b.series == "headline"}
    assert head == {"vllm": (8, 16), "tensorrt-llm": (40, 80), "ollama": (1, 2)}
    conflicting = sorted(b.low or 0 for b in bars if b.series.startswith("other"))
    assert conflicting == pytest.approx([10 / 60, 1])  # G008 10 min, G016 1 h
    assert [m.framework for m in missing] == ["llama.cpp"]
    assert "hours to days" in missing[0].reason
    assert to_hours(2, "weeks") == 80 and to_hours(3, "parsecs") is None


def test_ttft_bars_keep_open_ended_range(bundled_store: BundledStore) -> None:
    table = build_comparison(bundled_store, DEFAULT)
    bars, _missing = range_bars(table, ["ttft", "ttft_load"])
    loaded = next(b for b in bars if b.framework == "tensorrt-llm" and b.series == "under load")
    assert (loaded.low, loaded.high) == (1000, None)


def test_trial_point_reads_the_launcher_payload() -> None:
    payload = {
        "ttft_ms": 182.5,
        "decode_tokens_per_s": 41.0,
        "quantization": "Q4_K_M",
        "hardware": {"gpus": [], "cpu": {"brand": "Ryzen 7"}},
        "output_tokens": 128,
    }
    trial = Trial.from_json(
        payload, engine="llama.cpp", model="qwen2.5-0.5b", created="2026-11-29T10:00:00"
    )
    point = trial_point(trial, "ttft_ms")
    assert point is not None and point.value == 182.5 and point.unit == "ms"
    assert "Ryzen 7" in point.conditions and "measured on this machine" in point.tooltip.lower()
    assert trial_point(Trial.from_json({"ttft_ms": None}, engine="ollama"), "ttft_ms") is None


def test_runs_on_reads_platform_facts(bundled_store: BundledStore) -> None:
    trt = bundled_store.framework("tensorrt-llm")
    vllm = bundled_store.framework("vllm")
    llama = bundled_store.framework("llama.cpp")
    cpu_only = machine(planned=True)
    assert not runs_on(trt, cpu_only).runs
    assert "NVIDIA GPU required" in runs_on(trt, cpu_only).reason
    assert runs_on(llama, cpu_only).runs
    turing = planned_gpu("Tesla T4", "7.5")
    assert not runs_on(trt, turing).runs and "7.5 < 8.0 required" in runs_on(trt, turing).reason
    assert runs_on(vllm, turing).runs
    assert runs_on(trt, planned_gpu("H100", "9.0")).runs
    assert not runs_on(vllm, planned_gpu("RTX 4090", "8.9", os_name="Windows")).runs
    mac = apple_silicon("Apple M2")
    mlc_on_mac = runs_on(bundled_store.framework("mlc-llm"), mac)
    assert mlc_on_mac.runs and "Metal" in mlc_on_mac.reason
    assert not runs_on(trt, mac).runs
    lmdeploy = runs_on(bundled_store.framework("lmdeploy"), mac)
    assert "not documented" in lmdeploy.reason  # undocumented is a limit, not a "no"
    radeon = amd("Radeon RX 7900 XTX")
    assert "AMD GPU (ROCm): yes" in runs_on(vllm, radeon).reason
    assert not runs_on(trt, radeon).runs


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(["compare", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "vllm", "tensorrt-llm", "ollama", "llama.cpp")
    assert code == 0 and "120–160 requests/s" in out and "Sources:" in out
    assert "⚠ C3" in out
    code, out, _ = run_cli(capsys, "vllm", "ollama", "--json")
    data = json.loads(out)
    assert [f["id"] for f in data["frameworks"]] == ["vllm", "ollama"]
    thr = next(r for r in data["rows"] if r["key"] == "throughput")["cells"]
    assert (thr["vllm"]["low"], thr["vllm"]["high"]) == (120, 160)
    assert thr["ollama"]["retrieved"] == "2026-11-29"
    code, out, _ = run_cli(capsys, "tgi", "llama.cpp", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["framework"] for r in rows} == {"tgi", "llama.cpp"}
    tgi_thr = next(r for r in rows if r["row"] == "throughput" and r["framework"] == "tgi")
    assert (float(tgi_thr["low"]), float(tgi_thr["high"])) == (100, 140)
    unknown = next(r for r in rows if r["row"] == "throughput" and r["framework"] == "llama.cpp")
    assert unknown["value"] == "unknown" and unknown["low"] == ""


def test_cli_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "vllm", "foo")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "valid ids are" in err and "Traceback" not in err
    code, _, err = run_cli(capsys, "vllm")
    assert code == 2 and "2 to 4" in err
    with pytest.raises(SystemExit) as exc:
        run(["compare", "vllm", "ollama", "--json", "--csv"])
    assert exc.value.code == 2 and capsys.readouterr().err.count("\n") == 1
