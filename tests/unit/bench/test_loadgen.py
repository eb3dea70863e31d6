"""The load generator against the OpenAI-compatible test server (a real process on 127.0.0.1)."""

from __future__ import annotations

import threading
import time

import pytest

from desktop_app.domain.bench.config import BenchConfig
from desktop_app.services.bench.loadgen import LoadError, LoadTarget, run_load
from desktop_app.services.bench.session import BenchError, TargetOptions, run_benchmark
from tests.fakes.openai_server import running

PROMPTS = ["Tell me about rivers. " * 20]


def _cfg(**kw: object) -> BenchConfig:
    base: dict[str, object] = {"requests": 8, "output_tokens": 8, "warmup": 1}
    base.update(kw)
    return BenchConfig(**base)  # type: ignore[arg-type]


def test_known_timing_is_measured_and_queueing_starts_past_the_slots() -> None:
    with running("--ttft-ms", "40", "--itl-ms", "5", "--slots", "2") as url:
        result = run_load(LoadTarget(url, "m", slots=2), _cfg(values=(1, 2, 4)), PROMPTS)
    c1, c2, c4 = result.steps
    assert all(s.completed == 8 and not s.errors for s in result.steps)
    assert c1.ttft_ms.p50 == pytest.approx(40, abs=15)
    assert c1.tpot_ms.p50 == pytest.approx(5, abs=1.5)
    assert c1.tok_s_per_user.p50 == pytest.approx(200, rel=0.25)
    assert not c1.tokens_counted  # N came from the server's usage chunk
    # Two slots: at 4 concurrent, half the requests wait a whole answer (40 + 7×5 ms).
    assert c4.ttft_ms.p90 is not None and c4.ttft_ms.p90 > c2.ttft_ms.p50 + 50  # type: ignore[operator]
    assert len(result.records) == 24  # warm-up excluded


def test_each_worker_keeps_its_connection_so_no_ttft_carries_a_connection_setup() -> None:
    # Reading each answer to its end hands the connection back to the pool; a connection
    # dropped after [DONE] would put a new connection's setup into the next request's TTFT.
    with running("--itl-ms", "1", "--slots", "4") as url:
        result = run_load(LoadTarget(url, "m", slots=4), _cfg(values=(1, 3), requests=12), PROMPTS)
    used = {int((r.server_timings or {})["x_connection"]) for r in result.records}
    assert len(result.records) == 24
    assert len(used) <= 3, f"{len(used)} connections for 3 workers"


def test_a_kept_alive_connection_the_server_closed_is_not_an_error() -> None:
    # llama-server closes a kept-alive connection after a few requests; the next request on
    # it finds it closed before any answer, and goes again on a new connection.
    with running("--itl-ms", "1", "--close-after", "2") as url:
        result = run_load(LoadTarget(url, "m"), _cfg(values=(1, 2), requests=8), PROMPTS)
    assert [s.completed for s in result.steps] == [8, 8]
    assert not any(s.errors for s in result.steps)


def test_errors_and_dropped_streams_are_counted_not_fatal() -> None:
    with running("--error-every", "3", "--drop-every", "5", "--itl-ms", "1") as url:
        result = run_load(LoadTarget(url, "m"), _cfg(values=(2,), requests=30), PROMPTS)
    step = result.steps[0]
    assert step.errors.get("http_5xx", 0) >= 8
    assert step.errors.get("dropped", 0) >= 3
    assert step.completed + sum(step.errors.values()) == 30


def test_stalled_stream_times_out_as_stalled() -> None:
    with running("--stall-every", "2", "--itl-ms", "1") as url:
        result = run_load(
            LoadTarget(url, "m"), _cfg(values=(2,), requests=4, read_timeout_s=1.0), PROMPTS
        )
    assert result.steps[0].errors == {"stalled": 2}


def test_no_usage_falls_back_to_counting_and_flags_it() -> None:
    with running("--no-usage", "--itl-ms", "1") as url:
        result = run_load(LoadTarget(url, "m"), _cfg(values=(1,), requests=3), PROMPTS)
    assert result.steps[0].tokens_counted


def test_ignore_eos_rejected_is_retried_without_and_noted() -> None:
    with running("--reject-ignore-eos", "--itl-ms", "1") as url:
        result = run_load(LoadTarget(url, "m"), _cfg(values=(1,), requests=2), PROMPTS)
    assert result.steps[0].completed == 2
    assert any("ignore_eos" in n for n in result.notes)


def test_completions_endpoint() -> None:
    with running("--itl-ms", "1") as url:
        result = run_load(
            LoadTarget(url, "m"), _cfg(values=(1,), requests=2, api="completions"), PROMPTS
        )
    assert result.steps[0].completed == 2 and result.steps[0].output_throughput


def test_not_openai_and_refused_are_one_sentence() -> None:
    with running("--not-openai") as url, pytest.raises(BenchError) as err:
        run_benchmark(TargetOptions("url", url=url), _cfg(values=(1,)))
    assert "not an OpenAI-compatible endpoint" in str(err.value)
    with running() as url:
        pass  # stopped: nothing listens there now
    with pytest.raises(LoadError) as err2:
        run_load(LoadTarget(url, "m"), _cfg(values=(1,)), PROMPTS)
    assert "refused the connection" in str(err2.value)


def test_cancel_keeps_completed_steps_and_closes_connections() -> None:
    import psutil

    cancel = threading.Event()
    seen: list[int] = []

    def on_progress(p: object) -> None:
        step = p.step  # type: ignore[attr-defined]
        seen.append(step)
        if step >= 1 and p.phase == "measuring":  # type: ignore[attr-defined]
            cancel.set()

    with running("--itl-ms", "1", "--slots", "8") as url:
        t0 = time.monotonic()
        result = run_load(
            LoadTarget(url, "m"),
            _cfg(values=(2, 4), requests=40, output_tokens=4),
            PROMPTS,
            cancel,
            on_progress,
        )
        took = time.monotonic() - t0
        port = int(url.rsplit(":", 1)[1])
        open_conns = [
            c for c in psutil.Process().net_connections() if c.raddr and c.raddr.port == port
        ]
    assert result.cancelled
    assert [s.value for s in result.steps] == [2]  # the finished step is kept
    assert took < 10
    assert not [c for c in open_conns if c.status == psutil.CONN_ESTABLISHED]
