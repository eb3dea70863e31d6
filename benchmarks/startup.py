"""Start-up figures: first paint, ready, full smoke test and idle memory.

Run: `.venv/bin/python benchmarks/startup.py [--runs 7]`. Uses the offscreen platform
unless DISPLAY is set (e.g. under Xvfb). Prints medians; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
BARE = (
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow\n"
    "app = QApplication([]); w = QMainWindow(); w.resize(1360, 860); w.show()\n"
    "QTimer.singleShot(0, app.quit); app.exec()\n"
)


def _env(home: str) -> dict[str, str]:
    env = {**os.environ, "INFERNAV_HOME": home, "PYTHONPATH": str(REPO)}
    if "DISPLAY" not in env:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.decode()[-400:]}")
    return elapsed


def _median(cmd: list[str], env: dict[str, str], runs: int) -> float:
    _time(cmd, env)  # warm the page cache once
    return statistics.median(_time(cmd, env) for _ in range(runs))


def _idle_rss_mb(env: dict[str, str], settle_s: float) -> float:
    proc = psutil.Popen(
        [sys.executable, "-m", "desktop_app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(settle_s)
        return float(proc.memory_info().rss) / 2**20
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds before RSS")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = _env(home)
        py = [sys.executable]
        bare = _median([*py, "-c", BARE], env, args.runs)
        shown = _median([*py, "-m", "desktop_app", "--exit-when-shown"], env, args.runs)
        ready = _median([*py, "-m", "desktop_app", "--exit-when-ready"], env, args.runs)
        smoke = _median([*py, "-m", "desktop_app", "--smoke-test"], env, max(3, args.runs // 2))
        rss = _idle_rss_mb(env, args.settle)
    platform = "xcb (DISPLAY set)" if "DISPLAY" in os.environ else "offscreen"
    print(f"platform: {platform}; medians of {args.runs} warm runs")
    print(f"bare QApplication + QMainWindow: {bare:.3f} s")
    print(
        f"first paint (--exit-when-shown): {shown:.3f} s  ratio {shown / bare:.2f}x  (target <= 2x)"
    )
    print(f"ready, Overview shows data (--exit-when-ready): {ready:.3f} s  (target <= 1.0 s)")
    print(f"full smoke test (every view): {smoke:.3f} s")
    print(f"idle resident memory after {args.settle:.0f} s: {rss:.0f} MB  (target <= 150 MB)")


if __name__ == "__main__":
    main()
