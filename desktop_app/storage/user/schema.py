"""The user store's tables (ORM rows stay inside storage/) and its schema version.

Version 1 is 0.1.0's layout; version 2 keeps the same tables and stores every trial
payload in the versioned format of domain/trial/record.py (migrations.py does the move).
"""

from __future__ import annotations

import json

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from desktop_app.domain.trial.record import Trial

SCHEMA_VERSION = 2


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

    def to_native(self) -> Trial:
        """The typed trial (any payload format so far; the columns fill what it lacks)."""
        return Trial.from_json(
            load_payload(self.payload_json),
            engine=self.engine,
            engine_version=self.engine_version,
            model=self.model,
            id=self.id,
            created=self.created,
        )


def load_payload(text: object) -> object:
    """A saved payload as JSON data ({} when it is not valid JSON text)."""
    if not isinstance(text, str | bytes):
        return {}
    try:
        return json.loads(text)
    except (ValueError, TypeError, RecursionError):
        return {}
