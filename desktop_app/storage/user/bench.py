"""Benchmark runs in the user store: one row per run, one row per request (raw timings).

The tables live in the user's own SQLite file beside the rest of the user store, with their
own schema version (`bench_meta`) and migrations, so this module needs nothing from the
store's other tables. ORM rows stay here: callers get BenchRun objects.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    delete,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from desktop_app.domain.bench.metrics import RequestRecord
from desktop_app.domain.bench.run import BenchRun
from desktop_app.errors import UserFacingError
from desktop_app.storage.user.store import file_engine

BENCH_SCHEMA_VERSION = 1


class BenchBase(DeclarativeBase):
    """Declarative base of the benchmark tables."""


class BenchMetaRow(BenchBase):
    """The benchmark tables' own schema version."""

    __tablename__ = "bench_meta"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class BenchRunRow(BenchBase):
    """A kept run: context and step summaries as JSON, searchable columns beside them."""

    __tablename__ = "bench_run"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text, default="")
    engine: Mapped[str] = mapped_column(String(60))
    engine_version: Mapped[str] = mapped_column(Text, default="")
    model: Mapped[str] = mapped_column(Text)
    base_url: Mapped[str] = mapped_column(Text)
    run_json: Mapped[str] = mapped_column(Text)  # BenchRun.to_json without the requests


class BenchRequestRow(BenchBase):
    """One request's raw timings."""

    __tablename__ = "bench_request"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("bench_run.id", ondelete="CASCADE"), index=True)
    step: Mapped[int] = mapped_column(Integer)
    t_send: Mapped[float] = mapped_column(Float)
    ttft_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    e2e_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    output_tokens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(String(40), nullable=True)
    record_json: Mapped[str] = mapped_column(Text)  # the whole RequestRecord (gaps, timings)


# MIGRATIONS[v] upgrades the benchmark tables from version v to v + 1.
MIGRATIONS: dict[int, Callable[[Session], None]] = {}


def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


class BenchStoreError(UserFacingError):
    """The benchmark tables could not be used (one sentence)."""


class BenchStore:
    """Kept benchmark runs in the user store file at `path`."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._engine: Engine = file_engine(path)
        event.listen(self._engine, "connect", _pragmas)
        try:
            migrate(self._engine)
        except BaseException:
            self._engine.dispose()
            raise
        self._session = sessionmaker(self._engine)

    def close(self) -> None:
        """Release the file."""
        self._engine.dispose()

    def add(self, run: BenchRun) -> BenchRun:
        """Keep a run with every request; returns it with its id."""
        with self._session.begin() as s:
            row = BenchRunRow(
                created=run.created,
                label=run.label,
                engine=run.engine,
                engine_version=run.engine_version,
                model=run.model,
                base_url=run.base_url,
                run_json=json.dumps(run.to_json(with_records=False), sort_keys=True),
            )
            s.add(row)
            s.flush()
            s.add_all(
                BenchRequestRow(
                    run_id=row.id,
                    step=r.step,
                    t_send=r.t_send,
                    ttft_s=r.ttft_s,
                    e2e_s=r.e2e_s,
                    output_tokens=r.output_tokens,
                    error=r.error,
                    record_json=json.dumps(r.to_json()),
                )
                for r in run.records
            )
            run_id = row.id
        return self.get(run_id, with_records=False) or run

    def runs(self) -> list[BenchRun]:
        """Kept runs, newest first, without their request records (fast)."""
        with self._session() as s:
            rows = s.scalars(select(BenchRunRow).order_by(BenchRunRow.id.desc())).all()
            return [self._to_run(r, ()) for r in rows]

    def get(self, run_id: int, with_records: bool = True) -> BenchRun | None:
        """One run (with its requests unless asked not to)."""
        with self._session() as s:
            row = s.get(BenchRunRow, run_id)
            if row is None:
                return None
            records: tuple[RequestRecord, ...] = ()
            if with_records:
                req_rows = s.scalars(
                    select(BenchRequestRow)
                    .where(BenchRequestRow.run_id == run_id)
                    .order_by(BenchRequestRow.id)
                )
                records = tuple(
                    RequestRecord.from_json(json.loads(r.record_json)) for r in req_rows
                )
            return self._to_run(row, records)

    def rename(self, run_id: int, label: str) -> None:
        """Give a run the name shown in lists and legends."""
        with self._session.begin() as s:
            row = s.get(BenchRunRow, run_id)
            if row is not None:
                row.label = label
                data = json.loads(row.run_json)
                data["label"] = label
                row.run_json = json.dumps(data, sort_keys=True)

    def delete(self, run_id: int) -> None:
        """Forget a run and its requests."""
        with self._session.begin() as s:
            s.execute(delete(BenchRequestRow).where(BenchRequestRow.run_id == run_id))
            s.execute(delete(BenchRunRow).where(BenchRunRow.id == run_id))

    @staticmethod
    def _to_run(row: BenchRunRow, records: tuple[RequestRecord, ...]) -> BenchRun:
        data = json.loads(row.run_json)
        data["id"] = row.id
        data["label"] = row.label
        run = BenchRun.from_json(data)
        return BenchRun(**{**run.__dict__, "records": records})


def migrate(engine: Engine) -> None:
    """Create the tables, or bring them up to BENCH_SCHEMA_VERSION."""
    BenchBase.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        row = s.get(BenchMetaRow, "schema_version")
        if row is None:
            s.add(BenchMetaRow(key="schema_version", value=str(BENCH_SCHEMA_VERSION)))
            return
        version = int(row.value)
        if version > BENCH_SCHEMA_VERSION:
            raise BenchStoreError(
                f"The saved benchmark runs come from a newer version of the app ({version})."
            )
        while version < BENCH_SCHEMA_VERSION:
            MIGRATIONS[version](s)
            version += 1
        row.value = str(version)
