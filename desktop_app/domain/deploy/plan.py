"""Build every file of a deployment, each with a header saying what it is and what made it."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app import __version__
from desktop_app.domain.deploy.engines import check_docker_command, compose_doc, docker_run
from desktop_app.domain.deploy.fit import DeployFit, deploy_fit
from desktop_app.domain.deploy.kube import (
    helm_commands,
    kserve_commands,
    kserve_doc,
    values_doc,
)
from desktop_app.domain.deploy.pins import Pins
from desktop_app.domain.deploy.render import (
    Artifact,
    comment_block,
    shell_line,
    to_yaml,
)
from desktop_app.domain.deploy.request import ARCHIVED, ROUTERS, DeployRequest
from desktop_app.domain.deploy.sizing import Sizing, size_replicas

NAMES = {
    "vllm": "vLLM",
    "sglang": "SGLang",
    "tensorrt-llm": "TensorRT-LLM",
    "llama.cpp": "llama.cpp server",
    "tgi": "Hugging Face TGI",
}
PURPOSE = {
    "docker": "Start the engine's own container on one GPU box (paste into a terminal there).",
    "compose": "The same container as a Compose service: `docker compose up -d` on the GPU box.",
    "production-stack": "Values for the vLLM production-stack Helm chart on a Kubernetes "
    "cluster with NVIDIA GPUs.",
    "helm": "The commands that install the chart with these values and reach its router.",
    "kserve": "Advanced, experimental template: a KServe LLMInferenceService for a cluster that "
    "already runs KServe v0.20.0, with the commands to apply it.",
}
FILENAMES = {
    "docker": "docker-run.sh",
    "compose": "compose.yaml",
    "production-stack": "values.yaml",
    "helm": "helm-install.sh",
    "kserve": "llminferenceservice.yaml",
}
KSERVE_PREREQS = (
    "KServe v0.20.0 with its LLMInferenceService controller and default "
    "LLMInferenceServiceConfig (it supplies the vLLM image and command)",
    "Gateway API and Gateway API Inference Extension CRDs with a Gateway (Istio, kgateway, "
    "agentgateway or GKE)",
    "the NVIDIA GPU operator or device plugin",
    "kubectl pointed at that cluster",
)


@dataclass(frozen=True)
class DeployPlan:
    """All files for one request (not yet validated), with the fit and sizing behind them."""

    request: DeployRequest
    box_fit: DeployFit
    replica_fit: DeployFit
    sizing: Sizing
    artifacts: tuple[Artifact, ...]
    notes: tuple[str, ...]


def _inputs(req: DeployRequest, gpus: int, box: bool = True) -> str:
    bind = "every network interface (user's choice)" if req.bind_all else "127.0.0.1 only"
    gpu = req.gpu.name if req.gpu else "GPU type unknown"
    head = "Inputs" if box else "Inputs (per replica)"
    text = (
        f"{head}: framework {NAMES[req.framework]}; model {req.model.label}; {gpus} × {gpu}; "
        f"context {req.ctx:,} tokens"
    )
    return f"{text}; port {req.port} on {bind}" if box else text


def _header(
    title: str, purpose: str, req: DeployRequest, pins: Pins, made_on: str, extra: list[str]
) -> list[str]:
    lines = [
        f"{title}: {purpose}",
        f"Made by Inference Navigator {__version__} on {made_on}. Review before running it.",
        *extra,
    ]
    if req.framework in ARCHIVED:
        lines.append(f"WARNING: {NAMES[req.framework]} is {ARCHIVED[req.framework]}.")
    lines.append("The Hugging Face token is read from the HF_TOKEN environment variable.")
    return lines


def build_plan(
    req: DeployRequest, pins: Pins, made_on: str, targets: tuple[str, ...]
) -> DeployPlan:
    """Every requested target ("docker", "compose", "production-stack") as files with headers."""
    pin = pins.image(req.framework)
    box_fit = deploy_fit(req, req.gpus)
    replica_fit = deploy_fit(req, req.replicas_gpus)
    sizing = size_replicas(req.target_rps, req.throughput)
    notes: list[str] = []
    if box_fit.fits is False:
        notes.append(f"One GPU box: {box_fit.text}.")
    artifacts: list[Artifact] = []
    box_lines = [
        _inputs(req, req.gpus),
        f"Fit: {box_fit.text}.",
        f"Image: {pin.describe()}.",
    ]
    if "docker" in targets:
        cmd = docker_run(req, box_fit, pin)
        header = _header("docker-run.sh", PURPOSE["docker"], req, pins, made_on, box_lines)
        text = (
            "#!/bin/sh\n"
            + comment_block(header)
            + "set -eu\n"
            + shell_line(cmd, wrap=True, break_at=cmd.index(pin.ref))
            + "\n"
        )
        artifacts.append(
            Artifact(
                FILENAMES["docker"],
                "docker run",
                PURPOSE["docker"],
                text,
                "shell",
                commands=(cmd,),
                notes=tuple(check_docker_command(cmd, req.bind_all)),
            )
        )
    if "compose" in targets:
        doc = compose_doc(req, box_fit, pin)
        schema = pins.schemas["compose"]
        header = _header(
            "compose.yaml",
            PURPOSE["compose"],
            req,
            pins,
            made_on,
            [*box_lines, f"Checked against the Compose specification schema: {schema.source}."],
        )
        artifacts.append(
            Artifact(
                FILENAMES["compose"],
                "compose.yaml",
                PURPOSE["compose"],
                comment_block(header) + to_yaml(doc),
                "compose",
                doc=doc,
            )
        )
    if "production-stack" in targets:
        if req.framework != "vllm":
            notes.append(
                "Kubernetes: the production-stack chart serves vLLM only; choose vLLM for it."
            )
        elif req.model.kind != "hf":
            notes.append(
                "Kubernetes: the chart downloads the model from Hugging Face; give org/name."
            )
        else:
            vpin = pins.image("vllm")
            chart = pins.charts["production-stack"]
            schema = pins.schemas["production-stack"]
            doc = values_doc(req, replica_fit, sizing, vpin)
            lines = [
                _inputs(req, req.replicas_gpus, box=False),
                f"Target load: {_load(req)}.",
                f"Replicas: {sizing.explanation}.",
                f"Fit per replica: {replica_fit.text}.",
                f"Router: {req.router}. {ROUTERS[req.router]}",
                f"Image: {vpin.describe()}.",
                f"Chart: {chart.describe()}.",
                f"Checked against the chart's values.schema.json: {schema.source}.",
            ]
            header = _header("values.yaml", PURPOSE["production-stack"], req, pins, made_on, lines)
            artifacts.append(
                Artifact(
                    FILENAMES["production-stack"],
                    "values.yaml",
                    PURPOSE["production-stack"],
                    comment_block(header) + to_yaml(doc),
                    "production-stack",
                    doc=doc,
                )
            )
            cmds = helm_commands(req, chart, FILENAMES["production-stack"])
            hlines = [
                f"Chart: {chart.describe()}.",
                "Prerequisites: kubectl and helm pointed at a cluster with the NVIDIA GPU "
                "operator (or device plugin) and a default StorageClass.",
            ]
            header = _header("helm-install.sh", PURPOSE["helm"], req, pins, made_on, hlines)
            text = (
                "#!/bin/sh\n"
                + comment_block(header)
                + "set -eu\n"
                + "\n".join(shell_line(c) for c in cmds)
                + "\n"
            )
            artifacts.append(
                Artifact(
                    FILENAMES["helm"],
                    "helm install",
                    PURPOSE["helm"],
                    text,
                    "shell",
                    commands=cmds,
                )
            )
    if "kserve" in targets:
        if req.framework == "vllm" and req.model.kind == "hf":
            artifacts.append(_kserve(req, pins, made_on, replica_fit, sizing))
        elif "production-stack" not in targets:
            notes.append(
                "Kubernetes: the KServe template runs vLLM from Hugging Face; choose vLLM and "
                "org/name for it."
            )
    return DeployPlan(req, box_fit, replica_fit, sizing, tuple(artifacts), tuple(notes))


def _kserve(
    req: DeployRequest, pins: Pins, made_on: str, fit: DeployFit, sizing: Sizing
) -> Artifact:
    pin = pins.charts["kserve"]
    schema = pins.schemas["kserve"]
    doc = kserve_doc(req, sizing)
    cmds = kserve_commands(req, FILENAMES["kserve"])
    lines = [
        "EXPERIMENTAL TEMPLATE, pinned to KServe v0.20.0 (API serving.kserve.io/v1alpha2); "
        "the API is alpha and changes between releases.",
        _inputs(req, req.replicas_gpus, box=False),
        f"Replicas: {sizing.explanation}.",
        f"Fit per replica: {fit.text}.",
        f"Template source: {pin.source} (retrieved {pin.retrieved}).",
        "Prerequisites: " + "; ".join(KSERVE_PREREQS) + ".",
        f"Checked against the CRD schema: {schema.source}, with unknown fields rejected.",
        "Run:",
        *(f"  {shell_line(c)}" for c in cmds),
    ]
    header = _header(FILENAMES["kserve"], PURPOSE["kserve"], req, pins, made_on, lines)
    return Artifact(
        FILENAMES["kserve"],
        "KServe (template)",
        PURPOSE["kserve"],
        comment_block(header) + to_yaml(doc),
        "kserve",
        doc=doc,
        commands=cmds,
    )


def _load(req: DeployRequest) -> str:
    if req.target_rps is None:
        return "not given"
    return f"{req.target_rps:g} requests/s at peak"
