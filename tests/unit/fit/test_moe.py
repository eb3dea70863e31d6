"""Mixture-of-experts, sliding-window and MLA models: what llama.cpp allocates and reads.

Memory against published GGUF sizes (benchmarks/data/gguf_reference_sizes.csv) and
llama.cpp's cache rules; the tiny-model checks against a real llama-server are in
tests/integration/test_fit_llama_server.py, the speed checks in benchmarks/fit_accuracy.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.fit.archs import slug
from desktop_app.domain.fit.estimate import (
    GIB,
    FitSettings,
    catalogue_quants,
    catalogue_shape,
    estimate,
    kv_cache,
)
from desktop_app.domain.fit.verdict import Verdict
from desktop_app.domain.sources.catalog import ModelArch
from desktop_app.services.gguf import read_gguf
from tests.fakes.gguf import write_tiny_moe_gguf
from tests.fakes.profiles import machine, nvidia


@pytest.fixture(scope="module")
def archs(bundled_store) -> dict[str, ModelArch]:  # type: ignore[no-untyped-def]
    return {slug(a.model): a for a in bundled_store.model_archs()}


def gpu_box(vram_gib: float, ram_gib: float, bandwidth: float = 448.0):  # type: ignore[no-untyped-def]
    gpu = nvidia("Test GPU", None, planned=True, memory_gib=vram_gib, bandwidth_gbps=bandwidth)
    return machine(gpus=(gpu,), planned=True, ram_gib=ram_gib, free_gib=ram_gib)


def cpu_box(ram_gib: float = 64.0):  # type: ignore[no-untyped-def]
    return machine(gpus=(), planned=True, ram_gib=ram_gib, free_gib=ram_gib)


@pytest.mark.parametrize(
    ("model", "quant", "published_gib"),
    [  # llama-bench "size" columns (sources in benchmarks/data/gguf_reference_sizes.csv)
        ("qwen3-30b-a3b", "Q4_K_M", 17.28),
        ("gpt-oss-20b", "MXFP4", 11.27),
        ("gpt-oss-120b", "MXFP4", 59.02),
        ("qwen3-14b", "Q4_K_M", 8.38),
        ("phi-4", "Q4_K_M", 8.43),
        ("mistral-small-3.1-24b", "Q4_K_M", 13.34),
    ],
)
def test_new_catalogue_models_match_published_gguf_sizes(
    archs, model, quant, published_gib
) -> None:  # type: ignore[no-untyped-def]
    weights = catalogue_shape(archs[model], quant).weights.file_bytes / GIB
    assert weights == pytest.approx(published_gib, rel=0.005)


def test_moe_decode_reads_only_the_active_experts(archs) -> None:  # type: ignore[no-untyped-def]
    """The issue's CPU-only figures: 2.8 tok/s counting every expert, ~27 counting 8 of 128."""
    shape = catalogue_shape(archs["qwen3-30b-a3b"], "Q4_K_M")
    r = estimate(shape, FitSettings(), cpu_box())
    assert r.verdict is Verdict.CPU_ONLY
    every_expert = 51.2e9 / shape.weights.read_per_token
    assert every_expert == pytest.approx(2.8, abs=0.2)
    assert r.decode_upper == pytest.approx(27.3, rel=0.03)
    assert shape.active_params / 1e9 == pytest.approx(3.0, abs=0.35)  # "A3B"
    assert shape.params / 1e9 == pytest.approx(30.53, rel=0.002)  # llama-bench: 30.53 B


def test_gpt_oss_windowed_layers_halve_its_kv_cache(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["gpt-oss-20b"], "MXFP4")
    kv = kv_cache(shape, FitSettings(ctx=32768))
    assert (kv.full_layers, kv.swa_layers) == (12, 12)
    assert kv.swa_cells_per_seq == 768  # 128-token window + 512 ubatch, padded to 256
    per_layer_full = 2 * 8 * 64 * 32768 * 2
    assert kv.bytes == 12 * per_layer_full + 12 * (2 * 8 * 64 * 768 * 2)
    assert kv.bytes < 0.52 * 24 * per_layer_full  # the issue: it came out twice too large


