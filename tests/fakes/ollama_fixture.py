"""The one `fake_ollama` fixture: an Ollama test server the user runs (not us).

Import it into a conftest or test module (`from tests.fakes.ollama_fixture import
fake_ollama`). It yields the base URL and points OLLAMA_HOST at it; it is stopped with
the app's own StopPolicy (terminate, wait, kill, reap), so it never outlives the test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from desktop_app.services.engines.lifecycle import stop_popen
from desktop_app.services.engines.specs import free_port
from tests.conftest import REPO


@pytest.fixture
def fake_ollama(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An Ollama test server the user started; OLLAMA_HOST points at it."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.ollama_server", "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/api/version", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{port}")
        yield url
    finally:
        stop_popen(proc)
