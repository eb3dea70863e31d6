"""A fast GGUF header walk shared by the Models and Launch views.

gguf.GGUFReader materialises every vocabulary entry as numpy slices (26 s for Gemma 3's
262k-token vocabulary here, 5 s even over a plain ndarray view), and that Python-heavy work
holds the GIL long enough to stall the GUI thread. This walk reads the same header with
`struct`, skips the big arrays, and keeps scalars, strings, small scalar arrays (per-layer
values) and the tensor table. Type codes and names still come from the gguf package.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

GGUF_MAGIC = b"GGUF"
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9
_SMALL_ARRAY = 4096  # per-layer arrays are kept; vocabularies and scores are skipped
_MAX_TENSORS = 1_000_000


class GgufHeaderError(ValueError):
    """The header cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class TensorInfo:
    """One row of the tensor table: name, GGUF dims (fastest first), type code, offset."""

    name: str
    dims: tuple[int, ...]
    type_code: int
    offset: int  # relative to the start of the tensor data


@dataclass(frozen=True)
class GgufHeader:
    """The metadata fields, the tensor table and where the tensor data starts."""

    version: int
    fields: dict[str, Any]
    tensors: tuple[TensorInfo, ...]
    data_start: int


class _Walker:
    def __init__(self, fh: BinaryIO) -> None:
        self._fh = fh

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        data = self._fh.read(size)
        if len(data) != size:
            raise GgufHeaderError("the header ends early: the file is truncated")
        return struct.unpack(fmt, data)

    def string(self) -> str:
        (length,) = self.unpack("<Q")
        if length > 1 << 24:
            raise GgufHeaderError("a header string is implausibly long: the file is damaged")
        data = self._fh.read(length)
        if len(data) != length:
            raise GgufHeaderError("the header ends early: the file is truncated")
        return data.decode("utf-8", "replace")

    def value(self, vtype: int) -> Any:
        if vtype in _SCALARS:
            return self.unpack(_SCALARS[vtype])[0]
        if vtype == _STRING:
            return self.string()
        if vtype == _ARRAY:
            etype, count = self.unpack("<IQ")
            if etype in _SCALARS:
                fmt = _SCALARS[etype]
                if count <= _SMALL_ARRAY:
                    return list(self.unpack(f"<{count}{fmt[1:]}")) if count else []
                self._fh.seek(struct.calcsize(fmt) * count, 1)
                return None
            for _ in range(count):
                self.value(etype)
            return None  # arrays of strings (the vocabulary) are not needed
        raise GgufHeaderError(f"unknown value type {vtype}: the file is damaged")


def read_header(path: Path) -> GgufHeader:
    """Walk the header of `path`; raises GgufHeaderError (or OSError) when it cannot."""
    with path.open("rb", buffering=1 << 20) as fh:
        if fh.read(4) != GGUF_MAGIC:
            raise GgufHeaderError("it does not start with 'GGUF': not a GGUF file")
        walk = _Walker(fh)
        (version,) = walk.unpack("<I")
        if version < 2:
            raise GgufHeaderError(f"GGUF version {version} is too old")
        n_tensors, n_kv = walk.unpack("<QQ")
        if n_tensors > _MAX_TENSORS or n_kv > _MAX_TENSORS:
            raise GgufHeaderError("the header counts are implausible: the file is damaged")
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
                raise GgufHeaderError("a tensor has too many dimensions: the file is damaged")
            dims = walk.unpack(f"<{n_dims}Q") if n_dims else ()
            (type_code,) = walk.unpack("<I")
            (offset,) = walk.unpack("<Q")
            tensors.append(TensorInfo(name, tuple(int(d) for d in dims), type_code, offset))
        align = fields.get("general.alignment")
        align = align if isinstance(align, int) and align > 0 else 32
        end = fh.tell()
        data_start = (end + align - 1) // align * align
    return GgufHeader(version, fields, tuple(tensors), data_start)
