"""Print how long the Deploy step takes: first validation (schemas load), then warm runs,
and the GUI-thread part of one Deploy view update (filling the tabs)."""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _stats(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return f"median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, n={len(samples)}"


def main() -> None:
    """Cold and warm generate(), every target; then the view's on-done step."""
    from desktop_app import paths
    from desktop_app.services.deploy import DeployAsk, generate
    from desktop_app.storage.bundled.store import BundledStore

    store = BundledStore(paths.bundled_store_path())
    ask = DeployAsk(framework="vllm", model="llama-3.1-8b", gpus=2, gpu_name="L40S", target_rps=300)
    start = time.perf_counter()
    generate(store, ask, use_tools=False)
    cold = (time.perf_counter() - start) * 1000
    print(f"first generate() (loads and compiles 3 schemas): {cold:.0f} ms")
    times = []
    for i in range(30):
        ask_i = DeployAsk(
            framework="vllm", model="qwen2.5-7b", gpus=(1, 2)[i % 2], target_rps=10 + i
        )
        start = time.perf_counter()
        generate(store, ask_i, use_tools=False)
        times.append((time.perf_counter() - start) * 1000)
    print(f"generate(), 5 files validated (background thread): {_stats(times)}")

    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.workers import BackgroundRunner

    app = QApplication.instance() or QApplication([])
    win = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    win.start_loading()
    view = win.show_view("deploy")
    result = generate(store, ask, use_tools=False)
    gui = []
    for _ in range(20):
        view._seq += 1
        start = time.perf_counter()
        view._got_files(view._seq, result)
        app.processEvents()
        gui.append((time.perf_counter() - start) * 1000)
    print(f"Deploy view: GUI-thread update with the results: {_stats(gui)}")
    win.close()


if __name__ == "__main__":
    main()
