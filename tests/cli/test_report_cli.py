"""`infernav report` as a user runs it: headless, one sentence on a mistake."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_cli import infernav

SCENARIO = {
    "format": "infernav-cost-scenario",
    "version": 1,
    "inputs": {"region": "sg", "workload": {"kind": "rps", "load_rps": 50}},
    "decide": {"budget": "no-gpu", "time": "today", "users": 3, "hardware": "cpu"},
    "hardware": {"cpu_cores": 16},
}


def test_report_writes_a_pdf_without_a_display(tmp_path: Path) -> None:
    scenario = tmp_path / "workshop.json"
    scenario.write_text(json.dumps(SCENARIO), encoding="utf-8")
    out = tmp_path / "decision.pdf"
    env = {"QT_QPA_PLATFORM": "", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
    run = infernav("report", "--out", str(out), "--scenario", str(scenario), env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == str(out)
    assert out.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
        assert "Planned: CPU only, 16 cores" in text and "S$" in text


def test_report_html_embeds_the_scenario_it_was_given(tmp_path: Path) -> None:
    scenario = tmp_path / "workshop.json"
    scenario.write_text(json.dumps(SCENARIO), encoding="utf-8")
    out = tmp_path / "decision.html"
    run = infernav("report", "--out", str(out), "--scenario", str(scenario))
    assert run.returncode == 0, run.stderr
    html = out.read_text(encoding="utf-8")
    start = html.index('id="infernav-scenario">') + len('id="infernav-scenario">')
    embedded = json.loads(html[start : html.index("</script>", start)])
    assert embedded["decide"]["budget"] == "no-gpu" and embedded["hardware"] == {"cpu_cores": 16}
    assert embedded["inputs"]["region"] == "sg"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--out", "decision.docx"], "must end in .pdf or .html"),
        (["--out", "x.pdf", "--scenario", "missing.json"], "Could not read missing.json"),
        (["--out", "x.pdf", "--page-size", "a3"], "invalid choice"),
    ],
)
def test_report_mistakes_are_one_sentence(tmp_path: Path, args: list[str], words: str) -> None:
    run = infernav("report", *[str(tmp_path / a) if a.endswith(".json") else a for a in args])
    assert run.returncode == 2
    assert words in run.stderr and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr


def test_a_damaged_scenario_is_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SCENARIO, "decide": {"budget": "a-yacht"}}), encoding="utf-8")
    run = infernav("report", "--out", str(tmp_path / "x.html"), "--scenario", str(bad))
    assert run.returncode == 2 and "does not know" in run.stderr
    assert not (tmp_path / "x.html").exists()
