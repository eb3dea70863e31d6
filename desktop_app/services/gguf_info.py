"""Read GGUF headers (tensor types and shapes, architecture metadata) without loading weights."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.domain.fit.archs import SWA_PATTERNS
from desktop_app.domain.fit.estimate import ModelShape
from desktop_app.domain.fit.quant import FILE_TYPES, GGML_TYPES, TensorSpec, layout_from_tensors
from desktop_app.services.gguf_header import GGUF_MAGIC, GgufHeader, GgufHeaderError, read_header


class GgufError(Exception):
    """A file that cannot be read as a GGUF model; the message is one sentence for the user."""


@dataclass(frozen=True)
class GgufModel:
    """A local GGUF file: its path, size, metadata and the shape the fit uses."""

    path: Path
    file_bytes: int
    architecture: str
    name: str
    file_type: str
    tensor_count: int
    shape: ModelShape
    tensors: tuple[TensorSpec, ...] = ()


def _field(header: GgufHeader, key: str, default: Any = None) -> Any:
    value = header.fields.get(key)
    return default if value is None else value


def _int(header: GgufHeader, key: str, default: int | None = None) -> int | None:
    value = _field(header, key)
    if value is None:
        return default
    if isinstance(value, list):  # per-layer arrays (e.g. head_count_kv): take the largest
        return max(int(v) for v in value) if value else default
    return int(value)


def _open(path: Path) -> GgufHeader:
    size = path.stat().st_size
    if size == 0:
        raise GgufError(f"{path.name} is empty (0 bytes), not a GGUF model.")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic != GGUF_MAGIC:
        raise GgufError(f"{path.name} is not a GGUF file (it does not start with 'GGUF').")
    try:
        return read_header(path)
    except (GgufHeaderError, OSError, struct.error) as exc:
        raise GgufError(
            f"{path.name} is truncated or corrupt: its GGUF header cannot be read ({exc})."
        ) from exc


def _type_name(code: int) -> str:
    import gguf

    try:
        return str(gguf.GGMLQuantizationType(code).name)
    except ValueError:
        return f"type {code}"


def read_gguf(path: Path | str) -> GgufModel:
    """Read a GGUF file's header into a GgufModel; damaged files raise GgufError."""
    path = Path(path)
    if not path.is_file():
        raise GgufError(f"{path} does not exist or is not a file.")
    header = _open(path)
    size = path.stat().st_size
    tensors: list[TensorSpec] = []
    end = 0
    for t in header.tensors:
        type_name = _type_name(t.type_code)
        if type_name not in GGML_TYPES:
            raise GgufError(
                f"{path.name} uses tensor type {type_name}, which this app cannot size."
            )
        spec = TensorSpec(t.name, t.dims, type_name)
        tensors.append(spec)
        end = max(end, header.data_start + t.offset + spec.nbytes)
    if end > size:
        raise GgufError(
            f"{path.name} is truncated: its tensors need {end:,} bytes but the file has "
            f"{size:,} (an interrupted download?)."
        )
    arch = str(_field(header, "general.architecture", "") or "")
    if not arch or not tensors:
        raise GgufError(f"{path.name} has no model architecture or tensors in its GGUF header.")
    return GgufModel(
        path=path,
        file_bytes=size,
        architecture=arch,
        name=str(_field(header, "general.name", path.stem) or path.stem),
        file_type=_file_type(header, tensors),
        tensor_count=len(tensors),
        shape=_shape(header, arch, path, tensors),
        tensors=tuple(tensors),
    )


def _file_type(header: GgufHeader, tensors: list[TensorSpec]) -> str:
    ft = _int(header, "general.file_type")
    if ft is not None and ft in FILE_TYPES:
        return FILE_TYPES[ft]
    counts: dict[str, int] = {}
    for t in tensors:
        counts[t.ggml_type] = counts.get(t.ggml_type, 0) + t.n_elements
    return max(counts, key=lambda k: counts[k])


def _shape(header: GgufHeader, arch: str, path: Path, tensors: list[TensorSpec]) -> ModelShape:
    def key(name: str, default: int | None = None) -> int | None:
        return _int(header, f"{arch}.{name}", default)

    layers = key("block_count")
    n_embd = key("embedding_length")
    heads = key("attention.head_count")
    if not layers or not n_embd or not heads:
        raise GgufError(f"{path.name} lacks block_count, embedding_length or head_count metadata.")
    kv_heads = key("attention.head_count_kv", heads) or heads
    head_k = key("attention.key_length", n_embd // heads) or n_embd // heads
    head_v = key("attention.value_length", head_k) or head_k
    embd = next((t for t in tensors if t.name == "token_embd.weight"), None)
    vocab = embd.shape[1] if embd is not None and len(embd.shape) > 1 else 0
    swa = key("attention.sliding_window", 0) or 0
    pattern = SWA_PATTERNS.get(arch, 0) if swa else 0
    return ModelShape(
        name=str(_field(header, "general.name", path.stem) or path.stem),
        quant=_file_type(header, tensors),
        layers=layers,
        n_embd=n_embd,
        n_heads=heads,
        kv_heads=kv_heads,
        head_dim_k=head_k,
        head_dim_v=head_v,
        vocab=vocab,
        ffn=key("feed_forward_length", 4 * n_embd) or 4 * n_embd,
        max_ctx=key("context_length", 4096) or 4096,
        weights=layout_from_tensors(tensors),
        params=sum(t.n_elements for t in tensors),
        sliding_window=swa if pattern else 0,
        swa_pattern=pattern,
        family="gguf",
        source=f"GGUF header: {path}",
    )


@dataclass(frozen=True)
class FolderScan:
    """GGUF files found in a folder: the readable ones and one message per bad file."""

    models: tuple[GgufModel, ...]
    errors: tuple[str, ...]


def scan_folder(folder: Path | str, reader: Callable[[Path], GgufModel] = read_gguf) -> FolderScan:
    """Read every *.gguf file under `folder` (not recursing into hidden folders)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GgufError(f"{folder} is not a folder.")
    models: list[GgufModel] = []
    errors: list[str] = []
    for p in sorted(folder.rglob("*.gguf")):
        if any(part.startswith(".") for part in p.relative_to(folder).parts):
            continue
        try:
            models.append(reader(p))
        except GgufError as exc:
            errors.append(str(exc))
        except OSError as exc:
            errors.append(f"{p.name} cannot be read: {exc.strerror or exc}.")
    return FolderScan(tuple(models), tuple(errors))
