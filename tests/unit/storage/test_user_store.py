"""The user store: created on first run, kept across upgrades, recovered when damaged."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from desktop_app.domain.trial.metrics import TrialMetrics
from desktop_app.domain.trial.record import TRIAL_FORMAT, Trial
from desktop_app.storage.user import migrations, schema
from desktop_app.storage.user.settings import GGUF_FOLDERS
from desktop_app.storage.user.store import UserStore


def _trial(ttft_ms: float | None) -> Trial:
    metrics = TrialMetrics(ttft_ms, None, None, False, None, None, None, None)
    return Trial("llama.cpp", "b1", "tiny.gguf", metrics)


def test_created_on_first_run_and_remembers(tmp_path: Path) -> None:
    path = tmp_path / "u" / "user.sqlite"
    store = UserStore(path)
    assert store.notice is None and path.is_file()
    store.set_setting(GGUF_FOLDERS, ["/models"])
    store.set_user_price("gpu_month:A100 80GB:us", 2600.0, "USD/month")
    saved = store.add_trial(_trial(12.5))
    store.close()
    again = UserStore(path)
    assert again.get_setting(GGUF_FOLDERS) == ["/models"]
    assert again.user_prices()["gpu_month:A100 80GB:us"].value == 2600.0
    assert again.trials() == [saved] and saved.metrics.ttft_ms == 12.5 and saved.id == 1
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
    assert store.notice is not None and "newer version" in store.notice and store.read_only
    assert not any(".damaged-" in p.name for p in tmp_path.iterdir())


def test_migrations_run_from_older_versions(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "user.sqlite"
    UserStore(path).close()
    calls: list[int] = []
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, 2, lambda session: calls.append(2))
    UserStore(path).close()
    assert calls == [2]
    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    conn.close()
    assert version == ("3",)


# How 0.1.0 wrote its user store: its tables, schema version 1, the unversioned payloads.
V010_SCHEMA = """
CREATE TABLE meta (key VARCHAR(40) NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE setting (key VARCHAR(120) NOT NULL PRIMARY KEY, value_json TEXT NOT NULL);
CREATE TABLE user_price (key VARCHAR(120) NOT NULL PRIMARY KEY, value FLOAT NOT NULL,
    unit VARCHAR(40) NOT NULL, note TEXT NOT NULL, updated VARCHAR(40) NOT NULL);
CREATE TABLE trial (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, created VARCHAR(40) NOT NULL,
    engine VARCHAR(40) NOT NULL, engine_version TEXT NOT NULL, model TEXT NOT NULL,
    payload_json TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
"""
V010_CLI = {  # infernav trial (services/trial.py build_payload at 0.1.0)
    "engine": "llama.cpp", "engine_version": "b7000", "model": "/m/tiny.gguf",
    "quantization": "Q4_K_M", "ttft_ms": 143.2, "decode_tokens_per_s": 38.5,
    "prompt_tokens_per_s": 210.0, "output_tokens": 24, "output_tokens_counted": False,
    "prompt_tokens": 6, "e2e_ms": 800.1, "cancelled": False,
    "server": {"source": "llama-server timings", "prompt_tokens": 6, "output_tokens": 24,
               "prompt_ms": 79.2, "decode_ms": 890.9, "prompt_tokens_per_s": 75.8,
               "decode_tokens_per_s": 25.8, "load_ms": None, "total_ms": None,
               "cached_prompt_tokens": 0},
    "settings": {"threads": 4, "ctx": 4096, "parallel": 1, "gpu_layers": 0, "max_tokens": 24,
                 "prompt": "hi", "api": "completion", "reused_running_server": False},
    "hardware": {"label": "this machine", "cpu": {"brand": "Ryzen 7"}}, "port": 18090,
}  # fmt: skip
V010_GUI = {  # the Launch view at 0.1.0: settings typed into fields were saved as text
    "engine": "ollama", "engine_version": "0.5", "model": "llama3.2", "quantization": None,
    "ttft_ms": None, "decode_tokens_per_s": 12.0, "server": None,
    "settings": {"threads": "8", "ctx": "", "api": "ollama-chat"},
    "hardware": {"gpus": [{"name": "RTX 4090"}]}, "port": 11434,
}  # fmt: skip


def test_every_trial_saved_by_0_1_0_comes_back_typed(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(V010_SCHEMA)
        rows = [
            ("2026-11-01T10:00:00+0000", "llama.cpp", "b7000", "/m/tiny.gguf", V010_CLI),
            ("2026-11-02T10:00:00+0000", "ollama", "0.5", "llama3.2", V010_GUI),
            ("2026-11-03T10:00:00+0000", "ollama", "0.4", "qwen", {"ttft_ms": 210.0}),
            ("2026-11-04T10:00:00+0000", "llama.cpp", "b1", "x.gguf", "not json"),
        ]
        for created, engine, version, model, payload in rows:
            text = payload if isinstance(payload, str) else json.dumps(payload)
            conn.execute(
                "INSERT INTO trial (created, engine, engine_version, model, payload_json) "
                "VALUES (?, ?, ?, ?, ?)",
                (created, engine, version, model, text),
            )
    conn.close()
    store = UserStore(path)
    assert store.notice is None
    trials = store.trials()
    assert [t.id for t in trials] == [4, 3, 2, 1]  # every one kept
    broken, bare, gui, cli = trials
    assert (cli.engine, cli.engine_version, cli.quantization) == ("llama.cpp", "b7000", "Q4_K_M")
    assert cli.metrics.ttft_ms == 143.2 and cli.metrics.output_tokens == 24
    assert cli.metrics.server is not None and cli.metrics.server.prompt_ms == 79.2
    assert cli.settings.threads == 4 and cli.settings.api == "completion" and cli.port == 18090
    assert cli.where == "Ryzen 7" and cli.created == "2026-11-01T10:00:00+0000"
    assert gui.settings.threads == 8 and gui.settings.ctx is None  # text became a number
    assert gui.metrics.ttft_ms is None and gui.metrics.decode_tokens_per_s == 12.0
    assert gui.where == "RTX 4090"
    assert (bare.engine, bare.model, bare.metrics.ttft_ms) == ("ollama", "qwen", 210.0)
    assert bare.metrics.decode_tokens_per_s is None  # unknown, never 0
    assert (broken.engine, broken.model, broken.metrics.ttft_ms) == ("llama.cpp", "x.gguf", None)
    store.close()
    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        stored = [json.loads(p) for (p,) in conn.execute("SELECT payload_json FROM trial")]
    conn.close()
    assert version == (str(schema.SCHEMA_VERSION),)
    assert all(p["format"] == TRIAL_FORMAT for p in stored)  # rewritten in the new format
    assert UserStore(path).trials() == trials  # and read back the same


def test_a_trial_round_trips_through_its_json() -> None:
    trial = Trial.from_json(V010_CLI, id=7, created="t")
    again = Trial.from_json(trial.to_json(), id=7, created="t")
    assert again == trial and trial.to_json()["format"] == TRIAL_FORMAT
    assert {k for k in V010_CLI} <= set(trial.to_json())  # the keys 0.1.0 printed stay
