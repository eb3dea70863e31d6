"""Entry script that PyInstaller freezes: the same `main` as the `infernav` command."""

import os
import sys

# A windowed build (no console on Windows, a .app on macOS) starts with no stdout/stderr;
# give them a sink so a stray print or an argparse message cannot crash the app.
for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _import_everything() -> int:
    """Packaging self-check: import every bundled desktop_app module (views load lazily)."""
    import importlib
    import pkgutil

    import desktop_app

    failed = []
    modules = pkgutil.walk_packages(desktop_app.__path__, "desktop_app.")
    names = [m.name for m in modules if not m.name.endswith("__main__")]  # __main__ runs the app
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # report every module, not just the first
            failed.append(f"{name}: {exc.__class__.__name__}: {exc}")
    # The runtime dependencies the spec always bundles, and Babel's trimmed locale data.
    for name in ("babel.numbers", "httpx", "gguf", "psutil", "pynvml", "pyqtgraph", "numpy"):
        try:
            importlib.import_module(name)
        except Exception as exc:
            failed.append(f"{name}: {exc.__class__.__name__}: {exc}")
    try:
        from babel.numbers import format_currency

        rupees = format_currency(150000, "INR", locale="en_IN")
        if rupees != "₹1,50,000.00":
            failed.append(f"babel: en_IN formatted {rupees!r}")
    except Exception as exc:
        failed.append(f"babel: {exc.__class__.__name__}: {exc}")
    for line in failed:
        print(line)
    print(f"imported {len(names) - len(failed)} of {len(names)} desktop_app modules")
    return 1 if failed or len(names) < 10 else 0


if os.environ.get("INFERNAV_IMPORT_CHECK") == "1":
    raise SystemExit(_import_everything())

from desktop_app.app import main  # noqa: E402

raise SystemExit(main())
