"""`infernav fit`: will this model fit this machine, and how fast will it decode?"""

from __future__ import annotations

import argparse
import json
from typing import Any

KV_CHOICES = ("f16", "q8_0", "q4_0")


def register(sub: Any) -> None:
    """Add the fit command."""
    p = sub.add_parser(
        "fit",
        help="memory fit and decode-speed estimate for a model on this machine",
        description="Estimate weights, KV cache, compute buffer and overhead as llama.cpp "
        "allocates them, with a verdict for this machine. --ctx is the context per slot "
        "(llama-server: -c ctx×parallel -np parallel).",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", metavar="ID", help="catalogue model id (see --list)")
    src.add_argument("--gguf", metavar="PATH", help="a local GGUF file")
    src.add_argument("--list", action="store_true", help="list model ids and quantizations")
    p.add_argument("--quant", metavar="Q", help="quantization, e.g. Q4_K_M (with --model)")
    p.add_argument("--ctx", type=int, default=4096, help="context length per slot (4096)")
    p.add_argument("--kv-type", choices=KV_CHOICES, default="f16", help="KV-cache type (f16)")
    p.add_argument("--parallel", type=int, default=1, help="parallel slots (1)")
    p.add_argument(
        "--no-cpu-moe",
        action="store_true",
        help="for mixture-of-experts models too big for the GPU, offload whole layers instead "
        "of keeping some experts in system RAM (llama.cpp --n-cpu-moe)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=fit)


def _archs() -> dict[str, Any]:
    from desktop_app.domain.fit.archs import slug
    from desktop_app.services.stores import open_bundled

    store = open_bundled()
    return {slug(a.model): a for a in store.model_archs()}


def fit(args: argparse.Namespace) -> int:
    """Run the estimate and print it."""
    from desktop_app.domain.fit.estimate import (
        FitSettings,
        catalogue_quants,
        catalogue_shape,
        estimate,
    )
    from desktop_app.domain.fit.text import describe
    from desktop_app.errors import UserError

    if args.list:
        return _list(args)
    if args.ctx < 1 or args.ctx > 10_000_000:
        raise UserError(f"--ctx must be between 1 and 10,000,000 tokens, not {args.ctx}")
    if args.parallel < 1 or args.parallel > 1024:
        raise UserError(f"--parallel must be between 1 and 1024, not {args.parallel}")
    settings = FitSettings(
        ctx=args.ctx, parallel=args.parallel, kv_type=args.kv_type, moe_offload=not args.no_cpu_moe
    )
    if args.gguf is not None and not args.gguf.strip():
        raise UserError("--gguf needs the path of a .gguf file, not an empty string")
    if args.model is not None and not args.model.strip():
        raise UserError("--model needs a catalogue model id (see --list), not an empty string")
    if args.gguf:
        from desktop_app.services.gguf import GgufError, read_gguf

        if args.quant:
            raise UserError("--quant applies to --model; a GGUF file has its own quantization")
        try:
            model = read_gguf(args.gguf)
        except GgufError as exc:
            raise UserError(str(exc)) from exc
        assert model.shape is not None  # read_gguf raises for a file it cannot size
        shape = model.shape
    else:
        archs = _archs()
        arch = archs.get(args.model.lower())
        if arch is None:
            raise UserError(f"unknown model id {args.model!r}; `infernav fit --list` shows them")
        offered = catalogue_quants(arch)
        quant = (args.quant or ("Q4_K_M" if "Q4_K_M" in offered else offered[0])).upper()
        quant = {"AWQ": "AWQ-INT4", "GPTQ": "GPTQ-INT4", "BF16": "F16"}.get(quant, quant)
        if quant not in offered:
            raise UserError(
                f"unknown quantization {args.quant!r} for {args.model}; choose one of "
                f"{', '.join(offered)}"
            )
        shape = catalogue_shape(arch, quant)
    from desktop_app.services.hardware.probe import probe_hardware

    result = estimate(shape, settings, probe_hardware())
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe(result)))
    return 0


def _quant_list() -> str:
    from desktop_app.domain.fit.quant import QUANTS

    return ", ".join(QUANTS)


def _list(args: argparse.Namespace) -> int:
    from desktop_app.domain.fit.estimate import catalogue_quants
    from desktop_app.domain.fit.quant import QUANTS

    archs = _archs()
    if args.json:
        out = {
            "models": [
                {
                    "id": k,
                    "name": a.model,
                    "params_b": a.params_b,
                    "layers": a.layers,
                    "quants": catalogue_quants(a),
                }
                for k, a in archs.items()
            ],
            "quants": list(QUANTS),
        }
        print(json.dumps(out, indent=2))
        return 0
    width = max(len(k) for k in archs)
    for k, a in archs.items():
        print(f"{k:<{width}}  {a.model} ({a.params_b:g} B parameters, {a.layers} layers)")
    print(f"\nquantizations: {_quant_list()} (gpt-oss: MXFP4 only)")
    return 0
