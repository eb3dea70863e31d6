"""A cancel flag that can interrupt a blocked read: Stop and quit never wait on the network.

`Cancel` is a `threading.Event` whose `set()` also runs the hooks registered with
`on_set`. A stream registers a hook that shuts its socket down, so a reader blocked on a
server that accepted the request and sends nothing wakes at once instead of after the
read limit (closing a socket does not wake a blocked `recv` on Linux; shutting it down
does, on every platform).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

Hook = Callable[[], None]


class Cancel(threading.Event):
    """Set it to cancel; hooks registered with `on_set` run in the thread that sets it."""

    def __init__(self) -> None:
        super().__init__()
        self._hooks_lock = threading.Lock()
        self._hooks: list[Hook] = []

    def set(self) -> None:
        """Cancel: raise the flag, then run every hook (each at most once)."""
        super().set()
        with self._hooks_lock:
            hooks, self._hooks = self._hooks, []
        for hook in hooks:
            with contextlib.suppress(OSError):
                hook()

    def on_set(self, hook: Hook) -> Callable[[], None]:
        """Run `hook` when the flag is set (now, if it already is); returns an unregister."""
        with self._hooks_lock:
            if not self.is_set():
                self._hooks.append(hook)
                return lambda: self._remove(hook)
        with contextlib.suppress(OSError):
            hook()
        return lambda: None

    def _remove(self, hook: Hook) -> None:
        with self._hooks_lock, contextlib.suppress(ValueError):
            self._hooks.remove(hook)
