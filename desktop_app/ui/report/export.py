"""Write a report as PDF (Qt's own PDF writer) or as one self-contained HTML file.

`render_pdf` and `write_report` need no widget, so they may run on the background helper;
the chart images are drawn first, on the GUI thread (`charts.chart_images`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from desktop_app.domain.report.embedded import SCENARIO_ATTACHMENT
from desktop_app.domain.report.model import PAGE_SIZES, Report
from desktop_app.domain.report.target import ReportError, check_target
from desktop_app.ui.report.html import render_html, scenario_text

_PAGES = {"a4": QPageSize.PageSizeId.A4, "letter": QPageSize.PageSizeId.Letter}
PDF_DPI = 300


def render_pdf(report: Report, images: dict[str, bytes], page_size: str = "a4") -> bytes:
    """The report as PDF bytes: paginated, the scenario attached and on its last page."""
    if page_size not in PAGE_SIZES:
        raise ReportError(f"The page size must be A4 or Letter, not “{page_size}”.")
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(PDF_DPI)
    writer.setTitle(report.title)
    writer.setCreator(f"Inference Navigator {report.app_version}")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(_PAGES[page_size]),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.addFileAttachment(
        SCENARIO_ATTACHMENT, QByteArray(scenario_text(report).encode()), "application/json"
    )
    doc = QTextDocument()
    # Measure the text at the printer's resolution, on the printable width: what is laid
    # out is what prints, with no scaling between a screen's DPI and the page's.
    doc.documentLayout().setPaintDevice(writer)
    for key, png in images.items():
        doc.addResource(
            QTextDocument.ResourceType.ImageResource.value,
            QUrl(f"{key}.png"),
            QImage.fromData(png),
        )
    doc.setHtml(render_html(report, images, for_pdf=True))
    doc.setPageSize(writer.pageLayout().paintRectPixels(PDF_DPI).size().toSizeF())
    doc.print_(writer)
    del writer  # ends the PDF (writes its trailer) before the bytes are read
    buf.close()
    return bytes(data.data())


def report_bytes(report: Report, images: dict[str, bytes], kind: str, page_size: str) -> bytes:
    """The file's content for "pdf" or "html"."""
    if kind == "pdf":
        return render_pdf(report, images, page_size)
    return render_html(report, images).encode("utf-8")


def write_report(
    path: Path, report: Report, images: dict[str, bytes], page_size: str = "a4"
) -> Path:
    """Write the report to `path` (whole or not at all); ReportError says why it could not."""
    kind = check_target(path)
    content = report_bytes(report, images, kind, page_size)
    folder = path.parent if str(path.parent) else Path(".")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=path.suffix, dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise ReportError(f"Could not save the report as {path.name}: {reason}.") from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return path
