"""Which frameworks run on a hardware profile, and why, from the store's sourced facts.

Use `eligibility(profile, frameworks)` for all eight (in the order given) or
`eligibility_for(profile, framework)` for one. Each answer has a status (runs / runs with
limits / does not run), reasons best first, and the facts they rest on (source and date in
`Fact.provenance`). Pure: no I/O, so Compare and Decide can call it on any profile.

A fact the store does not have never counts as "does not run": it gives "runs with limits"
with a reason saying it is not documented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.sources.frameworks import Fact, Framework


class Status(Enum):
    """Whether a framework runs here."""

    RUNS = "runs"
    LIMITED = "runs with limits"
    NO = "does not run"

    @property
    def rank(self) -> int:
        """Higher is better (for picking the best path)."""
        return {Status.RUNS: 2, Status.LIMITED: 1, Status.NO: 0}[self]


@dataclass(frozen=True)
class Eligibility:
    """The answer for one framework: status, reasons (best first) and the facts behind them."""

    framework_id: str
    framework_name: str
    status: Status
    reasons: tuple[str, ...]
    facts: tuple[Fact, ...]

    @property
    def runs(self) -> bool:
        """True unless the framework does not run at all."""
        return self.status is not Status.NO

    @property
    def sources(self) -> tuple[str, ...]:
        """One line per fact used: attribute, source and retrieval date."""
        return tuple(
            f"{f.attribute}: {f.provenance.source or 'unknown'} "
            f"(retrieved {f.provenance.retrieved or 'unknown'})"
            for f in self.facts
        )


@dataclass(frozen=True)
class _Path:
    status: Status
    reason: str
    fact: Fact


def _kind(fact: Fact) -> Status | None:
    """yes… → RUNS, no… → NO, other text → LIMITED, missing → None."""
    value = (fact.value or "").strip().lower()
    if not value:
        return None
    if value.startswith("yes"):
        return Status.RUNS
    if value.startswith("no"):
        return Status.NO
    return Status.LIMITED


def _from_fact(fact: Fact, what: str, cap: Status = Status.RUNS) -> _Path:
    kind = _kind(fact)
    if kind is None:
        return _Path(Status.LIMITED, f"{what}: not documented{_note(fact)}", fact)
    status = kind if kind.rank <= cap.rank else cap
    return _Path(status, f"{what}: {fact.value}", fact)


def _min_cc(fact: Fact) -> str | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", fact.value or "")
    return match.group(1) if match else None


def _note(fact: Fact) -> str:
    # Skip notes that only repeat "not documented".
    if not fact.note or fact.note.strip().lower() == "not documented":
        return ""
    return f" ({fact.note})"


def _cc(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _nvidia_path(profile: HardwareProfile, fw: Framework) -> _Path:
    fact = fw.fact("nvidia_cuda_min_compute_capability")
    gpus = profile.nvidia_gpus
    best = max(gpus, key=lambda g: _cc(g.compute_capability) or -1.0)
    have = _cc(best.compute_capability)
    need_text = _min_cc(fact)
    if need_text is None:
        return _Path(
            Status.LIMITED, f"NVIDIA GPU: minimum compute capability not stated{_note(fact)}", fact
        )
    need = float(need_text)
    if have is None:
        return _Path(
            Status.LIMITED,
            f"NVIDIA GPU: needs compute capability ≥ {need_text}; {best.name}'s is unknown",
            fact,
        )
    name = best.name if best.name.startswith("NVIDIA") else f"NVIDIA {best.name}"
    head = f"{name}: compute capability {best.compute_capability}"
    if have >= need:
        return _Path(Status.RUNS, f"{head} ≥ {need_text} required", fact)
    return _Path(Status.NO, f"{head} < {need_text} required", fact)


def _cpu_path(profile: HardwareProfile, fw: Framework, cap: Status = Status.RUNS) -> _Path:
    path = _from_fact(fw.fact("cpu"), "CPU", cap)
    if path.status is Status.NO or _kind(path.fact) is None:
        return path
    cpu = profile.cpu
    extra = ""
    status = path.status
    if not cpu.flags:
        extra = "; speed depends on AVX2 / AVX-512, not known for this CPU"
    elif cpu.has("neon"):
        extra = "; ARM NEON" + (
            " + dotprod (faster quantised kernels)" if cpu.has("dotprod") else ""
        )
    elif not cpu.has("avx2"):
        extra = "; no AVX2: CPU inference will be slow"
        status = Status.LIMITED
    elif cpu.has("avx512f"):
        extra = "; AVX-512 present (fastest x86 kernels)"
    else:
        extra = "; AVX2 present, no AVX-512"
    return _Path(status, path.reason + extra, path.fact)


def _is_mac(profile: HardwareProfile) -> bool:
    return profile.os_name in ("macOS", "Darwin") or profile.apple is not None


def _paths(profile: HardwareProfile, fw: Framework) -> list[_Path]:
    paths: list[_Path] = []
    if _is_mac(profile):
        if profile.apple is not None or any(g.vendor == "Apple" for g in profile.gpus):
            paths.append(_from_fact(fw.fact("apple_metal"), "Apple silicon (Metal)"))
        else:
            paths.append(_cpu_path(profile, fw, cap=Status.LIMITED))
        return paths
    if profile.nvidia_gpus:
        paths.append(_nvidia_path(profile, fw))
    if any(g.vendor == "AMD" for g in profile.gpus):
        paths.append(_from_fact(fw.fact("amd_rocm"), "AMD GPU (ROCm)"))
    if any(g.vendor == "Intel" for g in profile.gpus):
        # Intel support is listed for data-centre parts; a given iGPU may not qualify.
        paths.append(_from_fact(fw.fact("intel"), "Intel GPU", cap=Status.LIMITED))
    paths.append(_cpu_path(profile, fw))
    return paths


def eligibility_for(profile: HardwareProfile, fw: Framework) -> Eligibility:
    """Whether `fw` runs on `profile`, with reasons and the facts used."""
    found = _paths(profile, fw)
    paths = sorted(found, key=lambda p: -p.status.rank)
    status = paths[0].status
    reasons = [p.reason for p in paths]
    gpu_paths = found[:-1] if not _is_mac(profile) else []
    if gpu_paths and all(p.status is Status.NO for p in gpu_paths) and status is Status.RUNS:
        # The machine's GPU cannot be used: running on the CPU instead is a real limit.
        status = Status.LIMITED
        reasons.insert(0, "only on the CPU: this GPU is not supported")
    facts = [p.fact for p in paths]
    if profile.os_name == "Windows":
        win = fw.fact("windows_native")
        kind = _kind(win)
        facts.insert(0, win)
        if kind is Status.NO:
            status = Status.NO
            reasons.insert(0, f"Windows: {win.value}")
        elif kind is None:
            status = Status.LIMITED if status is Status.RUNS else status
            reasons.insert(0, f"Windows: not documented{_note(win)}")
        elif kind is Status.LIMITED:
            status = Status.LIMITED if status is Status.RUNS else status
            reasons.insert(0, f"Windows: {win.value}")
    return Eligibility(fw.id, fw.name, status, tuple(reasons), tuple(dict.fromkeys(facts)))


def eligibility(profile: HardwareProfile, frameworks: Iterable[Framework]) -> list[Eligibility]:
    """The answer for each framework, in the order given."""
    return [eligibility_for(profile, fw) for fw in frameworks]
