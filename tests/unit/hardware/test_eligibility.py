"""Which frameworks run where, judged from the store's facts, and planned profiles."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from desktop_app.domain.hardware.eligibility import Eligibility, Status, eligibility
from desktop_app.domain.hardware.plan import (
    find_gpu,
    planned_cpu_profile,
    planned_gpu_profile,
)
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.hardware.text import profile_markdown
from desktop_app.storage.bundled.store import BundledStore
from tests.fakes.profiles import AVX512, machine, nvidia


def judge(bundled_store: BundledStore, profile: HardwareProfile) -> dict[str, Eligibility]:
    return {e.framework_id: e for e in eligibility(profile, bundled_store.frameworks())}


def test_tensorrt_llm_needs_cc_8_on_linux(bundled_store: BundledStore) -> None:
    ampere = judge(
        bundled_store, machine(gpus=(nvidia("NVIDIA GeForce RTX 3060", "8.6"),), flags=AVX512)
    )
    assert ampere["tensorrt-llm"].status is Status.RUNS
    assert ampere["tensorrt-llm"].reasons[0] == (
        "NVIDIA GeForce RTX 3060: compute capability 8.6 ≥ 8.0 required"
    )
    turing = judge(bundled_store, machine(gpus=(nvidia("Tesla T4", "7.5"),), flags=AVX512))
    assert turing["tensorrt-llm"].status is Status.NO
    assert "compute capability 7.5 < 8.0 required" in turing["tensorrt-llm"].reasons[0]
    # vLLM's minimum is 7.5: the same T4 runs it.
    assert turing["vllm"].status is Status.RUNS
    windows = judge(
        bundled_store, machine(os_name="Windows", gpus=(nvidia("RTX 4090", "8.9"),), flags=AVX512)
    )
    assert windows["tensorrt-llm"].status is Status.NO
    assert windows["tensorrt-llm"].reasons[0].startswith("Windows: no (requires Linux")
    assert windows["vllm"].status is Status.NO
    assert windows["llama.cpp"].status is Status.RUNS


def test_unusable_gpu_means_cpu_only_with_limits(bundled_store: BundledStore) -> None:
    old = judge(bundled_store, machine(gpus=(nvidia("Tesla P100", "6.0"),), flags=AVX512))
    assert old["vllm"].status is Status.LIMITED
    assert old["vllm"].reasons[0] == "only on the CPU: this GPU is not supported"
    assert old["llama.cpp"].status is Status.RUNS  # CC 5.0 minimum: the P100 works


def test_cpu_only_speed_depends_on_avx2(bundled_store: BundledStore) -> None:
    fast = judge(bundled_store, machine(flags=AVX512))
    assert fast["llama.cpp"].status is Status.RUNS and fast["ollama"].status is Status.RUNS
    assert "AVX-512 present" in fast["llama.cpp"].reasons[0]
    assert fast["tensorrt-llm"].status is Status.NO
    assert fast["tensorrt-llm"].reasons == ("CPU: no (NVIDIA GPU required)",)
    old = judge(bundled_store, machine(flags=("sse4_2", "avx")))
    assert old["llama.cpp"].status is Status.LIMITED
    assert "no AVX2: CPU inference will be slow" in old["llama.cpp"].reasons[0]
    arm = judge(bundled_store, machine(flags=("neon", "dotprod", "sve"), arch="aarch64"))
    assert "ARM NEON + dotprod" in arm["llama.cpp"].reasons[0]


def test_missing_facts_never_say_does_not_run(bundled_store: BundledStore) -> None:
    results = judge(bundled_store, machine(flags=AVX512))
    assert results["lmdeploy"].status is Status.LIMITED
    assert results["lmdeploy"].reasons[0].startswith("CPU: not documented")
    assert results["mlc-llm"].status is Status.LIMITED


def test_every_answer_carries_its_sources(bundled_store: BundledStore) -> None:
    for result in judge(
        bundled_store, machine(gpus=(nvidia("H100", "9.0"),), flags=AVX512)
    ).values():
        assert result.reasons and result.facts
        for fact in result.facts:
            assert fact.provenance.source and fact.provenance.retrieved == "2026-11-29"
        assert all("retrieved 2026-11-29" in s for s in result.sources)


def test_planned_gpu_profiles(bundled_store: BundledStore) -> None:
    gpus = bundled_store.gpus()
    a100 = find_gpu(gpus, "a100 80gb (sxm4)")
    assert a100 is not None
    plan = planned_gpu_profile(a100, 1)
    assert plan.planned and plan.label == "Planned: 1× A100 80GB (SXM4)"
    assert plan.total_vram_bytes == 80_000_000_000
    assert plan.gpus[0].compute_capability == "8.0" and plan.gpus[0].bandwidth_gbps == 2039
    assert judge(bundled_store, plan)["tensorrt-llm"].status is Status.RUNS

    two = planned_gpu_profile(find_gpu(gpus, "RTX 4090"), 2)  # type: ignore[arg-type]
    assert two.label == "Planned: 2× GeForce RTX 4090"
    assert [g.index for g in two.gpus] == [0, 1] and two.total_vram_bytes == 48_000_000_000

    mi300 = judge(bundled_store, planned_gpu_profile(find_gpu(gpus, "MI300X"), 1))  # type: ignore[arg-type]
    assert mi300["vllm"].status is Status.RUNS and "ROCm" in mi300["vllm"].reasons[0]
    assert mi300["tensorrt-llm"].status is Status.NO

    mac = planned_gpu_profile(find_gpu(gpus, "M3 Max"), 1)  # type: ignore[arg-type]
    assert mac.os_name == "macOS" and mac.apple is not None
    on_mac = judge(bundled_store, mac)
    assert on_mac["llama.cpp"].status is Status.RUNS
    assert on_mac["tensorrt-llm"].status is Status.NO
    assert on_mac["vllm"].status is Status.LIMITED  # community plugin only
    assert find_gpu(gpus, "RTX") is None  # ambiguous
    with pytest.raises(ValueError):
        planned_gpu_profile(a100, 0)


def test_planned_cpu_only(bundled_store: BundledStore) -> None:
    plan = planned_cpu_profile(32)
    assert plan.label == "Planned: CPU only, 32 cores" and plan.cpu.logical_cores == 32
    results = judge(bundled_store, plan)
    assert results["llama.cpp"].status is Status.RUNS
    assert "not known for this CPU" in results["llama.cpp"].reasons[0]
    assert results["tensorrt-llm"].status is Status.NO


def test_json_export_and_markdown() -> None:
    profile = replace(
        machine(gpus=(nvidia("NVIDIA GeForce RTX 4090", "8.9"),), flags=AVX512, ram_gib=64),
        probe_notes=("NVML: temperature: not supported",),
    )
    data = profile.to_json()
    assert data["os"] == {"name": "Linux", "version": ""}
    assert data["cpu"]["instruction_sets"][:3] == ["SSE4.2", "AVX", "AVX2"]
    exported = json.loads(json.dumps(data))  # what "Copy as JSON" and a trial record hold
    assert exported["gpus"][0]["name"] == "NVIDIA GeForce RTX 4090"
    assert exported["gpus"][0]["compute_capability"] == "8.9"
    assert exported["memory"]["total_bytes"] == 64 * 2**30
    assert exported["probe_notes"] == ["NVML: temperature: not supported"]
    text = profile_markdown(profile)
    assert "- **GPU 0**: NVIDIA GeForce RTX 4090, unknown, CC 8.9" in text
    assert "- **RAM**: 64.0 GiB total, 32.0 GiB available; swap unknown" in text
    assert "_note_: NVML: temperature: not supported" in text
