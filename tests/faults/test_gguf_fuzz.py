"""Hostile GGUF headers: every file gives one row with a sentence, in bounded time and memory.

The three crafted files from issue 17 (block_count 2^63, a blk.200000000 tensor, a sparse
4 GiB file of empty strings) plus hypothesis-made headers and byte mutations of a real tiny
model. Each file gets a cap: TIME_CAP_S of wall time and MEM_CAP_BYTES of Python allocations.
"""

from __future__ import annotations

import struct
import time
import tracemalloc
from pathlib import Path

import gguf as gguf_pkg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.services import gguf
from tests.fakes.gguf import write_tiny_gguf

TIME_CAP_S = 5.0
MEM_CAP_BYTES = 64 << 20
_V = gguf_pkg.GGUFValueType


def _s(text: str | bytes) -> bytes:
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(data)) + data


def _kv_u64(key: str, value: int) -> bytes:
    return _s(key) + struct.pack("<IQ", _V.UINT64, value)


def _kv_u32(key: str, value: int) -> bytes:
    return _s(key) + struct.pack("<II", _V.UINT32, value)


def _kv_str(key: str, value: str) -> bytes:
    return _s(key) + struct.pack("<I", _V.STRING) + _s(value)


def _tensor(name: str, dims: tuple[int, ...], type_code: int = 0, offset: int = 0) -> bytes:
    return (
        _s(name)
        + struct.pack("<I", len(dims))
        + struct.pack(f"<{len(dims)}Q", *dims)
        + struct.pack("<IQ", type_code, offset)
    )


def _gguf(kvs: list[bytes], tensors: list[bytes], pad_to: int = 0) -> bytes:
    body = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)) + b"".join(kvs + tensors)
    return body + b"\0" * max(0, pad_to - len(body))


_LLAMA = [
    _kv_str("general.architecture", "llama"),
    _kv_u32("llama.embedding_length", 64),
    _kv_u32("llama.attention.head_count", 4),
]


