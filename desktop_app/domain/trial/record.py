"""A saved trial: one typed, versioned record, read the same way by every screen.

`to_json()` writes format TRIAL_FORMAT with the flat keys 0.1.0 wrote (so `infernav trial
--json` prints what it printed before, plus `format`); `from_json()` also reads the
unversioned payload of 0.1.0, where any key may be missing: a missing figure stays None
("unknown", never 0). Metric definitions: docs/fit-and-metrics.md part B3.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from desktop_app.domain.trial.metrics import ServerFigures, TrialMetrics

TRIAL_FORMAT = 1


def _float(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: object) -> int | None:
    """An integer, or None; 0.1.0's Launch view saved its settings as text ("4")."""
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _server(data: object) -> ServerFigures | None:
    if not isinstance(data, Mapping):
        return None
    known = {f.name for f in fields(ServerFigures)}
    values: dict[str, Any] = {}
    for key in known - {"source"}:
        cast = _int if key.endswith("tokens") else _float
        values[key] = cast(data.get(key))
    return ServerFigures(source=str(data.get("source") or "unknown"), **values)


def _flag(value: object) -> bool:
    return bool(value)


def _read(data: Mapping[str, Any], casts: Mapping[str, Any]) -> dict[str, Any]:
    """Each key of `casts` read from `data` through its cast (missing: None, or False)."""
    return {key: cast(data.get(key)) for key, cast in casts.items()}


_METRICS = {
    "ttft_ms": _float, "e2e_ms": _float, "output_tokens": _int,
    "output_tokens_counted": _flag, "decode_tokens_per_s": _float, "prompt_tokens": _int,
    "prompt_tokens_per_s": _float, "server": _server, "cancelled": _flag,
}  # fmt: skip
_SETTINGS = {
    "threads": _int, "ctx": _int, "parallel": _int, "gpu_layers": _int, "max_tokens": _int,
    "prompt": _str, "api": _str, "reused_running_server": _flag,
}  # fmt: skip


@dataclass(frozen=True)
class TrialSettings:
    """How the engine was run and asked (None: not recorded)."""

    threads: int | None = None
    ctx: int | None = None
    parallel: int | None = None
    gpu_layers: int | None = None
    max_tokens: int | None = None
    prompt: str | None = None
    api: str | None = None  # "chat", "completion" or "ollama-chat"
    reused_running_server: bool = False

    def to_json(self) -> dict[str, Any]:
        """A JSON object with the keys 0.1.0 wrote."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: object) -> TrialSettings:
        """Read a settings object; unknown keys are ignored, missing ones are None."""
        if not isinstance(data, Mapping):
            return cls()
        return cls(**_read(data, _SETTINGS))


@dataclass(frozen=True)
class Trial:
    """One measured trial of a local engine (`id`/`created` are set once it is saved)."""

    engine: str
    engine_version: str
    model: str
    metrics: TrialMetrics
    quantization: str | None = None
    settings: TrialSettings = field(default_factory=TrialSettings)
    hardware: Mapping[str, Any] = field(default_factory=dict)  # HardwareProfile.to_json()
    port: int | None = None
    id: int | None = None
    created: str = ""

    @property
    def where(self) -> str:
        """The machine it ran on, in a few words: its GPUs, else its CPU."""
        gpus = self.hardware.get("gpus")
        if isinstance(gpus, list) and gpus:
            return ", ".join(str(g.get("name")) for g in gpus if isinstance(g, Mapping))
        cpu = self.hardware.get("cpu")
        if isinstance(cpu, Mapping):
            return str(cpu.get("brand") or "CPU")
        return "this machine"

    def to_json(self) -> dict[str, Any]:
        """The stored payload (format TRIAL_FORMAT); `id` and `created` live in the row."""
        return {
            "format": TRIAL_FORMAT,
            "engine": self.engine,
            "engine_version": self.engine_version,
            "model": self.model,
            "quantization": self.quantization,
            **self.metrics.to_json(),
            "settings": self.settings.to_json(),
            "hardware": dict(self.hardware),
            "port": self.port,
        }

    @classmethod
    def from_json(
        cls,
        data: object,
        *,
        engine: str = "",
        engine_version: str = "",
        model: str = "",
        id: int | None = None,
        created: str = "",
    ) -> Trial:
        """Read a payload of any format so far; the keywords fill what it lacks (its row)."""
        payload: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        version = payload.get("format", 0)
        if isinstance(version, int) and version > TRIAL_FORMAT:
            raise ValueError(f"a trial saved by a newer version (format {version})")
        hardware = payload.get("hardware")
        return cls(
            engine=str(payload.get("engine") or engine),
            engine_version=str(payload.get("engine_version") or engine_version or "unknown"),
            model=str(payload.get("model") or model),
            metrics=TrialMetrics(**_read(payload, _METRICS)),
            quantization=_str(payload.get("quantization")) or None,
            settings=TrialSettings.from_json(payload.get("settings")),
            hardware=dict(hardware) if isinstance(hardware, Mapping) else {},
            port=_int(payload.get("port")),
            id=id,
            created=created,
        )
