"""The command-line face of Inference Navigator.

Each command group lives in its own module of `desktop_app/cli/`; heavy imports happen inside the
handlers so that `infernav --version` and the GUI start stay fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import sys
from collections.abc import Callable
from typing import NoReturn

from desktop_app import APP_NAME, __version__, paths
from desktop_app.errors import UserError, UserFacingError

log = logging.getLogger(__name__)

# The desktop app's own flags (`infernav` with none of the commands below opens the app).
GUI_FLAGS: tuple[tuple[str, str], ...] = (
    ("--smoke-test", "build the window offscreen, open every view, print ok and exit"),
    ("--exit-when-shown", "quit right after the main window is first painted (benchmarks)"),
    ("--exit-when-ready", "quit as soon as the Overview shows its data (benchmarks)"),
)

# Command modules, each with `register(subparsers)`; handlers are `args.handler(args)`.
COMMAND_MODULES: tuple[str, ...] = (
    "desktop_app.cli.sources",
    "desktop_app.cli.compare",
    "desktop_app.cli.fit",
    "desktop_app.cli.cost",
    "desktop_app.cli.data",
    "desktop_app.cli.gui",
    "desktop_app.cli.hardware",
    "desktop_app.cli.decide",
    "desktop_app.cli.trial",
    "desktop_app.cli.deploy",
    "desktop_app.cli.bench",
    "desktop_app.cli.engines",
    "desktop_app.cli.report",
    "desktop_app.cli.download",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One plain sentence on stderr, no usage dump."""
        sys.stderr.write(f"{self.prog}: error: {message[0].upper()}{message[1:]}.\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every command registered."""
    parser = _Parser(
        prog="infernav",
        description=f"{APP_NAME}: choose and try LLM inference "
        "frameworks. With no command, the desktop app opens.",
    )
    parser.add_argument("--version", action="version", version=f"infernav {__version__}")
    for flag, text in GUI_FLAGS:
        parser.add_argument(flag, action="store_true", help=text)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _gui_namespace(argv: list[str]) -> argparse.Namespace:
    return argparse.Namespace(**{f.lstrip("-").replace("-", "_"): f in argv for f, _ in GUI_FLAGS})


def gui_request(argv: list[str]) -> argparse.Namespace | None:
    """The GUI flags when `argv` only opens the desktop app (no command), else None."""
    flags = {flag for flag, _ in GUI_FLAGS}
    return _gui_namespace(argv) if all(arg in flags for arg in argv) else None


def _survive_any_encoding() -> None:
    """Output never stops part-way on a stream that cannot encode a character (a Windows
    redirect to a file is cp1252): such characters are written as \\u escapes instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def run(argv: list[str], gui: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Parse `argv` and run the command; user errors become one sentence on stderr.

    `gui` opens the desktop app when no command is given (the composition root passes it).
    """
    _survive_any_encoding()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            if gui is None:
                parser.print_help()
                return 0
            return gui(args)
        result: int = handler(args)
        return result
    except UserError as exc:
        sys.stderr.write(f"infernav: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except UserFacingError as exc:  # e.g. a broken installation: the message says what to do
        log.error("infernav %s failed: %s", " ".join(argv), exc)
        sys.stderr.write(f"infernav: error: {exc}\n")
        return 1
    except Exception:  # the last line of defence: no traceback for users, but in the log
        log.exception("infernav %s failed unexpectedly", " ".join(argv))
        sys.stderr.write(
            f"infernav: error: something went wrong; details were written to {paths.log_file()}\n"
        )
        return 1
