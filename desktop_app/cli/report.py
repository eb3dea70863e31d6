"""`infernav report`: the decision report as a PDF or a self-contained HTML file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the report command."""
    p = sub.add_parser(
        "report",
        help="write the decision report (PDF or HTML) to hand to your team",
        description="Write the recommendation, its reasons, the side-by-side table, costs, "
        "models that fit, your measurements and the charts, every figure with its source, "
        "to one PDF or HTML file. The file embeds its scenario, so --scenario reopens it.",
    )
    p.add_argument("--out", type=Path, required=True, help="FILE.pdf or FILE.html")
    p.add_argument(
        "--scenario",
        type=Path,
        help="a scenario file (saved from a report or the Costs view); default: no answers",
    )
    p.add_argument(
        "--page-size",
        choices=("a4", "letter"),
        help="paper size of the PDF (default: Letter in the US and Canada, else A4)",
    )
    p.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    """Write the report and print where it is."""
    from desktop_app.domain.cost.inputs import ScenarioError
    from desktop_app.domain.report.scenario import ReportScenario
    from desktop_app.domain.report.target import check_target
    from desktop_app.errors import UserError
    from desktop_app.services.report.gather import read_scenario
    from desktop_app.ui.report.headless import export_report

    check_target(args.out)
    try:
        scenario = read_scenario(args.scenario) if args.scenario else ReportScenario()
    except ScenarioError as exc:
        raise UserError(str(exc)) from None
    print(export_report(args.out, scenario, args.page_size))
    return 0
