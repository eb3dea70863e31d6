"""The kept benchmark runs, read for other screens (a blocking job for the runner)."""

from __future__ import annotations

from desktop_app import paths
from desktop_app.domain.bench.run import BenchRun
from desktop_app.storage.user.bench import BenchStore


def kept_bench_runs() -> list[BenchRun]:
    """Every kept run, newest first, without its request records."""
    store = BenchStore(paths.user_store_path())
    try:
        return store.runs()
    finally:
        store.close()
