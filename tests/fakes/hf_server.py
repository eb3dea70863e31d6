"""A local server that speaks the Hugging Face resolve protocol, for download tests.

Like the Hub: `HEAD|GET /{repo}/resolve/{revision}/{filename}` answers 302 with X-Repo-Commit,
X-Linked-Size, X-Linked-Etag and an absolute Location on a CDN-like path, which serves the
bytes with Range (206 + Content-Range). Faults are switches on the server: a status for every
request, a connection dropped after N bytes (once or more), a byte rate, corrupted bytes of the
right size, a Range ignored (200 and the whole file), further redirects on the CDN path, a size
announced that is not the file's. It also answers a request in absolute form (`GET
http://host/path`) as a forward proxy would, and the CDN can speak TLS. Files are real files
on disk (the tests serve the real Gemma 3 270M GGUF).
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

COMMIT = "4f2b3c1d0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_CDN = re.compile(r"^/cdn/(?P<sha>[0-9a-f]{64})/(?P<file>.+)$")
_RANGE = re.compile(r"bytes=(\d+)-(\d*)")
_ABSOLUTE = re.compile(r"^https?://[^/]+(?P<path>/.*)$")
CHUNK = 256 * 1024


@dataclass
class Served:
    """One file the server offers: where it is on disk and its published SHA-256."""

    path: Path
    sha256: str

    @property
    def size(self) -> int:
        """Its size in bytes."""
        return self.path.stat().st_size


@dataclass
class Faults:
    """What the server does wrong (all off by default)."""

    status: int | None = None  # answer every request with this status
    drop_after: int | None = None  # close the connection after this many body bytes ...
    drops: int = 1  # ... this many times
    rate_bps: float | None = None  # send no faster than this
    corrupt: bool = False  # flip bytes (the size stays right, the hash does not)
    cdn_status: int | None = None  # only the CDN path fails
    ignore_range: bool = False  # answer a Range request with 200 and the whole file
    redirects: int = 0  # the CDN path first answers 302 to the same path on the other server
    linked_size: int | None = None  # the size the HEAD announces, when not the file's


@dataclass
class Log:
    """What the server saw: request lines and Range headers."""

    requests: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    authorized: list[str] = field(default_factory=list)  # "{server url} {request line}"
    proxied: list[str] = field(default_factory=list)  # "GET http://host/path": as to a proxy


class HfServer(ThreadingHTTPServer):
    """The server; `files[(repo, filename)]` is what it serves."""

    daemon_threads = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[tuple[str, str], Served] = {}
        self.faults = Faults()
        self.log = Log()
        self.cdn_url = ""  # another origin, as the Hub's CDN is: HEAD stops at the 302
        self.peer_url = ""  # the other server (where Faults.redirects point)
        self.tls = tls

    @property
    def url(self) -> str:
        """Its base URL, the value for a mirror setting or HF_ENDPOINT."""
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"

    def get_request(self) -> tuple[socket.socket, Any]:
        """Accept a connection (with a TLS handshake when the server speaks TLS)."""
        sock, addr = super().get_request()
        if self.tls is not None:
            sock = self.tls.wrap_socket(sock, server_side=True)
        return sock, addr

    def serve(self, repo: str, filename: str, path: Path, sha256: str) -> None:
        """Offer `path` as `repo`/`filename`."""
        self.files[(repo, filename)] = Served(path, sha256)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HfServer

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _plain(self, status: int, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Error-Message", text)
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(data)

    def _answer(self, body: bool) -> None:
        srv = self.server
        if m := _ABSOLUTE.match(self.path):  # a forward proxy's request: serve it here
            srv.log.proxied.append(f"{self.command} {self.path}")
            self.path = m["path"]
        srv.log.requests.append(f"{self.command} {self.path}")
        if self.headers.get("Authorization"):
            srv.log.authorized.append(f"{srv.url} {self.command} {self.path}")
        path = self.path.split("?", 1)[0]
        if srv.faults.status is not None:
            self._plain(srv.faults.status, f"Mirror failure {srv.faults.status}")
            return
        if m := _RESOLVE.match(path):
            served = srv.files.get((m["repo"], m["file"]))
            if served is None:
                self.send_response(404)
                self.send_header("X-Error-Code", "EntryNotFound")
                self.send_header("X-Error-Message", "Entry not found")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(302)
            self.send_header("X-Repo-Commit", COMMIT)
            size = served.size if srv.faults.linked_size is None else srv.faults.linked_size
            self.send_header("X-Linked-Size", str(size))
            self.send_header("X-Linked-Etag", f'"{served.sha256}"')
            self.send_header("ETag", f'"{served.sha256}"')
            self.send_header(
                "Location", f"{srv.cdn_url or srv.url}/cdn/{served.sha256}/{m['file']}"
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if m := _CDN.match(path):
            if srv.faults.cdn_status is not None:
                self._plain(srv.faults.cdn_status, "CDN failure")
                return
            if srv.faults.redirects > 0 and body:
                srv.faults.redirects -= 1
                self.send_response(302)
                self.send_header("Location", f"{srv.peer_url}{self.path}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            served = next((s for s in srv.files.values() if s.sha256 == m["sha"]), None)
            if served is None:
                self._plain(404, "No such object")
                return
            self._send_file(served, body)
            return
        self._plain(404, "Not found")

    def _send_file(self, served: Served, body: bool) -> None:
        srv, size = self.server, served.size
        start, end = 0, size - 1
        header = self.headers.get("Range")
        if header:
            srv.log.ranges.append(header)
        if header and not srv.faults.ignore_range and (r := _RANGE.fullmatch(header.strip())):
            start = int(r[1])
            end = int(r[2]) if r[2] else size - 1
            if start >= size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("ETag", f'"{served.sha256}"')
        self.end_headers()
        if not body:
            return
        faults, sent, began = srv.faults, 0, time.monotonic()
        with served.path.open("rb") as fh:
            fh.seek(start)
            left = end - start + 1
            while left > 0:
                block = fh.read(min(CHUNK, left))
                if not block:
                    break
                if faults.corrupt:
                    block = bytes(b ^ 0xFF for b in block[:16]) + block[16:]
                if faults.drop_after is not None and sent + len(block) > faults.drop_after:
                    block = block[: max(0, faults.drop_after - sent)]
                    faults.drops -= 1
                    if faults.drops <= 0:
                        faults.drop_after = None
                    self.wfile.write(block)
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.close()
                    return
                try:
                    self.wfile.write(block)
                except (BrokenPipeError, ConnectionResetError):
                    return
                sent += len(block)
                left -= len(block)
                if faults.rate_bps:
                    wait = sent / faults.rate_bps - (time.monotonic() - began)
                    if wait > 0:
                        time.sleep(wait)


@contextmanager
def running_hf_server(cdn_tls: ssl.SSLContext | None = None) -> Iterator[HfServer]:
    """Start the hub and its CDN (two ports, shared state) in threads; stop them afterwards.

    `cdn_tls`: the CDN speaks https with this server context (its certificate).
    """
    server, cdn = HfServer(), HfServer(cdn_tls)
    cdn.files, cdn.faults, cdn.log = server.files, server.faults, server.log
    server.cdn_url = server.peer_url = cdn.url
    cdn.peer_url = server.url
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (server, cdn)]
    for thread in threads:
        thread.start()
    try:
        yield server
    finally:
        for s in (server, cdn):
            s.shutdown()
            s.server_close()
        for thread in threads:
            thread.join(5)
