"""The user store: created on first run, kept across upgrades, recovered when damaged."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop_app.storage.user import store as us
from desktop_app.storage.user.settings import GGUF_FOLDERS
from desktop_app.storage.user.store import UserStore


def test_created_on_first_run_and_remembers(tmp_path: Path) -> None:
    path = tmp_path / "u" / "user.sqlite"
    store = UserStore(path)
    assert store.notice is None and path.is_file()
    store.set_setting(GGUF_FOLDERS, ["/models"])
    store.set_user_price("gpu_month:A100 80GB:us", 2600.0, "USD/month")
    store.add_trial("llama.cpp", "b1", "tiny.gguf", {"ttft_ms": 12.5})
    store.close()
    again = UserStore(path)
    assert again.get_setting(GGUF_FOLDERS) == ["/models"]
    assert again.user_prices()["gpu_month:A100 80GB:us"].value == 2600.0
    assert again.trials()[0].payload == {"ttft_ms": 12.5}
    again.reset_user_prices()
    assert again.user_prices() == {}


def test_damaged_file_is_moved_aside_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    garbage = b"\x00not a database\xff" * 512
    path.write_bytes(garbage)
    store = UserStore(path)
    assert store.notice is not None and "damaged" in store.notice
    kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    store.set_setting(GGUF_FOLDERS, ["/m"])
    assert store.get_setting(GGUF_FOLDERS) == ["/m"]


def test_store_from_newer_version_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    UserStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    store = UserStore(path)
    assert store.notice is not None
    assert any(".damaged-" in p.name for p in tmp_path.iterdir())


def test_migrations_run_from_older_versions(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "user.sqlite"
    UserStore(path).close()
    calls: list[int] = []
    monkeypatch.setattr(us, "USER_SCHEMA_VERSION", 2)
    monkeypatch.setitem(us.MIGRATIONS, 1, lambda session: calls.append(1))
    UserStore(path).close()
    assert calls == [1]
    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    conn.close()
    assert version == ("2",)
