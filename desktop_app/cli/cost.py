"""`infernav cost`: what a framework choice costs in a region, in local currency."""

from __future__ import annotations

import argparse
import json
from typing import Any

from desktop_app.domain.cost.inputs import DEFAULT_GPU, REGIONS


def register(sub: Any) -> None:
    """Add the cost command."""
    p = sub.add_parser("cost", help="GPUs, monthly, setup and total cost of frameworks")
    p.add_argument("--region", choices=sorted(REGIONS), default="us", help="us, sg or in")
    p.add_argument(
        "--framework",
        action="append",
        metavar="ID",
        help="framework id (repeat for several); default: chosen by the scale",
    )
    load = p.add_mutually_exclusive_group(required=True)
    load.add_argument("--load-rps", metavar="X", help="peak requests per second")
    load.add_argument("--users", metavar="N", help="users, each sending 2 requests a minute")
    load.add_argument("--queries-per-day", metavar="N", help="queries a day (peak = 3× average)")
    p.add_argument("--model", metavar="NAME", help="catalogue model: size GPUs from it")
    p.add_argument("--quant", default="Q4_K_M", metavar="Q", help="precision (Q4_K_M, FP8, F16…)")
    p.add_argument("--ctx", default="4096", metavar="N", help="context per request (4096)")
    p.add_argument("--concurrency", default="8", metavar="N", help="requests per replica (8)")
    p.add_argument(
        "--per-million", action="store_true", help="cost per million tokens (needs --model)"
    )
    p.add_argument("--api-price", metavar="P", help="an API's price per 1M tokens: break-even")
    p.add_argument(
        "--gpu",
        default=DEFAULT_GPU,
        metavar="NAME",
        help=f"GPU from the catalogue (default {DEFAULT_GPU})",
    )
    p.add_argument(
        "--gpu-month", metavar="PRICE", help="your monthly price per GPU, in the region's currency"
    )
    p.add_argument("--months", default="12", metavar="N", help="horizon in months (12)")
    p.add_argument("--lakh", action="store_true", help="read rupee amounts in lakh / crore")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=cost)


def _number(text: str, field: str, flag: str, integer: bool = False) -> float:
    from desktop_app.domain.cost.inputs import InputError, parse_number
    from desktop_app.errors import UserError

    try:
        return parse_number(text, field, integer=integer, allow_min=integer)
    except InputError as exc:
        raise UserError(f"{flag}: {exc.message}") from None


def _gpu(store: Any, name: str) -> str:
    from desktop_app.errors import UserError

    names: list[str] = [g.name for g in store.gpus()]
    if name in names:
        return name
    hits = [n for n in names if name.strip().lower() in n.lower()]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise UserError(f"--gpu: “{name}” is not in the catalogue ({', '.join(names)}).")
    raise UserError(f"--gpu: “{name}” matches several GPUs: {', '.join(hits)}.")


def _span(span: tuple[float, float] | None) -> dict[str, float | None] | None:
    return None if span is None else {"low": round(span[0], 2), "high": round(span[1], 2)}


def _both(span: tuple[float, float] | None) -> dict[str, float | None]:
    return _span(span) or {"low": None, "high": None}


def _quote(q: Any) -> dict[str, Any] | None:
    from datetime import date

    from desktop_app.domain.cost.age import age_of

    if q is None:
        return None
    return {
        "low": round(q.low, 4),
        "high": round(q.high, 4),
        "unit": q.unit,
        "figures": list(q.refs),
        "source": q.source,
        "retrieved": q.retrieved,
        "observed": q.observed or None,
        "age": age_of(q.observed, date.today()).text,
        "stale": age_of(q.observed, date.today()).stale,
        "note": q.note,
    }


