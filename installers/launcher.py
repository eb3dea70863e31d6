"""Entry script that PyInstaller freezes: the same `main` as the `infernav` command."""

import os
import sys

# A windowed build (no console on Windows, a .app on macOS) starts with no stdout/stderr;
# give them a sink so a stray print or an argparse message cannot crash the app.
for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

from desktop_app.app import main  # noqa: E402

raise SystemExit(main())
