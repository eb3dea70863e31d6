"""CPU, memory, sysfs and Apple probes: recorded outputs from other machines, and this one."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from desktop_app.services.hardware import cpu as cpu_probe
from desktop_app.services.hardware import other_gpus, probe_hardware
from desktop_app.services.hardware import probe as probe_module
from desktop_app.services.hardware import system as system_probe
from tests.conftest import REPO

DATA = REPO / "tests" / "data" / "hardware"


def _text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_intel_sapphire_rapids_has_avx512_and_amx() -> None:
    info = cpu_probe.parse_proc_cpuinfo(_text("cpuinfo_intel_xeon_8481c.txt"))
    assert info["brand"] == "Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz"
    assert info["vendor"] == "Intel"
    assert (info["logical_cores"], info["physical_cores"]) == (4, 2)
    assert info["frequency_mhz"] == pytest.approx(2699.998)
    for flag in ("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni"):
        assert flag in info["flags"]
    assert {"amx_tile", "amx_int8", "amx_bf16"} <= set(info["flags"])
    assert all(f == f.lower() for f in info["flags"])


def test_amd_epyc_zen5_recorded_on_this_machine() -> None:
    info = cpu_probe.parse_proc_cpuinfo(_text("cpuinfo_amd_epyc_zen5.txt"))
    assert info["vendor"] == "AMD" and info["brand"] == "AMD EPYC"
    assert {"avx2", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni"} <= set(info["flags"])
    assert not {"amx_tile", "neon"} & set(info["flags"])


def test_graviton3_neon_sve_dotprod() -> None:
    info = cpu_probe.parse_proc_cpuinfo(_text("cpuinfo_graviton3.txt"))
    assert info["vendor"] == "ARM" and info["brand"] == "ARM Neoverse-V1"
    assert info["logical_cores"] == 4
    flags = set(info["flags"])
    assert {"neon", "sve", "dotprod", "i8mm", "asimd", "asimddp"} <= flags
    assert "avx2" not in flags and "sve2" not in flags


def test_apple_m3_sysctl() -> None:
    info = cpu_probe.cpu_from_sysctl(cpu_probe.parse_sysctl(_text("sysctl_apple_m3.txt")), "arm64")
    assert (info.brand, info.vendor, info.architecture) == ("Apple M3", "Apple", "arm64")
    assert (info.physical_cores, info.logical_cores) == (8, 8)
    assert info.frequency_mhz is None  # Apple silicon does not publish it: unknown, not 0
    assert info.instruction_sets == ("NEON", "dotprod", "I8MM")


def test_intel_mac_sysctl() -> None:
    values = cpu_probe.parse_sysctl(_text("sysctl_intel_mac.txt"))
    info = cpu_probe.cpu_from_sysctl(values, "x86_64")
    assert info.vendor == "Intel" and (info.physical_cores, info.logical_cores) == (8, 16)
    assert info.frequency_mhz == 2300
    assert info.instruction_sets == ("SSE4.2", "AVX", "AVX2", "FMA", "F16C")


def test_apple_system_profiler_gpu_cores_and_metal() -> None:
    data = json.loads(_text("system_profiler_displays_m3.json"))
    assert other_gpus.parse_displays(data) == (10, True, "Apple M3")


def test_a_mac_is_probed_with_sysctl_and_system_profiler_argument_lists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[list[str]] = []

    def fake_run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        assert isinstance(argv, list) and "shell" not in kwargs
        calls.append(argv)
        out = {
            "sysctl": _text("sysctl_apple_m3.txt"),
            "system_profiler": _text("system_profiler_displays_m3.json"),
        }[argv[0]]
        return subprocess.CompletedProcess(argv, 0, out, "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    for module in (cpu_probe, probe_module):
        monkeypatch.setattr(module.sys, "platform", "darwin")
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    monkeypatch.setattr(platform, "mac_ver", lambda: ("14.5", ("", "", ""), "arm64"))
    profile = probe_hardware()
    assert ["sysctl", "hw", "machdep.cpu"] in calls
    assert ["system_profiler", "SPDisplaysDataType", "-json"] in calls
    assert (profile.os_name, profile.os_version) == ("macOS", "14.5")
    assert profile.apple is not None
    assert (profile.apple.chip, profile.apple.gpu_cores, profile.apple.metal) == (
        "Apple M3",
        10,
        True,
    )
    assert profile.apple.unified_memory_bytes == psutil.virtual_memory().total
    assert [g.vendor for g in profile.gpus] == ["Apple"]
    assert profile.cpu.has("dotprod")


def _card(root: Path, n: int, vendor: str, device: str, **files: str) -> None:
    dev = root / f"card{n}" / "device"
    dev.mkdir(parents=True)
    (dev / "vendor").write_text(f"{vendor}\n")
    (dev / "device").write_text(f"{device}\n")
    for name, value in files.items():
        (dev / name).write_text(f"{value}\n")


def test_amd_and_intel_gpus_from_sysfs(tmp_path: Path) -> None:
    root = tmp_path / "drm"
    _card(
        root,
        0,
        "0x1002",
        "0x744c",
        mem_info_vram_total=str(25753026560),
        mem_info_vram_used=str(1073741824),
        gpu_busy_percent="7",
    )
    _card(root, 1, "0x8086", "0x56a0")
    _card(root, 2, "0x10de", "0x2684")
    (root / "card0-DP-1").mkdir()  # connectors are not cards
    gpus, notes = other_gpus.amd_and_intel(root)
    amd, intel = gpus
    assert (amd.vendor, amd.name, amd.source) == ("AMD", "AMD GPU (PCI 1002:744c)", "sysfs")
    assert amd.memory_total_bytes == 25753026560
    assert amd.memory_free_bytes == 25753026560 - 1073741824
    assert amd.utilization_pct == 7.0
    assert (intel.vendor, intel.name, intel.memory_total_bytes) == (
        "Intel",
        "Intel GPU (PCI 8086:56a0)",
        None,
    )
    assert notes == ["sysfs lists an NVIDIA card (PCI 10de:2684)"]


def test_nvidia_card_seen_by_sysfs_but_not_nvml_is_explained(tmp_path: Path) -> None:
    root = tmp_path / "drm"
    _card(root, 0, "0x10de", "0x2684")
    profile = probe_hardware(sysfs_root=root)
    assert profile.gpu_error and profile.gpu_error.startswith("no NVIDIA GPU detected")
    assert "sysfs lists an NVIDIA card (PCI 10de:2684), but NVML could not read it" in (
        profile.probe_notes
    )


def test_the_real_probe_agrees_with_os_psutil_and_proc_cpuinfo() -> None:
    profile = probe_hardware()
    cpu = profile.cpu
    assert cpu.logical_cores == os.cpu_count() == psutil.cpu_count(logical=True)
    assert cpu.physical_cores == psutil.cpu_count(logical=False)
    assert profile.memory.total_bytes == psutil.virtual_memory().total
    assert (
        profile.os_name
        == {"Linux": "Linux", "Darwin": "macOS", "Windows": "Windows"}[platform.system()]
    )
    proc = Path("/proc/cpuinfo")
    if proc.is_file():
        text = proc.read_text()
        assert cpu.logical_cores == text.count("\nprocessor\t") + text.startswith("processor\t")
        line = next(ln for ln in text.splitlines() if ln.startswith(("flags", "Features")))
        assert set(cpu.flags) >= set(line.split(":", 1)[1].split())
        assert ("avx2" in cpu.flags) == (" avx2" in line)
    assert profile.disk_free_bytes and profile.disk_free_bytes > 0
    assert profile.detected_at.endswith("+00:00")


def test_disk_free_of_a_missing_folder_is_unknown(tmp_path: Path) -> None:
    assert system_probe.disk_free(tmp_path / "nope") is None


def test_windows_reads_flags_through_py_cpuinfo(monkeypatch: pytest.MonkeyPatch) -> None:
    # py-cpuinfo is only installed on Windows; its get_cpu_info() answer is replayed here.
    import types

    answer = {
        "brand_raw": "AMD Ryzen 9 7950X 16-Core Processor",
        "vendor_id_raw": "AuthenticAMD",
        "flags": ["avx", "avx2", "avx512bw", "avx512f", "avx512vnni", "f16c", "fma", "sse4_2"],
    }
    fake = types.ModuleType("cpuinfo")
    fake.get_cpu_info = lambda: answer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cpuinfo", fake)
    monkeypatch.setattr(cpu_probe.sys, "platform", "win32")
    info = cpu_probe.probe_cpu()
    assert (info.brand, info.vendor) == ("AMD Ryzen 9 7950X 16-Core Processor", "AMD")
    assert info.logical_cores == os.cpu_count()
    assert info.instruction_sets == (
        "SSE4.2",
        "AVX",
        "AVX2",
        "FMA",
        "F16C",
        "AVX-512F",
        "AVX-512BW",
        "AVX-512 VNNI",
    )