def cost(args: argparse.Namespace) -> int:
    """Print the cost of each framework."""
    from desktop_app.domain.cost.calculator import calculate
    from desktop_app.domain.cost.inputs import CostInputs, InputError, Workload
    from desktop_app.domain.cost.model_cost import default_frameworks
    from desktop_app.domain.money import format_span
    from desktop_app.errors import UserError
    from desktop_app.services.stores import open_bundled

    store = open_bundled()
    known = {f.id for f in store.frameworks()}
    for fid in args.framework or ():
        if fid not in known:
            raise UserError(f"--framework: unknown id “{fid}” (one of {', '.join(sorted(known))}).")
    if args.users is not None:
        workload = Workload(kind="users", users=_number(args.users, "users", "--users"))
    elif args.queries_per_day is not None:
        workload = Workload(
            kind="daily",
            queries_per_day=_number(args.queries_per_day, "queries_per_day", "--queries-per-day"),
        )
    else:
        workload = Workload(kind="rps", load_rps=_number(args.load_rps, "load_rps", "--load-rps"))
    try:
        rps = workload.peak_rps()
    except InputError as exc:
        raise UserError(exc.message) from None
    frameworks = tuple(dict.fromkeys(args.framework or default_frameworks(rps)))
    months = int(_number(args.months, "months", "--months", integer=True))
    price = (
        None
        if args.gpu_month is None
        else _number(args.gpu_month, "gpu_month_price", "--gpu-month")
    )
    inputs = CostInputs(
        region=args.region,
        workload=workload,
        frameworks=frameworks,
        gpu=_gpu(store, args.gpu),
        basis="user" if price is not None else "cloud",
        gpu_month_price=price,
        months=months,
    )
    try:
        result = calculate(store, inputs)
    except InputError as exc:
        raise UserError(exc.message) from None
    cur, loc = result.region.currency, result.region.locale
    model = _model_cost(store, result, args) if args.model else None
    if args.per_million and model is None:
        raise UserError("--per-million needs --model (the GPUs and speed come from the model).")
    if args.json:
        out: dict[str, Any] = {
            "region": result.region.code,
            "currency": cur,
            "load_rps": rps,
            "gpu": inputs.gpu,
            "months": months,
            "basis": inputs.basis,
            "rent_per_gpu_month": _quote(result.rent),
            "rent_alternatives": [_quote(q) for q in result.rent_alternatives],
            "exchange_rate": _quote(result.fx),
            "engineering_rate": _quote(result.engineering_rate),
            "overhead_pct": _quote(result.overhead),
            "purchase_per_gpu": _quote(result.purchase),
            "guide_break_even_months": _span(result.guide_break_even),
            "frameworks": [
                {
                    "framework": fc.framework,
                    "throughput_figure": fc.throughput.id if fc.throughput else None,
                    "gpus_needed": {
                        "conservative": fc.gpus_conservative,
                        "optimistic": fc.gpus_optimistic,
                    },
                    "monthly_cost": {
                        **_both(fc.monthly),
                        "currency": cur,
                    },
                    "setup_cost": _both(fc.setup),
                    "setup_hours": _span(fc.setup_hours),
                    "total_cost": _both(fc.total),
                    "break_even_months": _span(fc.break_even_months),
                    "notes": list(fc.notes),
                }
                for fc in result.frameworks
            ],
        }
        out["workload"] = {"text": result.workload_text, "source": "your entry"}
        out["framework_choice"] = "your entry" if args.framework else "default for the scale"
        if model is not None:
            out["model"] = _model_json(model, args)
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if model is not None:
        print(model.bottom_line)
        _print_model(model, args)
    print(f"{result.region.name}: {result.workload_text}, {inputs.gpu}, {months} months")
    if result.rent is not None:
        print(
            f"GPU rent: {format_span((result.rent.low, result.rent.high), cur, loc, args.lakh)}"
            f"/month ({', '.join(result.rent.refs) or 'your price'})"
        )
    for note in result.notes:
        print(f"Note: {note}")
    for fc in result.frameworks:
        gpus = (
            "unknown"
            if fc.gpus_conservative is None
            else f"{fc.gpus_conservative} conservative, {fc.gpus_optimistic} optimistic"
        )
        money = [format_span(s, cur, loc, args.lakh) for s in (fc.monthly, fc.setup, fc.total)]
        print(
            f"  {fc.name}: GPUs {gpus}; monthly {money[0]}; setup {money[1]}; "
            f"{months}-month total {money[2]}"
        )
    cpu = result.cpu_option
    for label, q in (("guide", cpu.guide), ("on-demand 32 vCPU", cpu.sourced)):
        if q is not None:
            shown = format_span((q.low, q.high), cur, loc, args.lakh)
            print(f"CPU-only llama.cpp server ({label}): {shown}/month ({', '.join(q.refs)})")
    be = next((fc.break_even_months for fc in result.frameworks if fc.break_even_months), None)
    if be is not None:
        line = f"Buy vs rent: break-even {be[0]:.1f}–{be[1]:.1f} months"
        if result.guide_break_even and result.guide_break_even_stated:
            g = result.guide_break_even
            line += (
                f" (from the guide's own prices {g[0]:.1f}–{g[1]:.1f}; it states "
                f"{result.guide_break_even_stated.display_value()})"
            )
        print(line)
    return 0


