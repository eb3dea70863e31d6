"""A total stall: the engine accepts the request and sends nothing, not even a status line.

Stop (a `Cancel`) shuts the connection from another thread, so the blocked read lets go
at once; without Stop, the read limit ends the answer with a sentence.
"""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.services.engines.cancel import Cancel
from desktop_app.services.engines.clients import stream_llama, stream_ollama
from desktop_app.services.engines.streams import SseParser, StreamError, read_events
from tests.fakes.stalled_server import stalled_server


def _stop_after(seconds: float) -> Cancel:
    cancel = Cancel()
    threading.Timer(seconds, cancel.set).start()
    return cancel


@pytest.mark.parametrize("headers", [False, True], ids=["no-status-line", "headers-only"])
def test_stop_during_a_total_stall_lets_go_at_once(headers: bool) -> None:
    with stalled_server(headers=headers) as url:
        start = time.monotonic()
        events = list(
            read_events(url + "/v1/chat/completions", {}, 60.0, _stop_after(0.3),
                        SseParser(), who="the engine")
        )  # fmt: skip
        took = time.monotonic() - start
    assert events == [None]  # cancelled, not an error
    assert took < 1.5


def test_stop_during_a_stall_gives_a_cancelled_answer_for_both_engines() -> None:
    with stalled_server() as url:
        start = time.monotonic()
        llama = stream_llama(url, "Hi", 8, cancel=_stop_after(0.3), read_timeout_s=60)
        ollama = stream_ollama(url, "tinyllama", "Hi", 8, cancel=_stop_after(0.3))
        took = time.monotonic() - start
    for answer in (llama, ollama):
        assert answer.metrics.cancelled and answer.text == ""
        assert answer.metrics.ttft_ms is None and answer.metrics.output_tokens is None
    assert took < 3.0  # two stops, 0.3 s each


def test_a_stop_before_the_request_is_sent_sends_nothing() -> None:
    cancel = Cancel()
    cancel.set()
    with stalled_server() as url:
        start = time.monotonic()
        assert stream_llama(url, "Hi", 8, cancel=cancel).metrics.cancelled
        assert time.monotonic() - start < 0.5


def test_a_total_stall_without_stop_ends_after_the_read_limit() -> None:
    with stalled_server() as url:
        start = time.monotonic()
        with pytest.raises(StreamError, match="The engine sent nothing for 1 s; gave up"):
            stream_llama(url, "Hi", 8, read_timeout_s=1.0)
    assert time.monotonic() - start < 3.0


def test_cancel_hooks_run_once_and_late_hooks_run_at_once() -> None:
    cancel = Cancel()
    calls: list[str] = []
    unhook = cancel.on_set(lambda: calls.append("early"))
    removed = cancel.on_set(lambda: calls.append("removed"))
    removed()
    cancel.set()
    cancel.set()
    cancel.on_set(lambda: calls.append("late"))
    unhook()
    assert calls == ["early", "late"]
