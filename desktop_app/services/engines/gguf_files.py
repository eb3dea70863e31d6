"""GGUF model files in the folders the user added: size, quantization, fit verdict."""

from __future__ import annotations

import dataclasses
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from desktop_app.domain.fit import FitSettings, estimate
from desktop_app.domain.hardware import HardwareProfile
from desktop_app.services.gguf_info import GgufError
from desktop_app.services.gguf_info import read_gguf as read_gguf_model
from desktop_app.storage.user_store import UserStore

FOLDERS_KEY = "launch.gguf_folders"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class GgufFile:
    """One model file as read from its header."""

    path: Path
    size_bytes: int
    architecture: str | None
    name: str | None
    quantization: str | None
    context_length: int | None
    block_count: int | None
    problem: str | None = None  # why the header could not be read
    has_chat_template: bool = False  # base models have none: use plain completion for them
    fit: str = UNKNOWN


_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9


class _HeaderError(ValueError):
    """The file is not a readable GGUF."""


class _Header:
    """Scalar metadata and tensor types of a GGUF file, read without loading arrays.

    gguf.GGUFReader materialises every vocabulary entry (26 s for Gemma's 262k tokens on
    this machine), so the header is walked here and arrays are skipped; the value-type
    numbers and quantization names still come from the gguf package.
    """

    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh
        if fh.read(4) != b"GGUF":
            raise _HeaderError("invalid magic: not a GGUF file")
        (version,) = self._unpack("<I")
        if version < 2:
            raise _HeaderError(f"GGUF version {version} is too old")
        n_tensors, n_kv = self._unpack("<QQ")
        self.fields: dict[str, Any] = {}
        for _ in range(n_kv):
            key = self._string()
            (vtype,) = self._unpack("<I")
            self.fields[key] = self._value(vtype)
        self.tensor_types: list[int] = []
        for _ in range(min(n_tensors, 100_000)):
            self._string()
            (n_dims,) = self._unpack("<I")
            dims = self._unpack(f"<{n_dims}Q") if n_dims else ()
            (ttype,) = self._unpack("<I")
            self._unpack("<Q")
            if len(dims) > 1:
                self.tensor_types.append(ttype)

    def _unpack(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        data = self._fh.read(size)
        if len(data) != size:
            raise _HeaderError("the header ends early: the file is truncated")
        return struct.unpack(fmt, data)

    def _string(self) -> str:
        (length,) = self._unpack("<Q")
        if length > 1 << 24:
            raise _HeaderError("a header string is implausibly long: the file is damaged")
        data = self._fh.read(length)
        if len(data) != length:
            raise _HeaderError("the header ends early: the file is truncated")
        return data.decode("utf-8", "replace")

    def _value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self._unpack(_SCALARS[vtype])[0]
        if vtype == _STRING:
            return self._string()
        if vtype == _ARRAY:
            etype, count = self._unpack("<IQ")
            if etype in _SCALARS:
                self._fh.seek(struct.calcsize(_SCALARS[etype]) * count, 1)
            else:
                for _ in range(count):
                    self._value(etype)
            return None  # arrays (vocabulary, scores) are not needed here
        raise _HeaderError(f"unknown value type {vtype}")


def _quant_name(header: _Header) -> str | None:
    import gguf

    file_type = header.fields.get("general.file_type")
    if isinstance(file_type, int):
        try:
            name = gguf.LlamaFileType(file_type).name
        except ValueError:
            name = ""
        if name:
            return name.removeprefix("MOSTLY_").removeprefix("ALL_")
    # No file type recorded: name the most common weight type.
    kinds = Counter(header.tensor_types)
    if not kinds:
        return None
    try:
        return gguf.GGMLQuantizationType(kinds.most_common(1)[0][0]).name
    except ValueError:
        return None


def read_gguf(path: Path) -> GgufFile:
    """Header facts of one file; a file that is not GGUF gets a `problem` sentence."""
    size = path.stat().st_size
    try:
        with path.open("rb", buffering=1 << 20) as fh:
            header = _Header(fh)
    except (_HeaderError, OSError, UnicodeDecodeError) as exc:
        return GgufFile(path, size, None, None, None, None, None, f"not a readable GGUF ({exc})")
    fields = header.fields
    arch = fields.get("general.architecture")
    arch = arch if isinstance(arch, str) else None
    ctx = fields.get(f"{arch}.context_length") if arch else None
    blocks = fields.get(f"{arch}.block_count") if arch else None
    name = fields.get("general.name")
    return GgufFile(
        path=path,
        size_bytes=size,
        architecture=arch,
        name=name if isinstance(name, str) else None,
        quantization=_quant_name(header),
        context_length=ctx if isinstance(ctx, int) else None,
        block_count=blocks if isinstance(blocks, int) else None,
        has_chat_template=isinstance(fields.get("tokenizer.chat_template"), str),
    )


def fit_verdict(
    model: GgufFile, profile: HardwareProfile | None, settings: FitSettings | None = None
) -> str:
    """The Models view's fit verdict for this file on `profile` (default 4,096 context)."""
    if profile is None or model.problem:
        return UNKNOWN
    try:
        info = read_gguf_model(model.path)
    except GgufError:
        return UNKNOWN
    result = estimate(info.shape, settings or FitSettings(), profile)
    return result.verdict_text


def scan_folders(folders: list[str], profile: HardwareProfile | None = None) -> list[GgufFile]:
    """Every *.gguf under the folders (one level of subfolders), biggest last."""
    seen: set[Path] = set()
    found: list[GgufFile] = []
    for folder in folders:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for path in sorted([*root.glob("*.gguf"), *root.glob("*/*.gguf")]):
            real = path.resolve()
            if real in seen or not path.is_file():
                continue
            seen.add(real)
            model = read_gguf(path)
            found.append(dataclasses.replace(model, fit=fit_verdict(model, profile)))
    return found


def folders(store: UserStore) -> list[str]:
    """The GGUF folders the user added."""
    value = store.get_setting(FOLDERS_KEY, [])
    return [str(v) for v in value] if isinstance(value, list) else []


def add_folder(store: UserStore, folder: str) -> list[str]:
    """Remember another GGUF folder; returns the new list."""
    current = folders(store)
    if folder not in current:
        current.append(folder)
        store.set_setting(FOLDERS_KEY, current)
    return current


def remove_folder(store: UserStore, folder: str) -> list[str]:
    """Forget a GGUF folder; returns the new list."""
    current = [f for f in folders(store) if f != folder]
    store.set_setting(FOLDERS_KEY, current)
    return current
