"""The user's own store: settings, edited prices and measured trials (typed records).

It lives under the user data folder, survives upgrades (schema version plus
migrations from the first release: schema.py, migrations.py) and is never confused with
the bundled store.
A damaged file is moved aside, kept, and replaced by a fresh store.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.domain.trial.record import Trial
from desktop_app.storage.user import migrations, schema
from desktop_app.storage.user.schema import (
    SettingRow,
    TrialRow,
    UserBase,
    UserMetaRow,
    UserPriceRow,
)
from desktop_app.storage.user.settings import Setting, T


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


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class UserStore:
    """Open (or create, or recover) the user store at `path`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notice: str | None = None
        try:
            self._engine = self._open()
        except (SQLAlchemyError, sqlite3.DatabaseError, ValueError) as exc:
            moved = self._move_aside()
            self.notice = (
                "Your saved settings and results could not be read "
                f"({exc.__class__.__name__}). The damaged file was kept as {moved.name} in "
                f"{moved.parent}, and a fresh store was started."
            )
            self._engine = self._open()
        self._session = sessionmaker(self._engine)

    def _open(self) -> Engine:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{self.path}")
        event.listen(engine, "connect", _set_pragmas)
        try:
            with engine.connect() as conn:
                result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                if result != "ok":
                    raise ValueError(f"integrity check: {result}")
            UserBase.metadata.create_all(engine)
            with Session(engine) as s, s.begin():
                row = s.get(UserMetaRow, "schema_version")
                if row is None:
                    s.add(UserMetaRow(key="schema_version", value=str(schema.SCHEMA_VERSION)))
                else:
                    version = int(row.value)
                    if version > schema.SCHEMA_VERSION:
                        raise ValueError(f"store from a newer version ({version})")
                    while version < schema.SCHEMA_VERSION:
                        migrations.MIGRATIONS[version](s)
                        version += 1
                    row.value = str(version)
        except BaseException:
            engine.dispose()
            raise
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

    # settings -------------------------------------------------------------------------
    def get_setting(self, setting: Setting[T]) -> T:
        """A remembered setting; its default when unset or stored with the wrong type."""
        with self._session() as s:
            row = s.get(SettingRow, setting.key)
            return setting.decode(None if row is None else row.value_json)

    def set_setting(self, setting: Setting[T], value: T) -> None:
        """Remember a setting (TypeError if the value is not of the setting's type)."""
        text = setting.encode(value)
        with self._session.begin() as s:
            s.merge(SettingRow(key=setting.key, value_json=text))

    # prices ---------------------------------------------------------------------------
    def user_prices(self) -> dict[str, UserPrice]:
        """All user-entered prices by key."""
        with self._session() as s:
            return {
                r.key: UserPrice(r.key, r.value, r.unit, r.note, r.updated)
                for r in s.scalars(select(UserPriceRow))
            }

    def set_user_price(self, key: str, value: float, unit: str, note: str = "") -> None:
        """Save a user-entered price."""
        with self._session.begin() as s:
            s.merge(UserPriceRow(key=key, value=value, unit=unit, note=note, updated=_now()))

    def reset_user_prices(self, prefix: str = "") -> None:
        """Forget user-entered prices (all, or those whose key starts with `prefix`)."""
        with self._session.begin() as s:
            s.execute(delete(UserPriceRow).where(UserPriceRow.key.startswith(prefix)))

    # trials ---------------------------------------------------------------------------
    def add_trial(self, trial: Trial) -> Trial:
        """Save a measured trial; returns it with its id and time."""
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

    def trials(self) -> list[Trial]:
        """Saved trials, newest first."""
        with self._session() as s:
            rows = s.scalars(select(TrialRow).order_by(TrialRow.id.desc()))
            return [r.to_native() for r in rows]
