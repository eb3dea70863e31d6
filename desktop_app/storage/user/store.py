"""The user's own store: settings, edited prices and measured trials (typed records).

It lives under the user data folder, survives upgrades (schema version plus
migrations from the first release: schema.py, migrations.py) and is never confused with
the bundled store.

Opening never hides saved data:
- only real corruption (sqlite's "file is not a database", "malformed", a failed integrity
  check) moves the file aside (kept as `.damaged-<time>`) and starts a fresh store;
- a full disk, a read-only file or folder, a store locked by another program or one written by
  a newer version leave the file untouched: it is opened read-only (nothing is saved this
  session, `notice` says so), or, when it cannot even be read, an empty in-memory store
  stands in and `notice` says the saved file was left as it was;
- before each migration the file is copied to `user.sqlite.backup-v<N>`, kept until the next
  successful start;
- tables missing a column get it back (empty), and a saved trial that cannot be read is
  skipped (counted in `unreadable_trials`), never the whole history.
The path reaches SQLite as a file: URI built by pathlib (`%`, `?` and `#` are escaped).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

from desktop_app.domain.trial.record import Trial
from desktop_app.errors import UserFacingError
from desktop_app.storage.user import migrations, schema
from desktop_app.storage.user.schema import (
    SettingRow,
    TrialRow,
    UserBase,
    UserMetaRow,
    UserPriceRow,
)
from desktop_app.storage.user.settings import Setting, T

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 10.0  # another instance writing: wait this long for its lock
_CORRUPT = ("file is not a database", "malformed", "integrity check")


class StoreNotSavedError(UserFacingError):
    """A write the store could not make (read-only, full disk, ...): one sentence."""


class _CorruptError(Exception):
    """The file is damaged: the only case that moves it aside."""


class _NewerStoreError(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(f"store from a newer version (schema {version})")
        self.version = version


@dataclass(frozen=True)
class UserPrice:
    """A user-entered price."""

    key: str
    value: float
    unit: str
    note: str
    updated: str


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _is_corruption(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError | SQLAlchemyError) and any(
        c in text for c in _CORRUPT
    )


def _reason(exc: BaseException) -> str:
    """What stopped the store from opening for writing, in a few plain words."""
    text = str(exc).lower()
    if "full" in text or getattr(exc, "errno", None) == 28:
        return "the disk is full"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the file or its folder is read-only"
    if "locked" in text or "busy" in text:
        return "another program is holding it locked"
    if "unable to open" in text:
        return "its folder cannot be written to"
    return f"of a storage error ({str(exc).strip() or exc.__class__.__name__})"


def _uri(path: Path, mode: str) -> str:
    """A SQLite file: URI for `path` (pathlib escapes %, ? and #) opened in `mode`."""
    return f"{path.absolute().as_uri()}?mode={mode}"


def _connector(uri: str) -> Callable[[], sqlite3.Connection]:
    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)

    return connect


def file_engine(path: Path, mode: str = "rwc") -> Engine:
    """An engine on the SQLite file at `path`, whatever characters its folder holds.

    Every table kept in the user's file (the store's own and the benchmark runs) opens it
    through here, so an unescaped path cannot send one of them to another file.
    """
    return create_engine("sqlite://", creator=_connector(_uri(path, mode)), poolclass=QueuePool)


def _table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(r[1]) for r in conn.execute(f'PRAGMA table_info("{table}")')}


