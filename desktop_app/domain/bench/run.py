"""One benchmark run as kept and compared: what was measured, against what, and every request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_app.domain.bench.config import BenchConfig
from desktop_app.domain.bench.metrics import (
    Headlines,
    RequestRecord,
    StepSummary,
    headlines,
)


@dataclass(frozen=True)
class Progress:
    """Live state of a running benchmark (sent to the CLI line and the view)."""

    step: int  # 0-based
    steps: int
    mode: str
    value: float
    done: int  # measured requests finished in this step
    planned: int | None  # requests in this step (None: duration-limited)
    in_flight: int
    ttft_p50_ms: float | None
    output_tok_s: float | None
    errors: int
    phase: str = "measuring"  # "starting", "warm-up", "measuring", "step done"


@dataclass(frozen=True)
class BenchRun:
    """A finished (or cancelled) run with its context and raw per-request records."""

    created: str
    engine: str  # "llama.cpp", "ollama", or what the endpoint says ("vLLM", "unknown")
    engine_version: str
    model: str
    base_url: str
    api: str
    slots: int | None  # the server's parallel slots, when known
    config: BenchConfig
    hardware: dict[str, Any]
    steps: tuple[StepSummary, ...]
    records: tuple[RequestRecord, ...]
    notes: tuple[str, ...] = ()
    cancelled: bool = False
    label: str = ""
    id: int | None = None  # set once the user store keeps it
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """How the run is named in lists and chart legends."""
        if self.label:
            return self.label
        slots = f" ×{self.slots}" if self.slots else ""
        return f"{self.engine}{slots} · {self.model}"

    def answers(self) -> Headlines:
        """The two headline answers for this run's own targets."""
        return headlines(
            self.steps, self.config.ttft_target_ms, self.config.user_tok_s_target, self.slots
        )

    def to_json(self, with_records: bool = True) -> dict[str, Any]:
        """Everything as one JSON object (what --json prints and the export writes)."""
        data: dict[str, Any] = {
            "id": self.id,
            "label": self.label,
            "created": self.created,
            "engine": self.engine,
            "engine_version": self.engine_version,
            "model": self.model,
            "base_url": self.base_url,
            "api": self.api,
            "slots": self.slots,
            "config": self.config.to_json(),
            "hardware": self.hardware,
            "steps": [s.to_json() for s in self.steps],
            "answers": self.answers().sentences(self.slots),
            "notes": list(self.notes),
            "cancelled": self.cancelled,
            "metrics_definitions": "docs/benchmark-metrics.md",
            "extra": self.extra,
        }
        if with_records:
            data["requests"] = [r.to_json() for r in self.records]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BenchRun:
        """The inverse of to_json."""
        return cls(
            created=data["created"],
            engine=data["engine"],
            engine_version=data["engine_version"],
            model=data["model"],
            base_url=data["base_url"],
            api=data["api"],
            slots=data.get("slots"),
            config=BenchConfig.from_json(data["config"]),
            hardware=data.get("hardware") or {},
            steps=tuple(StepSummary.from_json(s) for s in data["steps"]),
            records=tuple(RequestRecord.from_json(r) for r in data.get("requests") or ()),
            notes=tuple(data.get("notes") or ()),
            cancelled=bool(data.get("cancelled")),
            label=data.get("label") or "",
            id=data.get("id"),
            extra=dict(data.get("extra") or {}),
        )


CSV_COLUMNS = (
    "run",
    "step",
    "mode",
    "value",
    "requests",
    "completed",
    "errors",
    "duration_s",
    "request_throughput_rps",
    "output_throughput_tok_s",
    "ttft_ms_mean",
    "ttft_ms_p50",
    "ttft_ms_p90",
    "ttft_ms_p99",
    "tpot_ms_mean",
    "tpot_ms_p50",
    "tpot_ms_p90",
    "tpot_ms_p99",
    "itl_ms_p50",
    "itl_ms_p99",
    "e2el_ms_p50",
    "e2el_ms_p90",
    "e2el_ms_p99",
    "tok_s_per_user_p50",
    "tok_s_per_user_at_p90",
    "goodput_rps",
    "slo_attainment",
    "gpu_power_w_mean",
    "gpu_util_pct_mean",
    "gpu_memory_used_bytes_max",
    "energy_j_per_token",
    "stopped",
)


def csv_rows(run: BenchRun) -> list[list[str]]:
    """One row per step; unknown values are the word 'unknown', never 0."""

    def cell(value: object) -> str:
        if value is None:
            return "unknown"
        if isinstance(value, float):
            return f"{value:.6g}"
        return str(value)

    rows = []
    for s in run.steps:
        errors = ";".join(f"{k}:{v}" for k, v in s.errors.items())
        values: list[object] = [
            run.title,
            s.index,
            s.mode,
            s.value,
            s.requests,
            s.completed,
            errors or "0",
            s.duration_s,
            s.request_throughput,
            s.output_throughput,
            s.ttft_ms.mean,
            s.ttft_ms.p50,
            s.ttft_ms.p90,
            s.ttft_ms.p99,
            s.tpot_ms.mean,
            s.tpot_ms.p50,
            s.tpot_ms.p90,
            s.tpot_ms.p99,
            s.itl_ms.p50,
            s.itl_ms.p99,
            s.e2el_ms.p50,
            s.e2el_ms.p90,
            s.e2el_ms.p99,
            s.tok_s_per_user.p50,
            s.user_tok_s_p90,
            s.goodput,
            s.slo_attainment,
            s.gpu.power_w_mean,
            s.gpu.util_pct_mean,
            s.gpu.memory_used_bytes_max,
            s.energy_j_per_token,
            s.stopped or "",
        ]
        rows.append([cell(v) for v in values])
    return rows
