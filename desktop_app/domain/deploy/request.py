"""What the user asks the Deploy step for, checked field by field."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

from desktop_app.domain.deploy.pins import Pins
from desktop_app.domain.deploy.sizing import Throughput
from desktop_app.domain.fit.archs import slug
from desktop_app.domain.sources.catalog import Gpu, ModelArch
from desktop_app.errors import UserError

# The engines that serve one GPU box from their own container, in the order shown.
ENGINES: tuple[str, ...] = ("vllm", "sglang", "tensorrt-llm", "llama.cpp", "tgi")
ARCHIVED = {"tgi": "archived: read-only since 2026-03-21, maintenance mode since 2025-12-11"}
TARGETS: tuple[str, ...] = ("docker", "compose", "production-stack", "kserve")
ROUTERS: dict[str, str] = {
    "roundrobin": "Round-robin spreads stateless requests evenly over the replicas.",
    "session": "Session routing keeps each conversation on one replica, so multi-turn chat "
    "reuses its KV cache.",
    "prefixaware": "Prefix-aware routing sends prompts that share a long prefix (system prompt, "
    "RAG context) to the replica that already cached it.",
}
DEFAULT_CTX = 8192
DEFAULT_GPU_SHARE = 0.90  # vLLM's default --gpu-memory-utilization
MAX_GPUS = 64
HF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class DeployInputError(UserError):
    """A field that cannot be used; `field` names it, the message is one sentence."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class ModelRef:
    """The model to serve: a Hugging Face repository or a local file or folder."""

    kind: Literal["hf", "path"]
    text: str  # what the user typed
    hf_id: str  # Hugging Face repository (safetensors engines), "" for a path
    gguf_repo: str  # Hugging Face GGUF repository for llama.cpp, "" when unknown
    path: str  # absolute local path, "" for a repository
    arch: ModelArch | None  # catalogue architecture when the model is in the catalogue

    @property
    def label(self) -> str:
        """What file headers call the model."""
        return self.path or self.hf_id or self.text

    @property
    def is_gguf_file(self) -> bool:
        """True for a local .gguf file."""
        return self.kind == "path" and self.path.lower().endswith(".gguf")


@dataclass(frozen=True)
class DeployRequest:
    """Every input the generators use; build it with `make_request`."""

    framework: str
    model: ModelRef
    gpus: int
    gpu: Gpu | None  # the GPU type (planned or detected), None when unknown
    ctx: int
    gpu_share: float
    port: int
    bind_all: bool
    replicas_gpus: int  # GPUs per Kubernetes replica
    target_rps: float | None
    throughput: Throughput | None
    router: str
    release: str


def resolve_model(text: str, pins: Pins, archs: dict[str, ModelArch]) -> ModelRef:
    """A catalogue id, a Hugging Face id (org/name) or an absolute local path."""
    raw = text.strip()
    if not raw:
        raise DeployInputError("model", "Enter a model: a catalogue id, org/name or a path.")
    if _CONTROL.search(raw):
        raise DeployInputError("model", "The model name contains a line break or control code.")
    if len(raw) > 400:
        raise DeployInputError("model", "The model name is too long (at most 400 characters).")
    key = raw.lower()
    if key in pins.models or key in archs:
        repos = pins.models.get(key)
        if repos is None:
            raise DeployInputError("model", f"No Hugging Face repository is known for {raw}.")
        return ModelRef("hf", raw, repos.hf, repos.gguf, "", archs.get(key))
    if raw.startswith("/"):
        if ":" in raw or "," in raw:
            raise DeployInputError(
                "model", "Docker cannot mount a path that contains ':' or ','; rename it."
            )
        return ModelRef("path", raw, "", "", raw.rstrip("/") or "/", None)
    if raw.startswith(("~", ".")) or "\\" in raw:
        raise DeployInputError("model", "Give the full path of the model, starting with /.")
    if HF_ID.match(raw):
        arch = _arch_for_hf(raw, pins, archs)
        gguf = raw if raw.lower().endswith("gguf") else ""
        for k, repos in pins.models.items():
            if repos.hf.lower() == raw.lower():
                gguf = repos.gguf
                arch = archs.get(k)
        return ModelRef("hf", raw, raw, gguf, "", arch)
    raise DeployInputError(
        "model", f"“{raw[:40]}” is not a catalogue id, a Hugging Face id (org/name) or a path."
    )


def _arch_for_hf(hf_id: str, pins: Pins, archs: dict[str, ModelArch]) -> ModelArch | None:
    name = slug(hf_id.split("/", 1)[1])
    return archs.get(name)