class UserStore:
    """Open (or create, or recover) the user store at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notice: str | None = None
        self.read_only = False
        self.unreadable_trials = 0  # saved trials the last trials() call had to skip
        self._why_read_only = ""
        try:
            self._engine = self._open()
        except _CorruptError as exc:
            log.error("User store %s is damaged: %s", path, exc)
            moved = self._move_aside()
            self.notice = (
                "Your saved settings and results could not be read (the file is damaged). "
                f"The damaged file was kept as {moved.name} in {moved.parent}, and a fresh "
                "store was started."
            )
            self._engine = self._open()
        except _NewerStoreError as exc:
            log.warning("User store %s: %s; opening it read-only", path, exc)
            self._why_read_only = "it was written by a newer version of Inference Navigator"
            self._engine = self._open_read_only(newer=exc.version)
        except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
            log.warning("User store %s cannot be opened for writing: %s", path, exc)
            self._why_read_only = f"{_reason(exc)}"
            self._engine = self._open_read_only(newer=None)
        self._session = sessionmaker(self._engine)

    # opening --------------------------------------------------------------------------
    def _open(self) -> Engine:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        engine = file_engine(self.path)
        event.listen(engine, "connect", _set_pragmas)
        try:
            self._check_and_upgrade(engine)
        except BaseException as exc:
            engine.dispose()
            if _is_corruption(exc):
                raise _CorruptError(str(exc)) from exc
            raise
        return engine

    def _check_and_upgrade(self, engine: Engine) -> None:
        with engine.connect() as conn:
            result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            if result != "ok":
                raise _CorruptError(f"integrity check: {result}")
        version = self._stored_version(engine)
        if version is not None and version > schema.SCHEMA_VERSION:
            raise _NewerStoreError(version)
        if version is not None and version < schema.SCHEMA_VERSION:
            self._backup(version)
        else:
            self._forget_backups()  # a successful start with nothing to migrate
        UserBase.metadata.create_all(engine)
        self._add_missing_columns(engine)
        with Session(engine) as s, s.begin():
            row = s.get(UserMetaRow, "schema_version")
            if row is None:
                s.add(UserMetaRow(key="schema_version", value=str(schema.SCHEMA_VERSION)))
                return
            current = version if version is not None else schema.SCHEMA_VERSION
            while current < schema.SCHEMA_VERSION:
                migrations.MIGRATIONS[current](s)
                current += 1
            row.value = str(current)

    def _stored_version(self, engine: Engine) -> int | None:
        """The saved schema version; None for a new store. A version below 1 or not a number
        (a hand edit, a crash mid-write) is read as 1, the first release: its migrations
        accept every payload format so far."""
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            assert isinstance(conn, sqlite3.Connection)
            if "value" not in _table_columns(conn, "meta"):
                return None
            found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            raw.close()
        if found is None:
            return None
        try:
            version = int(str(found[0]).strip())
        except ValueError:
            version = 0
        if version < 1:
            log.warning("User store schema version %r is not valid; reading it as 1", found[0])
            return 1
        return version

    def _add_missing_columns(self, engine: Engine) -> None:
        """Give back a column a table lost (a hand edit, another tool): empty, rows kept."""
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            assert isinstance(conn, sqlite3.Connection)
            for table in UserBase.metadata.sorted_tables:
                have = _table_columns(conn, table.name)
                for column in table.columns:
                    if column.name in have:
                        continue
                    default = "0" if column.type.python_type in (int, float) else "''"
                    log.warning("User store table %s lacked %s; added", table.name, column.name)
                    conn.execute(
                        f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" '
                        f"{column.type.compile(engine.dialect)} DEFAULT {default}"
                    )
            conn.commit()
        finally:
            raw.close()

    def _backup_path(self, version: int) -> Path:
        return self.path.with_name(f"{self.path.name}.backup-v{version}")

    def _backup(self, version: int) -> None:
        """Copy the store (SQLite's online backup) before migrating it from `version`."""
        target = self._backup_path(version)
        src = sqlite3.connect(_uri(self.path, "ro"), uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            dst = sqlite3.connect(_uri(target, "rwc"), uri=True)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        log.info("User store backed up to %s before migrating from version %d", target, version)

    def _forget_backups(self) -> None:
        for old in self.path.parent.glob(f"{self.path.name}.backup-v*"):
            try:
                old.unlink()
            except OSError as exc:
                log.warning("Cannot remove the old store backup %s: %s", old, exc)

    def _open_read_only(self, newer: int | None) -> Engine:
        """The saved file, read-only; an empty in-memory store when even that fails."""
        self.read_only = True
        # "immutable" reads a WAL store even where its -shm file cannot be created (full
        # disk, read-only folder); it is tried second because it ignores other writers.
        for mode in ("ro", "ro&immutable=1"):
            try:
                engine = file_engine(self.path, mode)
                with engine.connect() as conn:
                    conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
            except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
                log.error("User store %s cannot be read (mode %s): %s", self.path, mode, exc)
                continue
            self.notice = (
                f"Your saved settings and results were opened read-only because "
                f"{self._why_read_only}: they are all shown, but nothing new is saved this "
                "session"
                + (". Update the app to change them." if newer else "; fix that and restart.")
            )
            return engine
        engine = create_engine("sqlite://", creator=_connector(":memory:"), poolclass=StaticPool)
        UserBase.metadata.create_all(engine)
        self.notice = (
            f"Your saved settings and results in {self.path} cannot be opened because "
            f"{self._why_read_only}; the file was left as it was and nothing is saved this "
            "session."
        )
        return engine

    def _move_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
            n += 1
        self.path.replace(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.replace(target.with_name(target.name + suffix))
        return target

    def close(self) -> None:
        """Release the database file."""
        self._engine.dispose()

    def _writing(self) -> None:
        if self.read_only:
            raise StoreNotSavedError(
                f"Not saved: your store is read-only this session because {self._why_read_only}."
            )

    def _write_failed(self, exc: BaseException) -> StoreNotSavedError:
        log.error("User store write failed: %s", exc)
        return StoreNotSavedError(
            f"Not saved: the store could not be written because {_reason(exc)}."
        )

    # settings -------------------------------------------------------------------------
    def get_setting(self, setting: Setting[T]) -> T:
        """A remembered setting; its default when unset or stored with the wrong type."""
        try:
            with self._session() as s:
                row = s.get(SettingRow, setting.key)
                return setting.decode(None if row is None else row.value_json)
        except SQLAlchemyError as exc:
            log.error("Setting %s cannot be read: %s", setting.key, exc)
            return setting.decode(None)

    def set_setting(self, setting: Setting[T], value: T) -> None:
        """Remember a setting (TypeError if the value is not of the setting's type)."""
        text = setting.encode(value)
        self._writing()
        try:
            with self._session.begin() as s:
                s.merge(SettingRow(key=setting.key, value_json=text))
        except SQLAlchemyError as exc:
            raise self._write_failed(exc) from exc

    def update_setting(self, setting: Setting[T], change: Callable[[T], T]) -> T:
        """Read, change and write a setting in one BEGIN IMMEDIATE transaction, so two
        instances changing it at once both keep their change; returns the new value."""
        self._writing()
        raw = self._engine.raw_connection()
        try:
            conn = raw.driver_connection
            assert isinstance(conn, sqlite3.Connection)
            conn.execute("BEGIN IMMEDIATE")
            try:
                found = conn.execute(
                    "SELECT value_json FROM setting WHERE key = ?", (setting.key,)
                ).fetchone()
                value = change(setting.decode(None if found is None else str(found[0])))
                conn.execute(
                    "INSERT INTO setting (key, value_json) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json",
                    (setting.key, setting.encode(value)),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return value
        except sqlite3.Error as exc:
            raise self._write_failed(exc) from exc
        finally:
            raw.close()

    # prices ---------------------------------------------------------------------------
    def user_prices(self) -> dict[str, UserPrice]:
        """All user-entered prices by key (a row that cannot be read is skipped)."""
        prices: dict[str, UserPrice] = {}
        try:
            with self._session() as s:
                for r in s.scalars(select(UserPriceRow)):
                    if isinstance(r.value, int | float) and not isinstance(r.value, bool):
                        prices[r.key] = UserPrice(
                            r.key, float(r.value), str(r.unit), str(r.note), str(r.updated)
                        )
        except (SQLAlchemyError, ValueError, TypeError) as exc:
            log.error("Saved prices cannot be read: %s", exc)
        return prices

    def set_user_price(self, key: str, value: float, unit: str, note: str = "") -> None:
        """Save a user-entered price."""
        self._writing()
        try:
            with self._session.begin() as s:
                s.merge(UserPriceRow(key=key, value=value, unit=unit, note=note, updated=_now()))
        except SQLAlchemyError as exc:
            raise self._write_failed(exc) from exc

    def forget_user_price(self, key: str) -> None:
        """Forget one user-entered price, by its exact key (nothing else it prefixes)."""
        self._writing()
        try:
            with self._session.begin() as s:
                s.execute(delete(UserPriceRow).where(UserPriceRow.key == key))
        except SQLAlchemyError as exc:
            raise self._write_failed(exc) from exc

    def reset_user_prices(self, prefix: str = "") -> None:
        """Forget user-entered prices (all, or those whose key starts with `prefix`)."""
        self._writing()
        try:
            with self._session.begin() as s:
                s.execute(delete(UserPriceRow).where(UserPriceRow.key.startswith(prefix)))
        except SQLAlchemyError as exc:
            raise self._write_failed(exc) from exc

    # trials ---------------------------------------------------------------------------
    def add_trial(self, trial: Trial) -> Trial:
        """Save a measured trial; returns it with its id and time (StoreNotSavedError if not)."""
        self._writing()
        try:
            with self._session.begin() as s:
                row = TrialRow(
                    created=_now(),
                    engine=trial.engine,
                    engine_version=trial.engine_version,
                    model=trial.model,
                    payload_json=json.dumps(trial.to_json(), sort_keys=True),
                )
                s.add(row)
                s.flush()
                return row.to_native()
        except SQLAlchemyError as exc:
            raise self._write_failed(exc) from exc

    def trials(self) -> list[Trial]:
        """Saved trials, newest first; one that cannot be read is skipped and counted in
        `unreadable_trials` (it stays in the file), never the whole history."""
        found: list[Trial] = []
        skipped = 0
        try:
            with self._session() as s:
                rows = s.execute(
                    select(
                        TrialRow.id,
                        TrialRow.created,
                        TrialRow.engine,
                        TrialRow.engine_version,
                        TrialRow.model,
                        TrialRow.payload_json,
                    ).order_by(TrialRow.id.desc())
                ).all()
        except SQLAlchemyError as exc:
            log.error("Saved trials cannot be read: %s", exc)
            rows = []
        for id_, created, engine, version, model, payload in rows:
            try:
                found.append(
                    Trial.from_json(
                        schema.load_payload(payload),
                        engine=str(engine or ""),
                        engine_version=str(version or ""),
                        model=str(model or ""),
                        id=int(id_),
                        created=str(created or ""),
                    )
                )
            except Exception as exc:  # any damage in one row: skip it, keep the rest
                skipped += 1
                log.warning("Saved trial #%s cannot be read and is skipped: %r", id_, exc)
        self.unreadable_trials = skipped
        return found


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()
