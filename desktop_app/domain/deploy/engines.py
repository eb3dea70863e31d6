"""Each engine's own container on one GPU box: its arguments, health check and limits."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from desktop_app.domain.deploy.fit import LLAMA_SLOTS, DeployFit
from desktop_app.domain.deploy.pins import ImagePin
from desktop_app.domain.deploy.render import Command, EnvRef, compose_escape
from desktop_app.domain.deploy.request import DeployRequest

CACHE_VOLUME = "hf-cache"
# No quotes inside, so the docker run form reads cleanly; the URL is argv[1].
_PY_HEALTH = "import sys, urllib.request as u; u.urlopen(sys.argv[1], timeout=4)"
_ULIMITS = {"memlock": -1, "stack": 67108864}


@dataclass(frozen=True)
class EngineSpec:
    """What differs between engine containers."""

    id: str
    name: str
    service: str  # Compose service / container name part
    container_port: int
    cache_target: str
    health: tuple[str, ...]  # exec form, run inside the container
    ipc_host: bool
    ulimits: bool
    shm_size: str = ""


ENGINE_SPECS: dict[str, EngineSpec] = {
    "vllm": EngineSpec(
        "vllm",
        "vLLM",
        "vllm",
        8000,
        "/root/.cache/huggingface",
        ("python3", "-c", _PY_HEALTH, "http://localhost:8000/health"),
        True,
        False,
    ),
    "sglang": EngineSpec(
        "sglang",
        "SGLang",
        "sglang",
        30000,
        "/root/.cache/huggingface",
        ("curl", "-f", "http://localhost:30000/health"),
        True,
        True,
    ),
    "tensorrt-llm": EngineSpec(
        "tensorrt-llm",
        "TensorRT-LLM",
        "tensorrt-llm",
        8000,
        "/root/.cache/huggingface",
        ("python3", "-c", _PY_HEALTH, "http://localhost:8000/health"),
        True,
        True,
    ),
    "llama.cpp": EngineSpec(
        "llama.cpp",
        "llama.cpp server",
        "llama-cpp",
        8080,
        "/root/.cache/llama.cpp",
        ("curl", "-f", "http://localhost:8080/health"),
        False,
        False,
    ),
    "tgi": EngineSpec(
        "tgi",
        "Hugging Face TGI",
        "tgi",
        80,
        "/data",
        ("curl", "-f", "http://localhost:80/health"),
        False,
        False,
        shm_size="1g",
    ),
}


def health_shell(test: tuple[str, ...]) -> str:
    """The health check as the one string `docker run --health-cmd` hands to the container's sh.

    Its words are our own fixed text (never user input), so double quotes suffice.
    """
    words = []
    for word in test:
        if shlex.quote(word) == word:
            words.append(word)
        else:
            assert not any(c in word for c in '"$`\\'), word
            words.append(f'"{word}"')
    return " ".join(words)


def model_target(req: DeployRequest) -> str:
    """Where a local model is mounted inside the container."""
    return "/models/model.gguf" if req.model.is_gguf_file else "/models/model"


def _model_arg(req: DeployRequest) -> str:
    return model_target(req) if req.model.kind == "path" else req.model.hf_id


def engine_args(req: DeployRequest, fit: DeployFit, tp: int) -> list[str]:
    """The container's command: the engine's own flags, filled from the request and its fit."""
    spec = ENGINE_SPECS[req.framework]
    port = str(spec.container_port)
    model = _model_arg(req)
    share = f"{fit.share:.2f}"
    ctx = str(req.ctx)
    if req.framework == "vllm":
        return [
            "--model",
            model,
            "--host",
            "0.0.0.0",
            "--port",
            port,
            "--max-model-len",
            ctx,
            "--gpu-memory-utilization",
            share,
            "--tensor-parallel-size",
            str(tp),
        ]
    if req.framework == "sglang":
        return [
            "python3",
            "-m",
            "sglang.launch_server",
            "--model-path",
            model,
            "--host",
            "0.0.0.0",
            "--port",
            port,
            "--tp",
            str(tp),
            "--context-length",
            ctx,
            "--mem-fraction-static",
            share,
        ]
    if req.framework == "tensorrt-llm":
        return [
            "trtllm-serve",
            model,
            "--host",
            "0.0.0.0",
            "--port",
            port,
            "--tp_size",
            str(tp),
            "--max_seq_len",
            ctx,
            "--kv_cache_free_gpu_memory_fraction",
            share,
        ]
    if req.framework == "llama.cpp":
        source = ["-m", model] if req.model.kind == "path" else ["-hf", req.model.gguf_repo]
        args = [
            *source,
            "--host",
            "0.0.0.0",
            "--port",
            port,
            "--ctx-size",
            str(req.ctx * LLAMA_SLOTS),
            "--parallel",
            str(LLAMA_SLOTS),
            "--n-gpu-layers",
            "999",
        ]
        return [*args, "--split-mode", "layer"] if tp > 1 else args
    # TGI: input tokens must stay below total tokens.
    return [
        "--model-id",
        model,
        "--num-shard",
        str(tp),
        "--max-total-tokens",
        ctx,
        "--max-input-tokens",
        str(max(1, req.ctx * 3 // 4)),
        "--cuda-memory-fraction",
        share,
        "--port",
        port,
    ]


def publish(req: DeployRequest) -> str:
    """The -p / ports value: host port bound to 127.0.0.1 unless the user opted out."""
    inner = ENGINE_SPECS[req.framework].container_port
    host = "" if req.bind_all else "127.0.0.1:"
    return f"{host}{req.port}:{inner}"


def docker_run(req: DeployRequest, fit: DeployFit, pin: ImagePin) -> Command:
    """`docker run` as an argument list (the Hugging Face token comes from the environment)."""
    spec = ENGINE_SPECS[req.framework]
    cmd: list[str | EnvRef] = [
        "docker",
        "run",
        "--detach",
        "--name",
        f"infernav-{spec.service}",
        "--gpus",
        str(req.gpus),
    ]
    if spec.ipc_host:
        cmd.append("--ipc=host")
    if spec.shm_size:
        cmd.append(f"--shm-size={spec.shm_size}")
    if spec.ulimits:
        cmd += ["--ulimit", "memlock=-1", "--ulimit", "stack=67108864"]
    cmd += ["-p", publish(req), "-v", f"{CACHE_VOLUME}:{spec.cache_target}"]
    if req.model.kind == "path":
        cmd += ["-v", f"{req.model.path}:{model_target(req)}:ro"]
    cmd += [
        "--env",
        "HF_TOKEN",
        "--health-cmd",
        health_shell(spec.health),
        "--health-interval",
        "30s",
        "--health-timeout",
        "5s",
        "--health-retries",
        "5",
        "--health-start-period",
        "600s",
        "--restart",
        "unless-stopped",
        pin.ref,
        *engine_args(req, fit, req.gpus),
    ]
    return tuple(cmd)


def compose_doc(req: DeployRequest, fit: DeployFit, pin: ImagePin) -> dict[str, Any]:
    """The compose.yaml object (every `$` escaped so Compose reads user text literally)."""
    spec = ENGINE_SPECS[req.framework]
    volumes: list[Any] = [f"{CACHE_VOLUME}:{spec.cache_target}"]
    if req.model.kind == "path":
        volumes.append(
            {
                "type": "bind",
                "source": req.model.path,
                "target": model_target(req),
                "read_only": True,
            }
        )
    service: dict[str, Any] = {
        "image": pin.ref,
        "command": engine_args(req, fit, req.gpus),
        "ports": [publish(req)],
    }
    if spec.ipc_host:
        service["ipc"] = "host"
    if spec.shm_size:
        service["shm_size"] = spec.shm_size
    if spec.ulimits:
        service["ulimits"] = dict(_ULIMITS)
    service.update(
        {
            "volumes": volumes,
            "environment": ["HF_TOKEN"],
            "healthcheck": {
                "test": ["CMD", *spec.health],
                "interval": "30s",
                "timeout": "5s",
                "retries": 5,
                "start_period": "600s",
            },
            "restart": "unless-stopped",
            "deploy": {
                "resources": {
                    "reservations": {
                        "devices": [
                            {"driver": "nvidia", "count": req.gpus, "capabilities": ["gpu"]}
                        ]
                    }
                }
            },
        }
    )
    doc = {
        "name": f"infernav-{spec.service}",
        "services": {spec.service: service},
        "volumes": {CACHE_VOLUME: {}},
    }
    escaped: dict[str, Any] = compose_escape(doc)
    return escaped


def check_docker_command(cmd: Command, bind_all: bool) -> list[str]:
    """Our own validator for the docker argv: pinned image, local bind, no line breaks."""
    errors: list[str] = []
    words = [a for a in cmd if isinstance(a, str)]
    if len(words) != len(cmd):
        errors.append("an argument takes its value from the shell, which docker run never needs")
    if words[:2] != ["docker", "run"]:
        errors.append("the command is not `docker run`")
    for a in words:
        if any(c in a for c in "\n\r\x00"):
            errors.append("an argument contains a line break")
            break
    images = [a for a in words if any(a.startswith(p.rstrip(":") + ":") for p in _IMAGES)]
    if not images:
        errors.append("no known engine image in the command")
    for img in images:
        tag = img.rsplit(":", 1)[1]
        if tag in ("latest", "main", "") or tag.startswith("latest"):
            errors.append(f"{img} is not pinned to a version")
    ports = [words[i + 1] for i, a in enumerate(words[:-1]) if a == "-p"]
    if not ports:
        errors.append("no port is published")
    if not bind_all and any(not p.startswith("127.0.0.1:") for p in ports):
        errors.append("a port is published on every network interface without the user's say-so")
    return errors


_IMAGES = (
    "vllm/vllm-openai",
    "lmsysorg/sglang",
    "nvcr.io/nvidia/tensorrt-llm/release",
    "ghcr.io/ggml-org/llama.cpp",
    "ghcr.io/huggingface/text-generation-inference",
)
