"""`python -m desktop_app` starts Inference Navigator."""

import sys

try:
    # Inside the try: the first third-party import (platformdirs) happens while importing
    # the app, and outside the project's venv that must end in a sentence, not a traceback.
    from desktop_app.app import main

    code = main()
except ModuleNotFoundError as exc:
    # Only a missing third-party dependency: this Python is not the project's venv.
    missing = (exc.name or "").partition(".")[0]
    if not missing or missing == "desktop_app":
        raise
    print(
        f"Inference Navigator's dependencies are not installed in this Python "
        f"({sys.executable} has no module {missing!r}): run `bash scripts/run` once, "
        f"then `.venv/bin/infernav` from the source folder.",
        file=sys.stderr,
    )
    code = 1
raise SystemExit(code)
