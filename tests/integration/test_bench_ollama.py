"""The Benchmark's Ollama target against the Ollama test server, started by the app as
`ollama serve` with OLLAMA_NUM_PARALLEL, over Ollama's OpenAI-compatible streaming API."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.domain.bench.config import BenchConfig
from desktop_app.services.bench.session import BenchError, TargetOptions, run_benchmark
from tests.integration.conftest import fake_ollama_binary, wait_gone


@pytest.mark.parametrize("api", ["chat", "completions"])
def test_ollama_started_here_is_measured_and_stopped(tmp_path: Path, api: str) -> None:
    opts = TargetOptions(
        "ollama", model="tinyllama", slots=2, server_binary=str(fake_ollama_binary(tmp_path))
    )
    cfg = BenchConfig(values=(1, 2, 4), requests=8, warmup=1, output_tokens=8, api=api)
    notes: list[str] = []
    run = run_benchmark(opts, cfg, on_note=notes.append, hardware={"label": "test"})
    assert run.engine == "ollama" and run.slots == 2 and run.api == api
    assert [s.value for s in run.steps] == [1, 2, 4]
    for step in run.steps:
        assert step.completed == 8 and not step.errors
        # 8 words at the fake's 10 ms a token: about 80 ms of generation per request
        assert step.output_throughput is not None and step.output_throughput > 0
    c1, c2, c4 = (s.ttft_ms.p50 for s in run.steps)
    assert c1 is not None and c2 is not None and c4 is not None
    # Two parallel slots: at 4 at once, half the requests wait a whole request (~80 ms).
    assert c4 > c2 + 30
    tput = [s.output_throughput or 0 for s in run.steps]
    assert tput[1] > 1.5 * tput[0]  # two slots serve twice as fast as one
    assert not wait_gone("tests.fakes.ollama_server")


def test_an_unknown_ollama_model_is_one_sentence(tmp_path: Path) -> None:
    opts = TargetOptions(
        "ollama", model="no-such-model", slots=1, server_binary=str(fake_ollama_binary(tmp_path))
    )
    with pytest.raises(BenchError) as err:
        run_benchmark(opts, BenchConfig(values=(1,), requests=2, warmup=0), hardware={})
    assert "\n" not in str(err.value) and str(err.value).endswith(".")
    assert not wait_gone("tests.fakes.ollama_server")
