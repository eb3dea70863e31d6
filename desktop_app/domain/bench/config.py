"""What a benchmark run asks for, validated field by field (a message names the field)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from desktop_app.domain.bench.metrics import Slo, ladder

MAX_CONCURRENCY = 1024
MAX_RATE = 10_000.0
MAX_TOKENS = 131_072


class ConfigError(ValueError):
    """A setting the user must fix; `field` names it (for the form) and the text says how."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class BenchConfig:
    """The load: a concurrency ladder or a rate sweep, its step size, prompts and targets."""

    mode: str = "concurrency"  # "concurrency" or "rate"
    values: tuple[float, ...] = ()  # empty: the default ladder (1, 2, 4, … 2 × slots)
    arrivals: str = "constant"  # rate mode: "constant" or "poisson"
    requests: int | None = 16  # per step (None when `duration_s` is used)
    duration_s: float | None = None
    warmup: int = 2
    input_tokens: int = 128
    output_tokens: int = 64
    prompt_file: str | None = None
    api: str = "chat"  # "chat" (/v1/chat/completions) or "completions" (/v1/completions)
    ignore_eos: bool = True  # force the output length where the server allows it
    slo: Slo = field(default_factory=Slo)
    ttft_target_ms: float = 1000.0
    user_tok_s_target: float = 10.0
    seed: int = 0
    read_timeout_s: float = 120.0
    early_stop: bool = True

    def to_json(self) -> dict[str, Any]:
        """A JSON object of every setting."""
        data = asdict(self)
        data["values"] = list(self.values)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BenchConfig:
        """The inverse of to_json."""
        values = dict(data)
        values["values"] = tuple(values.get("values") or ())
        values["slo"] = Slo(**(values.get("slo") or {}))
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in values.items() if k in known})


def parse_values(text: str, mode: str) -> tuple[float, ...]:
    """'1,2,4,8' (concurrency) or '0.5,1,2' (rate) as numbers; ConfigError on a bad one."""
    out: list[float] = []
    name = "concurrency" if mode == "concurrency" else "rate"
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ConfigError(
                name, f"{part!r} is not a number; give a list like 1,2,4,8."
            ) from None
        out.append(value)
    return tuple(out)


def _whole(name: str, value: float, low: int, high: int, what: str) -> None:
    if not math.isfinite(value) or value != int(value) or not low <= value <= high:
        raise ConfigError(
            name, f"{what} must be a whole number from {low:,} to {high:,}; {value:g} was given."
        )


def validate(cfg: BenchConfig) -> BenchConfig:
    """The config if every field is sensible, else ConfigError naming the first bad field."""
    if cfg.mode not in ("concurrency", "rate"):
        raise ConfigError("mode", "The load is a concurrency ladder or a request-rate sweep.")
    if cfg.mode == "concurrency":
        for v in cfg.values:
            _whole("concurrency", v, 1, MAX_CONCURRENCY, "Each concurrency")
    else:
        if not cfg.values:
            raise ConfigError("rate", "Give at least one request rate (requests per second).")
        for v in cfg.values:
            if not math.isfinite(v) or not 0 < v <= MAX_RATE:
                raise ConfigError(
                    "rate",
                    f"Each rate must be more than 0 and at most {MAX_RATE:,.0f} "
                    f"requests/s; {v:g} was given.",
                )
        if cfg.arrivals not in ("constant", "poisson"):
            raise ConfigError("arrivals", "Arrivals are constant or Poisson.")
    if (cfg.requests is None) == (cfg.duration_s is None):
        raise ConfigError("requests", "Give either a request count or a duration per step.")
    if cfg.requests is not None:
        _whole("requests", cfg.requests, 1, 100_000, "Requests per step")
    if cfg.duration_s is not None and (
        not math.isfinite(cfg.duration_s) or not 0.5 <= cfg.duration_s <= 86_400
    ):
        raise ConfigError("duration", "The duration per step must be from 0.5 s to 24 h.")
    _whole("warmup", cfg.warmup, 0, 1000, "Warm-up requests")
    _whole("input_tokens", cfg.input_tokens, 1, MAX_TOKENS, "Input tokens")
    _whole("output_tokens", cfg.output_tokens, 1, MAX_TOKENS, "Output tokens")
    if cfg.api not in ("chat", "completions"):
        raise ConfigError("api", "The endpoint is chat or completions.")
    if not math.isfinite(cfg.ttft_target_ms) or cfg.ttft_target_ms <= 0:
        raise ConfigError("ttft_target", "The TTFT target must be more than 0 ms.")
    if not math.isfinite(cfg.user_tok_s_target) or cfg.user_tok_s_target < 0:
        raise ConfigError("user_target", "The tokens/s per user target must be 0 or more.")
    if not math.isfinite(cfg.read_timeout_s) or not 1 <= cfg.read_timeout_s <= 3600:
        raise ConfigError("timeout", "The read timeout must be from 1 s to 1 h.")
    return cfg


def steps_for(cfg: BenchConfig, slots: int | None) -> list[tuple[str, float]]:
    """The steps to run: the values given, or 1, 2, 4, … up to 2 × slots (8 when unknown)."""
    if cfg.values:
        return [(cfg.mode, v) for v in cfg.values]
    limit = 2 * slots if slots else 8
    return [("concurrency", float(c)) for c in ladder(min(limit, MAX_CONCURRENCY))]
