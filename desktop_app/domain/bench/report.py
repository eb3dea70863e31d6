"""Exports of benchmark runs: CSV text, JSON text and a self-contained HTML report (inline SVG)."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Sequence

from desktop_app.domain.bench.metrics import DOC, StepSummary
from desktop_app.domain.bench.run import CSV_COLUMNS, BenchRun, csv_rows

# Okabe–Ito: a colour-blind-safe palette, in the order runs are drawn.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def csv_text(runs: Sequence[BenchRun]) -> str:
    """One row per step of every run."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for run in runs:
        writer.writerows(csv_rows(run))
    return buf.getvalue()


def json_text(runs: Sequence[BenchRun]) -> str:
    """Every run with its raw requests (one object for one run, else a list)."""
    data = [r.to_json() for r in runs]
    return json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False)


Series = list[tuple[float, float]]


def _svg_chart(
    title: str,
    x_label: str,
    y_label: str,
    series: Sequence[tuple[str, str, Series, bool]],  # name, colour, points, dashed
    log_x: bool = False,
) -> str:
    """A small line chart as inline SVG (no script, no external file)."""
    import math

    w, h, left, bottom, top, right = 520, 300, 64, 44, 30, 12
    pts = [p for _, _, s, _ in series for p in s]
    if not pts:
        return f"<p><b>{html.escape(title)}</b>: no data.</p>"

    def fx(x: float) -> float:
        return math.log2(x) if log_x and x > 0 else x

    xs = [fx(p[0]) for p in pts]
    ys = [p[1] for p in pts]
    x0, x1 = min(xs), max(xs)
    y1 = max(ys) * 1.08 or 1.0
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1

    def px(x: float) -> float:
        return left + (fx(x) - x0) / (x1 - x0) * (w - left - right)

    def py(y: float) -> float:
        return h - bottom - y / y1 * (h - bottom - top)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" role="img" '
        f'aria-label="{html.escape(title)}" font-family="sans-serif" font-size="11">',
        f'<text x="{w / 2}" y="16" text-anchor="middle" font-size="13">{html.escape(title)}</text>',
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="#444"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="#444"/>',
        f'<text x="{w / 2}" y="{h - 8}" text-anchor="middle">{html.escape(x_label)}</text>',
        f'<text x="14" y="{h / 2}" text-anchor="middle" transform="rotate(-90 14 {h / 2})">'
        f"{html.escape(y_label)}</text>",
    ]
    for i in range(5):
        y = y1 * i / 4
        out.append(
            f'<text x="{left - 4}" y="{py(y) + 4:.1f}" text-anchor="end">{y:,.3g}</text>'
            f'<line x1="{left}" y1="{py(y):.1f}" x2="{w - right}" y2="{py(y):.1f}" '
            'stroke="#ddd"/>'
        )
    for x in sorted({p[0] for p in pts}):
        out.append(f'<text x="{px(x):.1f}" y="{h - bottom + 14}" text-anchor="middle">{x:g}</text>')
    for n, (name, colour, points, dashed) in enumerate(series):
        if not points:
            continue
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in sorted(points))
        dash = ' stroke-dasharray="5,4"' if dashed else ""
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{path}"/>'
        )
        for x, y in points:
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3" fill="{colour}"/>')
        out.append(
            f'<text x="{left + 8}" y="{top + 12 + 13 * n}" fill="{colour}">'
            f"{html.escape(name)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _pts(run: BenchRun, y: Callable[[StepSummary], float | None]) -> Series:
    return [(s.value, v) for s in run.steps if (v := y(s)) is not None]


def chart_series(
    runs: Sequence[BenchRun],
) -> dict[str, list[tuple[str, str, Series, bool]]]:
    """The three charts' series: throughput, TTFT p50/p99, and the Pareto view."""
    thr, ttft, pareto = [], [], []
    for i, run in enumerate(runs):
        c = PALETTE[i % len(PALETTE)]
        thr.append((run.title, c, _pts(run, lambda s: s.output_throughput), False))
        ttft.append((f"{run.title} p50", c, _pts(run, lambda s: s.ttft_ms.p50), False))
        ttft.append((f"{run.title} p99", c, _pts(run, lambda s: s.ttft_ms.p99), True))
        points = [
            (s.output_throughput, s.tok_s_per_user.p50)
            for s in run.steps
            if s.output_throughput is not None and s.tok_s_per_user.p50 is not None
        ]
        pareto.append((run.title, c, points, False))
    return {"throughput": thr, "ttft": ttft, "pareto": pareto}


def _fmt(value: float | None, digits: int = 1) -> str:
    return "unknown" if value is None else f"{value:,.{digits}f}"


def html_report(
    runs: Sequence[BenchRun],
    published: Sequence[tuple[str, str, float, float]] = (),  # label, source, x, y
    generated: str = "",
) -> str:
    """One HTML file: answers, charts, a table per run, the settings and definitions."""
    if not runs:
        raise ValueError("no runs to report")
    mode = runs[0].steps[0].mode if runs[0].steps else "concurrency"
    x_label = "requests per second" if mode == "rate" else "concurrent requests"
    series = chart_series(runs)
    thr = list(series["throughput"])
    for label, source, x, y in published:
        thr.append((f"{label} (published: {source})", "#777777", [(x, y)], True))
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Inference Navigator benchmark report</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
        "color:#111;background:#fff}table{border-collapse:collapse;font-size:13px}"
        "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
        "th{background:#f3f3f3}.charts{display:flex;flex-wrap:wrap;gap:12px}"
        ".note{color:#555;font-size:13px}</style></head><body>",
        "<h1>Benchmark report</h1>",
        f"<p class='note'>Generated {html.escape(generated)} by Inference Navigator. Metric "
        f"definitions: {DOC} (TTFT to the first non-empty content; TPOT = (E2E − TTFT)/(N − 1) "
        "with N from the server's usage counts; percentiles by linear interpolation).</p>",
        "<div class='charts'>",
        _svg_chart(
            "Output throughput", x_label, "output tok/s (all users)", thr, log_x=mode != "rate"
        ),
        _svg_chart(
            "Time to first token, p50 and p99 (dashed)",
            x_label,
            "TTFT (ms)",
            series["ttft"],
            log_x=mode != "rate",
        ),
        _svg_chart(
            "Tokens/s per user against total tokens/s",
            "output tok/s (all users)",
            "tok/s per user (p50)",
            series["pareto"],
        ),
        "</div>",
    ]
    for run in runs:
        parts.append(f"<h2>{html.escape(run.title)}</h2>")
        parts.append(
            f"<p>{html.escape(run.engine)} {html.escape(run.engine_version)} · model "
            f"{html.escape(run.model)} · {html.escape(run.base_url)} · {run.api} · "
            f"slots {run.slots if run.slots else 'unknown'} · {html.escape(run.created)}"
            f"{' · cancelled' if run.cancelled else ''}</p><ul>"
        )
        for sentence in run.answers().sentences(run.slots):
            parts.append(f"<li>{html.escape(sentence)}</li>")
        parts.append("</ul><table><tr>")
        heads = (
            "step",
            "requests",
            "errors",
            "req/s",
            "out tok/s",
            "TTFT p50 ms",
            "TTFT p99 ms",
            "TPOT p50 ms",
            "ITL p99 ms",
            "tok/s/user p50",
            "goodput req/s",
            "SLO attained",
            "J/token",
            "stopped",
        )
        parts.append("".join(f"<th>{h}</th>" for h in heads) + "</tr>")
        for s in run.steps:
            cells = (
                f"{s.mode} {s.value:g}",
                f"{s.completed}/{s.requests}",
                ", ".join(f"{k} {v}" for k, v in s.errors.items()) or "0",
                _fmt(s.request_throughput, 2),
                _fmt(s.output_throughput),
                _fmt(s.ttft_ms.p50),
                _fmt(s.ttft_ms.p99),
                _fmt(s.tpot_ms.p50, 2),
                _fmt(s.itl_ms.p99, 2),
                _fmt(s.tok_s_per_user.p50),
                _fmt(s.goodput, 2),
                "unknown" if s.slo_attainment is None else f"{s.slo_attainment:.0%}",
                _fmt(s.energy_j_per_token, 3),
                s.stopped or "",
            )
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
        cfg = run.config
        parts.append(
            f"<p class='note'>Load: {cfg.mode}, {cfg.requests or '–'} requests or "
            f"{cfg.duration_s or '–'} s per step, warm-up {cfg.warmup}, input ≈{cfg.input_tokens} "
            f"tokens, output {cfg.output_tokens} tokens, objectives "
            f"{html.escape(cfg.slo.to_text() or 'none')}. Notes: "
            f"{html.escape(' '.join(run.notes) or 'none')}</p>"
        )
    if published:
        parts.append("<h2>Published figures drawn beside the runs</h2><ul>")
        for label, source, x, y in published:
            parts.append(
                f"<li>{html.escape(label)}: {y:,.0f} tok/s at {x:g} — {html.escape(source)}</li>"
            )
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
