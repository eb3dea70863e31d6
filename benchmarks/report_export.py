"""How long a report takes, step by step, and which steps hold the GUI thread.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python benchmarks/report_export.py [--runs 5]

File → Export report… gathers on the background helper, draws the charts on the GUI thread
(the app's chart widgets; the target is under 50 ms per chart) and writes the file on the
background helper. This prints the median of each step and the PDF's page count and size.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from desktop_app.domain.cost.inputs import CostInputs, Workload
from desktop_app.domain.decide.guide import Answers
from desktop_app.domain.report.scenario import PlannedHardware, ReportScenario
from desktop_app.services.report.gather import gather
from desktop_app.services.stores import open_bundled
from desktop_app.ui.report.charts import encode_png, snapshot
from desktop_app.ui.report.export import render_pdf, write_report
from desktop_app.ui.report.headless import ensure_application

SCENARIO = ReportScenario(
    answers=Answers(budget="one-or-two-gpus", time="week", users=500, hardware="nvidia"),
    cost=CostInputs(region="in", workload=Workload(kind="users", users=500.0)),
    hardware=PlannedHardware(gpu="A100 80GB (SXM4)", count=2),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ensure_application()
    store = open_bundled()
    steps: dict[str, list[float]] = {
        "gather": [],
        "one chart (GUI thread)": [],
        "all charts + PNG": [],
        "pdf": [],
        "html": [],
    }
    pdf = b""
    for _ in range(args.runs):
        t0 = time.perf_counter()
        report = gather(store, None, SCENARIO, None)
        t1 = time.perf_counter()
        images = {}
        for chart in report.charts:
            c0 = time.perf_counter()
            image = snapshot(report, chart)
            steps["one chart (GUI thread)"].append((time.perf_counter() - c0) * 1000)
            if image is not None:
                images[chart.key] = encode_png(image)
        t2 = time.perf_counter()
        pdf = render_pdf(report, images)
        t3 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            write_report(Path(tmp) / "r.html", report, images)
        t4 = time.perf_counter()
        for key, a, b in (
            ("gather", t0, t1),
            ("all charts + PNG", t1, t2),
            ("pdf", t2, t3),
            ("html", t3, t4),
        ):
            steps[key].append((b - a) * 1000)
    for key, values in steps.items():
        print(f"{key:22} median {statistics.median(values):7.1f} ms  max {max(values):7.1f} ms")
    print(
        f"charts per report: {len(report.charts)}; PDF {len(pdf) / 1024:.0f} KiB, "
        f"{pdf.count(b'/Type /Page') - pdf.count(b'/Type /Pages')} pages (A4)"
    )


if __name__ == "__main__":
    main()
