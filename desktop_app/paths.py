"""The only place that knows where things live: user paths and bundled paths.

Tests and portable setups point everything at one folder with INFERNAV_HOME.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import platformdirs

from desktop_app import APP_NAME

_STORE_NAME = "navigator.sqlite"


def _home_override() -> Path | None:
    value = os.environ.get("INFERNAV_HOME")
    return Path(value) if value else None


def _user_dir(sub: str, platform_path: Callable[..., Path]) -> Path:
    home = _home_override()
    path = home / sub if home else platform_path(APP_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir() -> Path:
    """Writable per-user data folder (created on demand)."""
    return _user_dir("data", platformdirs.user_data_path)


def user_cache_dir() -> Path:
    """Per-user cache folder (created on demand)."""
    return _user_dir("cache", platformdirs.user_cache_path)


def user_log_dir() -> Path:
    """Per-user log folder (created on demand)."""
    return _user_dir("logs", platformdirs.user_log_path)


def log_file() -> Path:
    """The app's rotating log file: tracebacks of unexpected errors go here."""
    return user_log_dir() / "infernav.log"


def user_store_path() -> Path:
    """The user's own SQLite store (edited prices, trial results, settings)."""
    return user_data_dir() / "user.sqlite"


def data_pack_path() -> Path:
    """The imported data pack's overlay (SQLite); the bundled store is never written."""
    return user_data_dir() / "data-pack.sqlite"


def models_dir() -> Path:
    """Default folder for local model files."""
    path = user_data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def bundled_store_source_path() -> Path:
    """Where the build writes the bundled store inside the source tree."""
    return Path(__file__).resolve().parent / "store" / _STORE_NAME


def bundled_store_path() -> Path:
    """The read-only bundled store shipped in the package (INFERNAV_BUNDLED_STORE overrides)."""
    override = os.environ.get("INFERNAV_BUNDLED_STORE")
    if override:
        return Path(override)
    ref = resources.files("desktop_app") / "store" / _STORE_NAME
    # The package is installed as plain files (wheel, source tree, PyInstaller onedir),
    # so the traversable is a real path; as_file would copy a zipped one.
    return Path(str(ref))


def resources_dir() -> Path:
    """Icons and other plain resource files.

    Installed from a wheel they sit in the package as `desktop_app/_resources`; in a source
    checkout they are the top-level `resources/`; a frozen app carries `resources/` beside
    the package (PyInstaller's `_internal/resources`).
    """
    package = Path(__file__).resolve().parent
    for candidate in (package / "_resources", package.parent / "resources"):
        if candidate.is_dir():
            return candidate
    return package.parent / "resources"
