"""Open what a report needs (blocking: a job for the background helper or the CLI)."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from desktop_app import __version__
from desktop_app.domain.cost.inputs import ScenarioError
from desktop_app.domain.hardware.plan import find_gpu, planned_cpu_profile, planned_gpu_profile
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.report.embedded import scenario_document
from desktop_app.domain.report.model import Report
from desktop_app.domain.report.scenario import PlannedHardware, ReportScenario, scenario_from_json
from desktop_app.services.cost import cost_overrides, read_regular_file
from desktop_app.services.report.build import Measured, build_report
from desktop_app.storage.bundled.store import BundledStore
from desktop_app.storage.user.store import UserStore

log = logging.getLogger(__name__)
MAX_REPORT_BYTES = 64_000_000  # a report with its charts is a few MB at most


def data_label() -> str:
    """Which data the answer comes from: the imported pack, else the bundled data."""
    from desktop_app.services.datapack import active_pack

    pack = active_pack()
    if pack is not None:
        return f"data pack {pack.manifest.label}"
    return f"data bundled with Inference Navigator {__version__}"


def read_scenario(path: Path) -> ReportScenario:
    """The scenario of a scenario file or of a report (HTML or PDF) the app wrote;
    ScenarioError says in one sentence what is wrong."""
    raw = read_regular_file(path, MAX_REPORT_BYTES, "a scenario or a report")
    return scenario_from_json(scenario_document(raw, path.name))


def planned_profile(store: BundledStore, planned: PlannedHardware) -> HardwareProfile | None:
    """The planned machine of a scenario; None when it is this machine."""
    if planned.gpu is not None:
        gpu = find_gpu(store.gpus(), planned.gpu)
        if gpu is None:
            raise ScenarioError(f"The scenario plans a GPU the catalogue lacks: {planned.gpu}.")
        return planned_gpu_profile(gpu, planned.count)
    if planned.cpu_cores is not None:
        return planned_cpu_profile(planned.cpu_cores)
    return None


def planned_of(profile: HardwareProfile | None) -> PlannedHardware:
    """How a scenario records a profile: this machine, or what was planned."""
    if profile is None or not profile.planned:
        return PlannedHardware()
    if profile.gpus:
        return PlannedHardware(gpu=profile.gpus[0].name, count=len(profile.gpus))
    return PlannedHardware(cpu_cores=profile.cpu.physical_cores or 1)


def measured(user: UserStore | None) -> Measured:
    """The user's trials and kept benchmark runs; unreadable ones are left out, logged."""
    from desktop_app.services.bench.kept import kept_bench_runs

    trials, runs = [], []
    try:
        trials = user.trials() if user is not None else []
    except Exception:  # the report still has everything else
        log.exception("Could not read the trials for the report")
    try:
        runs = kept_bench_runs()
    except Exception:
        log.exception("Could not read the benchmark runs for the report")
    return Measured(trials=tuple(trials), bench_runs=tuple(runs))


def gather(
    bundled: BundledStore,
    user: UserStore | None,
    scenario: ReportScenario,
    profile: HardwareProfile | None,
) -> Report:
    """The report: the scenario's planned hardware if it has one, else `profile`."""
    planned = planned_profile(bundled, scenario.hardware)
    now = data_label()
    notes: tuple[str, ...] = ()
    if scenario.data and scenario.data != now:
        notes = (f"The scenario was made with {scenario.data}; this report uses {now}.",)
    scenario = replace(scenario, data=now)
    overrides = cost_overrides(user) if user is not None else None
    report = build_report(bundled, scenario, planned or profile, measured(user), overrides)
    return replace(report, notes=(*notes, *report.notes))
