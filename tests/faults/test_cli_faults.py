"""The CLI with a non-UTF-8 stdout and with absurd values: one sentence, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _cli(
    args: list[str], home: Path, encoding: str = "utf-8"
) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "INFERNAV_HOME": str(home / "infernav"),
        "PYTHONIOENCODING": f"{encoding}:strict",
    }
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_output_survives_a_stdout_that_is_not_utf8(isolated_home: Path, encoding: str) -> None:
    done = _cli(["compare"], isolated_home, encoding)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert b"UnicodeEncodeError" not in done.stderr
    assert b"\\u" in done.stdout  # the characters the code page lacks, as escapes


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["fit", "--gguf", ""], b"--gguf needs the path"),
        (["fit", "--model", " "], b"--model needs a catalogue model id"),
        (
            ["trial", "--engine", "llama.cpp", "--model", "x", "--ready-timeout", "nan"],
            b"--ready-timeout",
        ),
        (
            ["trial", "--engine", "llama.cpp", "--model", "x", "--ready-timeout", "inf"],
            b"--ready-timeout",
        ),
        (
            ["trial", "--engine", "llama.cpp", "--model", "x", "--ready-timeout", "-1"],
            b"--ready-timeout",
        ),
    ],
)
def test_absurd_values_get_their_own_sentence(
    isolated_home: Path, args: list[str], words: bytes
) -> None:
    done = _cli(args, isolated_home)
    assert done.returncode == 2
    assert words in done.stderr and b"something went wrong" not in done.stderr
    assert b"Traceback" not in done.stderr and done.stderr.count(b"\n") == 1
