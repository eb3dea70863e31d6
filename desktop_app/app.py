"""Composition root: `infernav` and `python -m desktop_app` start here.

It sets up logging once (one rotating log file for the GUI and the command line), then
sends argv to the command line or opens the desktop app.
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import sys
from pathlib import Path

from desktop_app import paths

LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3
_LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


def setup_logging(path: Path | None = None) -> Path:
    """Log the app's records to a rotating file (1 MB × 3); returns the file.

    Calling it again replaces the handler it installed before (tests point it elsewhere).
    """
    target = path or paths.log_file()
    logger = logging.getLogger("desktop_app")
    for old in [h for h in logger.handlers if getattr(h, "_infernav", False)]:
        logger.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        target, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_LOG_FORMAT))
    handler._infernav = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return target


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window (or run the smoke test)."""
    from desktop_app.ui.app import launch

    return launch(
        smoke_test=args.smoke_test,
        exit_when_shown=args.exit_when_shown,
        exit_when_ready=args.exit_when_ready,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the command line, or the GUI when no command is given."""
    args = sys.argv[1:] if argv is None else argv
    setup_logging()
    from desktop_app.cli import gui_request, run

    gui = gui_request(args)
    if gui is not None:
        # The desktop app itself: skip importing every command module (start-up time).
        return run_gui(gui)
    return run(args, gui=run_gui)
