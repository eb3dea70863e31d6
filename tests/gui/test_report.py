"""The decision report as a user gets it: a PDF to print, an HTML page to send, one sentence
when it cannot be saved. PDFs are checked with poppler (pdftoppm, pdftotext, pdfinfo)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtGui import QImage

from desktop_app.domain.report.model import Report
from desktop_app.domain.report.scenario import ReportScenario, scenario_from_json
from desktop_app.domain.report.target import ReportError
from desktop_app.services.report.gather import gather
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.report.charts import chart_images
from desktop_app.ui.report.dialog import open_scenario, start_export
from desktop_app.ui.report.export import write_report
from desktop_app.ui.report.html import SCENARIO_ID
from tests.unit.report.test_scenario import SCENARIO as REPORTED

SCENARIO = REPORTED  # the unit tests' scenario: 500 users in India on 2 planned A100s
POPPLER = all(shutil.which(t) for t in ("pdftoppm", "pdftotext", "pdfinfo"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (scripts/test installs it)")


@pytest.fixture(scope="module")
def report(qapp, bundled_store) -> Report:  # type: ignore[no-untyped-def]
    return gather(bundled_store, None, SCENARIO, None)


@pytest.fixture(scope="module")
def images(report: Report) -> dict[str, bytes]:
    return chart_images(report)


def _inked(png: Path) -> int:
    """How many pixels of a page image are darker than light grey."""
    img = QImage(str(png)).convertToFormat(QImage.Format.Format_Grayscale8)
    return sum(1 for b in bytes(img.constBits()) if b < 200)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


def test_charts_are_drawn_by_the_app_and_are_not_blank(images: dict[str, bytes]) -> None:
    assert set(images) == {"monthly-cost", "cumulative-cost"}
    for png in images.values():
        img = QImage.fromData(png)
        assert img.width() >= 800
        colours = {
            img.pixel(x, y) for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)
        }
        assert len(colours) > 20, "a chart with bars and lines has many colours"


@needs_poppler
@pytest.mark.parametrize(("size", "points"), [("a4", "595 x 842"), ("letter", "612 x 792")])
def test_the_pdf_has_the_answer_the_costs_and_every_source(
    report: Report, images: dict[str, bytes], tmp_path: Path, size: str, points: str
) -> None:
    pdf = write_report(tmp_path / "decision.pdf", report, images, size)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert points in info.stdout and "Inference framework decision" in info.stdout
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for page in pages:  # every page has something printed on it
        assert _inked(page) > 50, f"{page.name} is blank"
    text = _flat(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert _flat(report.headline) in text
    assert _flat(report.cost_bottom_line) in text
    missing = [s.id for s in report.sources if s.id not in text]
    assert not missing, missing
    assert "Oldest price used" in text


@needs_poppler
def test_the_pdf_carries_its_scenario_as_an_attachment(report, images, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = write_report(tmp_path / "decision.pdf", report, images)
    listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True)
    assert "infernav-scenario.json" in listing.stdout
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(pdf)], check=True)
    attached = json.loads((tmp_path / "infernav-scenario.json").read_text(encoding="utf-8"))
    assert scenario_from_json(attached).answers == SCENARIO.answers


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scenario: str | None = None
        self.images: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("id") == SCENARIO_ID:
            assert a.get("type") == "application/json"
            self._in_script = True
            self.scenario = ""
        if tag == "img":
            self.images.append(a.get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and self.scenario is not None:
            self.scenario += data


def test_the_html_is_self_contained_and_its_scenario_round_trips(
    report, images, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = write_report(tmp_path / "decision.html", report, images)
    html = page.read_text(encoding="utf-8")
    parser = _Page()
    parser.feed(html)
    assert parser.scenario is not None
    got = scenario_from_json(json.loads(parser.scenario))
    assert got.answers == SCENARIO.answers and got.cost == SCENARIO.cost
    assert got.hardware == SCENARIO.hardware
    assert len(parser.images) == 2 and all(
        s.startswith("data:image/png;base64,") for s in parser.images
    )
    assert "http://" not in re.sub(r"<script.*?</script>", "", html, flags=re.S).split("<body>")[0]
    again = gather_again(got)
    assert again.headline == report.headline and again.cost_bottom_line == report.cost_bottom_line


def gather_again(scenario: ReportScenario) -> Report:
    from desktop_app.services.stores import open_bundled

    return gather(open_bundled(), None, scenario, None)


@pytest.mark.parametrize("where", ["not-a-folder", "wrong-name"])
def test_a_target_that_cannot_be_written_is_one_sentence(
    report, images, tmp_path: Path, where: str
) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine", encoding="utf-8")
    target = blocker / "decision.pdf" if where == "not-a-folder" else tmp_path / "decision.docx"
    with pytest.raises(ReportError) as err:
        write_report(target, report, images)
    message = str(err.value)
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert blocker.read_text(encoding="utf-8") == "mine"
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "home")
    assert left == ["notes.txt"], "nothing half-written"


def test_file_export_report_writes_what_the_decide_view_shows(
    window: MainWindow, tmp_path: Path, qtbot: Any
) -> None:
    assert "Export report…" in [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    decide = window.show_view("decide")
    decide.budget.setCurrentIndex(decide.budget.findData("cluster"))
    decide.users.setValue(1000)
    target = tmp_path / "for-my-team.html"
    assert start_export(window, target)
    qtbot.waitUntil(target.is_file, timeout=20_000)  # charts are drawn one per event-loop turn
    assert "Saved the report as for-my-team.html" in window.statusBar().currentMessage()
    parser = _Page()
    parser.feed(target.read_text(encoding="utf-8"))
    got = scenario_from_json(json.loads(parser.scenario or ""))
    assert got.answers == decide.answers()
    assert decide.recommendation.top.name in target.read_text(encoding="utf-8")


def test_file_export_report_to_a_bad_place_says_so_in_the_banner(
    window: MainWindow, tmp_path: Path, qtbot: Any
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    start_export(window, blocker / "report.pdf")
    qtbot.waitUntil(lambda: window.banner.isVisibleTo(window), timeout=20_000)
    text = window.banner.label.text()
    assert text.startswith("Could not save the report as report.pdf") and "\n" not in text


@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_opening_a_report_shows_the_answer_it_reports(
    suffix: str,
    report: Report,
    images: dict[str, bytes],
    window: MainWindow,
    tmp_path: Path,
    qtbot: Any,
) -> None:
    path = write_report(tmp_path / f"for-my-team{suffix}", report, images, "a4")
    decide = window.show_view("decide")
    assert decide.answers() != SCENARIO.answers  # a fresh window answers nothing yet
    open_scenario(window, path)
    qtbot.waitUntil(lambda: decide.answers() == SCENARIO.answers, timeout=20_000)
    assert decide.custom_weights == dict(SCENARIO.weights or {})
    assert window.current_view() is decide
    assert window.ctx.hardware.profile.gpus[0].name == "A100 80GB (SXM4)"
    assert len(window.ctx.hardware.profile.gpus) == 2
    assert window.view("costs").collect() == SCENARIO.cost
    top = decide.recommendation.top.name
    assert top in report.headline and f"{top} comes first" in window.statusBar().currentMessage()


def test_a_file_without_a_scenario_is_one_sentence_and_changes_nothing(
    window: MainWindow, tmp_path: Path, qtbot: Any
) -> None:
    decide = window.show_view("decide")
    decide.users.setValue(40)
    before = decide.answers()
    page = tmp_path / "holiday.html"
    page.write_text("<html><body><p>Not a report</p></body></html>", encoding="utf-8")
    open_scenario(window, page)
    qtbot.waitUntil(lambda: window.banner.isVisibleTo(window), timeout=20_000)
    assert window.banner.label.text() == (
        "holiday.html is a web page without an Inference Navigator scenario."
    )
    pdf = tmp_path / "other.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")
    open_scenario(window, pdf)
    qtbot.waitUntil(
        lambda: "other.pdf is a PDF without" in window.banner.label.text(), timeout=20_000
    )
    assert decide.answers() == before
