"""GGUF model files: one fast header walk, one record, one folder scan, the remembered folders.

gguf.GGUFReader materialises every vocabulary entry as numpy slices (26 s for Gemma 3's
262k-token vocabulary here, 5 s even over a plain ndarray view), and that Python-heavy work
holds the GIL long enough to stall the GUI thread. This walk reads the same header with
`struct`, skips the big arrays, and keeps scalars, strings, small scalar arrays (per-layer
values) and the tensor table. Value types, tensor types and file-type names come from the
gguf package. Each file is opened once: the record carries the fit shape, the quantization
name, the chat-template flag and, for a file that cannot be used, the reason in `problem`.
"""

from __future__ import annotations

import logging
import math
import os
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import gguf

from desktop_app.domain.fit.archs import FIXED_WINDOWS, SWA_PATTERNS
from desktop_app.domain.fit.estimate import FitSettings, ModelShape, active_params, estimate
from desktop_app.domain.fit.quant import GGML_TYPES, TensorSpec, layout_from_tensors
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.storage.user.settings import GGUF_FOLDERS
from desktop_app.storage.user.store import UserStore

log = logging.getLogger(__name__)

FOLDERS_KEY = GGUF_FOLDERS
UNKNOWN = "unknown"
GGUF_MAGIC = b"GGUF"
# Folder scans go this many folder levels below each folder the user added (0 = only the
# folder itself) and skip hidden folders (.git, .cache, ...): deep enough for
# "models/<vendor>/<model>/file.gguf", shallow enough not to wander a whole home folder.
SCAN_DEPTH = 3

_V = gguf.GGUFValueType
_SCALARS: dict[int, str] = {
    _V.UINT8: "<B", _V.INT8: "<b", _V.UINT16: "<H", _V.INT16: "<h", _V.UINT32: "<I",
    _V.INT32: "<i", _V.FLOAT32: "<f", _V.BOOL: "<?", _V.UINT64: "<Q", _V.INT64: "<q",
    _V.FLOAT64: "<d",
}  # fmt: skip
_SMALL_ARRAY = 4096  # per-layer arrays are kept; vocabularies and scores are skipped

# Bounds. Every count and length in a header is checked against the bytes left in the file
# (and these limits) before anything is allocated or looped over, so reading any header takes
# at most about MAX_ARRAY_ITEMS + MAX_TENSORS + MAX_KV small reads (a few seconds in the
# worst case, under a second for real models) and memory in proportion to the bytes it read
# (tensor table and small arrays), never to what a count claims.
MAX_STRING = 1 << 24  # bytes in one header string (16 MiB; chat templates are ~10 KB)
MAX_KV = 1 << 16  # metadata entries (real files have ~50)
MAX_TENSORS = 1 << 20  # tensor table entries (real files have hundreds to a few thousand)
MAX_ARRAY_ITEMS = 1 << 21  # strings in one array (8x the largest vocabulary seen, 262,144)
MAX_ARRAY_DEPTH = 2  # arrays of arrays of scalars at most
MAX_LAYERS = 4096  # blocks (the largest models have ~160)
_LIMITS = {  # plausible ranges of the fit-shape metadata
    "embedding_length": 1 << 18,
    "attention.head_count": 1 << 14,
    "attention.head_count_kv": 1 << 14,
    "attention.key_length": 1 << 16,
    "attention.value_length": 1 << 16,
    "feed_forward_length": 1 << 22,
    "context_length": 1 << 26,
    "attention.sliding_window": 1 << 26,
    "expert_count": 1 << 14,
    "expert_used_count": 1 << 14,
    "attention.kv_lora_rank": 1 << 16,
}


class GgufError(ValueError):
    """A file that cannot be used as a GGUF model; the message is one sentence for the user."""


@dataclass(frozen=True)
class _Tensor:
    name: str
    dims: tuple[int, ...]  # GGUF order: fastest-varying first
    type_code: int
    offset: int  # relative to the start of the tensor data


@dataclass(frozen=True)
class _Header:
    fields: dict[str, Any]
    tensors: tuple[_Tensor, ...]
    data_start: int


