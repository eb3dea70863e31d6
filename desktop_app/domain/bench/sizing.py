"""Sizing from a measured run: GPUs for a target load from goodput, and cost per million tokens.

The measured step is the one with the highest goodput (or, without objectives, the highest
request throughput): that is what one deployment of the measured server sustains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from desktop_app.domain.bench.metrics import StepSummary
from desktop_app.domain.bench.run import BenchRun
from desktop_app.domain.cost.sizing import Throughput, measured_throughput


@dataclass(frozen=True)
class Sizing:
    """How many copies of the measured server a target load needs, and what a token costs."""

    step: StepSummary
    per_server_rps: float  # good requests/s one server sustains at that step
    basis: str  # "goodput" or "request throughput"
    servers: int
    gpus: int
    cost_per_hour: float | None
    cost_per_million_tokens: float | None  # at the measured step's output throughput

    def sentences(self, currency: str = "$") -> list[str]:
        """The sizing in plain words."""
        where = f"{self.step.mode} {self.step.value:g}"
        out = [
            f"One server sustains {self.per_server_rps:,.2f} requests/s ({self.basis} at "
            f"{where}); the target load needs {self.servers} server"
            f"{'s' if self.servers != 1 else ''} = {self.gpus} GPU{'s' if self.gpus != 1 else ''}."
        ]
        if self.cost_per_million_tokens is not None and self.cost_per_hour is not None:
            out.append(
                f"At {currency}{self.cost_per_hour:,.2f} per hour in all, output tokens cost "
                f"{currency}{self.cost_per_million_tokens:,.2f} per million at that load."
            )
        return out


def size_from_run(
    run: BenchRun,
    target_rps: float,
    gpus_per_server: int = 1,
    price_per_gpu_hour: float | None = None,
) -> Sizing | None:
    """Servers and GPUs for `target_rps` from the run's best step; None if nothing completed."""
    if not math.isfinite(target_rps) or target_rps <= 0 or gpus_per_server < 1:
        raise ValueError("the target load and GPUs per server must be positive")
    has_slo = any(s.goodput is not None for s in run.steps)
    basis = "goodput" if has_slo else "request throughput"

    def rate(s: StepSummary) -> float:
        return (s.goodput if has_slo else s.request_throughput) or 0.0

    best = max(run.steps, key=rate, default=None)
    if best is None or rate(best) <= 0:
        return None
    servers = math.ceil(target_rps / rate(best) - 1e-9)
    gpus = servers * gpus_per_server
    cost_hour = per_million = None
    if price_per_gpu_hour is not None:
        cost_hour = gpus * price_per_gpu_hour
        if best.output_throughput:
            # Each server runs at the measured step's output rate.
            per_million = price_per_gpu_hour * gpus_per_server / (best.output_throughput * 3600)
            per_million *= 1e6
    return Sizing(best, rate(best), basis, servers, gpus, cost_hour, per_million)


def run_hardware(run: BenchRun) -> str:
    """The machine a run was measured on, in words ("unknown" when not recorded)."""
    hw = run.hardware or {}
    gpus = hw.get("gpus") if isinstance(hw, dict) else None
    names = [g.get("name") for g in gpus or () if isinstance(g, dict) and g.get("name")]
    if names:
        return " + ".join(str(n) for n in names)
    label = hw.get("label") if isinstance(hw, dict) else None
    return str(label) if label else "unknown"


def run_throughput(run: BenchRun, output_tokens_per_request: float) -> Throughput | None:
    """A kept run as the Costs view's speed for one server: its best step's good tokens/s.

    Tokens/s carries over between request sizes better than requests/s, so the run's
    output-token rate is divided by the costing's own tokens per request.
    """
    sized = size_from_run(run, 1.0)
    if sized is None:
        return None
    step = sized.step
    if not step.request_throughput or not step.output_throughput:
        return None
    tokens_per_request = step.output_throughput / step.request_throughput
    day = run.created[:10] or "unknown"
    return measured_throughput(
        sized.per_server_rps * tokens_per_request,
        output_tokens_per_request=output_tokens_per_request,
        source=f"your run of {day} ({run.title})",
        observed=day,
        conditions=(
            f"{sized.basis} at {step.mode} {step.value:g}, {run.config.input_tokens} input / "
            f"{tokens_per_request:,.0f} output tokens per request, on {run_hardware(run)}"
        ),
    )
