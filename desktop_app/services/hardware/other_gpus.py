"""AMD and Intel GPUs (Linux sysfs, amdsmi where installed) and Apple silicon (macOS).

sysfs also lists NVIDIA cards by PCI id, which lets the profile say "a card is there but
NVML cannot read it" instead of a bare "no GPU".
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop_app.domain.hardware.profile import AppleSilicon, GpuDevice

SYSFS_DRM = Path("/sys/class/drm")
_VENDORS = {"0x1002": "AMD", "0x8086": "Intel", "0x10de": "NVIDIA"}


@dataclass(frozen=True)
class SysfsGpu:
    """A GPU as Linux sysfs lists it."""

    card: str
    vendor: str
    pci_id: str  # "1002:744c"
    device: GpuDevice
    path: Path


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


def _read_int(path: Path) -> int | None:
    text = _read(path)
    try:
        return int(text) if text else None
    except ValueError:
        return None


def scan_sysfs(root: Path = SYSFS_DRM) -> list[SysfsGpu]:
    """Every display device under /sys/class/drm/card*/device (AMD, Intel, NVIDIA)."""
    found: list[SysfsGpu] = []
    if not root.is_dir():
        return found
    cards = sorted(
        (p for p in root.glob("card*") if p.name[4:].isdigit()), key=lambda p: int(p.name[4:])
    )
    for card in cards:
        dev = card / "device"
        vendor_id = (_read(dev / "vendor") or "").lower()
        vendor = _VENDORS.get(vendor_id)
        if vendor is None:
            continue
        device_id = (_read(dev / "device") or "").lower()
        pci_id = f"{vendor_id[2:]}:{device_id[2:]}"
        name = _read(dev / "product_name") or f"{vendor} GPU (PCI {pci_id})"
        total = _read_int(dev / "mem_info_vram_total")
        used = _read_int(dev / "mem_info_vram_used")
        busy = _read_int(dev / "gpu_busy_percent")
        gpu = GpuDevice(
            index=len([g for g in found if g.vendor == vendor]),
            name=name,
            vendor=vendor,
            source="sysfs",
            memory_total_bytes=total,
            memory_used_bytes=used,
            memory_free_bytes=total - used if total is not None and used is not None else None,
            utilization_pct=float(busy) if busy is not None else None,
        )
        found.append(SysfsGpu(card.name, vendor, pci_id, gpu, dev))
    return found


def amdsmi_names() -> list[str]:
    """Marketing names of AMD GPUs from amdsmi, when it is installed (empty otherwise)."""
    try:
        import amdsmi  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return []
    mod: Any = amdsmi
    try:
        mod.amdsmi_init()
    except Exception:  # AmdSmiException when no driver: sysfs still answers
        return []
    try:
        names = []
        for handle in mod.amdsmi_get_processor_handles():
            info = mod.amdsmi_get_gpu_asic_info(handle)
            names.append(str(info.get("market_name") or ""))
        return names
    except Exception:
        return []
    finally:
        try:
            mod.amdsmi_shut_down()
        except Exception:
            pass


def amd_and_intel(root: Path = SYSFS_DRM) -> tuple[list[GpuDevice], list[str]]:
    """AMD and Intel GPUs, and notes on NVIDIA cards sysfs sees (for the NVML reason)."""
    cards = scan_sysfs(root)
    amd = [c for c in cards if c.vendor == "AMD"]
    names = amdsmi_names() if amd else []
    gpus: list[GpuDevice] = []
    for i, card in enumerate(amd):
        device = card.device
        if i < len(names) and names[i]:
            device = replace(device, name=names[i], source="sysfs + amdsmi")
        gpus.append(device)
    gpus.extend(c.device for c in cards if c.vendor == "Intel")
    notes = [f"sysfs lists an NVIDIA card (PCI {c.pci_id})" for c in cards if c.vendor == "NVIDIA"]
    return gpus, notes


def parse_displays(data: dict[str, Any]) -> tuple[int | None, bool | None, str | None]:
    """(GPU cores, Metal support, model) from `system_profiler SPDisplaysDataType -json`."""
    for item in data.get("SPDisplaysDataType") or ():
        cores = item.get("sppci_cores")
        metal = item.get("spdisplays_mtlgpufamilysupport") or item.get("spdisplays_metal")
        try:
            n = int(cores) if cores is not None else None
        except ValueError:
            n = None
        return n, (bool(metal) if metal is not None else None), item.get("sppci_model")
    return None, None, None


def apple_displays(timeout_s: float = 5.0) -> tuple[int | None, bool | None, str | None]:
    """Run `system_profiler SPDisplaysDataType -json` (macOS) and parse it."""
    done = subprocess.run(
        ["system_profiler", "SPDisplaysDataType", "-json"],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    try:
        data = json.loads(done.stdout) if done.stdout else {}
    except json.JSONDecodeError:
        data = {}
    return parse_displays(data)


def apple_silicon(
    brand: str | None,
    memsize: int | None,
    displays: tuple[int | None, bool | None, str | None] | None,
) -> tuple[AppleSilicon, GpuDevice]:
    """The Apple silicon record and its GPU, from sysctl values and system_profiler's answer."""
    cores, metal, model = displays or (None, None, None)
    # Every Apple silicon Mac supports Metal; system_profiler states the family when it can.
    apple = AppleSilicon(brand, memsize, cores, True if metal is None else metal)
    gpu = GpuDevice(
        index=0,
        name=model or brand or "Apple GPU",
        vendor="Apple",
        source="sysctl + system_profiler",
        memory_total_bytes=memsize,
        notes=("unified memory: shared with the CPU",),
    )
    return apple, gpu
