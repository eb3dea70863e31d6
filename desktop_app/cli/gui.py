"""`infernav screenshots`: render every view to a PNG (the desktop app opens from app.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add `screenshots`."""
    p = sub.add_parser("screenshots", help="render every view to a PNG (offscreen)")
    p.add_argument("--out", type=Path, required=True, help="folder for the PNG files")
    p.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    p.set_defaults(handler=screenshots)


def screenshots(args: argparse.Namespace) -> int:
    """Render each view to OUT/<view>.png."""
    from desktop_app.errors import UserError
    from desktop_app.ui.app import render_screenshots

    try:
        width, height = (int(x) for x in args.size.lower().split("x"))
    except ValueError:
        raise UserError(f"--size must look like 1440x900, not {args.size!r}") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise UserError("--size must be between 320x240 and 7680x4320")
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot write screenshots to {args.out}: {exc.strerror}") from None
    for path in render_screenshots(args.out, width, height):
        print(path)
    return 0
