"""`infernav fit` as a user runs it: real process, real store, real GGUF files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import infernav
from tests.fakes.gguf import write_random_bytes, write_tiny_gguf, write_truncated

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
    assert data["total_bytes"] == sum(
        data[k] for k in ("weights_bytes", "kv_cache_bytes", "compute_bytes", "overhead_bytes")
    )
    assert data["layers"] == 33
    assert data["verdict"] in {"fits_gpu", "partial_offload", "cpu_only", "does_not_fit"}


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
    assert data["verdict"] in {"fits_gpu", "cpu_only"}


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
