"""The command-line face of Inference Navigator.

Each command group lives in its own module of `desktop_app/cli/`; heavy imports happen inside the
handlers so that `infernav --version` and the GUI start stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import NoReturn

from desktop_app import APP_NAME, __version__

# Command modules, each with `register(subparsers)`; handlers are `args.handler(args)`.
COMMAND_MODULES: tuple[str, ...] = (
    "desktop_app.cli.sources",
    "desktop_app.cli.compare",
    "desktop_app.cli.fit",
    "desktop_app.cli.cost",
    "desktop_app.cli.gui",
    "desktop_app.cli.hardware",
    "desktop_app.cli.decide",
    "desktop_app.cli.trial",
)


class UserError(Exception):
    """A mistake in what the user asked for: reported in one sentence, exit 2."""


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
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="build the window offscreen, open every view, print ok and exit",
    )
    parser.add_argument(
        "--exit-when-shown",
        action="store_true",
        help="quit right after the main window is first painted (benchmarks)",
    )
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="quit as soon as the Overview shows its data (benchmarks)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


_GUI_FLAGS = ("--smoke-test", "--exit-when-shown", "--exit-when-ready")


def run(argv: list[str]) -> int:
    """Parse `argv` and run the command; user errors become one sentence on stderr."""
    if all(arg in _GUI_FLAGS for arg in argv):
        # The desktop app itself: skip importing every command module (start-up time).
        from desktop_app.cli.gui import run_gui

        gui_args = argparse.Namespace(
            **{f.lstrip("-").replace("-", "_"): f in argv for f in _GUI_FLAGS}
        )
        return run_gui(gui_args)
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from desktop_app.cli.gui import run_gui

            return run_gui(args)
        result: int = handler(args)
        return result
    except UserError as exc:
        sys.stderr.write(f"infernav: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback for users
        from desktop_app.storage.bundled.store import StoreError

        if isinstance(exc, StoreError):
            sys.stderr.write(f"infernav: error: {exc}\n")
            return 1
        sys.stderr.write(f"infernav: error: {exc.__class__.__name__}: {exc}\n")
        return 1
