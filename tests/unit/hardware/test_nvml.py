"""NVIDIA detection through NVML, with pynvml's functions replaced by recorded readings."""

from __future__ import annotations

import threading
import time

import pynvml
import pytest

from desktop_app.services.hardware import LiveSampler, nvidia, probe_hardware
from tests.fakes.nvml import A100_MIG, H100, MIB, RTX_4090, FakeNvml


def test_no_library_says_why_and_the_rest_of_the_probe_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    FakeNvml(init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).install(monkeypatch)
    profile = probe_hardware()
    assert profile.nvidia_gpus == ()
    assert profile.gpu_error == (
        "no NVIDIA GPU detected: NVML library not found (no NVIDIA driver installed?)"
    )
    assert profile.cpu.logical_cores and profile.memory.total_bytes


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (pynvml.NVML_ERROR_DRIVER_NOT_LOADED, "NVIDIA driver not loaded"),
        (pynvml.NVML_ERROR_LIB_RM_VERSION_MISMATCH, "driver/library version mismatch"),
        (pynvml.NVML_ERROR_NO_PERMISSION, "no permission to access the GPU"),
        (pynvml.NVML_ERROR_UNKNOWN, "NVML error: Unknown Error"),
    ],
)
def test_each_nvml_failure_has_its_own_reason(
    monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    FakeNvml([RTX_4090], init_error=code).install(monkeypatch)
    result = nvidia.probe_nvidia()
    assert result.gpus == ()
    assert result.error is not None
    assert result.error.startswith(f"no NVIDIA GPU detected: {reason}")


def test_missing_python_package_is_a_reason_too(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_module() -> None:
        raise ImportError("No module named 'pynvml'")

    monkeypatch.setattr(nvidia, "_pynvml", no_module)
    result = nvidia.probe_nvidia()
    assert result.error == (
        "no NVIDIA GPU detected: library not found (the nvidia-ml-py package is not installed)"
    )


def test_one_gpu_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeNvml([RTX_4090]).install(monkeypatch)
    profile = probe_hardware()
    assert profile.gpu_error is None
    (gpu,) = profile.nvidia_gpus
    assert gpu.name == "NVIDIA GeForce RTX 4090" and gpu.source == "NVML" and gpu.index == 0
    assert gpu.uuid == RTX_4090.uuid
    assert gpu.memory_total_bytes == 24564 * MIB
    assert gpu.memory_used_bytes == 1120 * MIB
    assert gpu.memory_free_bytes == (24564 - 1120) * MIB
    assert gpu.driver_version == "550.54.14" and gpu.cuda_driver_version == "12.4"
    assert gpu.compute_capability == "8.9"
    assert gpu.memory_bus_width_bits == 384 and gpu.max_memory_clock_mhz == 10501
    # 384 bit / 8 × 10501 MHz × 2 = 1008.1 GB/s, the published 4090 figure.
    assert gpu.bandwidth_gbps == pytest.approx(1008.1, abs=0.1)
    assert gpu.bandwidth_note.startswith("computed")
    assert gpu.power_limit_w == 450.0
    assert (gpu.pcie_generation, gpu.pcie_width) == (4, 16)
    assert gpu.utilization_pct == 3.0 and gpu.temperature_c == 41.0
    assert gpu.notes == ()
    assert fake.initialised == 0, "NVML must be shut down after the probe"


def test_two_different_gpus(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeNvml([H100, RTX_4090]).install(monkeypatch)
    profile = probe_hardware()
    names = [(g.index, g.name, g.compute_capability) for g in profile.nvidia_gpus]
    assert names == [(0, "NVIDIA H100 80GB HBM3", "9.0"), (1, "NVIDIA GeForce RTX 4090", "8.9")]
    h100 = profile.nvidia_gpus[0]
    assert h100.bandwidth_gbps == pytest.approx(3352.3, abs=0.1)  # 5120 bit HBM3 at 2619 MHz
    assert profile.total_vram_bytes == (81559 + 24564) * MIB


def test_mig_and_unsupported_fields_are_unknown_with_notes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    FakeNvml([A100_MIG]).install(monkeypatch)
    (gpu,) = probe_hardware().nvidia_gpus
    assert gpu.utilization_pct is None and gpu.temperature_c is None
    assert gpu.power_limit_w is None
    assert gpu.memory_total_bytes == 81920 * MIB and gpu.compute_capability == "8.0"
    assert "utilisation: not supported" in gpu.notes
    assert "temperature: not supported" in gpu.notes
    assert any(n.startswith("MIG mode is on") for n in gpu.notes)


def test_zero_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    FakeNvml([]).install(monkeypatch)
    assert probe_hardware().gpu_error == "no NVIDIA GPU detected: NVML reports no devices"


def test_live_sample_reads_gpus_and_survives_a_driver_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = FakeNvml([RTX_4090, A100_MIG]).install(monkeypatch)
    sampler = LiveSampler()
    first = sampler.sample()
    assert first.gpu_error is None
    assert [(g.name, g.utilization_pct) for g in first.gpus] == [
        ("NVIDIA GeForce RTX 4090", 3.0),
        ("NVIDIA A100-SXM4-80GB", None),
    ]
    assert first.gpus[0].memory_pct == pytest.approx(100 * 1120 / 24564)
    assert first.cpu_pct is not None and first.ram_total_bytes

    fake.fail_with = pynvml.NVML_ERROR_GPU_IS_LOST  # the driver fails mid-session
    broken = sampler.sample()
    assert broken.gpus == ()
    assert broken.gpu_error == "GPU 0 stopped answering: NVML error: GPU is lost"
    assert broken.ram_total_bytes, "CPU and RAM keep coming when the GPU fails"
    assert fake.initialised == 0, "NVML is released after the error"

    fake.fail_with = None  # the GPU is back (driver reset): the next tick reconnects
    again = sampler.sample()
    assert again.gpu_error is None and len(again.gpus) == 2
    sampler.close()
    assert fake.initialised == 0


def test_a_hanging_sub_probe_times_out_without_blocking_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def stuck_driver() -> nvidia.NvidiaResult:
        release.wait(10)
        return nvidia.NvidiaResult((), None)

    monkeypatch.setattr(nvidia, "probe_nvidia", stuck_driver)
    start = time.monotonic()
    try:
        profile = probe_hardware(timeout_s=0.5)
    finally:
        release.set()
    assert time.monotonic() - start < 2.0
    assert profile.gpu_error == "no NVIDIA GPU detected: NVML did not answer within 0.5 s"
    assert any(n.startswith("NVIDIA (NVML): timed out") for n in profile.probe_notes)
    assert profile.cpu.logical_cores and profile.memory.total_bytes
