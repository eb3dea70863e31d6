"""Print how long the Compare view takes to build, refresh and switch to presentation mode.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/compare_view.py [repeats]
The GUI thread should not block for more than ~50 ms on a refresh (picker, filter, trial).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("INFERNAV_HOME", tempfile.mkdtemp(prefix="infernav-bench-"))

from desktop_app.ui.app import _application
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.compare.view import CompareView
from desktop_app.ui.workers import BackgroundRunner


def _ms(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    _application().processEvents()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    """Measure and print the figures."""
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    app = _application()
    window = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    window.resize(1440, 900)
    window.show()
    window.start_loading()
    first = _ms(lambda: window.show_view("compare"))
    view = window.views["compare"]
    assert isinstance(view, CompareView)
    refresh = [_ms(view.refresh) for _ in range(repeats)]
    pairs = (["vllm", "ollama"], ["tgi", "sglang", "lmdeploy", "mlc-llm"])
    switch = [_ms(lambda i=i: view.set_selection(pairs[i % 2])) for i in range(repeats)]
    open_charts = _ms(view.show_charts)
    charts = [_ms(lambda i=i: view.set_selection(pairs[i % 2])) for i in range(repeats)]
    present = [_ms(lambda i=i: view.set_presentation_mode(i % 2 == 0)) for i in range(repeats)]
    print(f"first build of the Compare view: {first:.0f} ms")
    print(f"first opening of the Charts tab (5 charts drawn): {open_charts:.0f} ms")
    for name, values in (
        ("refresh on the table tab (+ paint)", refresh),
        ("switch selection on the table tab", switch),
        ("switch selection on the Charts tab (table + all 5 charts, + paint)", charts),
        ("presentation mode on/off (all 5 charts at once)", present),
    ):
        print(
            f"{name}: median {statistics.median(values):.1f} ms, "
            f"max {max(values):.1f} ms over {repeats} runs"
        )
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
