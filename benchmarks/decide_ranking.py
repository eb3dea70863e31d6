"""Print how long the Decide ranking takes: the pure recommendation and a full view refresh.

Run: .venv/bin/python benchmarks/decide_ranking.py
The GUI budget is 50 ms per interaction (a slider move or an answer triggers one refresh).
"""

from __future__ import annotations

import itertools
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"median {statistics.median(samples):.2f} ms, p95 {p95:.2f} ms, n={len(samples)}"


def main() -> None:
    """Time recommend() over every answer combination, then DecideView.refresh()."""
    from desktop_app import paths
    from desktop_app.domain.decide.data import decision_data
    from desktop_app.domain.decide.guide import BUDGETS, HARDWARE, NEEDS, TIMES, Answers
    from desktop_app.domain.decide.rank import recommend
    from desktop_app.storage.bundled.store import BundledStore

    data = decision_data(BundledStore(paths.bundled_store_path()))
    pure: list[float] = []
    for budget, when, users, hw, need in itertools.product(
        (None, *BUDGETS), (None, *TIMES), (None, 5, 50, 500), HARDWARE, (None, *NEEDS)
    ):
        answers = Answers(budget, when, users, hw, frozenset({need} if need else ()))
        start = time.perf_counter()
        recommend(data, answers)
        pure.append((time.perf_counter() - start) * 1000)
    print(f"recommend(): {_ms(pure)}")

    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.workers import BackgroundRunner

    app = QApplication([])
    window = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    window.resize(1440, 900)
    window.start_loading()
    window.show()
    view = window.show_view("decide")
    slider = view.weights.sliders["throughput"]  # type: ignore[attr-defined]
    gui: list[float] = []
    for i in range(60):
        start = time.perf_counter()
        slider.setValue(i % 11)  # one slider move = one full refresh of every panel
        app.processEvents()
        gui.append((time.perf_counter() - start) * 1000)
    print(f"Decide view, slider move to repaint: {_ms(gui)}")
    window.close()
    window.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
