"""Measured benchmark runs as Compare chart points, beside the guide's published figures.

The Compare charts place single-request figures: a run's concurrency-1 step gives its TTFT
p50 and its tokens/s per user p50 (1 / TPOT; docs/benchmark-metrics.md), marked "measured".
"""

from __future__ import annotations

from desktop_app.domain.bench.run import BenchRun
from desktop_app.domain.compare.series import Point
from desktop_app.domain.units import format_number

_FRAMEWORK = {"vllm": "vllm", "llama.cpp": "llama.cpp", "ollama": "ollama", "sglang": "sglang"}


def framework_id(engine: str) -> str:
    """The Compare framework id for a run's engine name ('vLLM' → 'vllm')."""
    return _FRAMEWORK.get(engine.lower(), engine.lower())


def bench_point(run: BenchRun, metric: str) -> Point | None:
    """The run's concurrency-1 figure for "ttft_ms" or "decode_tokens_per_s", if measured."""
    step = next((s for s in run.steps if s.mode == "concurrency" and s.value == 1), None)
    if step is None:
        return None
    if metric == "ttft_ms":
        value, unit, label = step.ttft_ms.p50, "ms", "time to first token (p50, benchmark)"
    else:
        value, unit = step.tok_s_per_user.p50, "tokens/s"
        label = "tokens/s per user (p50, benchmark)"
    if value is None:
        return None
    conditions = (
        f"{run.model}, {run.engine} {run.engine_version}, concurrency 1, "
        f"{run.config.output_tokens} output tokens, n={step.completed}"
    )
    tip = (
        f"Measured under the load benchmark: {label} = {format_number(value)} {unit}\n"
        f"Conditions: {conditions}\nDefinitions: docs/benchmark-metrics.md\n"
        f"Source: your benchmark run #{run.id} of {run.created}"
    )
    return Point(
        framework_id(run.engine),
        value,
        unit,
        label,
        conditions,
        tip,
        "measured (benchmark)",
        run.created,
        f"measured #{run.id}",
    )


def gpu_sentence(run: BenchRun) -> str:
    """The GPU's power, utilisation, memory and energy per output token at the run's
    busiest step (NVML readings), or why they are unknown."""
    steps = [s for s in run.steps if s.output_throughput]
    step = max(steps, key=lambda s: s.output_throughput or 0.0, default=None)
    if step is None:
        return "GPU power, utilisation and energy per token: unknown (no step completed)."
    g = step.gpu
    if all(v is None for v in (g.power_w_mean, g.util_pct_mean, g.memory_used_bytes_max)):
        return (
            "GPU power, utilisation and energy per token: unknown (no NVIDIA GPU answered "
            "through NVML on this machine)."
        )
    power = "unknown" if g.power_w_mean is None else f"{format_number(g.power_w_mean)} W"
    util = "unknown" if g.util_pct_mean is None else f"{g.util_pct_mean:.0f}%"
    mem = (
        "unknown"
        if g.memory_used_bytes_max is None
        else f"{g.memory_used_bytes_max / 2**30:,.1f} GiB"
    )
    jpt = step.energy_j_per_token
    energy = "unknown" if jpt is None else f"{jpt:,.3f} J"
    return (
        f"GPU at {step.mode} {step.value:g} (NVML): {power} mean power, {util} mean "
        f"utilisation, {mem} memory used at most, {energy} per output token."
    )
