"""Streamed answers from a llama-server-shaped test server (tests/fakes/llama_server.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop_app.services.engines.clients import StreamError, stream_llama
from tests.fakes import llama_server


@pytest.fixture
def llama_url() -> Iterator[str]:
    with llama_server.serve() as url:
        yield url


@pytest.mark.parametrize("api", ["chat", "completion"])
def test_an_answer_streams_with_the_servers_figures(llama_url: str, api: str) -> None:
    pieces: list[str] = []
    answer = stream_llama(llama_url, "hi", 3, api=api, on_text=pieces.append)
    assert answer.text == "Hello there friend" and pieces == llama_server.WORDS
    assert answer.metrics.output_tokens == 3


@pytest.mark.parametrize("api", ["chat", "completion"])
@pytest.mark.parametrize("prompt", ["TOO LONG", "TOO LONG/event"])
def test_a_context_overflow_reaches_the_user_as_the_engines_sentence(
    llama_url: str, api: str, prompt: str
) -> None:
    with pytest.raises(StreamError) as caught:
        stream_llama(llama_url, prompt, 3, api=api)
    assert str(caught.value) == (
        "The engine reported an error: the request exceeds the available context size, "
        "try increasing it."
    )


@pytest.mark.parametrize("api", ["chat", "completion"])
def test_a_stream_cut_short_says_the_engine_may_have_crashed(llama_url: str, api: str) -> None:
    with pytest.raises(StreamError, match="without its last event"):
        stream_llama(llama_url, "CUT", 3, api=api)
