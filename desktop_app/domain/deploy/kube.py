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


def kserve_doc(req: DeployRequest, sizing: Sizing) -> dict[str, Any]:
    """A KServe LLMInferenceService (serving.kserve.io/v1alpha2, KServe v0.20.0).

    The shape follows KServe's own sample (docs/samples/llmisvc/multi-gpu-vendor): the engine
    image and its command come from KServe's default LLMInferenceServiceConfig.
    """
    gpus = str(req.replicas_gpus)
    spec: dict[str, Any] = {
        "model": {"uri": f"hf://{req.model.hf_id}", "name": req.model.hf_id},
        "replicas": sizing.replicas,
    }
    if req.replicas_gpus > 1:
        spec["parallelism"] = {"tensor": req.replicas_gpus}
    spec["router"] = {"scheduler": {}, "route": {}, "gateway": {}}
    spec["template"] = {
        "containers": [
            {
                "name": "main",
                "env": [
                    {
                        "name": "HF_TOKEN",
                        "valueFrom": {"secretKeyRef": {"name": HF_SECRET, "key": HF_SECRET_KEY}},
                    }
                ],
                "resources": {
                    "limits": {
                        "cpu": str(4 * req.replicas_gpus),
                        "memory": "32Gi",
                        "nvidia.com/gpu": gpus,
                    },
                    "requests": {"cpu": "2", "memory": "16Gi", "nvidia.com/gpu": gpus},
                },
            }
        ]
    }
    return {
        "apiVersion": "serving.kserve.io/v1alpha2",
        "kind": "LLMInferenceService",
        "metadata": {"name": model_name(req)},
        "spec": spec,
    }


def kserve_commands(req: DeployRequest, filename: str) -> tuple[Command, ...]:
    """Create the token Secret, apply the object, watch it become ready."""
    return (
        (
            "kubectl",
            "create",
            "secret",
            "generic",
            HF_SECRET,
            EnvRef(f"--from-literal={HF_SECRET_KEY}=", "HF_TOKEN"),
        ),
        ("kubectl", "apply", "-f", filename),
        ("kubectl", "get", "llminferenceservice", model_name(req), "--watch"),
    )
