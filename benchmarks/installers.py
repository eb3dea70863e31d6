"""Print the installer budgets: onedir size, .deb size (xz) and frozen start-to-window time.

Run after `installers/linux/build_linux.sh`:

    python benchmarks/installers.py [--runs 5]

Start time: process start until the main window is mapped on an Xvfb server (real xcb
platform plugin; a MapNotify event via libX11, no polling); without Xvfb, the wall time of
`infernav --exit-when-shown` offscreen (an upper bound: it also counts the exit). One warm-up
run first; the median of the timed runs is compared to the budget.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import select
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
ONEDIR_BUDGET_MB = 210.0  # 206.1 MB measured with the bundled llama-server (issue 14)
DEB_BUDGET_MB = 63.0  # 60.7 MB measured (xz) with the bundled llama-server
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


CPU_AT_SHOWN: list[float] = []


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _MapWatcher:
    """Waits for a window to be mapped on an X display (libX11 via ctypes: no polling)."""

    _SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
    _MAP_NOTIFY = 19

    def __init__(self, display: str) -> None:
        self._x = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self._x.XOpenDisplay.restype = ctypes.c_void_p
        self._x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x.XDefaultRootWindow.restype = ctypes.c_ulong
        self._x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self._x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        self._x.XPending.argtypes = [ctypes.c_void_p]
        self._x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        self._x.XConnectionNumber.argtypes = [ctypes.c_void_p]
        self._x.XFlush.argtypes = [ctypes.c_void_p]
        self._x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._dpy = self._x.XOpenDisplay(display.encode())
        if not self._dpy:
            raise SystemExit(f"cannot open X display {display}")
        root = self._x.XDefaultRootWindow(self._dpy)
        self._x.XSelectInput(self._dpy, root, self._SUBSTRUCTURE_NOTIFY_MASK)
        self._x.XFlush(self._dpy)
        self._fd = self._x.XConnectionNumber(self._dpy)
        self._event = ctypes.create_string_buffer(192)  # sizeof(XEvent) is 192 on x86_64

    def wait_for_map(self, timeout_s: float) -> bool:
        """True when a top-level window was mapped within `timeout_s`."""
        deadline = time.perf_counter() + timeout_s
        while time.perf_counter() < deadline:
            while self._x.XPending(self._dpy):
                self._x.XNextEvent(self._dpy, self._event)
                if int.from_bytes(self._event.raw[:4], "little") == self._MAP_NOTIFY:
                    return True
            select.select([self._fd], [], [], max(0.0, deadline - time.perf_counter()))
        return False

    def close(self) -> None:
        """Close the display connection."""
        self._x.XCloseDisplay(self._dpy)


def _shown_under_x(env: dict[str, str]) -> float:
    """Seconds from process start until its main window is mapped on the X server."""
    watcher = _MapWatcher(env["DISPLAY"])
    t0 = time.perf_counter()
    app = subprocess.Popen(
        [str(ONEDIR / "infernav")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        if not watcher.wait_for_map(60):
            raise SystemExit("the window did not appear within 60 s")
        wall = time.perf_counter() - t0
        CPU_AT_SHOWN.append(_cpu_seconds(app.pid))
        return wall
    finally:
        watcher.close()
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
    if shutil.which("Xvfb") and shutil.which("xdpyinfo"):
        env["DISPLAY"] = ":87"
        xvfb = _xvfb(env["DISPLAY"])
        measure, how = _shown_under_x, "until the window is mapped under Xvfb (xcb)"
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
    if CPU_AT_SHOWN[1:]:
        cpu = statistics.median(CPU_AT_SHOWN[1:])
        print(
            f"  CPU time the app had used by then: {cpu:.2f} s (median; not slowed by other load)"
        )
    print(
        f"  runs: {', '.join(f'{t:.2f}' for t in times)} s; load average before: {load:.1f} "
        f"on {os.cpu_count()} cores (a busy machine slows start-up)"
    )
    ok = onedir_mb <= ONEDIR_BUDGET_MB and deb_mb <= DEB_BUDGET_MB and median <= START_BUDGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
