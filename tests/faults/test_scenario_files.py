"""A cost scenario that is not a regular file is refused at once, in one sentence."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from desktop_app.domain.cost.inputs import ScenarioError
from desktop_app.services.cost import load_scenario


def _load_within(path: Path, seconds: float = 5.0) -> BaseException | None:
    result: list[BaseException | None] = []

    def job() -> None:
        try:
            load_scenario(path)
            result.append(None)
        except BaseException as exc:
            result.append(exc)

    worker = threading.Thread(target=job, daemon=True)
    worker.start()
    worker.join(seconds)
    assert result, f"load_scenario({path}) did not return within {seconds} s"
    return result[0]


def test_a_link_to_dev_zero(tmp_path: Path) -> None:
    link = tmp_path / "scenario.json"
    link.symlink_to("/dev/zero")
    exc = _load_within(link)
    assert isinstance(exc, ScenarioError) and "not a regular file" in str(exc)


def test_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.json"
    os.mkfifo(fifo)
    exc = _load_within(fifo)
    assert isinstance(exc, ScenarioError) and "not a regular file" in str(exc)


def test_a_huge_file(tmp_path: Path) -> None:
    big = tmp_path / "scenario.json"
    with big.open("wb") as fh:
        fh.truncate(1 << 30)
    with pytest.raises(ScenarioError, match="too large"):
        load_scenario(big)
