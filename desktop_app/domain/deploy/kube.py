"""Kubernetes: values.yaml for the vLLM production-stack Helm chart, and the commands to run."""

from __future__ import annotations

import math
import re
from typing import Any

from desktop_app.domain.deploy.fit import DeployFit
from desktop_app.domain.deploy.pins import ChartPin, ImagePin
from desktop_app.domain.deploy.render import Command, EnvRef
from desktop_app.domain.deploy.request import DeployRequest
from desktop_app.domain.deploy.sizing import Sizing
from desktop_app.domain.fit.budget import GIB

HF_SECRET = "hf-token-secret"
HF_SECRET_KEY = "token"


def model_name(req: DeployRequest) -> str:
    """A Kubernetes-safe name for the model (lowercase letters, digits, '-')."""
    base = req.model.hf_id.split("/")[-1] if req.model.hf_id else req.model.label
    name = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:40].strip("-")
    return name or "model"


def _gib(n: float) -> str:
    return f"{max(1, math.ceil(n))}Gi"


def values_doc(req: DeployRequest, fit: DeployFit, sizing: Sizing, pin: ImagePin) -> dict[str, Any]:
    """The chart values: one modelSpec sized from the fit, the router the user chose."""
    weights = fit.need_per_gpu * fit.gpus / GIB if fit.need_per_gpu else None
    spec: dict[str, Any] = {
        "name": model_name(req),
        "repository": pin.image,
        "tag": pin.tag,
        "modelURL": req.model.hf_id,
        "replicaCount": sizing.replicas,
        "requestCPU": 4 * req.replicas_gpus + 2,
        "requestMemory": _gib(max(16.0, (weights or 0) * 1.2)),
        "requestGPU": req.replicas_gpus,
        "pvcStorage": _gib(max(50.0, (weights or 0) * 1.5)),
        "vllmConfig": {
            "maxModelLen": req.ctx,
            "tensorParallelSize": req.replicas_gpus,
            "gpuMemoryUtilization": round(fit.share, 2),
        },
        "hf_token": {"secretName": HF_SECRET, "secretKey": HF_SECRET_KEY},
    }
    return {
        "servingEngineSpec": {"runtimeClassName": "", "modelSpec": [spec]},
        "routerSpec": {"routingLogic": req.router},
    }


def helm_commands(req: DeployRequest, chart: ChartPin, values_file: str) -> tuple[Command, ...]:
    """Create the token Secret from $HF_TOKEN, add the chart repository, install, reach it."""
    return (
        (
            "kubectl",
            "create",
            "secret",
            "generic",
            HF_SECRET,
            EnvRef(f"--from-literal={HF_SECRET_KEY}=", "HF_TOKEN"),
        ),
        ("helm", "repo", "add", chart.repo_name, chart.repo_url),
        ("helm", "repo", "update"),
        (
            "helm",
            "install",
            req.release,
            f"{chart.repo_name}/{chart.chart}",
            "--version",
            chart.version,
            "-f",
            values_file,
        ),
        ("kubectl", "port-forward", f"svc/{req.release}-router-service", f"{req.port}:80"),
    )
