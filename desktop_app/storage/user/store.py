"""The user's own store: settings, edited prices and measured trials.

It lives under the user data folder, survives upgrades (schema version plus
migrations from the first release) and is never confused with the bundled store.
A damaged file is moved aside, kept, and replaced by a fresh store.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Float, Integer, String, Text, create_engine, delete, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from desktop_app.storage.user.settings import Setting, T

USER_SCHEMA_VERSION = 1


class UserBase(DeclarativeBase):
    """Declarative base of the user store."""


class UserMetaRow(UserBase):
    """Key/value metadata (schema version)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class SettingRow(UserBase):
    """A remembered setting (JSON value)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)


class UserPriceRow(UserBase):
    """A price or rate the user entered instead of the bundled one."""

    __tablename__ = "user_price"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    updated: Mapped[str] = mapped_column(String(40))


class TrialRow(UserBase):
    """A measured trial of a local engine."""

    __tablename__ = "trial"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created: Mapped[str] = mapped_column(String(40))
    engine: Mapped[str] = mapped_column(String(40))
    engine_version: Mapped[str] = mapped_column(Text, default="")
    model: Mapped[str] = mapped_column(Text)
    payload_json: Mapped[str] = mapped_column(Text)


# Migrations: MIGRATIONS[v] upgrades a store at version v to v + 1.
MIGRATIONS: dict[int, Callable[[Session], None]] = {}


@dataclass(frozen=True)
class UserPrice:
    """A user-entered price."""

    key: str
    value: float
    unit: str
    note: str
    updated: str


@dataclass(frozen=True)
class TrialRecord:
    """A saved trial result."""

    id: int
    created: str
    engine: str
    engine_version: str
    model: str
    payload: dict[str, Any]


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
                    s.add(UserMetaRow(key="schema_version", value=str(USER_SCHEMA_VERSION)))
                else:
                    version = int(row.value)
                    if version > USER_SCHEMA_VERSION:
                        raise ValueError(f"store from a newer version ({version})")
                    while version < USER_SCHEMA_VERSION:
                        MIGRATIONS[version](s)
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
    def add_trial(
        self, engine: str, engine_version: str, model: str, payload: dict[str, Any]
    ) -> TrialRecord:
        """Save a measured trial and return it."""
        with self._session.begin() as s:
            row = TrialRow(
                created=_now(),
                engine=engine,
                engine_version=engine_version,
                model=model,
                payload_json=json.dumps(payload, sort_keys=True),
            )
            s.add(row)
            s.flush()
            return TrialRecord(row.id, row.created, engine, engine_version, model, payload)

    def trials(self) -> list[TrialRecord]:
        """Saved trials, newest first."""
        with self._session() as s:
            return [
                TrialRecord(
                    r.id,
                    r.created,
                    r.engine,
                    r.engine_version,
                    r.model,
                    json.loads(r.payload_json),
                )
                for r in s.scalars(select(TrialRow).order_by(TrialRow.id.desc()))
            ]
