"""The fit estimate against a real llama-server's own startup log (tiny random-weight llama)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.llama_server_memory import find_server, measure
from desktop_app.domain.fit.estimate import MIB, FitSettings, estimate
from desktop_app.services.gguf import read_gguf
from tests.fakes.gguf import MOE_ARCHS, write_tiny_gguf, write_tiny_moe_gguf

needs_server = pytest.mark.skipif(
    not os.environ.get("INFERNAV_TEST_LLAMA_SERVER"),
    reason="set INFERNAV_TEST_LLAMA_SERVER=<path to llama-server> to run against a real one",
)


@pytest.mark.engine
@needs_server
@pytest.mark.parametrize(("ctx", "parallel", "kv_type"), [(4096, 1, "f16"), (8192, 2, "q8_0")])
def test_weights_and_kv_match_the_server_log(
    tmp_path: Path, ctx: int, parallel: int, kv_type: str
) -> None:
    server = find_server()
    assert server is not None, "INFERNAV_TEST_LLAMA_SERVER does not point at an executable"
    model = write_tiny_gguf(
        tmp_path / "small.gguf", n_embd=256, n_layer=4, n_head=8, n_head_kv=2, n_ff=768
    )
    mem = measure(server, model, ctx=ctx, parallel=parallel, kv_type=kv_type)
    shape = read_gguf(model).shape
    assert shape is not None
    r = estimate(shape, FitSettings(ctx=ctx // parallel, parallel=parallel, kv_type=kv_type), None)
    assert r.weights_bytes / MIB == pytest.approx(mem.weights_mib, rel=0.02)
    assert r.kv.bytes / MIB == pytest.approx(mem.kv_mib, rel=0.02)
    assert mem.kv_caches == [(r.kv.cells_per_seq, shape.layers)]
    # the compute buffer is an estimate; it stays within a quarter of the real one
    assert r.compute_bytes / MIB == pytest.approx(mem.compute_mib, rel=0.25)


def test_server_log_parser_reads_real_lines() -> None:
    """The parser on lines captured from this llama-server build (Gemma 3 270M)."""
    from benchmarks.llama_server_memory import parse_log

    text = (
        "I load_tensors:   CPU_Mapped model buffer size =   235.16 MiB\n"
        "I load_tensors:   CPU_REPACK model buffer size =    12.66 MiB\n"
        "I llama_kv_cache:        CPU KV buffer size =    12.00 MiB\n"
        "I llama_kv_cache: size =   12.00 MiB (  4096 cells,   3 layers,  1/1 seqs), K (f16)\n"
        "I llama_kv_cache:        CPU KV buffer size =    15.00 MiB\n"
        "I llama_kv_cache: size =   15.00 MiB (  1024 cells,  15 layers,  1/1 seqs), K (f16)\n"
        "I sched_reserve:        CPU compute buffer size =    22.77 MiB\n"
    )
    mem = parse_log(text)
    assert (mem.weights_mib, mem.repack_mib, mem.kv_mib) == (235.16, 12.66, 27.0)
    assert mem.kv_caches == [(4096, 3), (1024, 15)] and mem.compute_mib == 22.77


@pytest.mark.engine
@needs_server
@pytest.mark.parametrize("arch", MOE_ARCHS)
@pytest.mark.parametrize(("ctx", "parallel", "kv_type"), [(4096, 1, "f16"), (8192, 2, "q8_0")])
def test_moe_sliding_window_and_mla_match_the_server_log(
    tmp_path: Path, arch: str, ctx: int, parallel: int, kv_type: str
) -> None:
    """qwen3moe experts, gpt-oss's sliding window and DeepSeek's MLA cache, as allocated."""
    server = find_server()
    assert server is not None
    model = write_tiny_moe_gguf(tmp_path / f"{arch}.gguf", arch)
    mem = measure(server, model, ctx=ctx, parallel=parallel, kv_type=kv_type)
    shape = read_gguf(model).shape
    assert shape is not None and shape.is_moe
    r = estimate(shape, FitSettings(ctx=ctx // parallel, parallel=parallel, kv_type=kv_type), None)
    assert r.weights_bytes / MIB == pytest.approx(mem.weights_mib, rel=0.01)
    assert r.kv.bytes / MIB == pytest.approx(mem.kv_mib, rel=0.01)
    if arch == "gpt-oss":  # two caches: full layers and the windowed ones
        assert sorted(mem.kv_caches) == sorted(
            [(r.kv.cells_per_seq, r.kv.full_layers), (r.kv.swa_cells_per_seq, r.kv.swa_layers)]
        )
        assert r.kv.swa_layers == shape.layers // 2
    else:
        assert mem.kv_caches == [(r.kv.cells_per_seq, shape.layers)]
    # the compute buffer is an estimate; MoE routing and MLA need more than dense layers
    assert r.compute_bytes / MIB == pytest.approx(mem.compute_mib, rel=0.5)
