"""Trial metrics: client-side definitions (docs/fit-and-metrics.md B3) and server figures."""

from __future__ import annotations

import pytest

from desktop_app.domain.trial.metrics import (
    ServerFigures,
    StreamClock,
    compute_metrics,
    parse_llama_timings,
    parse_ollama_final,
)
from desktop_app.domain.units import format_ms

# A real final chunk from llama-server (docs/engines.md §5.5).
LLAMA_TIMINGS = {
    "cache_n": 24,
    "prompt_n": 5,
    "prompt_ms": 51.224,
    "prompt_per_token_ms": 10.24,
    "prompt_per_second": 97.61,
    "predicted_n": 8,
    "predicted_ms": 260.212,
    "predicted_per_token_ms": 37.17,
    "predicted_per_second": 26.90,
}
LLAMA_USAGE = {"completion_tokens": 8, "prompt_tokens": 29, "total_tokens": 37}
OLLAMA_FINAL = {
    "model": "llama3.2",
    "done": True,
    "done_reason": "stop",
    "total_duration": 4883583458,
    "load_duration": 1334875,
    "prompt_eval_count": 26,
    "prompt_eval_duration": 342546000,
    "eval_count": 282,
    "eval_duration": 4535599000,
}


def _clock(events: list[tuple[float, str]], t_send: float = 10.0) -> StreamClock:
    clock = StreamClock(t_send=t_send)
    for now, text in events:
        clock.event(now, text)
    return clock


def test_ttft_runs_to_the_first_non_empty_content() -> None:
    clock = _clock([(10.05, ""), (10.2, "Hel"), (10.3, "lo"), (10.5, "!")])
    metrics = compute_metrics(clock, ServerFigures("t", prompt_tokens=20, output_tokens=5))
    assert metrics.ttft_ms == pytest.approx(200.0)
    assert metrics.e2e_ms == pytest.approx(500.0)
    # decode = (N - 1) / (E2E - TTFT) with N from the server (5), not the 3 events
    assert metrics.decode_tokens_per_s == pytest.approx(4 / 0.3)
    assert metrics.output_tokens == 5 and not metrics.output_tokens_counted
    assert metrics.prompt_tokens_per_s == pytest.approx(20 / 0.2)


def test_without_a_server_count_the_events_are_counted_and_flagged() -> None:
    metrics = compute_metrics(_clock([(10.1, "a"), (10.2, "b"), (10.3, "c")]), None)
    assert metrics.output_tokens == 3 and metrics.output_tokens_counted
    assert metrics.decode_tokens_per_s == pytest.approx(2 / 0.2)
    assert metrics.prompt_tokens_per_s is None


def test_no_content_means_unknown_not_zero() -> None:
    metrics = compute_metrics(_clock([(10.1, "")]), None)
    assert metrics.ttft_ms is None and metrics.decode_tokens_per_s is None
    assert format_ms(metrics.ttft_ms) == "unknown"
    assert metrics.to_json()["decode_tokens_per_s"] is None


def test_a_single_token_has_no_decode_rate() -> None:
    metrics = compute_metrics(_clock([(10.1, "a")]), ServerFigures("t", output_tokens=1))
    assert metrics.ttft_ms == pytest.approx(100.0)
    assert metrics.decode_tokens_per_s is None


def test_llama_timings_are_parsed_and_corrected_by_n_minus_1_over_n() -> None:
    server = parse_llama_timings(LLAMA_TIMINGS, LLAMA_USAGE)
    assert server is not None
    assert server.output_tokens == 8
    assert server.prompt_tokens == 29 and server.cached_prompt_tokens == 24
    assert server.decode_tokens_per_s == pytest.approx(26.90)
    assert server.decode_tokens_per_s_corrected == pytest.approx(26.90 * 7 / 8)
    assert server.total_ms == pytest.approx(51.224 + 260.212)
    # the cached prefix is not counted as prefill work on the client side either
    metrics = compute_metrics(_clock([(10.1, "x"), (10.8, "y")]), server)
    assert metrics.prompt_tokens_per_s == pytest.approx(5 / 0.1)


def test_usage_alone_still_gives_counts() -> None:
    server = parse_llama_timings(None, LLAMA_USAGE)
    assert server is not None and server.source == "usage only"
    assert server.output_tokens == 8 and server.decode_tokens_per_s is None


def test_ollama_nanoseconds_become_rates_and_milliseconds() -> None:
    server = parse_ollama_final(OLLAMA_FINAL)
    assert server is not None
    assert server.decode_tokens_per_s == pytest.approx(282 / 4.535599)
    assert server.prompt_tokens_per_s == pytest.approx(26 / 0.342546)
    assert server.load_ms == pytest.approx(1.334875)
    assert server.total_ms == pytest.approx(4883.583458)
    assert parse_ollama_final({"done": False}) is None
