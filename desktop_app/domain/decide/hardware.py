"""Hardware for the recommendation: what "auto" means, and each framework's fit or exclusion."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.sources.frameworks import Fact, Framework


@dataclass(frozen=True)
class HardwareTarget:
    """The hardware the recommendation is for: a class plus, when known, the real profile."""

    cls: str  # "nvidia" | "amd" | "apple" | "cpu" | "any" (deployment hardware not chosen)
    label: str
    known: bool = True  # False: nothing detected yet, CPU-only assumed for eligibility
    os_name: str | None = None
    gpu_name: str | None = None
    compute_capability: float | None = None
    cpu_flags: tuple[str, ...] = ()
    note: str = ""

    @property
    def big_nvidia(self) -> bool:
        """True for A100/H100-class data-centre GPUs (the guide's Question 4)."""
        name = (self.gpu_name or "").upper()
        return self.cls == "nvidia" and any(k in name for k in ("A100", "H100", "H200", "B200"))


def leading_number(text: str | None) -> float | None:
    """The number a fact starts with (\"7.5 (sm75+)\" → 7.5), or None."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)", text or "")
    return float(match.group(1)) if match else None


def hardware_target(choice: str, profile: HardwareProfile | None) -> HardwareTarget:
    """What "auto" means for this profile; an explicit choice keeps the class, not the OS.

    "deployment" (the default) is the server the model will run on, not yet described: no
    hardware is assumed, so no framework is excluded for hardware.
    """
    if choice == "deployment":
        return HardwareTarget(
            "any",
            "the deployment target (hardware not chosen yet)",
            known=False,
            note="The hardware question describes where the model will be served, not this "
            "machine; pick it to check each framework's support.",
        )
    if choice != "auto":
        labels = {"nvidia": "NVIDIA GPUs", "amd": "AMD GPUs", "apple": "Apple silicon"}
        return HardwareTarget(choice, labels.get(choice, "CPU only"))
    if profile is None:
        return HardwareTarget(
            "cpu",
            "unknown hardware",
            known=False,
            note="Hardware is unknown (not detected yet), so only CPU-only eligibility is "
            "assumed; pick the hardware to be sure.",
        )
    flags = tuple(profile.cpu.flags)
    base = {"os_name": profile.os_name, "cpu_flags": flags}
    nvidia = profile.nvidia_gpus
    if nvidia:
        gpu = nvidia[0]
        label = f"{len(nvidia)}× {gpu.name}" if len(nvidia) > 1 else gpu.name
        return HardwareTarget(
            "nvidia",
            label,
            gpu_name=gpu.name,
            compute_capability=leading_number(gpu.compute_capability),
            **base,  # type: ignore[arg-type]
        )
    amd = [g for g in profile.gpus if g.vendor == "AMD"]
    if amd:
        return HardwareTarget("amd", amd[0].name, gpu_name=amd[0].name, **base)  # type: ignore[arg-type]
    if profile.apple is not None or any(g.vendor == "Apple" for g in profile.gpus):
        chip = profile.apple.chip if profile.apple else None
        return HardwareTarget("apple", chip or "Apple silicon", **base)  # type: ignore[arg-type]
    label = profile.cpu.brand or "CPU only"
    return HardwareTarget("cpu", f"{label} (no GPU)", **base)  # type: ignore[arg-type]


def support_level(fact: Fact) -> str:
    """ "no", "unknown", "limited" or "yes", read from a platform fact's wording."""
    if not fact.value:
        return "unknown"
    text = fact.value.strip().lower()
    if text.startswith("no"):
        return "no"
    # Qualifiers inside parentheses describe versions or devices, not the support itself.
    outside = re.sub(r"\([^)]*\)", "", text)
    if any(q in outside for q in ("experimental", "plugin", "only", "partial", "via ")):
        return "limited"
    return "yes" if text.startswith("yes") else "limited"


@dataclass(frozen=True)
class HardwareFit:
    """Hardware fit of one framework: a 1-5 score, or an exclusion, with the reason."""

    score: int
    excluded: bool
    reason: str
    evidence: tuple[str, ...]


_PLATFORM_FACT = {"amd": "amd_rocm", "apple": "apple_metal", "cpu": "cpu"}
_CPU_ISAS = ("avx512", "avx2", "avx", "amx", "neon")


def hardware_fit(fw: Framework, target: HardwareTarget) -> HardwareFit:
    """Eligibility and fit of a framework for the target hardware, from its platform facts.

    This is the single place hardware rules live; it can later defer to the shared
    eligibility module.
    """
    if target.os_name and target.os_name.lower().startswith("win"):
        win = fw.fact("windows_native")
        if support_level(win) == "no":
            return HardwareFit(
                1,
                True,
                f"Not native on Windows: {win.short_value(70)}.",
                (f"F:{fw.id}:windows_native",),
            )
    if target.cls == "any":
        return HardwareFit(
            3, False, "The deployment hardware is not chosen yet, so support is not checked.", ()
        )
    fit = _nvidia_fit(fw, target) if target.cls == "nvidia" else _platform_fit(fw, target)
    if target.os_name is None and support_level(fw.fact("windows_native")) == "no":
        # An explicit hardware choice says nothing about the OS: assume a Linux server.
        return HardwareFit(
            fit.score,
            fit.excluded,
            f"{fit.reason} Not native on Windows: this assumes a Linux server.",
            (*fit.evidence, f"F:{fw.id}:windows_native"),
        )
    return fit


def _platform_fit(fw: Framework, target: HardwareTarget) -> HardwareFit:
    attribute = _PLATFORM_FACT[target.cls]
    fact = fw.fact(attribute)
    ev = (f"F:{fw.id}:{attribute}",)
    what = {"amd": "AMD GPUs (ROCm)", "apple": "Apple silicon", "cpu": "CPU-only machines"}
    level = support_level(fact)
    if level == "no":
        return HardwareFit(1, True, f"Does not run on {what[target.cls]}: {fact.value}.", ev)
    if level == "unknown":
        note = f": {fact.note}" if fact.note else ""
        return HardwareFit(
            1, False, f"Support for {what[target.cls]} is unknown: no source says{note}.", ev
        )
    if level == "limited":
        return HardwareFit(
            2 if target.cls == "cpu" else 3,
            False,
            f"Limited support for {what[target.cls]}: {fact.short_value(70)}.",
            ev,
        )
    if target.cls == "cpu":
        isas = [i for i in _CPU_ISAS if i in (fact.value or "").lower()]
        if isas:
            have = [f for f in target.cpu_flags if any(f.startswith(i) for i in isas)]
            mine = f"; this CPU has {', '.join(sorted(set(have))[:3])}" if have else ""
            return HardwareFit(
                5, False, f"Optimised CPU backend: {fact.short_value(60)}{mine}.", ev
            )
    return HardwareFit(4, False, f"Supports {what[target.cls]}: {fact.short_value(60)}.", ev)


def _nvidia_fit(fw: Framework, target: HardwareTarget) -> HardwareFit:
    cc_fact = fw.fact("nvidia_cuda_min_compute_capability")
    ev: tuple[str, ...] = (f"F:{fw.id}:nvidia_cuda_min_compute_capability",)
    need = leading_number(cc_fact.value)
    if need is None:
        note = f" ({cc_fact.note})" if cc_fact.note else ""
        return HardwareFit(
            3, False, f"Runs on NVIDIA; minimum compute capability not stated{note}.", ev
        )
    have = target.compute_capability
    if have is None:
        return HardwareFit(4, False, f"Runs on NVIDIA GPUs from compute capability {need:g}.", ev)
    gpu = target.gpu_name or "this GPU"
    if have < need:
        return HardwareFit(1, True, f"Needs compute capability ≥ {need:g}; {gpu} has {have:g}.", ev)
    listed = fw.facts.get("supported_gpus")
    if listed is not None and listed.value:
        ev = (*ev, f"F:{fw.id}:supported_gpus")
        tokens = re.findall(r"[A-Z]+\d+[A-Z]*", listed.value.upper())
        if not any(t in gpu.upper() for t in tokens):
            return HardwareFit(
                4, False, f"{gpu} (CC {have:g}) meets the minimum but is not on its list.", ev
            )
        return HardwareFit(5, False, f"{gpu} is on its supported-GPU list.", ev)
    return HardwareFit(5, False, f"{gpu} has compute capability {have:g} ≥ {need:g}.", ev)
