"""GGUF model files in the folders the user added: size, quantization, fit verdict."""

from __future__ import annotations

import dataclasses
import importlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_app.domain.hardware import HardwareProfile
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
    fit: str = UNKNOWN


def _field(reader: Any, key: str) -> Any:
    field = reader.fields.get(key)
    if field is None:
        return None
    try:
        return field.contents()
    except (ValueError, IndexError, UnicodeDecodeError):
        return None


def _quant_name(reader: Any) -> str | None:
    import gguf

    file_type = _field(reader, "general.file_type")
    if isinstance(file_type, int):
        try:
            name = gguf.LlamaFileType(file_type).name
        except ValueError:
            name = ""
        if name:
            return name.removeprefix("MOSTLY_").removeprefix("ALL_")
    # No file type recorded: name the most common weight type.
    kinds = Counter(t.tensor_type.name for t in reader.tensors if len(t.shape) > 1)
    return kinds.most_common(1)[0][0] if kinds else None


def read_gguf(path: Path) -> GgufFile:
    """Header facts of one file; a file that is not GGUF gets a `problem` sentence."""
    size = path.stat().st_size
    try:
        import gguf

        reader = gguf.GGUFReader(str(path), "r")
    except (ValueError, OSError, IndexError, KeyError) as exc:
        return GgufFile(path, size, None, None, None, None, None, f"not a readable GGUF ({exc})")
    arch = _field(reader, "general.architecture")
    arch = arch if isinstance(arch, str) else None
    ctx = _field(reader, f"{arch}.context_length") if arch else None
    blocks = _field(reader, f"{arch}.block_count") if arch else None
    name = _field(reader, "general.name")
    return GgufFile(
        path=path,
        size_bytes=size,
        architecture=arch,
        name=name if isinstance(name, str) else None,
        quantization=_quant_name(reader),
        context_length=ctx if isinstance(ctx, int) else None,
        block_count=blocks if isinstance(blocks, int) else None,
    )


def fit_verdict(model: GgufFile, profile: HardwareProfile | None) -> str:
    """The models issue's fit verdict for this file on `profile`, or 'unknown'.

    The estimator lives in `desktop_app.domain.fit` (another feature); it is looked up
    lazily so this works before and after that module lands.
    """
    if profile is None or model.problem:
        return UNKNOWN
    try:
        fit = importlib.import_module("desktop_app.domain.fit")
    except ImportError:
        return UNKNOWN
    hook = getattr(fit, "gguf_fit_verdict", None)
    if not callable(hook):
        return UNKNOWN
    try:
        verdict = hook(
            size_bytes=model.size_bytes,
            quantization=model.quantization,
            context_length=model.context_length,
            block_count=model.block_count,
            profile=profile,
        )
    except Exception:  # another feature's estimator must never break the model list
        return UNKNOWN
    return str(verdict) if verdict else UNKNOWN


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
