"""Composition root: `infernav` and `python -m desktop_app` start here."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the command line (or the GUI when no command is given)."""
    from desktop_app.cli import run

    return run(sys.argv[1:] if argv is None else argv)