def _model_cost(store: Any, result: Any, args: argparse.Namespace) -> Any:
    from desktop_app.domain.cost.inputs import InputError
    from desktop_app.domain.cost.model_cost import ModelCostInputs, cost_model
    from desktop_app.domain.fit.estimate import catalogue_shape
    from desktop_app.domain.fit.quant import QUANTS
    from desktop_app.errors import UserError

    archs = {a.model: a for a in store.model_archs()}
    hits = [n for n in archs if args.model.strip().lower() in n.lower()]
    exact = [n for n in hits if n.lower().startswith(args.model.strip().lower())]
    if len(hits) != 1 and len(exact) != 1:
        which = "matches several models" if hits else "is not in the catalogue"
        raise UserError(f"--model: “{args.model}” {which} ({', '.join(hits or archs)}).")
    name = hits[0] if len(hits) == 1 else exact[0]
    if args.quant not in QUANTS:
        raise UserError(f"--quant: use one of {', '.join(QUANTS)}.")
    api = (
        None
        if args.api_price is None
        else _number(args.api_price, "gpu_month_price", "--api-price")
    )
    try:
        mi = ModelCostInputs(
            shape=catalogue_shape(archs[name], args.quant),
            ctx=int(_number(args.ctx, "load_rps", "--ctx", integer=True)),
            concurrency=int(_number(args.concurrency, "load_rps", "--concurrency", integer=True)),
            api_price_per_million=api,
        )
        return cost_model(store, result, mi)
    except InputError as exc:
        raise UserError(f"--{exc.field.replace('_', '-')}: {exc.message}") from None


def _model_json(model: Any, args: argparse.Namespace) -> dict[str, Any]:
    mi = model.inputs
    return {
        "bottom_line": model.bottom_line,
        "model": {"value": mi.shape.name, "source": mi.shape.source},
        "quant": {"value": mi.shape.quant, "source": "your entry" if args.quant else "default"},
        "ctx": {"value": mi.ctx, "source": "your entry"},
        "concurrency": {"value": mi.concurrency, "source": "your entry"},
        "tokens_per_request": {
            "input": mi.input_tokens,
            "output": mi.output_tokens,
            "source": "default (assumption)",
        },
        "tokens_per_month": round(model.tokens_per_month),
        "frameworks": [
            {
                "framework": r.framework,
                "gpus_per_replica": r.sizing.replica.gpus,
                "replica_memory_bytes": r.sizing.replica.total_bytes,
                "replica_note": r.sizing.replica.note,
                "gpus": {"low": r.sizing.gpus_low, "high": r.sizing.gpus_high},
                "throughput": None
                if r.sizing.throughput is None
                else {
                    "kind": r.sizing.throughput.kind,
                    "output_tokens_per_s": r.sizing.throughput.output_tokens_per_s,
                    "requests_per_s": [
                        r.sizing.throughput.requests_per_s,
                        r.sizing.throughput.requests_per_s_high,
                    ],
                    "source": r.sizing.throughput.source,
                    "conditions": r.sizing.throughput.conditions,
                    "observed": r.sizing.throughput.observed,
                    "caveat": r.sizing.throughput.caveat,
                },
                "monthly_rented": _span(r.monthly),
                "per_million_output": _span(r.per_million.output),
                "per_million_blended": _span(r.per_million.blended),
                "utilisation": r.per_million.utilisation,
                "utilisation_source": r.per_million.utilisation_note,
                "owned_monthly": _span(r.owned_monthly),
                "owned_formula": r.owned_note,
                "break_even_tokens_per_month": _span(r.break_even_tokens),
                "notes": list(r.notes),
            }
            for r in model.rows
        ],
        "cpu_only": {
            "monthly": _span(model.cpu.monthly),
            "guide_monthly": _span(model.cpu.guide_monthly),
            "fits_ram": model.cpu.fits_ram,
            "note": model.cpu.note,
        },
    }


def _print_model(model: Any, args: argparse.Namespace) -> None:
    from desktop_app.domain.money import format_small_span, format_span

    base = model.base
    cur, loc = base.region.currency, base.region.locale
    lakh = args.lakh or cur == "INR"
    print(f"Model: {model.inputs.shape.name} {model.inputs.shape.quant}")
    for r in model.rows:
        tp = r.sizing.throughput
        gpus = (
            "unknown"
            if r.sizing.gpus_high is None
            else (
                f"{r.sizing.gpus_low}–{r.sizing.gpus_high}"
                if r.sizing.gpus_low != r.sizing.gpus_high
                else str(r.sizing.gpus_low)
            )
        )
        print(
            f"  {r.name}: {gpus} GPU(s) ({r.sizing.replica.note}); speed from "
            f"{tp.label if tp else 'nothing: unknown'}; monthly "
            f"{format_span(r.monthly, cur, loc, lakh)}"
        )
        if args.per_million:
            u = r.per_million.utilisation
            print(
                f"    per 1M output tokens {format_small_span(r.per_million.output, cur, loc)}, "
                f"blended {format_small_span(r.per_million.blended, cur, loc)} at utilisation "
                f"{'unknown' if u is None else f'{u:.1%}'} ({r.per_million.utilisation_note}); "
                f"owned {format_span(r.owned_monthly, cur, loc, lakh)}/month ({r.owned_note})"
            )
        for n in r.notes:
            print(f"    Note: {n}")
