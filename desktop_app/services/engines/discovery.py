"""Find llama-server and ollama on this machine, read their versions, say how to get them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from desktop_app.storage.user.settings import engine_binary
from desktop_app.storage.user.store import UserStore

BINARY = {"llama.cpp": "llama-server", "ollama": "ollama"}
SETTING_KEY = {engine: engine_binary(engine) for engine in BINARY}


@dataclass(frozen=True)
class EngineInfo:
    """An engine as found (or not) on this machine."""

    engine: str  # "llama.cpp" or "ollama"
    path: Path | None
    version: str | None
    found_by: str  # "your choice", "PATH", "usual place", "not found"
    how_to_get: str  # a sentence with the official page or package-manager command
    problem: str | None = None  # why a found binary cannot be used

    @property
    def usable(self) -> bool:
        """True when the binary exists and answered --version."""
        return self.path is not None and self.problem is None


def _exe(name: str) -> str:
    return f"{name}.exe" if sys.platform == "win32" else name


def usual_places(engine: str) -> list[Path]:
    """Where installers put the engine on this OS (beyond PATH)."""
    home = Path.home()
    name = _exe(BINARY[engine])
    places: list[Path] = []
    if engine == "ollama":
        local = os.environ.get("LOCALAPPDATA")
        if local:
            places.append(Path(local) / "Programs" / "Ollama" / name)
        places += [
            Path("/Applications/Ollama.app/Contents/Resources") / name,
            Path("/usr/local/bin") / name,
            Path("/usr/bin") / name,
        ]
    else:
        places += [
            Path("/opt/homebrew/bin") / name,
            Path("/usr/local/bin") / name,
            Path("/home/linuxbrew/.linuxbrew/bin") / name,
            home / ".local" / "bin" / name,
        ]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            # winget puts command aliases here; the package folder holds the real binary.
            places.append(Path(local) / "Microsoft" / "WinGet" / "Links" / name)
            packages = Path(local) / "Microsoft" / "WinGet" / "Packages"
            if packages.is_dir():
                places += sorted(packages.glob(f"ggml.llamacpp*/{name}"))
    return places


def install_hint(engine: str) -> str:
    """How to get the engine (we never download it ourselves)."""
    if engine == "ollama":
        if sys.platform == "darwin":
            return "Get Ollama from https://ollama.com/download (or: brew install ollama)."
        if sys.platform == "win32":
            return "Get Ollama from https://ollama.com/download (or: winget install Ollama.Ollama)."
        return (
            "Get Ollama from https://ollama.com/download "
            "(Linux: the install script on that page, or your package manager)."
        )
    if sys.platform == "darwin":
        return "Install llama.cpp with: brew install llama.cpp (https://github.com/ggml-org/llama.cpp)."
    if sys.platform == "win32":
        return (
            "Install llama.cpp with: winget install llama.cpp, or download a release from "
            "https://github.com/ggml-org/llama.cpp/releases."
        )
    return (
        "Install llama.cpp with: brew install llama.cpp, or download a release from "
        "https://github.com/ggml-org/llama.cpp/releases and pick its llama-server."
    )


_VERSION_RE = re.compile(r"version(?: is)?[:\s]+v?([0-9][\w.\-+]*(?: \(build [^)]*\))?)", re.I)


def read_version(path: Path, timeout_s: float = 5.0) -> str:
    """The engine's own `--version` answer, shortened; raises OSError when it cannot run."""
    try:
        proc = subprocess.run(
            [str(path), "--version"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise OSError(f"{path.name} --version did not answer within {timeout_s:g} s") from exc
    text = (proc.stdout + "\n" + proc.stderr).strip()
    match = _VERSION_RE.search(text)
    if match:
        return match.group(1)
    if proc.returncode != 0:
        raise OSError(f"{path.name} --version failed (exit {proc.returncode})")
    first = text.splitlines()[0] if text else ""
    return first[:80] or "unknown"


def _candidates(engine: str, user_path: str | None) -> list[tuple[Path, str]]:
    found: list[tuple[Path, str]] = []
    if user_path:
        found.append((Path(user_path).expanduser(), "your choice"))
    on_path = shutil.which(BINARY[engine])
    if on_path:
        found.append((Path(on_path), "PATH"))
    found += [(p, "usual place") for p in usual_places(engine)]
    return found


def find_engine(engine: str, user_path: str | None = None) -> EngineInfo:
    """Find `engine` (user's choice first, then PATH, then usual places) and read its version."""
    hint = install_hint(engine)
    for path, how in _candidates(engine, user_path):
        if not path.is_file():
            if how == "your choice":
                return EngineInfo(engine, path, None, how, hint, f"{path} does not exist.")
            continue
        if not os.access(path, os.X_OK):
            problem = f"{path} is not executable."
            if how == "your choice":
                return EngineInfo(engine, path, None, how, hint, problem)
            continue
        try:
            version = read_version(path)
        except OSError as exc:
            return EngineInfo(engine, path, None, how, hint, f"{exc}.")
        return EngineInfo(engine, path, version, how, hint)
    return EngineInfo(engine, None, None, "not found", hint)


def remembered_path(store: UserStore, engine: str) -> str | None:
    """The binary the user picked for `engine`, if any."""
    value = store.get_setting(SETTING_KEY[engine])
    return value or None


def remember_path(store: UserStore, engine: str, path: str | None) -> None:
    """Remember (or forget, with None) the binary the user picked for `engine`."""
    store.set_setting(SETTING_KEY[engine], path or "")


def find_all(store: UserStore | None = None) -> dict[str, EngineInfo]:
    """Both engines, honouring the paths the user picked."""
    return {
        engine: find_engine(engine, remembered_path(store, engine) if store else None)
        for engine in BINARY
    }
