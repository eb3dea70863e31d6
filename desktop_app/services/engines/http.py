"""One shared HTTP client for the local engines.

Building an httpx client loads TLS certificates (tens of milliseconds holding the GIL),
which stalls the GUI thread when done per request; every engine call shares this one.
"""

from __future__ import annotations

import threading

import httpx

_lock = threading.Lock()
_client: httpx.Client | None = None


def client() -> httpx.Client:
    """The process-wide client (thread-safe; engines are plain http on this machine)."""
    global _client
    with _lock:
        if _client is None or _client.is_closed:
            _client = httpx.Client(timeout=httpx.Timeout(10.0), trust_env=False)
        return _client
