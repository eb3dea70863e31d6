"""A server that accepts every answer request and then sends nothing: a total stall.

GET requests answer as a ready engine would (llama-server's /health and /props, Ollama's
/api/version and /api/tags), so the app takes it for a working engine; every POST is
read and then left hanging, with no status line and no byte, until the server stops.
`headers=True` sends the 200 status and headers first, then nothing (a stall mid-answer).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TAGS = {
    "models": [
        {
            "name": "tinyllama:latest",
            "model": "tinyllama:latest",
            "size": 637700138,
            "details": {"parameter_size": "1.1B", "quantization_level": "Q4_K_M"},
        }
    ]
}


@contextmanager
def stalled_server(port: int = 0, *, headers: bool = False) -> Iterator[str]:
    """Run the stalled server on 127.0.0.1:`port` (0: any free one); yields its base URL."""
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            found = {
                "/health": {"status": "ok"},
                "/api/version": {"version": "0.33.0"},
                "/api/tags": TAGS,
            }.get(self.path)
            body = json.dumps(found if found is not None else {"error": "not found"}).encode()
            self.send_response(200 if found is not None else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if headers:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.flush()
            release.wait(600)  # the stall: nothing more, until the test ends
            self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
