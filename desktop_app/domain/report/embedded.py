"""The scenario inside a file: a scenario JSON, a report's HTML, or a report's PDF.

The HTML report carries it in `<script type="application/json" id="infernav-scenario">`;
the PDF report as the attached file `infernav-scenario.json` (an embedded-file stream, Flate
compressed, as Qt's PDF writer stores it). Only what the app itself writes is read: the PDF
is searched for embedded-file streams, never parsed as a whole document. Every step is
bounded by the input's size and MAX_SCENARIO_CHARS.
"""

from __future__ import annotations

import json
import re
import zlib
from html.parser import HTMLParser
from typing import Any

from desktop_app.domain.cost.inputs import ScenarioError

SCENARIO_ID = "infernav-scenario"  # the HTML report's script element
SCENARIO_ATTACHMENT = "infernav-scenario.json"  # the PDF report's attached file
MAX_SCENARIO_CHARS = 1_000_000

_EMBEDDED = re.compile(rb"/EF\s*<<\s*/F\s+(\d{1,9})\s+0\s+R")
_STREAM = re.compile(rb"stream\r?\n")


class _ScenarioScript(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self._inside = False
        self.text: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and names.get("id") == SCENARIO_ID and self.text is None:
            self._inside = True
            self.text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside and self.text is not None and len(self.text) < MAX_SCENARIO_CHARS:
            self.text += data


def _from_html(text: str, name: str) -> str:
    parser = _ScenarioScript()
    parser.feed(text)
    parser.close()
    if not parser.text:
        raise ScenarioError(f"{name} is a web page without an Inference Navigator scenario.")
    return parser.text


def _from_pdf(raw: bytes, name: str) -> str:
    for match in _EMBEDDED.finditer(raw):
        start = raw.find(b"\n" + match.group(1) + b" 0 obj")
        if start < 0:
            continue
        stream = _STREAM.search(raw, start, start + 2_000)
        if stream is None:
            continue
        header = raw[start : stream.start()]
        body = raw[stream.end() : stream.end() + MAX_SCENARIO_CHARS * 4]
        try:
            if b"/FlateDecode" in header:
                data = zlib.decompressobj().decompress(body, MAX_SCENARIO_CHARS)
            else:
                data = body[: body.find(b"endstream")]
            text = data.decode("utf-8")
            json.loads(text)
        except (zlib.error, UnicodeDecodeError, ValueError):
            continue
        return text
    raise ScenarioError(f"{name} is a PDF without an Inference Navigator scenario attached.")


def scenario_document(raw: bytes, name: str) -> Any:
    """The scenario JSON document in `raw` (a file called `name`); ScenarioError if none."""
    if raw.startswith(b"%PDF"):
        text = _from_pdf(raw, name)
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"{name} is damaged: it is not a scenario or a report.") from exc
        if text.lstrip()[:1] == "<":
            text = _from_html(text, name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"{name} is damaged: its scenario is not valid JSON.") from exc
