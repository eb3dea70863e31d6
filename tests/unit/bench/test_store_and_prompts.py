"""Kept runs in the user store (real SQLite), API keys in a keyring, and the prompt sources."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from desktop_app.domain.bench.config import BenchConfig
from desktop_app.domain.bench.metrics import RequestRecord, Slo, summarize_step
from desktop_app.domain.bench.run import BenchRun
from desktop_app.services.bench.prompts import PromptError, file_prompts, synthetic_prompts
from desktop_app.services.bench.secrets import SERVICE, forget_key, get_key, set_key
from desktop_app.storage.user.bench import BenchStore, BenchStoreError
from desktop_app.storage.user.store import UserStore
from tests.fakes.keyring_backend import MemoryKeyring


def _run(label: str = "") -> BenchRun:
    good = [
        RequestRecord(
            0, i * 0.1, 0.05, 0.5, 10, True, 30, (0.05,) * 9, None, 1, {"predicted_n": 10.0}
        )
        for i in range(5)
    ]
    records = (*good, RequestRecord(0, 0.6, error="http_5xx"))
    step = summarize_step(0, "concurrency", 1, records, Slo(ttft_ms=100))
    return BenchRun(
        "2026-12-01T22:00:00+0000",
        "vLLM",
        "0.11.0",
        "m",
        "http://x:8000",
        "chat",
        4,
        BenchConfig(values=(1,)),
        {"label": "box"},
        (step,),
        records,
        label=label,
    )


def test_runs_keep_every_request_beside_the_user_store(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    user = UserStore(path)  # the rest of the user store lives in the same file
    store = BenchStore(path)
    kept = store.add(_run("two engines"))
    assert kept.id == 1 and kept.records == ()
    full = store.get(1)
    assert full is not None and len(full.records) == 6
    assert full.records[0].gaps_s == (0.05,) * 9 and full.records[-1].error == "http_5xx"
    assert full.steps[0].slo_attainment == pytest.approx(5 / 6)
    assert full.title == "two engines"
    store.rename(1, "renamed")
    assert [r.title for r in store.runs()] == ["renamed"]
    store.delete(1)
    assert store.runs() == [] and store.get(1) is None
    store.close()
    user.close()
    # Reopening the user store leaves the benchmark tables alone, and vice versa.
    UserStore(path).close()
    again = BenchStore(path)
    again.add(_run())
    again.close()
    assert len(BenchStore(path).runs()) == 1


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "user.sqlite"
    BenchStore(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE bench_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(BenchStoreError, match="newer version"):
        BenchStore(path)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_api_keys_go_to_the_keyring(memory_keyring: MemoryKeyring) -> None:
    set_key("http://gpu:8000", "sk-1")
    assert memory_keyring.secrets == {(SERVICE, "http://gpu:8000"): "sk-1"}
    assert get_key("http://gpu:8000") == "sk-1" and get_key("http://other") is None
    set_key("http://gpu:8000", "")  # an empty key forgets it
    assert get_key("http://gpu:8000") is None
    forget_key("http://never-saved")  # no error


def test_synthetic_prompts_are_distinct_and_about_the_length() -> None:
    prompts = synthetic_prompts(50, 128)
    assert len(set(prompts)) == 50
    assert all(480 <= len(p) <= 520 for p in prompts)  # ~4 characters per token
    assert prompts[3].startswith("Request 3.")


def test_prompt_files(tmp_path: Path) -> None:
    f = tmp_path / "p.jsonl"
    f.write_text('{"prompt": "one"}\n\nplain two\n')
    assert file_prompts(f) == ["one", "plain two"]
    f.write_text('{"text": "x"}\n')
    with pytest.raises(PromptError, match='no "prompt"'):
        file_prompts(f)
    with pytest.raises(PromptError, match="does not exist"):
        file_prompts(tmp_path / "missing.txt")
    f.write_text("\n\n")
    with pytest.raises(PromptError, match="holds no prompts"):
        file_prompts(f)


def test_runs_are_kept_in_the_data_folder_even_with_percent_or_question_marks(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data 100% ?really#"
    folder.mkdir()
    path = folder / "user.sqlite"
    store = BenchStore(path)
    saved = store.add(_run("odd folder"))
    store.close()
    assert sorted(p.name for p in tmp_path.rglob("*.sqlite")) == ["user.sqlite"]
    again = BenchStore(path)
    assert [r.label for r in again.runs()] == ["odd folder"] and saved.id is not None
    again.close()
