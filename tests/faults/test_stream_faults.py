"""Engine streams that stall, trickle, send garbage, fail or hang up: each ends with a sentence."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from desktop_app.services.engines.streams import SseParser, StreamError, read_events

Behaviour = Callable[[BaseHTTPRequestHandler], None]


def _sse_head(h: BaseHTTPRequestHandler, status: int = 200) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "text/event-stream")
    h.end_headers()


def _trickle(h: BaseHTTPRequestHandler) -> None:  # a byte every 0.1 s, never a whole event
    _sse_head(h)
    for _ in range(200):
        h.wfile.write(b":")
        h.wfile.flush()
        time.sleep(0.1)


def _keepalive_lines(h: BaseHTTPRequestHandler) -> None:  # comment lines forever, no data
    _sse_head(h)
    for _ in range(200):
        h.wfile.write(b": ping\n\n")
        h.wfile.flush()
        time.sleep(0.1)


def _garbage(h: BaseHTTPRequestHandler) -> None:
    _sse_head(h)
    h.wfile.write(b'data: {not json\n\ndata: null\n\ndata: [1,2]\n\ndata: "x"\n\n')
    h.wfile.write(b'data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: [DONE]\n\n')


def _http_500(h: BaseHTTPRequestHandler) -> None:
    body = b'{"error": {"message": "model exploded"}}'
    h.send_response(500)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def _hang_up(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b'data: {"choices":[{"delta":{"content":"par"}}]}\n\n')
    h.wfile.flush()
    h.connection.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Behaviour], str]]:
    servers: list[ThreadingHTTPServer] = []

    def start(behaviour: Behaviour) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    behaviour(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *_args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1/chat/completions"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _events(url: str, read_s: float = 1.0, cancel: threading.Event | None = None) -> list[object]:
    return list(read_events(url, {}, read_s, cancel, SseParser(), who="the engine"))


@pytest.mark.parametrize("behaviour", [_trickle, _keepalive_lines], ids=["bytes", "comments"])
def test_a_trickle_ends_with_a_sentence_after_the_stall_limit(
    serve: Callable[[Behaviour], str], behaviour: Behaviour
) -> None:
    url = serve(behaviour)
    start = time.monotonic()
    with pytest.raises(StreamError, match="sent no answer text for 1 s"):
        _events(url, read_s=1.0)
    assert time.monotonic() - start < 3.0


def test_stop_during_a_trickle_acts_within_a_second(serve: Callable[[Behaviour], str]) -> None:
    url = serve(_trickle)
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    start = time.monotonic()
    assert _events(url, read_s=30.0, cancel=cancel) == [None]
    assert time.monotonic() - start < 1.5


def test_garbage_json_is_skipped_and_null_is_not_a_cancel(
    serve: Callable[[Behaviour], str],
) -> None:
    events = _events(serve(_garbage))
    assert events == [{"choices": [{"delta": {"content": "ok"}}]}]


def test_http_500_gives_the_engines_message(serve: Callable[[Behaviour], str]) -> None:
    with pytest.raises(StreamError, match="refused the request: model exploded"):
        _events(serve(_http_500))


def test_a_closed_connection_says_it_may_have_crashed(serve: Callable[[Behaviour], str]) -> None:
    with pytest.raises(StreamError, match="stopped answering in the middle"):
        _events(serve(_hang_up))