def test_gemma3_and_llama4_window_five_of_six_and_three_of_four_layers(archs) -> None:  # type: ignore[no-untyped-def]
    gemma = kv_cache(catalogue_shape(archs["gemma-3-27b"], "Q4_K_M"), FitSettings(ctx=32768))
    assert (gemma.full_layers, gemma.swa_layers, gemma.swa_cells_per_seq) == (10, 52, 1536)
    scout = kv_cache(
        catalogue_shape(archs["llama-4-scout-17b-16e"], "Q4_K_M"), FitSettings(ctx=65536)
    )
    assert (scout.full_layers, scout.swa_layers, scout.swa_cells_per_seq) == (12, 36, 8704)


def test_deepseek_mla_caches_one_compressed_row_and_no_v(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["deepseek-v3-r1"], "Q4_K_M")
    kv = kv_cache(shape, FitSettings(ctx=32768))
    assert kv.bytes == 61 * (512 + 64) * 32768 * 2  # 2.14 GiB, not MHA's 128 heads × (192+128)
    assert "no V cache" in kv.formula
    assert shape.params / 1e9 == pytest.approx(671, rel=0.01)


def test_small_gpu_keeps_experts_in_ram_and_runs_faster_than_layer_offload(archs) -> None:  # type: ignore[no-untyped-def]
    """--n-cpu-moe: attention and the KV cache stay on the 8 GB GPU, experts in RAM."""
    shape = catalogue_shape(archs["qwen3-30b-a3b"], "Q4_K_M")
    box = gpu_box(8, 64)
    moe = estimate(shape, FitSettings(), box)
    layers = estimate(shape, FitSettings(moe_offload=False), box)
    assert moe.verdict is Verdict.PARTIAL_OFFLOAD and moe.gpu_layers == moe.layers
    assert 0 < moe.cpu_moe_layers < shape.layers
    assert "experts of" in moe.verdict_text and "--n-cpu-moe" in " ".join(moe.notes)
    assert moe.vram_needed <= 8 * GIB
    assert layers.verdict is Verdict.PARTIAL_OFFLOAD and layers.cpu_moe_layers == 0
    assert moe.decode_estimate is not None and layers.decode_estimate is not None
    assert moe.decode_estimate > 1.2 * layers.decode_estimate
    # one block fewer in RAM would not fit the GPU
    assert moe.to_json()["n_cpu_moe"] == moe.cpu_moe_layers


def test_a_dense_model_never_gets_expert_offload(archs) -> None:  # type: ignore[no-untyped-def]
    r = estimate(catalogue_shape(archs["qwen3-32b"], "Q4_K_M"), FitSettings(), gpu_box(8, 64))
    assert r.cpu_moe_layers == 0 and r.verdict is Verdict.PARTIAL_OFFLOAD


def test_gpt_oss_is_offered_as_its_mxfp4_file_only(archs) -> None:  # type: ignore[no-untyped-def]
    assert catalogue_quants(archs["gpt-oss-20b"]) == ["MXFP4"]
    assert "MXFP4" not in catalogue_quants(archs["qwen3-8b"])


@pytest.mark.parametrize("arch", ["qwen3moe", "gpt-oss", "deepseek2"])
def test_gguf_reader_takes_experts_windows_and_mla_from_the_header(
    tmp_path: Path, arch: str
) -> None:
    shape = read_gguf(write_tiny_moe_gguf(tmp_path / "m.gguf", arch)).shape
    assert shape is not None
    assert (shape.experts, shape.experts_used) == (8, 2)
    assert shape.sliding_window == (128 if arch == "gpt-oss" else 0)
    assert shape.swa_pattern == (2 if arch == "gpt-oss" else 0)
    assert shape.kv_has_v is (arch != "deepseek2")
    assert sum(shape.weights.experts) > 0
    assert shape.active_params < shape.params
