"""File → Export report…: the answer on screen, written to a PDF or HTML file.

The report is gathered on the background helper, its charts drawn on the GUI thread (the
app's chart widgets), and the file written on the background helper again. Whatever
happens, the user is told in one sentence in the status bar (and the banner if it failed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QFileDialog

from desktop_app.domain.cost.inputs import CostInputs, InputError, ScenarioError
from desktop_app.domain.decide.guide import Answers
from desktop_app.domain.report.model import Chart, Report
from desktop_app.domain.report.scenario import ReportScenario
from desktop_app.domain.report.target import ReportError, check_target
from desktop_app.services.report.gather import (
    gather,
    planned_of,
    planned_profile,
    read_scenario,
)
from desktop_app.ui.report.charts import encode_png, snapshot
from desktop_app.ui.report.export import write_report
from desktop_app.ui.report.headless import locale_page_size

FILTERS = "PDF document (*.pdf);;Web page, self-contained (*.html)"
JOB_KEY = "export-report"
log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from desktop_app.domain.hardware.profile import HardwareProfile
    from desktop_app.ui.main_window import MainWindow


def scenario_on_screen(window: MainWindow) -> tuple[ReportScenario, list[str]]:
    """The Decide answers and the Costs inputs as the user left them (defaults if unopened)."""
    notes: list[str] = []
    answers, weights = Answers(), None
    from desktop_app.ui.views.cost.view import CostsView
    from desktop_app.ui.views.decide.view import DecideView

    decide = window.views.get("decide")
    if isinstance(decide, DecideView):
        answers = decide.answers()
        weights = decide.custom_weights
    cost = CostInputs()
    costs = window.views.get("costs")
    if isinstance(costs, CostsView):
        try:
            cost = costs.collect()
        except InputError as exc:
            notes.append(f"The Costs view has a field to fix ({exc.message}); default costs used.")
    profile = window.ctx.hardware.profile if window.ctx else None
    scenario = ReportScenario(
        answers=answers,
        cost=cost,
        weights=dict(weights) if weights else None,
        hardware=planned_of(profile),
    )
    return scenario, notes


def _status(window: MainWindow, text: str) -> None:
    window.statusBar().showMessage(text)


def start_export(window: MainWindow, path: Path, page_size: str | None = None) -> bool:
    """Export the report to `path` in the background; False (and a message) if it cannot."""
    ctx = window.ctx
    try:
        check_target(path)
    except ReportError as exc:
        window.banner.show_message(str(exc))
        return False
    if ctx is None:
        _status(window, "The data is still loading; export the report in a moment.")
        return False
    scenario, notes = scenario_on_screen(window)
    stores, profile = ctx.stores, ctx.hardware.profile
    size = page_size or locale_page_size()

    def failed(exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, ReportError) else f"The report was not saved: {exc}"
        _status(window, message)
        window.banner.show_message(message)

    def built(report: Report) -> None:
        report = replace(report, notes=(*notes, *report.notes))
        _draw(window, report, list(report.charts), {}, lambda images: write(report, images))

    def write(report: Report, images: dict[str, QImage]) -> None:
        ctx.runner.submit(
            lambda: write_report(path, report, {k: encode_png(v) for k, v in images.items()}, size),
            lambda saved: _status(window, f"Saved the report as {saved.name}."),
            failed,
            key=JOB_KEY,
        )

    _status(window, f"Writing the report to {path.name}…")
    ctx.runner.submit(
        lambda: gather(stores.bundled, stores.user, scenario, profile), built, failed, key=JOB_KEY
    )
    return True


def _draw(
    window: MainWindow,
    report: Report,
    todo: list[Chart],
    done: dict[str, QImage],
    then: Callable[[dict[str, QImage]], None],
) -> None:
    """Draw the charts one per turn of the event loop (the GUI never waits for all)."""
    if not todo:
        then(done)
        return
    chart = todo.pop(0)
    try:
        image = snapshot(report, chart)
    except Exception:  # a chart that cannot be drawn leaves the report without it, logged
        log.exception("Could not draw the report chart %s", chart.key)
        image = None
    if image is not None:
        done[chart.key] = image
    QTimer.singleShot(0, window, lambda: _draw(window, report, todo, done, then))


def open_scenario(window: MainWindow, path: Path) -> None:
    """Show the answer a scenario or a report file describes: its Decide answers, its costs
    and its planned hardware; a bad file gets one sentence and changes nothing."""
    ctx = window.ctx
    if ctx is None:
        _status(window, "The data is still loading; open the scenario in a moment.")
        return
    bundled = ctx.stores.bundled

    def read() -> tuple[ReportScenario, HardwareProfile | None]:
        scenario = read_scenario(path)
        return scenario, planned_profile(bundled, scenario.hardware)

    def failed(exc: BaseException) -> None:
        message = str(exc) if isinstance(exc, ScenarioError) else f"{path.name}: {exc}"
        _status(window, message)
        window.banner.show_message(message)

    def opened(result: tuple[ReportScenario, HardwareProfile | None]) -> None:
        from desktop_app.ui.views.cost.view import CostsView
        from desktop_app.ui.views.decide.view import DecideView

        scenario, planned = result
        if planned is not None:
            ctx.hardware.set_active(planned)
        costs = window.view("costs")
        if isinstance(costs, CostsView):
            costs.open_inputs(scenario.cost)
        decide = window.show_view("decide")
        if isinstance(decide, DecideView):
            decide.set_answers(scenario.answers, scenario.weights)
            rec = decide.recommendation
            answer = f": {rec.top.name} comes first" if rec is not None else ""
            _status(window, f"Opened the scenario of {path.name}{answer}.")

    ctx.runner.submit(read, opened, failed, key=JOB_KEY)


def ask_and_open(window: MainWindow) -> None:
    """File → Open scenario…: a scenario file, or a report (HTML or PDF) the app wrote."""
    name, _ = QFileDialog.getOpenFileName(
        window,
        "Open a scenario or a report",
        "",
        "Scenario or report (*.json *.html *.htm *.pdf);;All files (*)",
    )
    if name:
        open_scenario(window, Path(name))


def ask_and_export(window: MainWindow) -> None:
    """Ask where to save, then export (the File menu's action)."""
    name, chosen = QFileDialog.getSaveFileName(
        window, "Export report", "inference-decision.pdf", FILTERS
    )
    if not name:
        return
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(".html" if "html" in chosen else ".pdf")
    start_export(window, path)
