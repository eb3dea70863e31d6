"""Where a report may be written: its file name says its format."""

from __future__ import annotations

from pathlib import Path

from desktop_app.errors import UserError

FORMATS = (".pdf", ".html", ".htm")


class ReportError(UserError):
    """The report cannot be written there, in one sentence."""


def check_target(path: Path) -> str:
    """The format for `path` ("pdf" or "html"); ReportError when the name says neither."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(f"{path.name or path} must end in .pdf or .html.")
    return "pdf" if suffix == ".pdf" else "html"
