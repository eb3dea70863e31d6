"""`infernav bench`: load an engine or any OpenAI-compatible endpoint step by step, keep the run.

Metric definitions: docs/benchmark-metrics.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

API_KEY_ENV = "INFERNAV_API_KEY"


def register(sub: Any) -> None:
    """Add the bench command."""
    p = sub.add_parser(
        "bench",
        help="measure an engine under concurrent load (throughput, TTFT, goodput)",
        description="Send streamed requests to llama-server (started here with N parallel "
        "slots), Ollama, or any OpenAI-compatible endpoint (vLLM, SGLang, TGI, TensorRT-LLM) "
        "at a ladder of concurrencies or request rates; print a line per step, the maximum "
        "throughput and how many users at once meet your targets; keep the run. Definitions: "
        "docs/benchmark-metrics.md.",
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="an OpenAI-compatible endpoint, e.g. http://gpu-box:8000/v1")
    target.add_argument("--engine", choices=["llama.cpp", "ollama"], help="an engine started here")
    p.add_argument("--model", help="GGUF file (llama.cpp), model name (Ollama, endpoint)")
    p.add_argument("--slots", type=int, default=None, help="parallel slots (-np / NUM_PARALLEL)")
    load = p.add_mutually_exclusive_group()
    load.add_argument("--concurrency", help="a ladder such as 1,2,4,8 (default: up to 2 × slots)")
    load.add_argument("--rate", help="request rates per second, such as 0.5,1,2")
    p.add_argument(
        "--arrivals",
        choices=["constant", "poisson"],
        default="constant",
        help="gaps between requests in a rate sweep (constant)",
    )
    size = p.add_mutually_exclusive_group()
    size.add_argument("--requests", type=int, default=None, help="requests per step (16)")
    size.add_argument("--duration", type=float, default=None, help="seconds per step")
    p.add_argument("--warmup", type=int, default=2, help="warm-up requests, excluded (2)")
    p.add_argument("--input-tokens", type=int, default=128, help="prompt length, about (128)")
    p.add_argument("--output-tokens", type=int, default=64, help="answer length (64)")
    p.add_argument("--prompt-file", help="your prompts: one a line, or JSON lines with 'prompt'")
    p.add_argument("--api", choices=["chat", "completions"], default="chat")
    p.add_argument(
        "--no-ignore-eos",
        action="store_true",
        help="do not ask the server to ignore end-of-sequence",
    )
    p.add_argument("--slo", default="", help="objectives such as ttft_ms=500,tpot_ms=50")
    p.add_argument(
        "--ttft-target",
        type=float,
        default=1000.0,
        help="TTFT target in ms for 'N users at once' (p90; 1000)",
    )
    p.add_argument(
        "--user-target",
        type=float,
        default=10.0,
        help="tokens/s per user target for 'N users at once' (p90; 10)",
    )
    p.add_argument("--timeout", type=float, default=120.0, help="read timeout per request (120)")
    p.add_argument("--server-binary", default=None, help="path to llama-server or ollama")
    p.add_argument("--gpu-layers", type=int, default=None, help="llama.cpp -ngl")
    p.add_argument(
        "--target-rps",
        type=float,
        default=None,
        help="size for this load: servers and GPUs from the measured goodput",
    )
    p.add_argument("--gpus-per-server", type=int, default=1, help="GPUs the measured server used")
    p.add_argument(
        "--gpu-price-hour",
        type=float,
        default=None,
        help="price of one GPU-hour (for the cost per million tokens)",
    )
    p.add_argument("--label", default="", help="a name for the run in lists and charts")
    p.add_argument("--no-save", action="store_true", help="do not keep the run")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the run as JSON")
    fmt.add_argument("--csv", action="store_true", help="print one CSV row per step")
    p.add_argument(
        "--out", default=None, help="write the output to FILE (.json, .csv or .html report) instead"
    )
    p.set_defaults(handler=bench)


def _num(value: float | None, digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:,.{digits}f}"


def _config(args: argparse.Namespace) -> Any:
    from desktop_app.domain.bench.config import BenchConfig, ConfigError, parse_values, validate
    from desktop_app.domain.bench.metrics import SloError, parse_slo
    from desktop_app.errors import UserError

    try:
        if args.rate:
            mode, values = "rate", parse_values(args.rate, "rate")
        else:
            mode, values = "concurrency", parse_values(args.concurrency or "", "concurrency")
        slo = parse_slo(args.slo)
        requests = args.requests if args.duration is None else None
        if requests is None and args.duration is None:
            requests = 16
        cfg = BenchConfig(
            mode=mode,
            values=values,
            arrivals=args.arrivals,
            requests=requests,
            duration_s=args.duration,
            warmup=args.warmup,
            input_tokens=args.input_tokens,
            output_tokens=args.output_tokens,
            prompt_file=args.prompt_file,
            api=args.api,
            ignore_eos=not args.no_ignore_eos,
            slo=slo,
            ttft_target_ms=args.ttft_target,
            user_tok_s_target=args.user_target,
            read_timeout_s=args.timeout,
        )
        return validate(cfg)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    except SloError as exc:
        raise UserError(f"--slo: {exc}") from None


def _progress_line(p: Any) -> None:
    if p.phase == "warm-up":
        sys.stderr.write("infernav: warming up…\n")
    elif p.phase == "step done":
        unit = "req/s" if p.mode == "rate" else "concurrent"
        sys.stderr.write(
            f"step {p.step + 1}/{p.steps} · {p.value:g} {unit} · {p.done} requests · "
            f"TTFT p50 {_num(p.ttft_p50_ms, 0)} ms · {_num(p.output_tok_s)} tok/s · "
            f"{p.errors} errors\n"
        )
    sys.stderr.flush()


def _table(run: Any) -> str:
    lines = [
        f"{run.engine} {run.engine_version} · {run.model} · {run.base_url} · "
        f"slots {run.slots or 'unknown'}",
        f"{'step':>14} {'done':>7} {'errors':>7} {'out tok/s':>10} {'TTFT p50':>9} "
        f"{'TTFT p99':>9} {'TPOT p50':>9} {'tok/s/user':>10} {'goodput':>8}",
    ]
    for s in run.steps:
        errors = sum(s.errors.values())
        lines.append(
            f"{s.mode[:4] + ' ' + format(s.value, 'g'):>14} {s.completed:>7} {errors:>7} "
            f"{_num(s.output_throughput):>10} {_num(s.ttft_ms.p50):>9} {_num(s.ttft_ms.p99):>9} "
            f"{_num(s.tpot_ms.p50, 2):>9} {_num(s.tok_s_per_user.p50):>10} "
            f"{_num(s.goodput, 2):>8}" + (f"  stopped: {s.stopped}" if s.stopped else "")
        )
    lines.append("(ms; tok/s; goodput in good requests/s; definitions: docs/benchmark-metrics.md)")
    lines += run.answers().sentences(run.slots)
    return "\n".join(lines)


def bench(args: argparse.Namespace) -> int:
    """Run the benchmark and print (or write) the result."""
    import time

    from desktop_app import paths
    from desktop_app.domain.bench.report import csv_text, html_report, json_text
    from desktop_app.errors import UserError
    from desktop_app.services.bench.secrets import SecretError, get_key
    from desktop_app.services.bench.session import (
        BenchError,
        TargetOptions,
        normalize_url,
        run_benchmark,
    )
    from desktop_app.storage.user.bench import BenchStore

    cfg = _config(args)
    if args.target_rps is not None and not 0 < args.target_rps < 1e9:
        raise UserError("--target-rps must be more than 0 requests/s.")
    if args.gpus_per_server < 1:
        raise UserError("--gpus-per-server must be at least 1.")
    if args.gpu_price_hour is not None and args.gpu_price_hour < 0:
        raise UserError("--gpu-price-hour cannot be negative.")
    if args.slots is not None and not 1 <= args.slots <= 256:
        raise UserError("--slots must be from 1 to 256.")
    if args.engine and not args.model:
        raise UserError("--model is required with --engine (a GGUF file or an Ollama model).")
    out = Path(args.out).expanduser() if args.out else None
    if out is not None and out.suffix.lower() not in (".json", ".csv", ".html", ".htm"):
        raise UserError("--out must end in .json, .csv or .html.")
    api_key = None
    if args.url:
        try:
            base = normalize_url(args.url)
        except BenchError as exc:
            raise UserError(str(exc)) from None
        api_key = os.environ.get(API_KEY_ENV)
        if api_key is None:
            try:
                api_key = get_key(base)
            except SecretError:
                api_key = None
    opts = TargetOptions(
        kind="url" if args.url else args.engine,
        url=args.url,
        model=args.model,
        api_key=api_key,
        slots=args.slots,
        server_binary=args.server_binary,
        gpu_layers=args.gpu_layers,
    )
    try:
        run = run_benchmark(
            opts,
            cfg,
            on_progress=_progress_line,
            on_note=_note,
        )
    except BenchError as exc:
        raise UserError(str(exc)) from None
    if args.label:
        from dataclasses import replace

        run = replace(run, label=args.label)
    if not args.no_save:
        store = BenchStore(paths.user_store_path())
        try:
            run = _keep(store, run)
        finally:
            store.close()
    sizing: list[str] = []
    if args.target_rps is not None:
        from desktop_app.domain.bench.sizing import size_from_run

        sized = size_from_run(run, args.target_rps, args.gpus_per_server, args.gpu_price_hour)
        sizing = sized.sentences() if sized else ["Sizing: unknown (no step completed)."]
    kind = "json" if args.json else "csv" if args.csv else "table"
    if out is not None:
        kind = {".json": "json", ".csv": "csv"}.get(out.suffix.lower(), "html")
    if kind == "json":
        text = json_text([run])
        if sizing:
            import json

            data = json.loads(text)
            data["sizing"] = sizing
            text = json.dumps(data, indent=2, ensure_ascii=False)
    elif kind == "csv":
        text = csv_text([run])
    elif kind == "html":
        text = html_report([run], generated=time.strftime("%Y-%m-%d %H:%M"))
    else:
        text = "\n".join([_table(run), *sizing])
    if out is not None:
        out.write_text(text + ("\n" if not text.endswith("\n") else ""), "utf-8")
        sys.stderr.write(f"infernav: wrote {out}\n")
    else:
        print(text)
    if run.id is not None:
        sys.stderr.write(f"infernav: kept as benchmark run #{run.id}\n")
    return 0


def _note(text: str) -> None:
    sys.stderr.write(f"infernav: {text}\n")


def _keep(store: Any, run: Any) -> Any:
    """Keep the run with its requests; the returned copy carries its id."""
    from dataclasses import replace

    kept = store.add(run)
    return replace(run, id=kept.id)
