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
        required=True,
        metavar="ID",
        help="framework id (repeat for several): vllm, tensorrt-llm, tgi, ...",
    )
    p.add_argument("--load-rps", required=True, metavar="X", help="peak requests per second")
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
    if q is None:
        return None
    return {
        "low": round(q.low, 4),
        "high": round(q.high, 4),
        "unit": q.unit,
        "figures": list(q.refs),
        "source": q.source,
        "retrieved": q.retrieved,
        "note": q.note,
    }


def cost(args: argparse.Namespace) -> int:
    """Print the cost of each framework."""
    from desktop_app.domain.cost.calculator import calculate
    from desktop_app.domain.cost.inputs import CostInputs, InputError, Workload
    from desktop_app.domain.money import format_span
    from desktop_app.errors import UserError
    from desktop_app.services.stores import open_bundled

    store = open_bundled()
    known = {f.id for f in store.frameworks()}
    for fid in args.framework:
        if fid not in known:
            raise UserError(f"--framework: unknown id “{fid}” (one of {', '.join(sorted(known))}).")
    rps = _number(args.load_rps, "load_rps", "--load-rps")
    months = int(_number(args.months, "months", "--months", integer=True))
    price = (
        None
        if args.gpu_month is None
        else _number(args.gpu_month, "gpu_month_price", "--gpu-month")
    )
    inputs = CostInputs(
        region=args.region,
        workload=Workload(kind="rps", load_rps=rps),
        frameworks=tuple(dict.fromkeys(args.framework)),
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
    if args.json:
        out = {
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
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
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