def _int(value: object, field_name: str, low: int, high: int, what: str) -> int:
    if isinstance(value, bool):
        raise DeployInputError(field_name, "Enter a whole number.")
    if isinstance(value, str):
        try:
            value = int(value.strip().replace(",", "").replace("_", ""))
        except ValueError:
            raise DeployInputError(field_name, "Enter a whole number.") from None
    if not isinstance(value, int):
        raise DeployInputError(field_name, "Enter a whole number.")
    if not low <= value <= high:
        raise DeployInputError(field_name, f"{what} must be between {low:,} and {high:,}.")
    return value


def parse_float(value: object, field_name: str, low: float, high: float, what: str) -> float:
    """A number typed or given, with low < value <= high; DeployInputError names the field."""
    if isinstance(value, bool):
        raise DeployInputError(field_name, "Enter a number.")
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text.replace(",", ""))
        except ValueError:
            raise DeployInputError(field_name, f"“{text[:20]}” is not a number.") from None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise DeployInputError(field_name, "Enter a number.")
    if not low < value <= high:
        raise DeployInputError(
            field_name, f"{what} must be more than {low:g} and at most {high:g}."
        )
    return float(value)


def make_request(
    *,
    framework: str,
    model: ModelRef,
    gpus: object = 1,
    gpu: Gpu | None = None,
    ctx: object = None,
    gpu_share: object = DEFAULT_GPU_SHARE,
    port: object = None,
    bind_all: bool = False,
    replica_gpus: object = None,
    target_rps: object = None,
    throughput: Throughput | None = None,
    router: str = "roundrobin",
    release: str = "vllm",
) -> DeployRequest:
    """Check every field; DeployInputError names the first bad one."""
    if framework not in ENGINES:
        raise DeployInputError(
            "framework",
            f"{framework} has no GPU-box container here; choose one of {', '.join(ENGINES)}.",
        )
    n = _int(gpus, "gpus", 1, MAX_GPUS, "GPUs")
    per_replica = n
    if replica_gpus not in (None, ""):
        per_replica = _int(replica_gpus, "replica_gpus", 1, MAX_GPUS, "GPUs per replica")
    max_ctx = model.arch.max_ctx if model.arch else 10_000_000
    if ctx is None or ctx == "":
        ctx = min(DEFAULT_CTX, max_ctx)
    c = _int(ctx, "ctx", 256, 10_000_000, "Context length")
    if c > max_ctx:
        raise DeployInputError(
            "ctx", f"The model was trained for at most {max_ctx:,} tokens of context."
        )
    share = parse_float(gpu_share, "gpu_share", 0.05, 0.99, "GPU memory share")
    default_port = {"sglang": 30000, "llama.cpp": 8080, "tgi": 8080}.get(framework, 8000)
    p = _int(default_port if port in (None, "") else port, "port", 1, 65535, "Port")
    target: float | None = None
    if target_rps not in (None, ""):
        target = parse_float(target_rps, "target_rps", 0, 1_000_000, "Target load")
    if router not in ROUTERS:
        raise DeployInputError("router", f"Choose a router: {', '.join(ROUTERS)}.")
    if not re.fullmatch(r"[a-z]([-a-z0-9]{0,30}[a-z0-9])?", release):
        raise DeployInputError(
            "release", "A Helm release name is lowercase letters, digits and '-' (at most 32)."
        )
    if framework == "llama.cpp" and model.kind == "path" and not model.is_gguf_file:
        raise DeployInputError("model", "llama.cpp serves a .gguf file; choose one.")
    if framework != "llama.cpp" and model.is_gguf_file:
        raise DeployInputError(
            "model", "A .gguf file is for llama.cpp; this engine loads a model folder or org/name."
        )
    if framework == "llama.cpp" and model.kind == "hf" and not model.gguf_repo:
        raise DeployInputError(
            "model", "llama.cpp needs a GGUF repository (org/name-GGUF) or a .gguf file."
        )
    splits = {n, per_replica} if framework != "llama.cpp" else set()
    bad = [k for k in sorted(splits) if model.arch is not None and model.arch.heads % k]
    if model.arch is not None and bad:
        options = [k for k in range(1, model.arch.heads + 1) if model.arch.heads % k == 0]
        fit = ", ".join(str(k) for k in options if k <= MAX_GPUS)
        raise DeployInputError(
            "gpus",
            f"{model.arch.model} has {model.arch.heads} attention heads; the GPU count must "
            f"divide it ({fit}).",
        )
    return DeployRequest(
        framework=framework,
        model=model,
        gpus=n,
        gpu=gpu,
        ctx=c,
        gpu_share=share,
        port=p,
        bind_all=bind_all,
        replicas_gpus=per_replica,
        target_rps=target,
        throughput=throughput,
        router=router,
        release=release,
    )
