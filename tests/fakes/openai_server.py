"""An OpenAI-compatible test server with exactly known timing, run as a real process.

    python -m tests.fakes.openai_server --port 8000 --ttft-ms 50 --itl-ms 10 --slots 4

It speaks the parts of the OpenAI HTTP API a load benchmark uses, as vLLM, SGLang and
llama-server serve them: `GET /v1/models`, `GET /health`, and streamed
`POST /v1/chat/completions` / `POST /v1/completions` as server-sent events
(`data: {chunk}` lines, `chat.completion.chunk` / `text_completion` objects, a first chat
delta carrying only the role, `finish_reason` on the last choice, then, when the request asks
for `stream_options: {"include_usage": true}`, one more chunk with `"choices": []` and
`usage`, other chunks carrying `"usage": null`, and `data: [DONE]`).

Timing: at most `--slots` requests are served at once, the rest wait in arrival order. A
request that gets a slot at t sends its first token at t + ttft and token k at
t + ttft + k × itl (absolute deadlines, so sleeps do not drift). Output length is `max_tokens`
(default 16), the same with or without `ignore_eos`, which is accepted as llama-server does.

Failure modes for the harness's own tests: `--error-every N` (every N-th request gets HTTP 500),
`--drop-every N` (the stream is cut half-way), `--stall-every N` (the stream stops half-way and
the connection stays open), `--no-usage` (no usage chunk), `--close-after N` (a connection's
request after the N-th is met by closing the connection unanswered, as llama-server does to a
kept-alive one), `--not-openai` (every route answers an HTML page), `--reject-ignore-eos`
(HTTP 400 when `ignore_eos` is sent, as OpenAI's own API).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import socket
import sys
import time
from collections.abc import Iterator
from typing import Any

WORDS = ("the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", ".")


class Server:
    """The shared state: slots, counters and knobs."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.slots = asyncio.Semaphore(args.slots)
        self.counter = itertools.count(1)
        self.connections = itertools.count(1)  # accepted connections, numbered
        self.active = 0
        self.max_active = 0

    # http ------------------------------------------------------------------------
    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve requests on one (keep-alive) connection."""
        conn = next(self.connections)
        sock = writer.get_extra_info("socket")
        if sock is not None:  # send each event at once, as real servers do (no Nagle delay)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                served += 1
                if self.args.close_after and served > self.args.close_after:
                    break  # a kept-alive connection closed with a request unanswered
                received = time.monotonic()  # the request's head is in: its clock starts
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length") or 0)
                body = await reader.readexactly(length) if length else b""
                keep = await self.route(method, path.split("?")[0], body, writer, (received, conn))
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    @staticmethod
    def _plain(writer: asyncio.StreamWriter, status: int, body: bytes, ctype: str) -> None:
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error"}
        writer.write(
            f"HTTP/1.1 {status} {reason.get(status, 'Error')}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    def _json(self, writer: asyncio.StreamWriter, status: int, obj: Any) -> None:
        self._plain(writer, status, json.dumps(obj).encode(), "application/json")

    def _error(self, writer: asyncio.StreamWriter, status: int, message: str) -> None:
        kind = "server_error" if status >= 500 else "invalid_request_error"
        self._json(writer, status, {"error": {"message": message, "type": kind, "code": status}})

    async def route(
        self,
        method: str,
        path: str,
        body: bytes,
        writer: asyncio.StreamWriter,
        at: tuple[float, int],
    ) -> bool:
        """Answer one request; False closes the connection."""
        a = self.args
        if a.not_openai:
            self._plain(writer, 200, b"<html><body>It works!</body></html>", "text/html")
        elif method == "GET" and path == "/health":
            self._json(writer, 200, {"status": "ok"})
        elif method == "GET" and path == "/v1/models":
            self._json(
                writer,
                200,
                {
                    "object": "list",
                    "data": [{"id": a.model, "object": "model", "owned_by": "test"}],
                },
            )
        elif method == "POST" and path in ("/v1/chat/completions", "/v1/completions"):
            return await self.completion(path.endswith("chat/completions"), body, writer, at)
        else:
            self._error(writer, 404, f"no route {method} {path}")
        await writer.drain()
        return True

    # completions -----------------------------------------------------------------
    async def completion(
        self, chat: bool, raw: bytes, writer: asyncio.StreamWriter, at: tuple[float, int]
    ) -> bool:
        """One streamed (or, without stream, whole) completion with the known timing."""
        a = self.args
        received, conn = at
        try:
            req = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._error(writer, 400, "the body is not JSON")
            return True
        n_req = next(self.counter)
        if a.reject_ignore_eos and "ignore_eos" in req:
            self._error(writer, 400, "Unrecognized request argument supplied: ignore_eos")
            return True
        if a.error_every and n_req % a.error_every == 0:
            self._error(writer, 500, "the test server failed this request on purpose")
            return True
        n_out = int(req.get("max_tokens") or 16)
        prompt = (
            " ".join(str(m.get("content", "")) for m in req.get("messages") or [])
            if chat
            else str(req.get("prompt", ""))
        )
        prompt_tokens = max(1, len(prompt) // 4)
        include_usage = bool((req.get("stream_options") or {}).get("include_usage"))
        async with self.slots:
            got_slot = time.monotonic()
            self.active += 1
            self.max_active = max(self.max_active, self.active)
            try:
                return await self._stream(
                    chat,
                    req,
                    n_req,
                    n_out,
                    prompt_tokens,
                    include_usage,
                    writer,
                    (received, got_slot, conn),
                )
            finally:
                self.active -= 1

    async def _stream(
        self,
        chat: bool,
        req: dict[str, Any],
        n_req: int,
        n_out: int,
        prompt_tokens: int,
        include_usage: bool,
        writer: asyncio.StreamWriter,
        stamps: tuple[float, float, int],
    ) -> bool:
        a = self.args
        received, got_slot, conn = stamps
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        sent_first: float | None = None
        cid = f"cmpl-{n_req}"
        created = int(time.time())
        obj = "chat.completion.chunk" if chat else "text_completion"
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": n_out,
            "total_tokens": prompt_tokens + n_out,
        }
        if not req.get("stream"):
            await asyncio.sleep(a.ttft_ms / 1000 + (n_out - 1) * a.itl_ms / 1000)
            text = "".join(WORDS[i % len(WORDS)] for i in range(n_out))
            choice: dict[str, Any] = {"index": 0, "finish_reason": "length"}
            choice.update(
                {"message": {"role": "assistant", "content": text}} if chat else {"text": text}
            )
            self._json(
                writer,
                200,
                {
                    "id": cid,
                    "object": obj.replace(".chunk", ""),
                    "created": created,
                    "model": a.model,
                    "choices": [choice],
                    "usage": usage,
                },
            )
            await writer.drain()
            return True
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )

        def event(data: str) -> None:
            payload = f"data: {data}\n\n".encode()
            writer.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")

        def chunk(choices: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> str:
            out: dict[str, Any] = {
                "id": cid,
                "object": obj,
                "created": created,
                "model": a.model,
                "choices": choices,
            }
            if include_usage:
                out["usage"] = None
            out.update(extra or {})
            return json.dumps(out)

        if chat:  # the role-only first delta real servers send before any content
            event(
                chunk(
                    [
                        {
                            "index": 0,
                            "delta": {"role": "assistant", "content": ""},
                            "finish_reason": None,
                        }
                    ]
                )
            )
            await writer.drain()
        half = n_out // 2
        for k in range(n_out):
            if k == half and a.drop_every and n_req % a.drop_every == 0:
                writer.transport.abort()  # cut mid-stream: no terminating chunk
                return False
            if k == half and a.stall_every and n_req % a.stall_every == 0:
                await asyncio.sleep(3600)
            deadline = t0 + a.ttft_ms / 1000 + k * a.itl_ms / 1000
            delay = deadline - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            last = k == n_out - 1
            word = WORDS[k % len(WORDS)]
            piece: dict[str, Any] = {"index": 0, "finish_reason": "length" if last else None}
            piece.update({"delta": {"content": word}} if chat else {"text": word, "logprobs": None})
            event(chunk([piece]))
            await writer.drain()
            if sent_first is None:
                sent_first = time.monotonic()
        if include_usage and not a.no_usage:
            # x_timing: when this server took the request and sent the first token
            # (CLOCK_MONOTONIC, the clock time.perf_counter reads on Linux), and which
            # connection (numbered as accepted) it came on, for the harness-accuracy benchmark
            # and tests; real servers send nothing like it.
            timing = {
                "received": received,
                "got_slot": got_slot,
                "first_token_sent": sent_first,
                "last_token_sent": time.monotonic(),
                "connection": conn,
            }
            event(chunk([], {"usage": usage, "x_timing": timing}))
        event("[DONE]")
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line knobs."""
    p = argparse.ArgumentParser(prog="openai_server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--ttft-ms", type=float, default=50.0)
    p.add_argument("--itl-ms", type=float, default=10.0)
    p.add_argument("--slots", type=int, default=4)
    p.add_argument("--model", default="test-model")
    p.add_argument("--error-every", type=int, default=0)
    p.add_argument("--drop-every", type=int, default=0)
    p.add_argument("--stall-every", type=int, default=0)
    p.add_argument("--no-usage", action="store_true")
    p.add_argument("--not-openai", action="store_true")
    p.add_argument("--reject-ignore-eos", action="store_true")
    p.add_argument("--close-after", type=int, default=0)
    return p.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    """Listen until killed."""
    state = Server(args)
    server = await asyncio.start_server(state.handle, args.host, args.port, backlog=1024)
    sys.stderr.write(f"listening on {args.host}:{args.port}\n")
    sys.stderr.flush()
    async with server:
        await server.serve_forever()


@contextlib.contextmanager
def running(*args: str) -> Iterator[str]:
    """Start the server as a real process on a free port; yields its base URL, then stops it."""
    import subprocess
    import urllib.request
    from pathlib import Path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    repo = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port), *args],
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/health", timeout=0.5):
                break
        except OSError:
            time.sleep(0.05)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def main(argv: list[str] | None = None) -> int:
    """Run the server."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        asyncio.run(serve(args))
    except OSError as exc:
        sys.stderr.write(f"could not listen: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
