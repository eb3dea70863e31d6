"""Print how long the cost calculator and the Costs view's recompute take (median, p95)."""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"median {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms, n={len(samples)}"


def main() -> None:
    """Time calculate() for all eight frameworks, then one recompute of the real view."""
    from desktop_app import paths
    from desktop_app.domain.cost.calculator import calculate
    from desktop_app.domain.cost.inputs import CostInputs, Workload
    from desktop_app.domain.sources.frameworks import FRAMEWORK_IDS
    from desktop_app.storage.bundled.store import BundledStore

    store = BundledStore(paths.bundled_store_path())
    times = []
    for i in range(200):
        inputs = CostInputs(
            region=("us", "sg", "in")[i % 3],
            frameworks=FRAMEWORK_IDS,
            workload=Workload(load_rps=10 + i),
        )
        start = time.perf_counter()
        calculate(store, inputs)
        times.append((time.perf_counter() - start) * 1000)
    print(f"calculate(), 8 frameworks: {_stats(times)}")

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.workers import BackgroundRunner

    window = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    window.resize(1440, 900)
    window.show()
    window.start_loading()
    view = window.show_view("costs")
    app.processEvents()
    handler, paint = [], []
    for i in range(60):
        start = time.perf_counter()
        view.load_rps.edit.setText(str(100 + i))  # type: ignore[attr-defined]
        middle = time.perf_counter()
        app.processEvents()  # the repaint of the table and both charts
        handler.append((middle - start) * 1000)
        paint.append((time.perf_counter() - middle) * 1000)
    print(f"Costs view, one keystroke: recompute + update {_stats(handler)}")
    print(f"Costs view, one keystroke: repaint {_stats(paint)}")
    window.close()


if __name__ == "__main__":
    main()
