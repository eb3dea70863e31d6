"""JSON null (or another type) from the engine on the trial path: no crash, "unknown" shown,
nothing saved wrong (a real SSE server sends each shape; the record goes through SQLite)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from desktop_app.domain.trial.record import TrialSettings
from desktop_app.domain.units import format_ms, format_speed
from desktop_app.services.engines.clients import stream_llama
from desktop_app.services.stores import unreadable_trials_sentence
from desktop_app.services.trial import build_trial
from desktop_app.storage.user.store import UserStore

CHUNKS: list[Any] = [
    {"choices": None},
    {"choices": [None]},
    {"choices": "x"},
    {"choices": [{"delta": None}]},
    {"choices": [{"delta": {"content": None}}]},
    {"choices": [{"delta": {"content": 5}}]},
    {"error": None, "choices": [{"delta": {"content": "ok"}}]},
    {"choices": [{"finish_reason": "length", "delta": {}}]},
    {"choices": [], "timings": None, "usage": None},
    {"timings": {"predicted_per_second": None, "predicted_ms": -1, "prompt_ms": None}},
]


@pytest.fixture
def null_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for chunk in CHUNKS:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b'data: {"timings": {"predicted_per_second": NaN}}\n\n')
            self.wfile.write(b"data: [DONE]\n\n")

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_nulls_from_the_engine_are_unknown_and_saved_as_unknown(
    null_server: str, tmp_path: Path
) -> None:
    answer = stream_llama(null_server, "Hi", 8)
    assert answer.text == "ok"  # only the real text; null and 5 are not text
    m = answer.metrics
    assert not m.cancelled and m.output_tokens == 1 and m.output_tokens_counted
    server = m.server
    assert server is not None and server.decode_tokens_per_s is None  # NaN is unknown
    assert server.decode_ms is None  # a negative time is unknown
    assert format_speed(server.decode_tokens_per_s) == "unknown"
    assert format_ms(server.total_ms) == "unknown"
    store = UserStore(tmp_path / "user.sqlite")
    trial = build_trial(
        engine="llama.cpp", engine_version=None, model="m.gguf", quantization=None,
        metrics=m, settings=TrialSettings(), hardware=None, port=None,
    )  # fmt: skip
    saved = store.add_trial(trial)
    (again,) = UserStore(tmp_path / "user.sqlite").trials()
    assert again == saved and again.engine_version == "unknown"
    assert again.metrics.server is not None and again.metrics.server.decode_tokens_per_s is None
    raw = (tmp_path / "user.sqlite").read_bytes()
    assert b"NaN" not in raw and b"Infinity" not in raw


def test_the_banner_sentence_for_skipped_trials() -> None:
    assert unreadable_trials_sentence(1) == "1 saved trial could not be read and is not shown."
    assert unreadable_trials_sentence(2) == "2 saved trials could not be read and are not shown."