def _capped(path: Path) -> gguf.GgufModel:
    """inspect_gguf under the caps; fails the test when a file breaks one."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        model = gguf.inspect_gguf(path)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < TIME_CAP_S, f"{path.name}: {elapsed:.1f} s"
    assert peak < MEM_CAP_BYTES, f"{path.name}: {peak / 2**20:.0f} MiB"
    return model


def _one_sentence(model: gguf.GgufModel) -> None:
    assert model.problem is not None and model.shape is None
    assert "Traceback" not in model.problem and "\n" not in model.problem


def test_block_count_2_to_the_63(tmp_path: Path) -> None:
    path = tmp_path / "huge-blocks.gguf"
    path.write_bytes(
        _gguf(
            [*_LLAMA, _kv_u64("llama.block_count", 2**63)],
            [_tensor("blk.0.attn_q.weight", (64, 64))],
            pad_to=4096 + 64 * 64 * 4,
        )
    )
    model = _capped(path)
    _one_sentence(model)
    assert "layers" in (model.problem or "")
    assert gguf.scan([tmp_path])[0].problem == model.problem  # the scan's fit step too


def test_a_tensor_in_block_200_million(tmp_path: Path) -> None:
    path = tmp_path / "far-block.gguf"
    path.write_bytes(
        _gguf(
            [*_LLAMA, _kv_u32("llama.block_count", 2)],
            [_tensor("blk.200000000.attn_q.weight", (64, 64))],
            pad_to=4096 + 64 * 64 * 4,
        )
    )
    model = _capped(path)
    _one_sentence(model)
    assert "blk.200000000" in (model.problem or "")


def test_a_sparse_file_of_empty_strings(tmp_path: Path) -> None:
    path = tmp_path / "empty-strings.gguf"
    size = 4 << 30
    count = (size - 64) // 8
    head = _gguf(
        [_s("tokenizer.ggml.tokens") + struct.pack("<IIQ", _V.ARRAY, _V.STRING, count)], []
    )
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)  # sparse: 4 GiB of zero bytes (empty strings) on no disk
    model = _capped(path)
    _one_sentence(model)


@pytest.mark.parametrize(
    "kv",
    [
        _s("k") + struct.pack("<IIQ", _V.ARRAY, _V.UINT8, 2**62),
        _s("k") + struct.pack("<IIQ", _V.ARRAY, _V.ARRAY, 2**40),
        _s("k") + struct.pack("<IQ", _V.STRING, 2**40),
        struct.pack("<Q", 2**63),
        _s("k") + struct.pack("<I", 99),
        _s("llama.context_length") + struct.pack("<If", _V.FLOAT32, float("nan")),
    ],
    ids=["u8-array", "nested-arrays", "long-string", "long-key", "bad-type", "nan-context"],
)
def test_crafted_counts_and_lengths(tmp_path: Path, kv: bytes) -> None:
    path = tmp_path / "crafted.gguf"
    path.write_bytes(_gguf([*_LLAMA, kv], [], pad_to=4096))
    model = _capped(path)
    _one_sentence(model)


def test_a_bad_file_is_one_row_and_the_others_list(tmp_path: Path) -> None:
    write_tiny_gguf(tmp_path / "good.gguf")
    (tmp_path / "bad.gguf").write_bytes(
        _gguf([*_LLAMA, _kv_u64("llama.block_count", 2**63)], [_tensor("blk.x.w", (4, 4))])
    )
    (tmp_path / "nan.gguf").write_bytes(
        _gguf(
            [*_LLAMA, _s("llama.block_count") + struct.pack("<If", _V.FLOAT32, float("inf"))],
            [],
        )
    )
    rows = {m.path.name: m for m in gguf.scan([tmp_path])}
    assert set(rows) == {"good.gguf", "bad.gguf", "nan.gguf"}
    assert rows["good.gguf"].problem is None and rows["good.gguf"].shape is not None
    _one_sentence(rows["bad.gguf"])
    _one_sentence(rows["nan.gguf"])


_FIELD = st.one_of(
    st.integers(0, 2**64 - 1).map(lambda n: struct.pack("<Q", n)),
    st.integers(0, 2**32 - 1).map(lambda n: struct.pack("<I", n)),
    st.binary(max_size=24),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.lists(_FIELD, max_size=40),
    counts=st.tuples(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1)),
)
def test_fuzzed_headers(tmp_path: Path, fields: list[bytes], counts: tuple[int, int]) -> None:
    path = tmp_path / "fuzz.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, *counts) + b"".join(fields))
    model = _capped(path)
    assert model.problem is not None or model.shape is not None


_TINY: list[bytes] = []


def _tiny_bytes(tmp_path: Path) -> bytes:
    if not _TINY:
        write_tiny_gguf(tmp_path / "tiny.gguf")
        _TINY.append((tmp_path / "tiny.gguf").read_bytes())
    return _TINY[0]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 4095), st.sampled_from([b"\xff" * 8, b"\x00" * 8, b"\x7f", b"\x09"])
        ),
        min_size=1,
        max_size=6,
    ),
    cut=st.none() | st.integers(4, 8192),
)
def test_mutated_real_model(
    tmp_path: Path, edits: list[tuple[int, bytes]], cut: int | None
) -> None:
    data = bytearray(_tiny_bytes(tmp_path))
    for at, patch in edits:
        data[at : at + len(patch)] = patch
    path = tmp_path / "mutant.gguf"
    path.write_bytes(bytes(data[:cut] if cut else data))
    model = _capped(path)
    assert model.problem is not None or model.shape is not None
    if model.problem:
        assert "\n" not in model.problem


def test_a_good_model_keeps_its_name_and_shape(tmp_path: Path) -> None:
    write_tiny_gguf(tmp_path / "good.gguf")
    model = _capped(tmp_path / "good.gguf")
    assert model.problem is None and model.shape is not None
    assert model.shape.name == model.name and model.shape.layers == 2
