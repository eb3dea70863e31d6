"""The "Use it from your code" curl line, pasted into a real shell with hostile model names."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.services.engines.snippets import curl_example, powershell_quote

HOSTILE = [
    "x'$(touch {canary})'.gguf",
    'a"; touch {canary}; ".gguf',
    "`touch {canary}`.gguf",
    "m'\n touch {canary} #.gguf",
    "it’s $(touch {canary}) ‘q’.gguf",
    "$HOME\\n%PATH%.gguf",
]


@pytest.mark.parametrize("template", HOSTILE)
@pytest.mark.parametrize("chat", [True, False])
def test_pasted_into_sh_runs_nothing_and_sends_the_name(
    tmp_path: Path, template: str, chat: bool
) -> None:
    canary = tmp_path / "pwned"
    model = template.format(canary=canary)
    line = curl_example("http://127.0.0.1:8080", model, chat)
    # a stand-in `curl` on PATH that records its arguments: the pasted line runs in sh
    fake = tmp_path / "bin" / "curl"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n')
    fake.chmod(0o755)
    done = subprocess.run(
        ["sh", "-c", line],
        env={"PATH": f"{fake.parent}:/usr/bin:/bin"},
        capture_output=True,
        check=True,
    )
    assert not canary.exists()
    args = done.stdout.decode().split("\0")[:-1]
    assert json.loads(args[-1])["model"] == model
    assert shlex.split(line.replace("\\\n", " "))[-1] == args[-1]


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="PowerShell is not installed here")
@pytest.mark.parametrize("template", HOSTILE)
def test_pasted_into_powershell_runs_nothing(tmp_path: Path, template: str) -> None:
    canary = tmp_path / "pwned"
    model = template.format(canary=canary)
    line = curl_example("http://127.0.0.1:8080", model, shell="powershell")
    script = line.replace("curl.exe", "Write-Output", 1)
    subprocess.run(["pwsh", "-NoProfile", "-Command", script], check=False, capture_output=True)
    assert not canary.exists()


def test_powershell_literal_doubles_every_single_quote() -> None:
    assert powershell_quote("it's") == "'it''s'"
    assert powershell_quote("a’b‘c") == "'a’’b‘‘c'"
    assert powershell_quote('$(x) `y` "z"') == "'$(x) `y` \"z\"'"
