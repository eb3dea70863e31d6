"""Memory-fit formulas against figures llama.cpp really reports (docs/fit-and-metrics.md part A)."""

from __future__ import annotations

import dataclasses

import gguf
import pytest

from desktop_app.domain.fit.archs import slug
from desktop_app.domain.fit.estimate import (
    GIB,
    MIB,
    FitSettings,
    best_quality_key,
    catalogue_shape,
    estimate,
)
from desktop_app.domain.fit.quant import GGML_TYPES, QUANTS
from desktop_app.domain.hardware.profile import GpuDevice
from desktop_app.domain.sources.catalog import ModelArch
from tests.fakes.profiles import machine, nvidia


@pytest.fixture(scope="module")
def archs(bundled_store) -> dict[str, ModelArch]:  # type: ignore[no-untyped-def]
    return {slug(a.model): a for a in bundled_store.model_archs()}


def profile(vram_gib: float | None, ram_gib: float, bandwidth: float | None = 1008.0):  # type: ignore[no-untyped-def]
    """A planned machine with one NVIDIA GPU of `vram_gib` (None: no GPU), all RAM free."""
    gpus = (
        ()
        if vram_gib is None
        else (
            nvidia("Test GPU", None, planned=True, memory_gib=vram_gib, bandwidth_gbps=bandwidth),
        )
    )
    return machine(gpus=gpus, planned=True, ram_gib=ram_gib, free_gib=ram_gib)


def test_llama3_8b_kv_cache_matches_llama_cpp_logs(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["llama-3.1-8b"], "Q4_K_M")
    # Real logs: "KV buffer size = 512.00 MiB" at n_ctx 4096, 1024.00 MiB at 8192.
    assert estimate(shape, FitSettings(ctx=4096), None).kv.bytes == 512 * MIB
    assert estimate(shape, FitSettings(ctx=8192), None).kv.bytes == 1024 * MIB


def test_gqa_counts_kv_heads_not_attention_heads(archs) -> None:  # type: ignore[no-untyped-def]
    arch = archs["llama-3.1-8b"]
    mha = dataclasses.replace(arch, kv_heads=arch.heads)
    gqa_kv = estimate(catalogue_shape(arch, "Q4_K_M"), FitSettings(ctx=4096), None).kv.bytes
    mha_kv = estimate(catalogue_shape(mha, "Q4_K_M"), FitSettings(ctx=4096), None).kv.bytes
    assert mha_kv == 4 * gqa_kv  # what tools that ignore GQA overstate


def test_quantized_kv_cache_uses_ggml_block_sizes(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["llama-3.1-8b"], "Q4_K_M")
    f16 = estimate(shape, FitSettings(ctx=4096), None).kv.bytes
    q8 = estimate(shape, FitSettings(ctx=4096, kv_type="q8_0"), None).kv.bytes
    q4 = estimate(shape, FitSettings(ctx=4096, kv_type="q4_0"), None).kv.bytes
    assert q8 == f16 // 2 * 34 // 32  # 34 bytes per 32 values
    assert q4 == f16 // 2 * 18 // 32


def test_context_padded_and_multiplied_by_slots(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["llama-3.1-8b"], "Q4_K_M")
    one = estimate(shape, FitSettings(ctx=4000), None).kv
    four = estimate(shape, FitSettings(ctx=4096, parallel=4), None).kv
    assert one.n_ctx == 4096 and one.bytes == 512 * MIB  # padded to 256 cells
    assert four.bytes == 4 * 512 * MIB and four.n_ctx == 16384


def test_gemma2_sliding_window_layers_are_capped(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["gemma-2-9b"], "Q4_K_M")
    kv = estimate(shape, FitSettings(ctx=8192), None).kv
    no_swa = 42 * (256 + 256) * 8 * 8192 * 2
    assert kv.swa_layers == 21 and kv.swa_cells_per_seq == 4608  # 4096 + ubatch 512
    assert kv.bytes == no_swa // 2 + no_swa // 2 * 4608 // 8192


# ggml-org/llama.cpp tools/quantize/README.md: Llama-3.1-8B file sizes in GiB.
LLAMA31_8B_GIB = {
    "Q2_K": 2.95,
    "Q3_K_M": 3.74,
    "Q4_0": 4.34,
    "Q4_K_M": 4.58,
    "Q5_K_M": 5.33,
    "Q6_K": 6.14,
    "Q8_0": 7.95,
    "F16": 14.96,
}


@pytest.mark.parametrize("quant", list(LLAMA31_8B_GIB))
def test_weights_match_quantize_readme(archs, quant: str) -> None:  # type: ignore[no-untyped-def]
    got = catalogue_shape(archs["llama-3.1-8b"], quant).weights.file_bytes / GIB
    assert got == pytest.approx(LLAMA31_8B_GIB[quant], rel=0.02)


