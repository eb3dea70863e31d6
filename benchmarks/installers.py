"""Print the installer budgets: onedir size, .deb size (xz) and frozen start-to-window time.

Run after `installers/linux/build_linux.sh`:

    python benchmarks/installers.py [--runs 5]

Start time: process start until the main window is mapped on an Xvfb server (real xcb
platform plugin), polled every 10 ms with xdotool; without Xvfb/xdotool, the wall time of
`infernav --exit-when-shown` offscreen (an upper bound: it also counts the exit). One warm-up
run first; the median of the timed runs is compared to the budget.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONEDIR = ROOT / "build" / "linux" / "dist" / "infernav"
DEB_STAGING = ROOT / "build" / "linux" / "deb"
OUT = ROOT / "dist-installers"
ONEDIR_BUDGET_MB = 180.0
DEB_BUDGET_MB = 60.0
START_BUDGET_S = 1.2


def tree_bytes(path: Path) -> int:
    """Apparent size of every file under `path` (symlinks counted as links, not targets)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            total += os.lstat(os.path.join(root, name)).st_size
    return total


def deb_compression(deb: Path) -> str:
    """The compressor of a .deb's data member (xz, zst, gz)."""
    members = subprocess.run(["ar", "t", str(deb)], capture_output=True, text=True, check=True)
    data = [m for m in members.stdout.split() if m.startswith("data.tar")]
    return data[0].rsplit(".", 1)[-1] if data else "?"


def xz_deb_bytes() -> tuple[int, str]:
    """Size of the xz .deb: the built one, or one rebuilt from the staging tree if it used zstd."""
    debs = sorted(OUT.glob("infernav_*_amd64.deb"))
    if debs and deb_compression(debs[-1]) == "xz":
        return debs[-1].stat().st_size, debs[-1].name
    if not DEB_STAGING.is_dir():
        raise SystemExit("no .deb staging tree: run installers/linux/build_linux.sh first")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "infernav.deb"
        subprocess.run(
            [
                "nice",
                "dpkg-deb",
                "--root-owner-group",
                "-Zxz",
                "--build",
                str(DEB_STAGING),
                str(target),
            ],
            check=True,
            capture_output=True,
        )
        return target.stat().st_size, "rebuilt from build/linux/deb with xz"


def _xvfb(display: str) -> subprocess.Popen[bytes]:
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        ready = subprocess.run(["xdpyinfo", "-display", display], capture_output=True)
        if ready.returncode == 0:
            break
        time.sleep(0.1)
    return xvfb


def _shown_under_x(env: dict[str, str]) -> float:
    """Seconds from process start until its main window is mapped on the X server."""
    t0 = time.perf_counter()
    app = subprocess.Popen(
        [str(ONEDIR / "infernav")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - t0 < 60:
            found = subprocess.run(
                ["xdotool", "search", "--onlyvisible", "--name", "Inference Navigator"],
                env=env,
                capture_output=True,
            )
            if found.stdout.strip():
                return time.perf_counter() - t0
            time.sleep(0.01)
        raise SystemExit("the window did not appear within 60 s")
    finally:
        app.terminate()
        app.wait()


def _exit_when_shown(env: dict[str, str]) -> float:
    """Wall seconds of `infernav --exit-when-shown` (start, window shown, quit)."""
    t0 = time.perf_counter()
    subprocess.run(
        [str(ONEDIR / "infernav"), "--exit-when-shown"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    return time.perf_counter() - t0


def start_times(runs: int) -> tuple[list[float], str]:
    """Start-to-window-shown seconds of `runs` runs after one warm-up run."""
    env = {"PATH": "/usr/bin:/bin", "HOME": tempfile.mkdtemp(prefix="infernav-bench-")}
    xvfb = None
    if shutil.which("Xvfb") and shutil.which("xdotool") and shutil.which("xdpyinfo"):
        env["DISPLAY"] = ":87"
        xvfb = _xvfb(env["DISPLAY"])
        measure, how = _shown_under_x, "window mapped under Xvfb (xcb), polled with xdotool"
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
        measure, how = _exit_when_shown, "offscreen --exit-when-shown wall time, incl. exit"
    try:
        times = [measure(env) for _ in range(runs + 1)][1:]  # run 1 warms the page cache
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
        shutil.rmtree(env["HOME"], ignore_errors=True)
    return times, how


def verdict(ok: bool) -> str:
    """'ok' or 'OVER BUDGET'."""
    return "ok" if ok else "OVER BUDGET"


def main() -> int:
    """Measure and print; exit 1 when a budget is exceeded."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed start-up runs (default 5)")
    args = parser.parse_args()
    if not (ONEDIR / "infernav").is_file():
        print("no onedir: run installers/linux/build_linux.sh first", file=sys.stderr)
        return 1
    onedir_mb = tree_bytes(ONEDIR) / 1e6
    deb_size, deb_what = xz_deb_bytes()
    deb_mb = deb_size / 1e6
    load = os.getloadavg()[0]
    times, how = start_times(args.runs)
    median = statistics.median(times)
    print(
        f"onedir size            {onedir_mb:7.1f} MB   (budget {ONEDIR_BUDGET_MB:.0f} MB) "
        f"{verdict(onedir_mb <= ONEDIR_BUDGET_MB)}"
    )
    print(
        f".deb size (xz)         {deb_mb:7.1f} MB   (budget {DEB_BUDGET_MB:.0f} MB) "
        f"{verdict(deb_mb <= DEB_BUDGET_MB)}   [{deb_what}]"
    )
    print(
        f"start to window shown  {median:7.2f} s    (budget {START_BUDGET_S} s, warm median "
        f"of {len(times)}, {how}) {verdict(median <= START_BUDGET_S)}"
    )
    print(
        f"  runs: {', '.join(f'{t:.2f}' for t in times)} s; load average before: {load:.1f} "
        f"on {os.cpu_count()} cores (a busy machine slows start-up)"
    )
    ok = onedir_mb <= ONEDIR_BUDGET_MB and deb_mb <= DEB_BUDGET_MB and median <= START_BUDGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
