"""`infernav fit` as a user runs it: real process, real store, real GGUF files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import gguf
import pytest

from desktop_app import cli
from desktop_app.domain.hardware.plan import planned_cpu_profile, planned_gpu_profile
from desktop_app.domain.hardware.profile import HardwareProfile, MemoryInfo
from tests.cli.test_cli import infernav
from tests.fakes.gguf import write_random_bytes, write_tiny_gguf, write_truncated

GIB = 1024**3

KEYS = {
    "weights_bytes",
    "kv_cache_bytes",
    "compute_bytes",
    "overhead_bytes",
    "total_bytes",
    "verdict",
    "gpu_layers",
    "layers",
    "decode_tokens_per_s_upper",
}


def test_fit_catalogue_model_json() -> None:
    out = infernav("fit", "--model", "llama-3.1-8b", "--quant", "Q4_K_M", "--ctx", "8192", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= KEYS
    assert data["kv_cache_bytes"] == 1024 * 1024**2  # the real llama.cpp log figure
    assert abs(data["weights_bytes"] / 1024**3 - 4.58) < 0.05
    assert data["layers"] == 33
    assert data["verdict"] == data["verdict"].lower()  # a value of the JSON contract
    assert data["ram_available_bytes"] is not None  # this machine's probe knows its RAM


def fit_on(
    machine: HardwareProfile, monkeypatch: pytest.MonkeyPatch, capsys: Any, *args: str
) -> dict[str, Any]:
    """`infernav fit ARGS --json` in-process, on a machine whose memory the test sets."""
    monkeypatch.setattr(
        "desktop_app.services.hardware.probe.probe_hardware", lambda *a, **k: machine
    )
    assert cli.run(["fit", *args, "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def with_ram(profile: HardwareProfile, gib: float) -> HardwareProfile:
    return dataclasses.replace(profile, memory=MemoryInfo(int(gib * GIB), int(gib * GIB)))


def test_fit_verdict_follows_the_machine(  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch, capsys, bundled_store
) -> None:
    args = ("--model", "llama-3.1-8b", "--quant", "Q4_K_M", "--ctx", "8192")
    weights = 4.58 * GIB  # the published file size; the KV cache is 1 GiB (llama.cpp's log)
    gpus = {g.name: g for g in bundled_store.gpus()}
    a100 = next(g for n, g in gpus.items() if n.startswith("A100 80GB"))
    big = fit_on(with_ram(planned_gpu_profile(a100), 64), monkeypatch, capsys, *args)
    assert (big["verdict"], big["verdict_text"]) == ("fits_gpu", "fits on the GPU")
    assert big["gpu_layers"] == 33 and big["vram_available_bytes"] == 80 * 10**9
    small_gpu = dataclasses.replace(a100, name="4 GB GPU", memory_gb=4.0)
    part = fit_on(with_ram(planned_gpu_profile(small_gpu), 64), monkeypatch, capsys, *args)
    assert part["verdict"] == "partial_offload" and 0 < part["gpu_layers"] < 33
    assert part["vram_needed_bytes"] <= 4 * 10**9
    cpu = fit_on(with_ram(planned_cpu_profile(8), 16), monkeypatch, capsys, *args)
    assert (cpu["verdict"], cpu["gpu_layers"]) == ("cpu_only", 0)
    assert cpu["ram_needed_bytes"] >= weights + GIB  # weights and KV cache both in RAM
    assert cpu["headroom_bytes"] == 16 * GIB - cpu["ram_needed_bytes"]
    tight = fit_on(with_ram(planned_cpu_profile(8), 4), monkeypatch, capsys, *args)
    assert tight["verdict"] == "does_not_fit"  # 4 GiB is less than the weights alone
    plan = fit_on(planned_cpu_profile(8), monkeypatch, capsys, *args)
    assert plan["verdict"] == "ram_unknown" and plan["headroom_bytes"] is None


def test_fit_parallel_and_kv_type_change_the_cache() -> None:
    base = json.loads(infernav("fit", "--model", "mistral-7b-instruct-v0.2", "--json").stdout)
    more = infernav(
        "fit",
        "--model",
        "mistral-7b-instruct-v0.2",
        "--kv-type",
        "q8_0",
        "--parallel",
        "2",
        "--json",
    )
    data = json.loads(more.stdout)
    assert base["kv_cache_bytes"] == 512 * 1024**2  # Mistral 7B at 4096: 512 MiB
    assert data["kv_cache_bytes"] == base["kv_cache_bytes"] * 2 * 34 // 64


def test_fit_text_output_explains_the_formula() -> None:
    out = infernav("fit", "--model", "gemma-2-9b", "--quant", "Q6_K", "--ctx", "8192")
    assert out.returncode == 0, out.stderr
    assert "sliding-window layers capped" in out.stdout
    assert "Verdict:" in out.stdout and "Decode speed upper bound" in out.stdout


def test_fit_gguf_file(tmp_path: Path) -> None:
    path = write_tiny_gguf(tmp_path / "tiny.gguf")
    out = infernav("fit", "--gguf", str(path), "--ctx", "1024", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["layers"] == 3 and data["kv_cache_bytes"] == 2 * 32 * 2 * 1024 * 2
    # the weights are the tensor bytes in the file, as the gguf package's own reader sizes them
    tensors = gguf.GGUFReader(str(path)).tensors
    assert data["weights_bytes"] == sum(int(t.n_bytes) for t in tensors)
    assert (data["model"], data["quant"]) == ("tiny-random-llama", "F32")


def test_fit_gguf_verdict_on_machines_too_small_and_big_enough(  # type: ignore[no-untyped-def]
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = str(write_tiny_gguf(tmp_path / "tiny.gguf", file_type=27))
    size = Path(path).stat().st_size
    roomy = fit_on(with_ram(planned_cpu_profile(4), 16), monkeypatch, capsys, "--gguf", path)
    assert (roomy["verdict"], roomy["quant"]) == ("cpu_only", "IQ3_M")
    assert roomy["ram_needed_bytes"] >= roomy["weights_bytes"] > size // 2
    tiny_box = with_ram(planned_cpu_profile(4), size / 2 / GIB)  # half the file's size
    assert fit_on(tiny_box, monkeypatch, capsys, "--gguf", path)["verdict"] == "does_not_fit"


def test_fit_bad_gguf_is_one_line(tmp_path: Path) -> None:
    good = write_tiny_gguf(tmp_path / "tiny.gguf")
    for bad, words in (
        (write_truncated(good, tmp_path / "cut.gguf"), "is truncated"),
        (write_random_bytes(tmp_path / "noise.gguf"), "is not a GGUF file"),
    ):
        out = infernav("fit", "--gguf", str(bad))
        assert out.returncode == 2
        assert out.stderr.count("\n") == 1 and words in out.stderr
        assert "Traceback" not in out.stderr


def test_fit_list_and_unknown_ids() -> None:
    listed = infernav("fit", "--list")
    assert listed.returncode == 0 and "llama-3.1-8b" in listed.stdout
    assert "Q4_K_M" in listed.stdout
    out = infernav("fit", "--model", "llama-9000")
    assert out.returncode == 2 and "unknown model id 'llama-9000'" in out.stderr
    out = infernav("fit", "--model", "llama-3.1-8b", "--quant", "Q7")
    assert out.returncode == 2 and "unknown quantization" in out.stderr
    out = infernav("fit", "--model", "llama-3.1-8b", "--ctx", "0")
    assert out.returncode == 2 and "--ctx must be" in out.stderr


def test_fit_a_moe_model_on_a_small_gpu_keeps_experts_in_ram(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.domain.hardware.plan import find_gpu
    from desktop_app.services.stores import open_bundled

    laptop = find_gpu(open_bundled().gpus(), "RTX 4060 Laptop")
    assert laptop is not None
    box = with_ram(planned_gpu_profile(laptop), 32)
    data = fit_on(box, monkeypatch, capsys, "--model", "qwen3-30b-a3b")
    assert data["verdict"] == "partial_offload" and data["n_cpu_moe"] > 0
    assert (data["experts"], data["experts_used"]) == (128, 8)
    layers = fit_on(box, monkeypatch, capsys, "--model", "qwen3-30b-a3b", "--no-cpu-moe")
    assert layers["n_cpu_moe"] == 0 and layers["gpu_layers"] < layers["layers"]
    gpt = fit_on(box, monkeypatch, capsys, "--model", "gpt-oss-20b")
    assert gpt["quant"] == "MXFP4" and gpt["active_params"] < gpt["params"] / 4
    out = infernav("fit", "--model", "gpt-oss-20b", "--quant", "Q4_K_M")
    assert out.returncode == 2 and "choose one of MXFP4" in out.stderr
