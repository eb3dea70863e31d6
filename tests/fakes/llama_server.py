"""A small in-process test server that streams like llama-server (docs/engines.md §5.4-5.7).

`/v1/chat/completions` and `/completion` stream SSE in llama-server's shape. A prompt
containing "TOO LONG" gets what llama-server sends when the request does not fit the
context after the stream has started: status 200, then an `error: {...}` line (the
`server_sent_event(sink, "error", ...)` form); "TOO LONG/event" uses the standard
`event: error` + `data: {...}` form instead. "CUT" ends the stream without its last
event. GET `/health` says ready and `/props` names another model, so started on a port
first it is the "foreign server" of tests/faults.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CONTEXT_ERROR = {
    "code": 400,
    "message": "the request exceeds the available context size, try increasing it",
    "type": "exceed_context_size_error",
    "n_prompt_tokens": 600,
    "n_ctx": 512,
}
WORDS = ["Hello", " there", " friend"]
FOREIGN_MODEL = "/models/someone-elses-model.gguf"  # what its /props names
TIMINGS = {
    "cache_n": 0,
    "prompt_n": 5,
    "prompt_ms": 50.0,
    "prompt_per_second": 100.0,
    "predicted_n": 3,
    "predicted_ms": 60.0,
    "predicted_per_second": 50.0,
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        """Ready, as llama-server says it (/health), serving a model that is not ours."""
        found = {"/health": {"status": "ok"}, "/props": {"model_path": FOREIGN_MODEL}}
        data = found.get(self.path)
        body = json.dumps(data if data is not None else {"error": "not found"}).encode()
        self.send_response(200 if data is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        chat = self.path == "/v1/chat/completions"
        prompt = body["messages"][-1]["content"] if chat else body.get("prompt", "")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        if "TOO LONG/event" in prompt:
            self._write(f"event: error\ndata: {json.dumps(CONTEXT_ERROR)}\n\n")
            return
        if "TOO LONG" in prompt:
            self._write(f"error: {json.dumps(CONTEXT_ERROR)}\n\n")
            return
        for word in WORDS:
            if chat:
                chunk: dict[str, Any] = {"choices": [{"delta": {"content": word}}]}
            else:
                chunk = {"content": word, "stop": False}
            self._write(f"data: {json.dumps(chunk)}\n\n")
        if "CUT" in prompt:
            return
        if chat:
            self._write('data: {"choices":[{"finish_reason":"length","delta":{}}]}\n\n')
            usage = {"completion_tokens": 3, "prompt_tokens": 5}
            last = {"choices": [], "usage": usage, "timings": TIMINGS}
            self._write(f"data: {json.dumps(last)}\n\ndata: [DONE]\n\n")
        else:
            last = {"content": "", "stop": True, "timings": TIMINGS}
            self._write(f"data: {json.dumps(last)}\n\n")

    def _write(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()


@contextmanager
def serve(port: int = 0) -> Iterator[str]:
    """Run the test server on 127.0.0.1:`port` (0: a free one); yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
