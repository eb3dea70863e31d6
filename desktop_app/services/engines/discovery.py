"""Find llama-server and ollama on this machine, read their versions, say how to get them.

Order for llama-server: the program the user picked; else a GPU build they installed (on
PATH or in a usual place: its `--list-devices` names a GPU); else the portable build the
installers carry next to the frozen app; else any other llama-server on PATH or in a usual
place. docs/installers.md ("The bundled llama-server") says what the bundle accelerates.
"""

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
# The folder, inside the frozen app, that holds the bundled llama-server and its libraries
# (installers/infernav.spec puts it there).
BUNDLE_DIR = "llama.cpp"
YOUR_CHOICE = "your choice"
BUNDLED = "bundled with the app"
_WHERE = {
    YOUR_CHOICE: "your choice",
    "PATH": "found on PATH",
    "usual place": "found in a usual place",
    BUNDLED: "bundled with the app",
}


@dataclass(frozen=True)
class EngineInfo:
    """An engine as found (or not) on this machine."""

    engine: str  # "llama.cpp" or "ollama"
    path: Path | None
    version: str | None
    found_by: str  # "your choice", "bundled with the app", "PATH", "usual place", "not found"
    how_to_get: str  # a sentence with the official page or package-manager command
    problem: str | None = None  # why a found binary cannot be used
    # What llama-server's --list-devices names besides the CPU (GPUs: "CUDA0: NVIDIA …");
    # () for a CPU-only build, None when unknown (Ollama, or an engine that cannot say).
    devices: tuple[str, ...] | None = None

    @property
    def usable(self) -> bool:
        """True when the binary exists and answered --version."""
        return self.path is not None and self.problem is None

    @property
    def accelerates(self) -> str:
        """What the build runs on: "CPU only", the devices it names, or "unknown"."""
        if self.devices is None:
            return "unknown"
        return ", ".join(self.devices) if self.devices else "CPU only"

    @property
    def summary(self) -> str:
        """One line for the views: version, path, where it was found and what it runs on."""
        where = _WHERE.get(self.found_by, self.found_by)
        text = f"{self.version} · {self.path} ({where})"
        if self.engine == "llama.cpp":
            text += f" · runs on: {self.accelerates}"
        return text


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


def bundled_places(engine: str) -> list[Path]:
    """Where the installers put their own llama-server: inside the frozen app, else nowhere.

    PyInstaller's onedir keeps its files in sys._MEIPASS (`_internal/`, or the `.app`'s
    Frameworks folder); the folder of the executable is the install dir.
    """
    if engine != "llama.cpp" or not getattr(sys, "frozen", False):
        return []
    name = _exe(BINARY[engine])
    roots = [Path(p) for p in (getattr(sys, "_MEIPASS", None),) if p]
    roots.append(Path(sys.executable).resolve().parent)
    places: list[Path] = []
    for root in roots:
        place = root / BUNDLE_DIR / name
        if place not in places:
            places.append(place)
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
    # Linux ways first: the app's own .deb, tarball and AppImage carry llama-server.
    return (
        "Install the app from its .deb, tarball or AppImage, which carry llama-server, or "
        "download a release from https://github.com/ggml-org/llama.cpp/releases and pick its "
        "llama-server (or: brew install llama.cpp)."
    )


_VERSION_RE = re.compile(r"version(?: is)?[:\s]+v?([0-9][\w.\-+]*(?: \(build [^)]*\))?)", re.I)


def _ask(path: Path, flag: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run `path flag` (an argument list, no shell) and capture its answer."""
    return subprocess.run(
        [str(path), flag],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def read_version(path: Path, timeout_s: float = 5.0) -> str:
    """The engine's own `--version` answer, shortened; raises OSError when it cannot run."""
    try:
        proc = _ask(path, "--version", timeout_s)
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


def read_devices(path: Path, timeout_s: float = 10.0) -> tuple[str, ...] | None:
    """The devices besides the CPU that llama-server's `--list-devices` names; None if unknown.

    The answer looks like "Available devices:" then one "  CUDA0: NVIDIA … (24080 MiB, …)"
    line per device, or "  (none)" for a CPU-only build (llama.cpp common/arg.cpp).
    """
    try:
        proc = _ask(path, "--list-devices", timeout_s)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or "Available devices:" not in lines:
        return None
    listed = [line.strip() for line in lines[lines.index("Available devices:") + 1 :]]
    return tuple(line for line in listed if line and line != "(none)")


def _check(engine: str, path: Path, how: str, hint: str) -> EngineInfo | None:
    """The engine at `path`, or None when nothing runnable is there (only for a search)."""
    if not path.is_file():
        if how == YOUR_CHOICE:
            return EngineInfo(engine, path, None, how, hint, f"{path} does not exist.")
        return None
    if not os.access(path, os.X_OK):
        if how == YOUR_CHOICE:
            return EngineInfo(engine, path, None, how, hint, f"{path} is not executable.")
        return None
    try:
        version = read_version(path)
    except OSError as exc:
        return EngineInfo(engine, path, None, how, hint, f"{exc}.")
    devices = read_devices(path) if engine == "llama.cpp" else None
    return EngineInfo(engine, path, version, how, hint, devices=devices)


def _first(engine: str, places: list[tuple[Path, str]], hint: str) -> EngineInfo | None:
    for path, how in places:
        info = _check(engine, path, how, hint)
        if info is not None:
            return info
    return None


def find_engine(engine: str, user_path: str | None = None) -> EngineInfo:
    """Find `engine` and read its version (the module docstring gives the order)."""
    hint = install_hint(engine)
    if user_path:
        path = Path(user_path).expanduser()
        chosen = _check(engine, path, YOUR_CHOICE, hint)  # never None for the user's choice
        return chosen or EngineInfo(engine, path, None, YOUR_CHOICE, hint, f"{path} is unusable.")
    on_path = shutil.which(BINARY[engine])
    installed = _first(
        engine,
        ([(Path(on_path), "PATH")] if on_path else [])
        + [(p, "usual place") for p in usual_places(engine)],
        hint,
    )
    bundled = _first(engine, [(p, BUNDLED) for p in bundled_places(engine)], hint)
    if installed is not None and installed.usable and installed.devices:
        return installed  # the user's own GPU build beats the portable CPU bundle
    if bundled is not None and (bundled.usable or installed is None or not installed.usable):
        return bundled
    return installed or EngineInfo(engine, None, None, "not found", hint)


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
