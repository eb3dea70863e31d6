"""GGUF model files in the folders the user added: size, quantization, fit verdict."""

from __future__ import annotations

import dataclasses
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from desktop_app.domain.fit.estimate import FitSettings, estimate
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.services.gguf_header import GgufHeader, GgufHeaderError, read_header
from desktop_app.services.gguf_info import GgufError
from desktop_app.services.gguf_info import read_gguf as read_gguf_model
from desktop_app.storage.user.settings import GGUF_FOLDERS
from desktop_app.storage.user.store import UserStore

FOLDERS_KEY = GGUF_FOLDERS
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


def _quant_name(header: GgufHeader) -> str | None:
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
    kinds = Counter(t.type_code for t in header.tensors if len(t.dims) > 1)
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
        header = read_header(path)
    except (GgufHeaderError, OSError, struct.error) as exc:
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


def fit_gpu_layers(
    path: Path, profile: HardwareProfile | None, ctx: int | None, parallel: int | None
) -> int | None:
    """The fit estimate's GPU layer count for `-ngl` (None: no profile or no usable estimate).

    `ctx` is llama-server's total `-c`, split across `parallel` slots, as the launcher passes it.
    """
    if profile is None:
        return None
    try:
        info = read_gguf_model(path)
    except GgufError:
        return None
    slots = max(parallel or 1, 1)
    per_slot = max((ctx or 4096) // slots, 256)
    result = estimate(info.shape, FitSettings(ctx=per_slot, parallel=slots), profile)
    if result.verdict in ("fits_gpu", "partial_offload", "cpu_only"):
        return result.gpu_layers
    return None


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
    return store.get_setting(FOLDERS_KEY)


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
