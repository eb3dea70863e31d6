"""The shared HTTP clients for the local engines.

Building an httpx client loads TLS certificates (tens of milliseconds holding the GIL),
which stalls the GUI thread when done per request; every engine call shares these two,
and they share one TLS context. Short requests reuse connections (`client()`); streamed
answers get a fresh connection each (`stream_client()`), so that the socket of every
stream is seen as it opens and Stop can shut it from another thread (streams.py).
"""

from __future__ import annotations

import ssl
import threading

import httpx

_lock = threading.Lock()
_clients: dict[str, httpx.Client] = {}
_tls: list[ssl.SSLContext] = []  # built once, shared by both clients


def _get(name: str, limits: httpx.Limits) -> httpx.Client:
    with _lock:
        found = _clients.get(name)
        if found is None or found.is_closed:
            if not _tls:
                _tls.append(httpx.create_ssl_context())
            found = httpx.Client(
                timeout=httpx.Timeout(10.0), trust_env=False, limits=limits, verify=_tls[0]
            )
            _clients[name] = found
        return found


def client() -> httpx.Client:
    """The process-wide client for short requests (thread-safe)."""
    return _get("short", httpx.Limits())


def stream_client() -> httpx.Client:
    """The client for streamed answers: a new connection per stream, never kept alive."""
    return _get("stream", httpx.Limits(max_keepalive_connections=0))
