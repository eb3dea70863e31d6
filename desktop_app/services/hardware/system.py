"""Memory, swap, operating system and free disk space in the models folder."""

from __future__ import annotations

import platform
import shutil
import sys
from pathlib import Path

import psutil

from desktop_app.domain.hardware.profile import MemoryInfo


def probe_memory() -> MemoryInfo:
    """RAM total / available and swap, from psutil."""
    vm = psutil.virtual_memory()
    swap_total: int | None = None
    swap_free: int | None = None
    try:
        swap = psutil.swap_memory()
        swap_total, swap_free = int(swap.total), int(swap.free)
    except (OSError, RuntimeError):
        pass
    return MemoryInfo(int(vm.total), int(vm.available), swap_total, swap_free)


def os_name_version() -> tuple[str, str]:
    """("Linux" | "macOS" | "Windows", a version string a user would recognise)."""
    system = platform.system()  # not sys.platform: mypy would prune the other branches
    if system == "Darwin":
        return "macOS", platform.mac_ver()[0] or platform.release()
    if system == "Windows":
        return "Windows", f"{platform.release()} ({platform.version()})"
    if system == "Linux":
        try:
            release = platform.freedesktop_os_release()
            distro = release.get("PRETTY_NAME") or release.get("NAME", "")
        except OSError:
            distro = ""
        kernel = platform.release()
        return "Linux", f"{distro}, kernel {kernel}" if distro else kernel
    return system or sys.platform, platform.release()


def disk_free(path: Path) -> int | None:
    """Free bytes on the disk holding `path` (None when it cannot be read)."""
    try:
        return int(shutil.disk_usage(path).free)
    except OSError:
        return None
