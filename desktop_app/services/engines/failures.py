"""Turn an engine's exit code and log into one plain sentence (docs/engines.md §5.8 log lines)."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterable

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"couldn't bind HTTP server socket|address already in use|"
            r"Only one usage of each socket address",
            re.I,
        ),
        "The port is already in use by another program; choose another port.",
    ),
    (
        re.compile(r"error: invalid argument: (\S+)"),
        "This engine version does not accept the option {0}; update the engine or drop it.",
    ),
    (
        re.compile(
            r"failed to open GGUF file .*\(No such file or directory\)|"
            r"No such file or directory",
            re.I,
        ),
        "The model file does not exist (check the path).",
    ),
    (
        re.compile(r"invalid magic characters|failed to read magic", re.I),
        "The file is not a GGUF model (wrong format or an empty file).",
    ),
    (
        re.compile(
            r"not within the file bounds|model is corrupted or incomplete|"
            r"failed to read key-value pairs|failed to read tensor info",
            re.I,
        ),
        "The model file is corrupt or incomplete (a partial download?); download it again.",
    ),
    (
        re.compile(
            r"out of memory|failed to allocate|cudaMalloc failed|"
            r"unable to allocate|std::bad_alloc|ErrorOutOfDeviceMemory",
            re.I,
        ),
        "The engine ran out of memory loading the model; try a smaller model or "
        "quantization, a smaller context, or fewer GPU layers.",
    ),
    (
        re.compile(r"illegal instruction|SIGILL", re.I),
        "This engine build uses CPU instructions this processor lacks (unsupported CPU); "
        "get a build made for this CPU.",
    ),
    (
        re.compile(r"GGML_ASSERT\(id_to_token\.size\(\) == token_to_id\.size\(\)\)"),
        "The model's vocabulary is broken (duplicate tokens), so the engine aborted loading it.",
    ),
    (
        re.compile(r"unknown model architecture|unsupported model", re.I),
        "This engine version does not support the model's architecture; update the engine.",
    ),
)


def classify_failure(exit_code: int | None, log_lines: Iterable[str]) -> str:
    """A plain sentence for why the engine stopped (exit code + its log)."""
    text = "\n".join(log_lines)
    for pattern, sentence in _RULES:
        match = pattern.search(text)
        if match:
            return sentence.format(*match.groups())
    if exit_code is not None and exit_code < 0:
        return _signal_sentence(-exit_code)
    if exit_code is not None and exit_code > 128 and exit_code - 128 in _SIGNAL_NAMES:
        return _signal_sentence(exit_code - 128)
    if exit_code is None:
        return "The engine stopped for an unknown reason."
    last = next((ln.strip() for ln in reversed(text.splitlines()) if ln.strip()), "")
    tail = f" Its last message: {last[:200]}" if last else ""
    return f"The engine exited with code {exit_code}.{tail}"


_SIGNAL_NAMES = {s.value: s.name for s in signal.Signals}


def _signal_sentence(signum: int) -> str:
    name = _SIGNAL_NAMES.get(signum, f"signal {signum}")
    if signum == getattr(signal, "SIGILL", 4):
        return (
            "This engine build uses CPU instructions this processor lacks (unsupported CPU); "
            "get a build made for this CPU."
        )
    if signum == getattr(signal, "SIGKILL", 9):
        return f"The engine was killed ({name}), perhaps by the system running out of memory."
    return f"The engine crashed ({name})."
