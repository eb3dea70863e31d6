"""`infernav report` without a window: a QApplication for the charts, offscreen if need be."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication

from desktop_app.domain.report.model import default_page_size
from desktop_app.domain.report.scenario import ReportScenario
from desktop_app.domain.report.target import check_target
from desktop_app.ui.report.charts import chart_images
from desktop_app.ui.report.export import write_report


def ensure_application() -> QApplication:
    """The running QApplication, or a new one (offscreen when there is no display)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and no_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # an empty setting counts as none
    return QApplication(["infernav"])


def locale_page_size() -> str:
    """Letter in the United States and Canada, A4 elsewhere (from the system locale)."""
    territory = QLocale.territoryToCode(QLocale.system().territory())
    return default_page_size(territory)


def export_report(
    out: Path,
    scenario: ReportScenario,
    page_size: str | None = None,
) -> Path:
    """Gather, draw and write the report for `scenario` to `out` (blocking)."""
    from desktop_app.services.hardware import probe_hardware
    from desktop_app.services.report.gather import gather, planned_profile
    from desktop_app.services.stores import open_bundled, open_user

    check_target(out)  # a wrong name is said before any work
    ensure_application()
    bundled = open_bundled()
    user = open_user()
    try:
        planned = planned_profile(bundled, scenario.hardware)
        profile = planned if planned is not None else probe_hardware()
        report = gather(bundled, user, scenario, profile)
    finally:
        user.close()
    return write_report(out, report, chart_images(report), page_size or locale_page_size())