@dataclass(frozen=True)
class GgufModel:
    """One GGUF file as read from its header; `problem` says why it cannot be used."""

    path: Path
    size_bytes: int
    architecture: str | None = None
    name: str | None = None
    quantization: str | None = None  # llama.cpp's file-type name, e.g. "Q4_K_M", "IQ3_M"
    context_length: int | None = None
    block_count: int | None = None
    has_chat_template: bool = False  # base models have none: use plain completion for them
    shape: ModelShape | None = None  # what the fit estimate needs; None when `problem`
    tensors: tuple[TensorSpec, ...] = ()
    problem: str | None = None
    fit: str = UNKNOWN  # the fit verdict in words on the profile a scan was given


class _Walker:
    """Reads a header front to back, knowing how many bytes the file has left."""

    def __init__(self, fh: BinaryIO, size: int, pos: int) -> None:
        self._fh = fh
        self._size = size
        self.pos = pos

    def _need(self, n: int, what: str = "the header") -> None:
        if n > self._size - self.pos:
            raise GgufError(f"{what} claims more bytes than the file has")

    def read(self, n: int) -> bytes:
        self._need(n)
        data = self._fh.read(n)
        if len(data) != n:
            raise GgufError("the header ends early")
        self.pos += n
        return data

    def skip(self, n: int) -> None:
        self._need(n)
        self._fh.seek(n, 1)
        self.pos += n

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))

    def string(self) -> str:
        (length,) = self.unpack("<Q")
        if length > MAX_STRING:
            raise GgufError("a header string is implausibly long")
        return self.read(length).decode("utf-8", "replace")

    def skip_string(self) -> None:
        (length,) = self.unpack("<Q")
        if length > MAX_STRING:
            raise GgufError("a header string is implausibly long")
        self.skip(length)

    def value(self, vtype: int, depth: int = 0) -> Any:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])[0]
        if vtype == _V.STRING:
            return self.string()
        if vtype == _V.ARRAY:
            if depth >= MAX_ARRAY_DEPTH:
                raise GgufError("arrays are nested too deeply")
            etype, count = self.unpack("<IQ")
            if etype in _SCALARS:
                item = struct.calcsize(_SCALARS[etype])
                self._need(item * count, "an array")
                if count <= _SMALL_ARRAY:
                    fmt = _SCALARS[etype]
                    return list(self.unpack(f"<{count}{fmt[1:]}")) if count else []
                self.skip(item * count)
                return None
            if etype not in (_V.STRING, _V.ARRAY):
                raise GgufError(f"unknown array value type {etype}")
            self._need(8 * count, "an array")  # each string or array takes 8 bytes at least
            if count > MAX_ARRAY_ITEMS:
                raise GgufError(f"an array claims {count:,} items")
            for _ in range(count):
                if etype == _V.STRING:
                    self.skip_string()
                else:
                    self.value(etype, depth + 1)
            return None  # arrays of strings (the vocabulary) are not needed
        raise GgufError(f"unknown value type {vtype}")


def _walk(fh: BinaryIO, size: int) -> _Header:
    walk = _Walker(fh, size, pos=4)
    (version,) = walk.unpack("<I")
    if version < 2:
        raise GgufError(f"GGUF version {version} is too old")
    n_tensors, n_kv = walk.unpack("<QQ")
    if n_tensors > MAX_TENSORS or n_kv > MAX_KV:
        raise GgufError("the header counts are implausible")
    walk._need(n_kv * 13 + n_tensors * 24, "the header's counts")  # smallest entry sizes
    fields: dict[str, Any] = {}
    for _ in range(n_kv):
        key = walk.string()
        (vtype,) = walk.unpack("<I")
        fields[key] = walk.value(vtype)
    tensors = []
    for _ in range(n_tensors):
        name = walk.string()
        (n_dims,) = walk.unpack("<I")
        if n_dims > 8:
            raise GgufError("a tensor has too many dimensions")
        dims = walk.unpack(f"<{n_dims}Q") if n_dims else ()
        (type_code,) = walk.unpack("<I")
        (offset,) = walk.unpack("<Q")
        tensors.append(_Tensor(name, tuple(int(d) for d in dims), type_code, offset))
    align = fields.get("general.alignment")
    align = align if isinstance(align, int) and 0 < align <= 1 << 20 else 32
    data_start = (walk.pos + align - 1) // align * align
    return _Header(fields, tuple(tensors), data_start)


