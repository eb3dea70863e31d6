"""The CPU: brand, vendor, cores, frequency and instruction sets, per operating system.

Linux reads /proc/cpuinfo, macOS asks `sysctl`, Windows uses py-cpuinfo. The parsers take
text so the tests can feed them recorded output from other machines.
"""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil

from desktop_app.domain.hardware.profile import CpuInfo

# ARM implementer and part codes (MIDR) → a readable core name; lscpu keeps the full table.
_ARM_IMPLEMENTERS = {"0x41": "ARM", "0x61": "Apple", "0xc0": "Ampere", "0x48": "HiSilicon"}
_ARM_PARTS = {
    ("0x41", "0xd0c"): "Neoverse-N1",
    ("0x41", "0xd40"): "Neoverse-V1",
    ("0x41", "0xd49"): "Neoverse-N2",
    ("0x41", "0xd4f"): "Neoverse-V2",
    ("0x41", "0xd08"): "Cortex-A72",
    ("0x41", "0xd0b"): "Cortex-A76",
    ("0xc0", "0xac3"): "AmpereOne",
}
_X86_VENDORS = {"GenuineIntel": "Intel", "AuthenticAMD": "AMD", "HygonGenuine": "Hygon"}

# Names other tools use for the flags llama.cpp cares about → the /proc/cpuinfo spelling.
_ALIASES = {
    "asimd": "neon",
    "advsimd": "neon",
    "asimddp": "dotprod",
    "feat_dotprod": "dotprod",
    "feat_i8mm": "i8mm",
    "feat_sme": "sme",
    "feat_sve": "sve",
    "feat_bf16": "bf16",
    "feat_fp16": "fphp",
    "avx1.0": "avx",
    "avx1_0": "avx",
    "avx2_0": "avx2",
    "sse4.2": "sse4_2",
    "sse4.1": "sse4_1",
    "avx512vnni": "avx512_vnni",
    "avx512vbmi2": "avx512_vbmi2",
    "avxvnni": "avx_vnni",
}


def normalise_flags(raw: list[str] | set[str]) -> tuple[str, ...]:
    """Lower-case, de-duplicated, sorted flags; aliases are added in the /proc/cpuinfo spelling."""
    out: set[str] = set()
    for flag in raw:
        low = flag.strip().lower()
        if not low:
            continue
        out.add(low)
        if low in _ALIASES:
            out.add(_ALIASES[low])
    return tuple(sorted(out))


def parse_proc_cpuinfo(text: str) -> dict[str, Any]:
    """Brand, vendor, logical/physical core counts, MHz and flags from /proc/cpuinfo text."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    procs: list[dict[str, str]] = []
    for block in blocks:
        entry: dict[str, str] = {}
        for line in block.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                entry.setdefault(key.strip().lower(), value.strip())
        if "processor" in entry:
            procs.append(entry)
    first = procs[0] if procs else {}
    flags_text = first.get("flags") or first.get("features") or ""
    brand = first.get("model name") or first.get("hardware") or None
    vendor_raw = first.get("vendor_id", "")
    vendor = _X86_VENDORS.get(vendor_raw, vendor_raw or None)
    implementer = first.get("cpu implementer", "").lower()
    if implementer:
        vendor = _ARM_IMPLEMENTERS.get(implementer, f"ARM implementer {implementer}")
        part = first.get("cpu part", "").lower()
        if not brand:
            core = _ARM_PARTS.get((implementer, part), f"part {part}" if part else "")
            brand = f"{vendor} {core}".strip()
    cores = {(p.get("physical id", "0"), p.get("core id")) for p in procs if "core id" in p}
    mhz = None
    try:
        mhz = float(first["cpu mhz"]) if first.get("cpu mhz") else None
    except ValueError:
        mhz = None
    return {
        "brand": brand,
        "vendor": vendor,
        "logical_cores": len(procs) or None,
        "physical_cores": len(cores) or None,
        "frequency_mhz": mhz or None,
        "flags": normalise_flags(flags_text.split()),
    }


def parse_sysctl(text: str) -> dict[str, str]:
    """`sysctl` "key: value" lines as a dict (unknown-oid error lines are skipped)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key and " " not in key.strip():
            out[key.strip()] = value.strip()
    return out


