"""Benchmark metrics (docs/benchmark-metrics.md), checked by hand and by property."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.bench.config import (
    BenchConfig,
    ConfigError,
    parse_values,
    steps_for,
    validate,
)
from desktop_app.domain.bench.metrics import (
    RequestRecord,
    Slo,
    SloError,
    StepSummary,
    headlines,
    ladder,
    only_queueing,
    parse_slo,
    percentile,
    summarize_step,
)


def rec(t_send: float, ttft: float, e2e: float, n: int, **kw: object) -> RequestRecord:
    return RequestRecord(0, t_send, ttft, e2e, n, True, **kw)  # type: ignore[arg-type]


def test_percentile_matches_numpy_linear() -> None:
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 90) == pytest.approx(7.6)  # numpy.percentile gives 7.6
    assert percentile(values, 99) == pytest.approx(9.76)
    assert percentile([], 50) is None


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), st.floats(0, 100))
def test_percentile_stays_within_range_and_is_monotonic(values: list[float], p: float) -> None:
    got = percentile(values, p)
    assert got is not None
    assert min(values) - 1e-6 <= got <= max(values) + 1e-6
    lower = percentile(values, p / 2)
    assert lower is not None and lower <= got + 1e-6


def test_step_figures_from_known_timings() -> None:
    # Two requests sent at 0 s; first token at 100 ms; 11 tokens, one every 10 ms.
    records = [rec(0.0, 0.1, 0.2, 11, gaps_s=(0.01,) * 10) for _ in range(2)]
    s = summarize_step(0, "concurrency", 2, records)
    assert s.ttft_ms.p50 == pytest.approx(100)
    assert s.tpot_ms.p50 == pytest.approx(10)
    assert s.tok_s_per_user.p50 == pytest.approx(100)
    assert s.itl_ms.p99 == pytest.approx(10)
    assert s.e2el_ms.mean == pytest.approx(200)
    assert s.duration_s == pytest.approx(0.2)
    assert s.request_throughput == pytest.approx(10)
    assert s.output_throughput == pytest.approx(110)
    assert s.goodput is None  # no objectives, no goodput


def test_errors_are_counted_by_kind_and_are_not_good() -> None:
    records = [
        rec(0.0, 0.05, 0.5, 10),
        rec(0.0, 0.6, 1.0, 10),  # misses ttft_ms=500
        RequestRecord(0, 0.0, error="http_5xx"),
        RequestRecord(0, 0.1, error="dropped"),
    ]
    s = summarize_step(0, "concurrency", 4, records, Slo(ttft_ms=500))
    assert s.completed == 2
    assert s.errors == {"dropped": 1, "http_5xx": 1}
    assert s.slo_attainment == pytest.approx(0.25)
    assert s.goodput == pytest.approx(1 / 1.0)


def test_tpot_unknown_for_one_token_not_zero() -> None:
    s = summarize_step(0, "concurrency", 1, [rec(0.0, 0.1, 0.1, 1)])
    assert s.tpot_ms.p50 is None and s.tok_s_per_user.n == 0
    assert s.user_tok_s_p90 is None


def test_slo_parse_names_and_bad_input() -> None:
    assert parse_slo("ttft_ms=500, tpot_ms=50") == Slo(ttft_ms=500, tpot_ms=50)
    assert parse_slo("") == Slo()
    for bad in ("ttft=5", "ttft_ms=abc", "tpot_ms=-1", "e2el_ms"):
        with pytest.raises(SloError):
            parse_slo(bad)
    assert Slo(ttft_ms=500, e2el_ms=2000).to_text() == "ttft_ms=500,e2el_ms=2000"


def _step(c: int, ttft: float, tpot: float, thr: float) -> StepSummary:
    n = 33
    records = [rec(0.0, ttft, ttft + tpot * (n - 1), n) for _ in range(c)]
    s = summarize_step(0, "concurrency", c, records)
    return StepSummary.from_json({**s.to_json(), "output_throughput": thr})


def test_headlines_users_and_slot_limit() -> None:
    steps = [
        _step(1, 0.1, 0.01, 90),
        _step(2, 0.1, 0.012, 160),
        _step(4, 0.12, 0.02, 200),
        _step(8, 2.0, 0.02, 205),
    ]
    h = headlines(steps, ttft_target_ms=500, user_tok_s_target=40, slots=4)
    assert h.max_throughput is not None and h.max_throughput.value == 8
    assert h.users == 4 and h.slot_limited
    text = " ".join(h.sentences(4))
    assert "4 users at once" in text and "the server's setting is the limit" in text
    strict = headlines(steps, ttft_target_ms=50, user_tok_s_target=40, slots=4)
    assert strict.users is None
    assert "No concurrency tried meets" in " ".join(strict.sentences(4))
    assert not headlines(steps, 500, 60, slots=4).slot_limited


def test_queueing_detected_only_when_ttft_and_in_flight_rise() -> None:
    rising = [rec(i * 0.1, 0.1 + 0.05 * i, 1 + 0.05 * i, 10, in_flight=1 + i) for i in range(30)]
    assert only_queueing(rising)
    steady = [rec(i * 0.1, 0.1 + 0.001 * (i % 3), 1.0, 10, in_flight=4) for i in range(30)]
    assert not only_queueing(steady)
    assert not only_queueing(rising[:5])  # too few to say


@given(st.integers(1, 2000))
def test_ladder_doubles_up_to_the_limit(limit: int) -> None:
    steps = ladder(limit)
    assert steps[0] == 1 and steps[-1] == limit
    assert all(b == 2 * a for a, b in itertools.pairwise(steps[:-1]))
    assert steps == sorted(set(steps))


def test_config_field_messages() -> None:
    validate(BenchConfig())
    cases = {
        "concurrency": BenchConfig(values=(1, 2.5)),
        "rate": BenchConfig(mode="rate", values=(0,)),
        "requests": BenchConfig(requests=None),
        "output_tokens": BenchConfig(output_tokens=10**9),
        "duration": BenchConfig(requests=None, duration_s=math.inf),
    }
    for name, cfg in cases.items():
        with pytest.raises(ConfigError) as err:
            validate(cfg)
        assert err.value.field == name
    with pytest.raises(ConfigError):
        parse_values("1,two", "concurrency")
    assert steps_for(BenchConfig(), slots=4) == [("concurrency", c) for c in (1, 2, 4, 8)]


def test_round_trips() -> None:
    cfg = BenchConfig(values=(1, 2), slo=Slo(ttft_ms=300))
    assert BenchConfig.from_json(cfg.to_json()) == cfg
    r = rec(0.5, 0.1, 0.3, 5, gaps_s=(0.05, 0.05))
    assert RequestRecord.from_json(r.to_json()) == r
    s = summarize_step(1, "rate", 2.0, [r])
    assert StepSummary.from_json(s.to_json()) == s


def test_sizing_from_goodput_and_cost_per_million_tokens() -> None:
    from desktop_app.domain.bench.config import BenchConfig
    from desktop_app.domain.bench.run import BenchRun
    from desktop_app.domain.bench.sizing import size_from_run

    # 10 requests of 100 tokens over 1 s, all meeting the objective: 10 good req/s, 1000 tok/s.
    records = [rec(i * 0.1, 0.05, 0.1, 100) for i in range(10)]
    step = summarize_step(0, "concurrency", 4, records, Slo(ttft_ms=100))
    run = BenchRun("now", "vLLM", "x", "m", "u", "chat", 4, BenchConfig(), {}, (step,), ())
    sized = size_from_run(run, target_rps=25, gpus_per_server=2, price_per_gpu_hour=3.6)
    assert sized is not None and sized.basis == "goodput"
    assert sized.per_server_rps == pytest.approx(10)
    assert (sized.servers, sized.gpus) == (3, 6)
    assert sized.cost_per_hour == pytest.approx(21.6)
    # $7.20/h per server over 1000 tok/s = 3.6 M tokens/h → $2 per million.
    assert sized.cost_per_million_tokens == pytest.approx(2.0)
    assert "3 servers = 6 GPUs" in " ".join(sized.sentences())
