"""`infernav trial`: start an engine (or reuse a running Ollama), time one answer, stop."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any


def register(sub: Any) -> None:
    """Add the trial command."""
    p = sub.add_parser(
        "trial",
        help="start a local engine, stream one answer, print its measured speed",
        description="Start llama.cpp's llama-server (or reuse / start Ollama), wait until it "
        "is ready, stream one answer, print client-side and server-reported metrics, stop "
        "what was started and save the trial.",
    )
    p.add_argument("--engine", required=True, choices=["llama.cpp", "ollama"])
    p.add_argument("--model", required=True, help="a GGUF file (llama.cpp) or a model name")
    p.add_argument("--prompt", default=None, help="what to ask (a short default otherwise)")
    p.add_argument("--max-tokens", type=int, default=128, help="tokens to generate (128)")
    p.add_argument("--port", type=int, default=None, help="port (a free one if busy)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (llama.cpp -t)")
    p.add_argument("--ctx", type=int, default=4096, help="context size (4096)")
    p.add_argument("--server-binary", default=None, help="path to llama-server or ollama")
    p.add_argument(
        "--ready-timeout", type=float, default=120.0, help="seconds to wait for the engine"
    )
    p.add_argument(
        "--api",
        choices=["auto", "chat", "completion"],
        default="auto",
        help="llama-server endpoint: /v1/chat/completions or /completion (plain prompt); "
        "auto picks chat when the model has a chat template",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=trial)


def trial(args: argparse.Namespace) -> int:
    """Run the trial and print the metrics."""
    from desktop_app.domain.units import format_count, format_ms, format_speed
    from desktop_app.errors import UserError
    from desktop_app.services.engines.specs import SpecError, validate_port
    from desktop_app.services.stores import open_user
    from desktop_app.services.trial import (
        DEFAULT_PROMPT,
        TrialError,
        TrialOptions,
        run_trial,
    )

    try:
        if args.port is not None:
            validate_port(args.port)
    except SpecError as exc:
        raise UserError(str(exc)) from None
    if not math.isfinite(args.ready_timeout) or not 0 < args.ready_timeout <= 86_400:
        raise UserError("--ready-timeout must be a number of seconds between 0 and 86,400.")
    if args.threads is not None and args.threads < 1:
        raise UserError("--threads must be at least 1.")
    if args.ctx is not None and args.ctx < 0:
        raise UserError("--ctx must be 0 (the model's own) or more.")
    opts = TrialOptions(
        engine=args.engine,
        model=args.model,
        prompt=args.prompt or DEFAULT_PROMPT,
        max_tokens=args.max_tokens,
        port=args.port,
        threads=args.threads,
        ctx=args.ctx,
        server_binary=args.server_binary,
        ready_timeout_s=args.ready_timeout,
        api=args.api,
    )
    store = open_user()
    show_text = not args.json

    def on_text(text: str) -> None:
        if show_text:
            sys.stdout.write(text)
            sys.stdout.flush()

    def on_note(text: str) -> None:
        sys.stderr.write(f"infernav: {text}\n")

    try:
        outcome = run_trial(opts, store, on_text=on_text, on_note=on_note)
    except TrialError as exc:
        raise UserError(str(exc)) from None
    finally:
        store.close()
    trial = outcome.trial
    payload = trial.to_json()
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    server = payload["server"] or {}
    print("\n")
    print(f"{trial.engine} {trial.engine_version} · {trial.model} · port {trial.port}")
    rows = (
        (
            "time to first token",
            format_ms(payload["ttft_ms"]),
            format_ms(server.get("prompt_ms")),
        ),
        (
            "decode speed",
            format_speed(payload["decode_tokens_per_s"]),
            format_speed(server.get("decode_tokens_per_s")),
        ),
        (
            "prompt speed",
            format_speed(payload["prompt_tokens_per_s"]),
            format_speed(server.get("prompt_tokens_per_s")),
        ),
        ("total time", format_ms(payload["e2e_ms"]), format_ms(server.get("total_ms"))),
        (
            "output tokens",
            format_count(payload["output_tokens"]),
            format_count(server.get("output_tokens")),
        ),
    )
    print(f"{'':22}{'measured here':>18}{'engine says':>18}")
    for label, client, engine in rows:
        print(f"{label:22}{client:>18}{engine:>18}")
    if trial.metrics.output_tokens_counted:
        print("(token count taken from stream events: the engine did not report one)")
    print(f"Saved as trial #{trial.id}." if outcome.saved else "Not saved (see the note above).")
    return 0