def cpu_from_sysctl(values: dict[str, str], machine: str) -> CpuInfo:
    """A CpuInfo from macOS sysctl values (`sysctl hw machdep.cpu`)."""
    raw: set[str] = set()
    for key in ("machdep.cpu.features", "machdep.cpu.leaf7_features"):
        raw.update(values.get(key, "").split())
    for key, value in values.items():
        if key.startswith("hw.optional.") and value.strip() == "1":
            raw.add(key.rsplit(".", 1)[-1])
    brand = values.get("machdep.cpu.brand_string") or None
    vendor = "Apple" if brand and brand.startswith("Apple") else None
    if vendor is None and brand:
        vendor = "Intel" if "Intel" in brand else None
    freq = values.get("hw.cpufrequency_max") or values.get("hw.cpufrequency")
    return CpuInfo(
        brand=brand,
        vendor=vendor,
        architecture=machine,
        physical_cores=_int(values.get("hw.physicalcpu")),
        logical_cores=_int(values.get("hw.logicalcpu")),
        # Apple silicon has no hw.cpufrequency; unknown is the honest answer there.
        frequency_mhz=(_int(freq) or 0) / 1e6 or None,
        flags=normalise_flags(raw),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _psutil_counts() -> tuple[int | None, int | None, float | None]:
    freq = None
    try:
        f = psutil.cpu_freq()
        if f is not None:
            freq = float(f.max or f.current) or None
    except (OSError, NotImplementedError, AttributeError):
        freq = None
    return psutil.cpu_count(logical=True), psutil.cpu_count(logical=False), freq


def probe_cpu(cpuinfo_path: Path = Path("/proc/cpuinfo"), timeout_s: float = 3.0) -> CpuInfo:
    """This machine's CPU."""
    machine = platform.machine() or "unknown"
    logical, physical, freq = _psutil_counts()
    if sys.platform == "darwin":
        done = subprocess.run(
            ["sysctl", "hw", "machdep.cpu"],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        info = cpu_from_sysctl(parse_sysctl(done.stdout), machine)
        return CpuInfo(
            brand=info.brand,
            vendor=info.vendor,
            architecture=machine,
            physical_cores=info.physical_cores or physical,
            logical_cores=info.logical_cores or logical,
            frequency_mhz=info.frequency_mhz or freq,
            flags=info.flags,
        )
    if sys.platform == "win32":
        return _windows_cpu(machine, logical, physical, freq)
    parsed: dict[str, Any] = {}
    if cpuinfo_path.is_file():
        parsed = parse_proc_cpuinfo(cpuinfo_path.read_text(encoding="utf-8", errors="replace"))
    return CpuInfo(
        brand=parsed.get("brand"),
        vendor=parsed.get("vendor"),
        architecture=machine,
        physical_cores=physical or parsed.get("physical_cores"),
        logical_cores=logical or parsed.get("logical_cores"),
        frequency_mhz=freq or parsed.get("frequency_mhz"),
        flags=parsed.get("flags", ()),
    )


def _windows_cpu(
    machine: str, logical: int | None, physical: int | None, freq: float | None
) -> CpuInfo:
    # Windows has no text interface to CPUID; py-cpuinfo reads it (only installed there).
    import cpuinfo  # type: ignore[import-not-found, unused-ignore]

    info: dict[str, Any] = cpuinfo.get_cpu_info()
    vendor_raw = str(info.get("vendor_id_raw", ""))
    return CpuInfo(
        brand=info.get("brand_raw") or None,
        vendor=_X86_VENDORS.get(vendor_raw, vendor_raw or None),
        architecture=machine,
        physical_cores=physical,
        logical_cores=logical,
        frequency_mhz=freq,
        flags=normalise_flags(list(info.get("flags", []))),
    )
