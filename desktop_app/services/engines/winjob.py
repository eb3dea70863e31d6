"""Windows: tie an engine to the app with a job object, so it dies when the app dies.

On Linux the parent-death signal does this (process.py, ui/server_process.py); macOS has
neither, so there the app stops its engines on quit and a killed app may leave one behind
(documented best effort).
"""

from __future__ import annotations

import sys

_IS_WINDOWS: bool = sys.platform == "win32"
_JOBS: list[int] = []  # job handles stay open for the app's lifetime

_KILL_ON_JOB_CLOSE = 0x2000
_EXTENDED_LIMIT_INFORMATION = 9
_PROCESS_TERMINATE_AND_SET_QUOTA = 0x0001 | 0x0100


def kill_with_app(pid: int) -> bool:
    """Put `pid` in a kill-on-close job object (Windows only); True when it worked."""
    if not _IS_WINDOWS:
        return False
    import ctypes
    from ctypes import wintypes

    class _Basic(ctypes.Structure):
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", wintypes.DWORD),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", wintypes.DWORD),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", wintypes.DWORD),
            ("SchedulingClass", wintypes.DWORD),
        ]

    class _IoCounters(ctypes.Structure):
        _fields_ = [
            (name, ctypes.c_ulonglong)
            for name in ("Read", "Write", "Other", "ReadBytes", "WriteBytes", "OtherBytes")
        ]

    class _Extended(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", _Basic),
            ("IoInfo", _IoCounters),
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    # 64-bit Windows has a single calling convention, so CDLL reaches kernel32 too.
    kernel32 = ctypes.CDLL("kernel32", use_last_error=True)
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return False
    info = _Extended()
    info.BasicLimitInformation.LimitFlags = _KILL_ON_JOB_CLOSE
    if not kernel32.SetInformationJobObject(
        job, _EXTENDED_LIMIT_INFORMATION, ctypes.byref(info), ctypes.sizeof(info)
    ):
        kernel32.CloseHandle(job)
        return False
    handle = kernel32.OpenProcess(_PROCESS_TERMINATE_AND_SET_QUOTA, False, pid)
    if not handle:
        kernel32.CloseHandle(job)
        return False
    ok = bool(kernel32.AssignProcessToJobObject(job, handle))
    kernel32.CloseHandle(handle)
    _JOBS.append(job)
    return ok
