"""`infernav detect` and `infernav eligibility`: the hardware probe on the command line."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import Any


def register(sub: Any) -> None:
    """Add the hardware commands."""
    p = sub.add_parser("detect", help="detect this machine's GPUs, CPU, memory and disk")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=detect)
    p = sub.add_parser(
        "eligibility", help="which frameworks run on this machine, or on a planned one"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--gpu", metavar="NAME", help="plan for a catalogue GPU instead")
    group.add_argument(
        "--cpu-only", action="store_true", help="this machine without its GPUs (or --cores)"
    )
    p.add_argument("--gpu-count", metavar="N", type=int, help="how many of --gpu (default 1)")
    p.add_argument("--cores", metavar="N", type=int, help="with --cpu-only: plan N cores")
    p.set_defaults(handler=eligibility)


def _detected() -> Any:
    from desktop_app.services.hardware import probe_hardware

    return probe_hardware()


def detect(args: argparse.Namespace) -> int:
    """Print this machine's hardware profile."""
    from desktop_app import paths
    from desktop_app.domain.hardware.text import gpu_lines, gpu_title
    from desktop_app.domain.units import format_bytes, format_reading

    profile = _detected()
    if args.json:
        print(json.dumps(profile.to_json(), indent=2, ensure_ascii=False))
        return 0
    cpu, mem = profile.cpu, profile.memory
    print(profile.label)
    print(f"  OS: {profile.os_label}")
    print(
        f"  CPU: {cpu.brand or 'unknown'} ({cpu.architecture}), "
        f"{format_reading(cpu.physical_cores)} physical / "
        f"{format_reading(cpu.logical_cores)} logical cores, "
        f"{format_reading(cpu.frequency_mhz, 'MHz')}"
    )
    print(f"  Instruction sets: {', '.join(cpu.instruction_sets) or 'unknown'}")
    print(
        f"  RAM: {format_bytes(mem.total_bytes)} total, {format_bytes(mem.available_bytes)} "
        f"available; swap {format_bytes(mem.swap_total_bytes)}"
    )
    print(f"  Free disk: {format_bytes(profile.disk_free_bytes)} in {paths.models_dir()}")
    if profile.apple is not None:
        a = profile.apple
        print(
            f"  Apple silicon: {a.chip or 'unknown'}, unified memory "
            f"{format_bytes(a.unified_memory_bytes)}, {format_reading(a.gpu_cores)} GPU cores, "
            f"Metal: {'unknown' if a.metal is None else ('yes' if a.metal else 'no')}"
        )
    for gpu in profile.gpus:
        print(f"  {gpu_title(gpu).replace(' · ', ': ', 1)}")
        for label, value in gpu_lines(gpu):
            print(f"    {label}: {value}")
        for note in gpu.notes:
            print(f"    note: {note}")
    if profile.gpu_error:
        print(f"  {profile.gpu_error}")
    for note in profile.probe_notes:
        print(f"  note: {note}")
    return 0


def _profile(args: argparse.Namespace) -> Any:
    from desktop_app.domain.hardware.plan import (
        find_gpu,
        planned_cpu_profile,
        planned_gpu_profile,
    )
    from desktop_app.errors import UserError

    if args.gpu_count is not None and not args.gpu:
        raise UserError("--gpu-count needs --gpu NAME")
    if args.cores is not None and not args.cpu_only:
        raise UserError("--cores needs --cpu-only")
    if args.gpu:
        count = 1 if args.gpu_count is None else args.gpu_count
        if not 1 <= count <= 64:
            raise UserError(f"--gpu-count must be between 1 and 64, not {count}")
        gpus = _store().gpus()
        gpu = find_gpu(gpus, args.gpu)
        if gpu is None:
            names = ", ".join(g.name for g in gpus)
            raise UserError(f"unknown GPU {args.gpu!r}; choose one of: {names}")
        return planned_gpu_profile(gpu, count)
    if args.cpu_only and args.cores is not None:
        if not 1 <= args.cores <= 4096:
            raise UserError(f"--cores must be between 1 and 4096, not {args.cores}")
        return planned_cpu_profile(args.cores)
    profile = _detected()
    if args.cpu_only:
        return replace(profile, label="This machine, CPU only", gpus=(), gpu_error=None)
    return profile


def _store() -> Any:
    from desktop_app.services.stores import open_bundled

    return open_bundled()


def eligibility(args: argparse.Namespace) -> int:
    """Print runs / runs with limits / does not run for each framework, with reasons."""
    from desktop_app.domain.hardware.eligibility import eligibility as judge

    profile = _profile(args)
    results = judge(profile, _store().frameworks())
    if args.json:
        out = {
            "profile": profile.label,
            "planned": profile.planned,
            "frameworks": [
                {
                    "id": e.framework_id,
                    "name": e.framework_name,
                    "status": e.status.value,
                    "reasons": list(e.reasons),
                    "sources": [
                        {
                            "attribute": f.attribute,
                            "value": f.value,
                            "source": f.provenance.source,
                            "retrieved": f.provenance.retrieved,
                        }
                        for f in e.facts
                    ],
                }
                for e in results
            ],
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"Framework eligibility for: {profile.label}")
    for e in results:
        print(f"  {e.framework_name:<14} {e.status.value}")
        for reason in e.reasons:
            print(f"      {reason}")
        for source in e.sources:
            print(f"      source: {source}")
    return 0
