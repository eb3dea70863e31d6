"""Typed settings: the keys users' settings are stored under, and wrong types read as defaults."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from desktop_app.services import gguf
from desktop_app.services.engines import discovery
from desktop_app.storage.user.settings import COMPARE_FRAMEWORKS, GGUF_FOLDERS, engine_binary
from desktop_app.storage.user.store import UserStore


def _write_raw(path: Path, key: str, value_json: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT OR REPLACE INTO setting (key, value_json) VALUES (?, ?)", (key, value_json)
        )


def test_settings_keep_the_keys_earlier_versions_stored(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    UserStore(path).close()
    _write_raw(path, "launch.gguf_folders", '["/models"]')
    _write_raw(path, "launch.binary.llama.cpp", '"/opt/llama-server"')
    _write_raw(path, "compare.frameworks", '["vllm", "tgi"]')
    store = UserStore(path)
    assert gguf.folders(store) == ["/models"]
    assert discovery.remembered_path(store, "llama.cpp") == "/opt/llama-server"
    assert discovery.remembered_path(store, "ollama") is None
    assert store.get_setting(COMPARE_FRAMEWORKS) == ["vllm", "tgi"]


@pytest.mark.parametrize(
    ("key", "value_json"),
    [
        ("launch.gguf_folders", '"/models"'),  # a string where a list belongs
        ("launch.gguf_folders", "[1, 2]"),  # a list of numbers
        ("launch.gguf_folders", "{not json"),
        ("launch.binary.llama.cpp", "42"),
    ],
)
def test_a_wrong_typed_stored_value_reads_as_the_default_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, key: str, value_json: str
) -> None:
    path = tmp_path / "user.sqlite"
    UserStore(path).close()
    _write_raw(path, key, value_json)
    store = UserStore(path)
    with caplog.at_level(logging.WARNING):
        assert gguf.folders(store) == []
        assert discovery.remembered_path(store, "llama.cpp") is None
    assert any(key in r.getMessage() for r in caplog.records)


def test_a_setting_round_trips_and_refuses_the_wrong_type(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "user.sqlite")
    store.set_setting(GGUF_FOLDERS, ["/a", "/b"])
    store.set_setting(engine_binary("ollama"), "/usr/bin/ollama")
    assert store.get_setting(GGUF_FOLDERS) == ["/a", "/b"]
    assert store.get_setting(engine_binary("ollama")) == "/usr/bin/ollama"
    with pytest.raises(TypeError):
        store.set_setting(GGUF_FOLDERS, "/a")  # type: ignore[arg-type]
    assert store.get_setting(GGUF_FOLDERS) == ["/a", "/b"]
    store.get_setting(GGUF_FOLDERS).append("/c")  # the caller's copy, not the default
    assert UserStore(tmp_path / "other.sqlite").get_setting(GGUF_FOLDERS) == []
