"""The user store under faults: every saved row survives, the user reads one sentence.

Full disk and read-only folders are real where this runs as root with mount rights (a tiny
tmpfs, remounted read-only); elsewhere those tests skip and the injected variants (sqlite's
own error raised from the connection) still run.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.domain.trial.metrics import TrialMetrics
from desktop_app.domain.trial.record import Trial
from desktop_app.services import gguf
from desktop_app.storage.user import schema
from desktop_app.storage.user import store as store_module
from desktop_app.storage.user.settings import COMPARE_FRAMEWORKS, GGUF_FOLDERS
from desktop_app.storage.user.store import StoreNotSavedError, UserStore

REPO = Path(__file__).resolve().parents[2]


def _trial(n: int) -> Trial:
    metrics = TrialMetrics(10.0 + n, None, None, False, None, None, None, None)
    return Trial("llama.cpp", "b1", f"model-{n}.gguf", metrics)


def _fill(path: Path, trials: int = 3) -> None:
    """A store with settings, a price and `trials` trials, closed."""
    s = UserStore(path)
    s.set_setting(GGUF_FOLDERS, ["/models/a", "/models/b"])
    s.set_setting(COMPARE_FRAMEWORKS, ["vllm"])
    s.set_user_price("gpu_month:A100 80GB:us", 2600.0, "USD/month")
    for n in range(trials):
        s.add_trial(_trial(n))
    s.close()


def _assert_all_there(s: UserStore, trials: int = 3) -> None:
    assert s.get_setting(GGUF_FOLDERS) == ["/models/a", "/models/b"]
    assert s.get_setting(COMPARE_FRAMEWORKS) == ["vllm"]
    assert s.user_prices()["gpu_month:A100 80GB:us"].value == 2600.0
    assert sorted(t.model for t in s.trials()) == [f"model-{n}.gguf" for n in range(trials)]


def _no_damaged(folder: Path) -> None:
    assert not [p for p in folder.iterdir() if ".damaged-" in p.name]


@contextlib.contextmanager
def _tmpfs(size: str) -> Iterator[Path]:
    where = Path("/tmp") / f"infernav-tmpfs-{uuid.uuid4().hex[:8]}"
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        where.rmdir()
        pytest.skip("cannot mount a tmpfs here (not root); the injected variant covers it")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)
        where.rmdir()


class _Failing:
    """A sqlite3 connection whose writes fail as sqlite fails them (ENOSPC, EROFS)."""

    def __init__(self, conn: sqlite3.Connection, message: str) -> None:
        self._conn, self._message = conn, message

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)

    def cursor(self) -> object:
        return _FailingCursor(self._conn.cursor(), self._message)

    def execute(self, sql: str, *args: object) -> object:
        _check(sql, self._message)
        return self._conn.execute(sql, *args)


class _FailingCursor:
    def __init__(self, cur: sqlite3.Cursor, message: str) -> None:
        self._cur, self._message = cur, message

    def __getattr__(self, name: str) -> object:
        return getattr(self._cur, name)

    def execute(self, sql: str, *args: object) -> object:
        _check(sql, self._message)
        return self._cur.execute(sql, *args)


def _check(sql: str, message: str) -> None:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    if head in {"INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "BEGIN"} or "WAL" in sql:
        raise sqlite3.OperationalError(message)


def _inject(monkeypatch: pytest.MonkeyPatch, message: str) -> None:
    """Every read-write connection of the store fails its writes with `message`."""
    real = store_module._connector

    def connector(uri: str):  # type: ignore[no-untyped-def]
        connect = real(uri)
        if "mode=rwc" not in uri:
            return connect
        return lambda: _Failing(connect(), message)

    monkeypatch.setattr(store_module, "_connector", connector)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("database or disk is full", "disk is full"),
        ("attempt to write a readonly database", "read-only"),
        ("unable to open database file", "cannot be written"),
        ("database is locked", "locked"),
    ],
)
def test_an_open_error_is_not_damage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message: str, words: str
) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    before = path.read_bytes()
    _inject(monkeypatch, message)
    s = UserStore(path)
    assert s.read_only and s.notice is not None and words in s.notice
    assert "nothing new is saved" in s.notice
    _assert_all_there(s)
    with pytest.raises(StoreNotSavedError, match=r"^Not saved: .*read-only"):
        s.add_trial(_trial(9))
    s.close()
    _no_damaged(tmp_path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    again = UserStore(path)
    assert again.notice is None and not again.read_only
    _assert_all_there(again)


def test_a_real_full_disk_keeps_every_row_and_says_so() -> None:
    with _tmpfs("1m") as disk:
        path = disk / "user.sqlite"
        _fill(path)
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
        s = UserStore(path)
        assert s.read_only and s.notice is not None
        _assert_all_there(s)
        with pytest.raises(StoreNotSavedError):
            s.set_setting(GGUF_FOLDERS, ["/x"])
        s.close()
        _no_damaged(disk)
        filler.unlink()  # space again: the next start has everything, no banner
        again = UserStore(path)
        assert again.notice is None
        _assert_all_there(again)
        again.add_trial(_trial(3))
        assert len(again.trials()) == 4
        again.close()


def test_a_real_read_only_folder_opens_read_only() -> None:
    with _tmpfs("4m") as disk:
        path = disk / "user.sqlite"
        _fill(path)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        s = UserStore(path)
        assert s.read_only and s.notice is not None and "read-only" in s.notice
        _assert_all_there(s)
        s.close()
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        _no_damaged(disk)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes; the tmpfs test covers it")
def test_a_read_only_file_opens_read_only(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        s = UserStore(path)
        assert s.read_only
        _assert_all_there(s)
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)


def test_a_newer_schema_is_left_untouched_and_read(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    before = path.read_bytes()
    s = UserStore(path)
    assert s.read_only and s.notice is not None and "newer version" in s.notice
    _assert_all_there(s)
    s.close()
    assert path.read_bytes() == before
    _no_damaged(tmp_path)


@pytest.mark.parametrize("version", ["0", "-3", "", "two"])
def test_a_nonsense_schema_version_still_opens(tmp_path: Path, version: str) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    s = UserStore(path)
    assert not s.read_only
    _assert_all_there(s)
    s.close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        (saved,) = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert saved == str(schema.SCHEMA_VERSION)


def test_a_table_missing_columns_gets_them_back(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("ALTER TABLE trial DROP COLUMN engine_version")
        conn.execute("ALTER TABLE user_price DROP COLUMN note")
    s = UserStore(path)
    assert s.notice is None
    _assert_all_there(s)
    s.add_trial(_trial(7))
    s.set_user_price("k", 1.0, "USD")
    assert len(s.trials()) == 4


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE trial SET payload_json = '{\"metrics\": [1, 2]}' WHERE id = 2",
        "UPDATE trial SET payload_json = '[[[[' WHERE id = 2",
        "UPDATE trial SET payload_json = X'FFFE00' WHERE id = 2",
        'UPDATE trial SET payload_json = \'{"ttft_ms": "fast"}\' WHERE id = 2',
        'UPDATE trial SET payload_json = \'{"hardware": 5, "settings": "x"}\' WHERE id = 2',
        "UPDATE trial SET created = 7, model = X'00', engine = 5 WHERE id = 2",
    ],
)
def test_one_bad_trial_row_keeps_the_rest(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(damage)
    s = UserStore(path)
    found = s.trials()
    models = {t.model for t in found}
    assert {"model-0.gguf", "model-2.gguf"} <= models
    assert len(found) + s.unreadable_trials == 3


def test_one_bad_row_does_not_stop_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        conn.execute("UPDATE trial SET payload_json = '{\"hardware\": 5}' WHERE id = 2")
    s = UserStore(path)
    assert not s.read_only and s.notice is None
    assert {"model-0.gguf", "model-2.gguf"} <= {t.model for t in s.trials()}


def test_a_backup_is_kept_until_the_next_successful_start(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    UserStore(path).close()
    backup = tmp_path / "user.sqlite.backup-v1"
    assert backup.is_file()
    _assert_all_there(UserStore(backup))  # the backup is a full, readable copy
    UserStore(path).close()
    assert not backup.exists()


@pytest.mark.parametrize("name", ["100%", "a%20b", "what?", "x?mode=memory", "hash#1", "50%?#"])
def test_odd_characters_in_the_data_folder(tmp_path: Path, name: str) -> None:
    parent = tmp_path / "data"
    path = parent / name / "user.sqlite"
    _fill(path)
    assert path.is_file()
    assert [p.name for p in parent.iterdir()] == [name]  # nothing written elsewhere
    s = UserStore(path)
    assert s.notice is None
    _assert_all_there(s)


def test_real_corruption_is_still_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    _fill(path)
    data = bytearray(path.read_bytes())
    data[:16] = b"definitely not!!"
    path.write_bytes(bytes(data))
    s = UserStore(path)
    assert s.notice is not None and "damaged" in s.notice
    assert len([p for p in tmp_path.iterdir() if ".damaged-" in p.name]) == 1


_ADDER = """
import sys
from pathlib import Path
from desktop_app.services import gguf
from desktop_app.storage.user.store import UserStore
store = UserStore(Path(sys.argv[1]))
for n in range(int(sys.argv[3])):
    gguf.add_folder(store, f"/models/{sys.argv[2]}-{n}")
store.close()
"""


def test_two_instances_adding_folders_keep_every_one(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    UserStore(path).close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", _ADDER, str(path), who, "60"], env=env)
        for who in ("a", "b")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    s = UserStore(path)
    assert len(s.get_setting(GGUF_FOLDERS)) == 120
    assert gguf.remove_folder(s, "/models/a-0") and len(gguf.folders(s)) == 119