def _read_header(path: Path, size: int) -> _Header:
    if size == 0:
        raise GgufError(f"{path.name} is empty (0 bytes): not a GGUF file.")
    with path.open("rb", buffering=1 << 20) as fh:
        if fh.read(4) != GGUF_MAGIC:
            raise GgufError(f"{path.name} is not a GGUF file (it does not start with 'GGUF').")
        try:
            return _walk(fh, size)
        except (GgufError, struct.error) as exc:
            raise GgufError(
                f"{path.name} is truncated or corrupt: its GGUF header cannot be read ({exc})."
            ) from exc


def _number(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if math.isfinite(value) else None


def _int(fields: dict[str, Any], key: str) -> int | None:
    value = fields.get(key)
    if isinstance(value, list):  # per-layer arrays (e.g. head_count_kv): take the largest
        numbers = [n for n in (_number(v) for v in value) if n is not None]
        return max(numbers) if numbers else None
    return _number(value)


def _str(fields: dict[str, Any], key: str) -> str | None:
    value = fields.get(key)
    return value if isinstance(value, str) and value else None


def quant_name(file_type: int | None, tensors: Iterable[TensorSpec]) -> str | None:
    """llama.cpp's name for `general.file_type` (gguf.LlamaFileType: 27 is "IQ3_M"); without
    one, the ggml type holding the most weights of the matrices."""
    if file_type is not None:
        try:
            name = gguf.LlamaFileType(file_type).name
        except ValueError:
            name = ""
        if name and name != gguf.LlamaFileType.GUESSED.name:
            return name.removeprefix("MOSTLY_").removeprefix("ALL_")
    weights: dict[str, int] = {}
    for t in tensors:
        if len(t.shape) > 1:
            weights[t.ggml_type] = weights.get(t.ggml_type, 0) + t.n_elements
    return max(weights, key=lambda k: weights[k]) if weights else None


def _type_name(code: int) -> str:
    try:
        return str(gguf.GGMLQuantizationType(code).name)
    except ValueError:
        return f"type {code}"


_BLOCK = re.compile(r"blk\.(\d{1,9})\.")


def _tensors(path: Path, header: _Header, size: int) -> tuple[list[TensorSpec], str | None]:
    """The tensor table as TensorSpecs, and the problem that makes the file unusable."""
    specs: list[TensorSpec] = []
    unsizable: str | None = None
    end = 0
    for t in header.tensors:
        block = _BLOCK.match(t.name)
        if t.name.startswith("blk.") and (block is None or int(block[1]) >= MAX_LAYERS):
            return [], (
                f"{path.name} has a tensor named {t.name[:60]!r}: not a layer number this app "
                f"accepts (0 to {MAX_LAYERS - 1})."
            )
        if any(d > 1 << 40 for d in t.dims):
            return [], f"{path.name} has a tensor with an implausible size ({t.name[:60]!r})."
        type_name = _type_name(t.type_code)
        specs.append(TensorSpec(t.name, t.dims, type_name))
        if type_name not in GGML_TYPES:
            unsizable = unsizable or type_name
        else:
            end = max(end, header.data_start + t.offset + specs[-1].nbytes)
    if unsizable:
        return specs, f"{path.name} uses tensor type {unsizable}, which this app cannot size."
    if end > size:
        return specs, (
            f"{path.name} is truncated: its tensors need {end:,} bytes but the file has "
            f"{size:,} (an interrupted download?)."
        )
    return specs, None


def _shape(
    path: Path, fields: dict[str, Any], arch: str, name: str, quant: str, tensors: list[TensorSpec]
) -> ModelShape:
    def key(k: str) -> int | None:
        return _int(fields, f"{arch}.{k}")

    layers, n_embd, heads = key("block_count"), key("embedding_length"), key("attention.head_count")
    if not layers or not n_embd or not heads:
        raise GgufError(f"{path.name} lacks block_count, embedding_length or head_count metadata.")
    if not 0 < layers <= MAX_LAYERS:
        raise GgufError(f"{path.name} says it has {layers:,} layers (at most {MAX_LAYERS:,}).")
    for field, limit in _LIMITS.items():
        value = key(field)
        if value is not None and not 0 <= value <= limit:
            raise GgufError(f"{path.name} has an implausible {field} ({value:,}).")
    head_k = key("attention.key_length") or n_embd // heads
    embd = next((t for t in tensors if t.name == "token_embd.weight"), None)
    window, pattern, swa_layers = _sliding(fields, arch, layers)
    experts, used = key("expert_count") or 0, key("expert_used_count") or 0
    # MLA (DeepSeek V2/V3, as converted since 2025): key_length is kv_lora_rank + rope dims
    # with one KV head, and llama.cpp keeps no V cache (llama-kv-cache.cpp: has_v = !is_mla).
    mla = key("attention.key_length_mla") is not None and key("attention.kv_lora_rank")
    share = used / experts if 0 < used < experts else 1.0
    return ModelShape(
        name=name,
        quant=quant,
        layers=layers,
        n_embd=n_embd,
        n_heads=heads,
        kv_heads=key("attention.head_count_kv") or heads,
        head_dim_k=head_k,
        head_dim_v=key("attention.value_length") or head_k,
        vocab=embd.shape[1] if embd is not None and len(embd.shape) > 1 else 0,
        ffn=(key("expert_feed_forward_length") or 0) * used
        or key("feed_forward_length")
        or 4 * n_embd,
        max_ctx=key("context_length") or 4096,
        weights=layout_from_tensors(tensors),
        params=sum(t.n_elements for t in tensors),
        sliding_window=window,
        swa_pattern=pattern,
        swa_layers=swa_layers,
        family="gguf",
        source=f"GGUF header: {path}",
        experts=experts,
        experts_used=used,
        kv_has_v=not mla,
        active_params=active_params(tensors, share),
        arch=arch,
    )


def _sliding(fields: dict[str, Any], arch: str, layers: int) -> tuple[int, int, tuple[bool, ...]]:
    """(window, pattern, per-layer flags) as llama.cpp reads them for `arch`.

    The window is `{arch}.attention.sliding_window` (Llama 4: its fixed 8192-token chunk);
    the layers come from `{arch}.attention.sliding_window_pattern` (a period, or one flag per
    layer) or else llama.cpp's built-in period for the architecture. None: (0, 0, ()).
    """
    window = _int(fields, f"{arch}.attention.sliding_window") or FIXED_WINDOWS.get(arch, 0)
    if not window:
        return 0, 0, ()
    raw = fields.get(f"{arch}.attention.sliding_window_pattern")
    if isinstance(raw, list) and len(raw) == layers and all(isinstance(v, bool | int) for v in raw):
        flags = tuple(bool(v) for v in raw)
        return (window, 0, flags) if any(flags) else (0, 0, ())
    pattern = _number(raw) if raw is not None else None
    pattern = pattern if pattern and 0 < pattern <= layers else SWA_PATTERNS.get(arch, 0)
    return (window, pattern, ()) if pattern else (0, 0, ())


def inspect_gguf(path: Path | str) -> GgufModel:
    """Everything the app needs from one file's header; never raises (see `problem`)."""
    path = Path(path)
    try:
        return _inspect(path)
    except Exception as exc:  # any other surprise in one file stays in that file's row
        log.exception("GGUF file %s cannot be read", path)
        return GgufModel(path, 0, problem=f"{path.name} cannot be read as a GGUF model ({exc}).")


def _inspect(path: Path) -> GgufModel:
    try:
        size = path.stat().st_size
        if not path.is_file():
            return GgufModel(path, size, problem=f"{path} is not a file.")
        header = _read_header(path, size)
    except FileNotFoundError:
        return GgufModel(path, 0, problem=f"{path} does not exist or is not a file.")
    except GgufError as exc:
        return GgufModel(path, size, problem=str(exc))
    except OSError as exc:
        return GgufModel(path, 0, problem=f"{path.name} cannot be read: {exc.strerror or exc}.")
    f = header.fields
    tensors, problem = _tensors(path, header, size)
    arch = _str(f, "general.architecture")
    name = _str(f, "general.name")
    quant = quant_name(_int(f, "general.file_type"), tensors)
    shape = None
    if problem is None and (not arch or not tensors or quant is None):
        problem = f"{path.name} has no model architecture or tensors in its GGUF header."
    if problem is None and arch and quant:
        try:
            shape = _shape(path, f, arch, name or path.stem, quant, tensors)
        except GgufError as exc:
            problem = str(exc)
    return GgufModel(
        path=path,
        size_bytes=size,
        architecture=arch,
        name=name,
        quantization=quant,
        context_length=_int(f, f"{arch}.context_length") if arch else None,
        block_count=_int(f, f"{arch}.block_count") if arch else None,
        has_chat_template=isinstance(f.get("tokenizer.chat_template"), str),
        shape=shape,
        tensors=tuple(tensors),
        problem=problem,
    )


def read_gguf(path: Path | str) -> GgufModel:
    """A usable GGUF model (its `shape` is set); anything else raises GgufError."""
    model = inspect_gguf(path)
    if model.problem is not None or model.shape is None:
        raise GgufError(model.problem or f"{model.path.name} cannot be sized.")
    return model


def with_fit(model: GgufModel, profile: HardwareProfile | None) -> GgufModel:
    """`model` with the Models view's verdict in words on `profile` (default 4,096 context)."""
    if profile is None or model.shape is None:
        return replace(model, fit=UNKNOWN)
    return replace(model, fit=estimate(model.shape, FitSettings(), profile).verdict_text)


def fit_gpu_layers(
    path: Path, profile: HardwareProfile | None, ctx: int | None, parallel: int | None
) -> int | None:
    """The fit estimate's GPU layer count for `-ngl` (None: no profile or no usable estimate).

    `ctx` is llama-server's total `-c`, split across `parallel` slots, as the launcher passes it.
    """
    if profile is None:
        return None
    shape = inspect_gguf(path).shape
    if shape is None:
        return None
    slots = max(parallel or 1, 1)
    per_slot = max((ctx or 4096) // slots, 256)
    result = estimate(shape, FitSettings(ctx=per_slot, parallel=slots), profile)
    return result.gpu_layers if result.verdict.runs else None


def _gguf_paths(root: Path) -> list[Path]:
    found: list[Path] = []
    for here, dirs, files in os.walk(root):
        depth = len(Path(here).relative_to(root).parts)
        dirs[:] = [] if depth >= SCAN_DEPTH else sorted(d for d in dirs if not d.startswith("."))
        found += [Path(here) / f for f in files if f.endswith(".gguf")]
    return sorted(found)


def scan(folders: Iterable[Path | str], profile: HardwareProfile | None = None) -> list[GgufModel]:
    """Every *.gguf under the folders (SCAN_DEPTH levels, no hidden folders), each read once.

    Missing folders are skipped; a file linked from two folders is listed once. With a
    profile, each readable file carries its fit verdict in `fit`.
    """
    seen: set[Path] = set()
    found: list[GgufModel] = []
    for folder in folders:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in _gguf_paths(root):
            try:
                real = path.resolve()
                usable = path.is_file()
            except (OSError, RuntimeError):  # a symlink loop, a vanished file
                real, usable = path, True  # listed with its problem by inspect_gguf
            if real in seen or not usable:
                continue
            seen.add(real)
            model = inspect_gguf(path)
            try:
                found.append(with_fit(model, profile))
            except Exception as exc:  # an estimate that fails is one row, not the folder
                log.exception("Fit estimate failed for %s", path)
                found.append(replace(model, problem=f"{path.name} cannot be sized ({exc})."))
    return found


def folders(store: UserStore) -> list[str]:
    """The GGUF folders the user added."""
    return store.get_setting(FOLDERS_KEY)


def add_folder(store: UserStore, folder: str) -> list[str]:
    """Remember another GGUF folder; returns the new list (atomic: two app instances adding
    folders at once both keep theirs). StoreNotSavedError when the store is read-only."""
    return store.update_setting(
        FOLDERS_KEY, lambda current: current if folder in current else [*current, folder]
    )


def remove_folder(store: UserStore, folder: str) -> list[str]:
    """Forget a GGUF folder; returns the new list (atomic, like add_folder)."""
    return store.update_setting(FOLDERS_KEY, lambda current: [f for f in current if f != folder])
