"""The report as HTML: one self-contained file (charts as data: URIs), or the PDF's source.

The same markup feeds the browser and Qt's rich-text engine (which prints the PDF), so it
keeps to what QTextDocument understands: tables with borders and padding, headings, simple
CSS. Black on white, for light print.
"""

from __future__ import annotations

import base64
import json
from html import escape

from desktop_app.domain.report.embedded import SCENARIO_ID
from desktop_app.domain.report.model import Cited, Report, Table

CSS = """
body { font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; color: #000;
  background: #fff; font-size: 10pt; max-width: 60em; margin: 1em auto; line-height: 1.35; }
h1 { font-size: 18pt; margin: 0 0 4pt 0; }
h2 { font-size: 13pt; margin: 14pt 0 4pt 0; border-bottom: 1px solid #888; }
.headline { font-size: 14pt; font-weight: bold; margin: 6pt 0; }
.bottom { font-size: 11pt; font-weight: bold; }
.muted { color: #444; }
table { border-collapse: collapse; margin: 4pt 0; }
th { background: #e5e5e5; text-align: left; }
th, td { border: 1px solid #888; padding: 3px 5px; vertical-align: top; }
sup { color: #333; font-size: 8pt; }
img { max-width: 100%; }
.appendix { page-break-before: always; }
pre { font-size: 7pt; white-space: pre-wrap; }
.source { font-size: 8pt; margin: 0 0 5pt 0; }
"""


def _refs(item: Cited, numbers: dict[str, int]) -> str:
    """Superscript source numbers, e.g. [3, 7]; the appendix lists them."""
    nums = [numbers[s] for s in item.sources if s in numbers]
    return f"<sup>[{', '.join(str(n) for n in nums)}]</sup>" if nums else ""


def _cited(item: Cited, numbers: dict[str, int]) -> str:
    return escape(item.text) + _refs(item, numbers)


def _list(items: tuple[Cited, ...], numbers: dict[str, int], empty: str) -> str:
    if not items:
        return f"<p class='muted'>{escape(empty)}</p>"
    lis = "".join(f"<li>{_cited(i, numbers)}</li>" for i in items)
    return f"<ul>{lis}</ul>"


def _table(table: Table, numbers: dict[str, int]) -> str:
    if not table.rows:
        return f"<p class='muted'>{escape(table.empty)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cited(c, numbers)}</td>" for c in row) + "</tr>"
        for row in table.rows
    )
    note = f"<p class='muted'>{escape(table.note)}</p>" if table.note else ""
    return (
        f"<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"
    )


def scenario_text(report: Report) -> str:
    """The embedded scenario as JSON text (indented, so it reads on the appendix page)."""
    return json.dumps(report.scenario, indent=2, ensure_ascii=False)


def render_html(report: Report, images: dict[str, bytes], *, for_pdf: bool = False) -> str:
    """The report as HTML; `for_pdf` refers to images by name (Qt adds them as resources)."""
    numbers = {s.id: i for i, s in enumerate(report.sources, start=1)}
    parts = [
        f"<h1>{escape(report.title)}</h1>",
        f"<p class='muted'>Made on {escape(report.created)} with Inference Navigator "
        f"{escape(report.app_version)} from {escape(report.data)}. Numbers in brackets point "
        "to the Sources at the end.</p>",
        f"<p class='headline'>{escape(report.headline)}</p>",
        f"<p class='bottom'>{escape(report.cost_bottom_line)}</p>",
    ]
    parts += [f"<p class='muted'>{escape(n)}</p>" for n in report.notes]
    parts.append("<h2>The machine</h2>" + _list(report.machine, numbers, "unknown"))
    answers = "".join(
        f"<tr><td>{escape(q)}</td><td>{escape(a)}</td></tr>" for q, a in report.answers
    )
    parts.append(
        "<h2>Your answers</h2><table border='1' cellspacing='0' cellpadding='4'>"
        f"<tbody>{answers}</tbody></table>"
    )
    parts.append("<h2>Why this framework</h2>" + _list(report.reasons, numbers, "No reasons."))
    parts.append(
        "<h2>Not for you, because…</h2>"
        + _list(report.excluded, numbers, "No framework is excluded for this hardware.")
    )
    parts.append("<h2>The ranking</h2>" + _table(report.ranking, numbers))
    parts.append(
        "<h2>Where the guide contradicts itself or current facts</h2>"
        + _list(report.contradictions, numbers, "No contradiction affected this answer.")
    )
    parts.append("<h2>Side by side</h2>" + _table(report.comparison, numbers))
    parts.append(
        "<h2>Costs</h2>"
        f"<p class='bottom'>{escape(report.cost_bottom_line)}</p>"
        + _table(report.cost_table, numbers)
        + _list(report.cost_notes, numbers, "")
        + f"<p><b>Data freshness.</b> {_cited(report.freshness, numbers)}</p>"
    )
    for chart in report.charts:
        png = images.get(chart.key)
        if png is None:
            continue
        src = (
            chart.key + ".png"
            if for_pdf
            else ("data:image/png;base64," + base64.b64encode(png).decode("ascii"))
        )
        cite = _refs(Cited("", chart.sources), numbers)
        parts.append(
            f"<h3>{escape(chart.title)}</h3><p><img src='{src}' width='640' "
            f"alt='{escape(chart.title)}'></p><p class='muted'>{escape(chart.caption)}{cite}</p>"
        )
    parts.append("<h2>Models that fit</h2>" + _table(report.models, numbers))
    parts.append("<h2>Measured on your machines: trials</h2>" + _table(report.trials, numbers))
    parts.append(
        "<h2>Measured on your machines: benchmark runs</h2>" + _table(report.bench, numbers)
    )
    entries = "".join(
        f"<p class='source'><b>[{i}] {escape(s.id)}</b><br>"
        f"{escape(s.text).replace(chr(10), '<br>')}</p>"
        for i, s in enumerate(report.sources, start=1)
    )
    parts.append(
        "<h2 class='appendix'>Sources</h2><p class='muted'>Each figure's source and the date it "
        f"was observed or retrieved.</p>{entries}"
    )
    scenario = scenario_text(report)
    parts.append(
        "<h2 class='appendix'>The scenario</h2><p class='muted'>Open this report with "
        "Inference Navigator's File → Open scenario or report… (or <i>infernav report "
        f"--scenario</i>) to see the same answer.</p><pre>{escape(scenario)}</pre>"
    )
    body = "\n".join(parts)
    safe = scenario.replace("</", "<\\/")  # JSON's own escape: the script cannot end early
    embedded = (
        "" if for_pdf else f'<script type="application/json" id="{SCENARIO_ID}">{safe}</script>'
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(report.title)}</title><style>{CSS}</style>{embedded}</head>"
        f"<body>{body}</body></html>"
    )
