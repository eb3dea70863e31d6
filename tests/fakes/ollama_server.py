"""A test server that speaks Ollama's HTTP API (docs/engines.md §6), run as a real process.

    python -m tests.fakes.ollama_server --host 127.0.0.1 --port 11434
    python -m tests.fakes.ollama_server serve        # like `ollama serve`: reads OLLAMA_HOST
    python -m tests.fakes.ollama_server --version    # like `ollama --version`

NDJSON streams with nanosecond metrics on the final line, the OpenAI-compatible
/v1/chat/completions and /v1/completions SSE streams (OLLAMA_NUM_PARALLEL requests at once,
the rest queued), /api/pull progress with a
mid-stream error for unknown models, 404 for unknown models, and exit 1 on a bound port.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VERSION = "0.33.0"
_ANSWER_TEXT = (
    "A large language model is a neural network trained on huge amounts of text to predict "
    "the next word. It can answer questions, write and summarise text, and translate."
)
ANSWER = _ANSWER_TEXT.split(" ")
# Models that exist in the "registry" (pullable) with their layer size in bytes.
REGISTRY = {"llama3.2:latest": 2_019_377_376, "qwen2.5:0.5b": 397_808_192}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _model_entry(name: str, size: int) -> dict[str, Any]:
    digest = hashlib.sha256(name.encode()).hexdigest()
    return {
        "name": name,
        "model": name,
        "modified_at": "2026-10-26T17:21:21.196249+01:00",
        "size": size,
        "digest": digest,
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": "llama",
            "families": ["llama"],
            "parameter_size": "3.2B" if "llama" in name else "494M",
            "quantization_level": "Q4_K_M",
        },
    }


def _full_name(name: str) -> str:
    return name if ":" in name else f"{name}:latest"


class State:
    """Installed models and timing knobs, shared by the handler threads."""

    def __init__(self, token_delay: float, pull_delay: float, parallel: int = 1) -> None:
        self.models: dict[str, int] = {"tinyllama:latest": 637_700_138}
        self.token_delay = token_delay
        self.pull_delay = pull_delay
        self.lock = threading.Lock()
        # OLLAMA_NUM_PARALLEL: requests generated at once; the rest wait in a queue.
        self.parallel = max(1, parallel)
        self.slots = threading.BoundedSemaphore(self.parallel)


class Handler(BaseHTTPRequestHandler):
    """Routes of the Ollama API that the launcher uses."""

    protocol_version = "HTTP/1.1"
    server_version = "ollama-fake"
    state: State

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"[GIN] {self.command} {self.path} {args[1] if len(args) > 1 else ''}\n")

    # helpers ----------------------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode(), "application/json; charset=utf-8")

    def _start_stream(self, ctype: str = "application/x-ndjson") -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _line(self, obj: Any) -> None:
        self._chunk(json.dumps(obj).encode() + b"\n")

    def _end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _body(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            data = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._json(400, {"error": "invalid character in request body"})
            return None
        return data if isinstance(data, dict) else {}

    # routes -----------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if self.path == "/":
            self._send(200, b"Ollama is running", "text/plain; charset=utf-8")
        elif self.path == "/api/version":
            self._json(200, {"version": VERSION})
        elif self.path == "/api/tags":
            with self.state.lock:
                models = [_model_entry(n, s) for n, s in sorted(self.state.models.items())]
            self._json(200, {"models": models})
        elif self.path == "/api/ps":
            self._json(200, {"models": []})
        elif self.path == "/v1/models":
            with self.state.lock:
                names = sorted(self.state.models)
            data = [
                {"id": n, "object": "model", "created": 1761499281, "owned_by": "library"}
                for n in names
            ]
            self._json(200, {"object": "list", "data": data})
        else:
            self._send(404, b"404 page not found", "text/plain")

    def do_POST(self) -> None:
        body = self._body()
        if body is None:
            return
        routes = {
            "/api/pull": self._pull,
            "/api/generate": self._generate,
            "/api/chat": self._generate,
            "/v1/chat/completions": self._openai_chat,
            "/v1/completions": self._openai_chat,
        }
        route = routes.get(self.path)
        if route is None:
            self._send(404, b"404 page not found", "text/plain")
            return
        route(body)

    def _pull(self, body: dict[str, Any]) -> None:
        name = str(body.get("model") or body.get("name") or "")
        if not name:
            self._json(400, {"error": "model is required"})
            return
        full = _full_name(name)
        stream = body.get("stream", True)
        size = REGISTRY.get(full)
        if not stream:
            if size is None:
                self._json(500, {"error": "pull model manifest: file does not exist"})
                return
            with self.state.lock:
                self.state.models[full] = size
            self._json(200, {"status": "success"})
            return
        self._start_stream()
        self._line({"status": "pulling manifest"})
        if size is None:
            time.sleep(self.state.pull_delay)
            self._line({"error": "pull model manifest: file does not exist"})
            self._end_stream()
            return
        digest = hashlib.sha256(full.encode()).hexdigest()
        steps = 20
        for i in range(steps + 1):
            line: dict[str, Any] = {
                "status": f"pulling {digest[:12]}",
                "digest": f"sha256:{digest}",
                "total": size,
            }
            if i:
                line["completed"] = size * i // steps  # omitted while 0 (omitempty)
            self._line(line)
            time.sleep(self.state.pull_delay)
        for status in ("verifying sha256 digest", "writing manifest", "success"):
            self._line({"status": status})
        with self.state.lock:
            self.state.models[full] = size
        self._end_stream()

    def _known(self, name: str) -> bool:
        with self.state.lock:
            return _full_name(name) in self.state.models

    def _generate(self, body: dict[str, Any]) -> None:
        name = str(body.get("model") or "")
        if not name:
            self._json(400, {"error": "model is required"})
            return
        if not self._known(name):
            self._json(404, {"error": f"model '{name}' not found"})
            return
        chat = self.path == "/api/chat"
        options = body.get("options") or {}
        limit = int(options.get("num_predict", 128))
        words = ANSWER[: max(limit, 0)] if limit >= 0 else ANSWER
        reason = "length" if limit < len(ANSWER) else "stop"
        prompt = json.dumps(body.get("messages") if chat else body.get("prompt"))
        prompt_tokens = max(len(prompt) // 4, 1)
        start = time.monotonic_ns()
        if body.get("stream", True) is False:
            time.sleep(self.state.token_delay * len(words))
            self._json(
                200,
                self._final(name, chat, " ".join(words), reason, prompt_tokens, len(words), start),
            )
            return
        self._start_stream()
        first: int | None = None
        for i, word in enumerate(words):
            time.sleep(self.state.token_delay)
            first = first or time.monotonic_ns()
            text = word if i == 0 else " " + word
            piece: dict[str, Any] = {"model": name, "created_at": _now(), "done": False}
            if chat:
                piece["message"] = {"role": "assistant", "content": text}
            else:
                piece["response"] = text
            self._line(piece)
        self._line(self._final(name, chat, "", reason, prompt_tokens, len(words), start, first))
        self._end_stream()

    def _final(
        self,
        name: str,
        chat: bool,
        text: str,
        reason: str,
        prompt_tokens: int,
        n: int,
        start: int,
        first: int | None = None,
    ) -> dict[str, Any]:
        end = time.monotonic_ns()
        first = first or end
        out: dict[str, Any] = {"model": name, "created_at": _now()}
        if chat:
            out["message"] = {"role": "assistant", "content": text}
        else:
            out["response"] = text
            out["context"] = list(range(prompt_tokens + n))
        out.update(
            done=True,
            done_reason=reason,
            total_duration=end - start,
            load_duration=1_334_875,
            prompt_eval_count=prompt_tokens,
            prompt_eval_duration=max(first - start, 1),
            eval_count=n,
            eval_duration=max(end - first, 1),
        )
        return out

    def _openai_chat(self, body: dict[str, Any]) -> None:
        name = str(body.get("model") or "")
        if not self._known(name):
            self._json(
                404,
                {
                    "error": {
                        "message": f"model '{name}' not found",
                        "type": "not_found_error",
                        "param": None,
                        "code": None,
                    }
                },
            )
            return
        limit = int(body.get("max_tokens") or 128)
        words = ANSWER[:limit]
        chat = self.path == "/v1/chat/completions"
        self._start_stream("text/event-stream")
        # Ollama's OpenAI layer: chat chunks carry a delta, legacy completions a text.
        base = {
            "id": "chatcmpl-42" if chat else "cmpl-42",
            "object": "chat.completion.chunk" if chat else "text_completion",
            "created": 1761499281,
            "model": name,
            "system_fingerprint": "fp_ollama",
        }

        def event(obj: dict[str, Any]) -> None:
            self._chunk(b"data: " + json.dumps({**base, **obj}).encode() + b"\n\n")

        def choice(text: str | None, reason: str | None) -> dict[str, Any]:
            if chat:
                delta: dict[str, Any] = {} if text is None else {"content": text}
                return {"choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
            return {"choices": [{"text": text or "", "index": 0, "finish_reason": reason}]}

        with self.state.slots:  # queued here while every parallel slot is busy
            if chat:
                event(
                    {
                        "choices": [
                            {
                                "index": 0,
                                "delta": {"role": "assistant", "content": ""},
                                "finish_reason": None,
                            }
                        ]
                    }
                )
            for i, word in enumerate(words):
                time.sleep(self.state.token_delay)
                event(choice(word if i == 0 else " " + word, None))
        reason = "length" if limit < len(ANSWER) else "stop"
        event(choice(None, reason))
        if (body.get("stream_options") or {}).get("include_usage"):
            event(
                {
                    "choices": [],
                    "usage": {
                        "prompt_tokens": 12,
                        "completion_tokens": len(words),
                        "total_tokens": 12 + len(words),
                    },
                }
            )
        self._chunk(b"data: [DONE]\n\n")
        self._end_stream()


def _parse_host(value: str) -> tuple[str, int]:
    value = value.removeprefix("http://").rstrip("/")
    host, _, port = value.rpartition(":") if ":" in value else (value, "", "")
    return host or "127.0.0.1", int(port) if port else 11434


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM/SIGINT; exit 1 when the address is taken (like Ollama)."""
    parser = argparse.ArgumentParser(prog="ollama")
    parser.add_argument("command", nargs="?", default="serve")
    parser.add_argument("--host", default=None)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--version", action="store_true")
    parser.add_argument("--token-delay", type=float, default=0.01)
    parser.add_argument("--pull-delay", type=float, default=0.05)
    args = parser.parse_args(argv)
    if args.version:
        print(f"ollama version is {VERSION}")
        return 0
    host, port = _parse_host(os.environ.get("OLLAMA_HOST", "127.0.0.1:11434"))
    host = args.host or host
    port = args.port if args.port is not None else port
    Handler.state = State(
        float(os.environ.get("FAKE_OLLAMA_TOKEN_DELAY", args.token_delay)),
        float(os.environ.get("FAKE_OLLAMA_PULL_DELAY", args.pull_delay)),
        int(os.environ.get("OLLAMA_NUM_PARALLEL") or 1),
    )
    ThreadingHTTPServer.allow_reuse_address = False
    try:
        server = ThreadingHTTPServer((host, port), Handler)
    except OSError:
        sys.stderr.write(f"Error: listen tcp {host}:{port}: bind: address already in use\n")
        return 1
    server.daemon_threads = True
    sys.stderr.write(f'time=... level=INFO msg="Listening on {host}:{port} (version {VERSION})"\n')
    sys.stderr.flush()
    import signal

    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
