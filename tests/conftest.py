"""Shared fixtures: every test runs with its own home, data and cache folders."""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
EXIT_WATCHDOG_S = float(os.environ.get("INFERNAV_TEST_EXIT_WATCHDOG_S", "300"))


def pytest_unconfigure(config: pytest.Config) -> None:
    """If the process has not exited this long after the session, print where it is stuck.

    The verdict is printed by then; a thread or a destructor blocking the interpreter's exit
    would otherwise hold CI until its time limit with nothing on screen. faulthandler's
    watchdog needs no GIL, so it fires even when a destructor holds it, prints every
    thread's stack, and exits with a failure.
    """
    sys.stdout.flush()
    faulthandler.dump_traceback_later(EXIT_WATCHDOG_S, exit=True, file=sys.__stderr__)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point every user path (platformdirs, XDG, HOME) at a temporary folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("INFERNAV_HOME", str(home / "infernav"))
    for var, sub in (
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("XDG_CONFIG_HOME", ".config"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.delenv("INFERNAV_BUNDLED_STORE", raising=False)
    yield home
    _drop_log_file_handler()


def _drop_log_file_handler() -> None:
    """Close the log file a test opened through app.setup_logging (it lives in tmp)."""
    logger = logging.getLogger("desktop_app")
    for handler in [h for h in logger.handlers if getattr(h, "_infernav", False)]:
        logger.removeHandler(handler)
        handler.close()


@pytest.fixture(scope="session")
def bundled_store():  # type: ignore[no-untyped-def]
    """The real bundled store shipped in the package."""
    from desktop_app import paths
    from desktop_app.storage.bundled.store import BundledStore

    return BundledStore(paths.bundled_store_path())