def test_q4_k_m_mixture_beats_flat_bits_per_weight(archs) -> None:  # type: ignore[no-untyped-def]
    # Qwen2.5-72B's FFN width 29568 is not a multiple of 256: ffn_down falls back to Q5_0/Q8_0.
    shape = catalogue_shape(archs["qwen2.5-72b"], "Q4_K_M")
    bpw = shape.weights.file_bytes * 8 / shape.params
    assert bpw > 4.85
    assert "Q5_0" in shape.weights.types and "Q8_0" in shape.weights.types


def test_ggml_type_table_agrees_with_gguf_package() -> None:
    for name, t in GGML_TYPES.items():
        block, size = gguf.GGML_QUANT_SIZES[gguf.GGMLQuantizationType[name]]
        assert (t.block_size, t.type_size) == (block, size), name


def test_verdicts_follow_the_hardware(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["llama-3.1-8b"], "Q4_K_M")
    s = FitSettings(ctx=8192)
    big = estimate(shape, s, profile(24, 64))
    assert big.verdict == "fits_gpu" and big.gpu_layers == big.layers == 33
    assert big.headroom_bytes is not None and big.headroom_bytes > 10 * GIB
    small = estimate(shape, s, profile(4, 32))
    assert small.verdict == "partial_offload" and 0 < small.gpu_layers < 33
    assert small.verdict_text == f"partial offload: {small.gpu_layers} of 33 layers on the GPU"
    assert "CPU side is slower" in small.speed_note
    assert small.decode_upper is not None and big.decode_upper is not None
    assert small.decode_upper < big.decode_upper
    cpu = estimate(shape, s, profile(None, 16))
    assert cpu.verdict == "cpu_only" and cpu.gpu_layers == 0
    assert estimate(shape, s, profile(None, 4)).verdict == "does_not_fit"
    pending = estimate(shape, s, None)
    assert pending.verdict == "unknown" and pending.decode_upper is None


def test_speed_bound_is_bandwidth_over_bytes(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["llama-3.1-8b"], "Q4_K_M")
    r = estimate(shape, FitSettings(ctx=4096), profile(24, 64, bandwidth=1000.0))
    assert r.decode_upper == pytest.approx(1000e9 / shape.weights.read_per_token)
    assert r.decode_estimate == pytest.approx(r.decode_upper * 0.55)
    unknown_bw = estimate(shape, FitSettings(ctx=4096), profile(24, 64, bandwidth=None))
    assert unknown_bw.decode_upper is None and "unknown" in unknown_bw.speed_note


def test_gpu_formats_do_not_offload(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["llama-3.1-8b"], "AWQ-INT4")
    assert 5.0 * GIB < shape.weights.file_bytes < 6.0 * GIB  # ≈5.7 GB (A2.1, derived)
    r = estimate(shape, FitSettings(ctx=4096), profile(4, 64))
    assert r.verdict == "does_not_fit"


def test_best_quality_that_fits_order(archs) -> None:  # type: ignore[no-untyped-def]
    hw = profile(12, 32)
    results = [
        estimate(catalogue_shape(archs[m], q), FitSettings(ctx=4096), hw)
        for m in ("llama-3.1-8b", "llama-3.1-70b", "qwen2.5-14b")
        for q in ("Q8_0", "Q4_K_M", "Q2_K")
    ]
    ranked = sorted(results, key=best_quality_key)
    top = ranked[0]
    assert top.verdict == "fits_gpu"
    # the biggest model that fits on the GPU, at its best quantization that fits
    assert (top.shape.name, top.shape.quant) == ("Qwen2.5-14B(-Instruct)", "Q4_K_M")
    # a 2-bit file ranks after every 4-bit-or-better one that fits
    fitting = [r for r in ranked if r.verdict == "fits_gpu"]
    assert fitting[-1].shape.quant == "Q2_K"
    assert ranked[-1].verdict == "does_not_fit" or ranked[-1].verdict == "cpu_only"


def test_every_catalogue_model_has_a_slug_and_all_quants(archs) -> None:  # type: ignore[no-untyped-def]
    assert "llama-3.1-8b" in archs and "gemma-2-9b" in archs and "mistral-7b-instruct-v0.2" in archs
    for arch in archs.values():
        for q in QUANTS:
            assert catalogue_shape(arch, q).weights.file_bytes > 0


def test_apple_unified_memory_and_unknown_gpu_memory(archs) -> None:  # type: ignore[no-untyped-def]
    shape = catalogue_shape(archs["llama-3.1-8b"], "Q4_K_M")
    apple = dataclasses.replace(
        profile(None, 16),
        gpus=(GpuDevice(0, "Apple M2 GPU", "Apple", "sysctl", bandwidth_gbps=100.0),),
    )
    r = estimate(shape, FitSettings(ctx=4096), apple)
    assert r.budget is not None and r.budget.vram_bytes == int(16 * GIB * 0.75)
    assert r.verdict == "fits_gpu" and any("75% of unified memory" in n for n in r.notes)
    blind = dataclasses.replace(
        profile(None, 16), gpus=(GpuDevice(0, "Mystery GPU", "NVIDIA", "sysfs"),)
    )
    r = estimate(shape, FitSettings(ctx=4096), blind)
    assert r.verdict == "cpu_only" and any("memory size unknown" in n for n in r.notes)
