"""`infernav deploy`: deployment files for one GPU box or a Kubernetes cluster, validated."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ENGINE_CHOICES = ("vllm", "sglang", "tensorrt-llm", "llama.cpp", "tgi")
TARGET_CHOICES = ("docker", "compose", "production-stack", "kserve")


def register(sub: Any) -> None:
    """Add the deploy command."""
    p = sub.add_parser(
        "deploy",
        help="docker run / compose.yaml / production-stack values.yaml for a framework and model",
        description="Generate deployment files for the chosen engine and model, sized from the "
        "fit estimate and your target load, and validated offline (Compose specification "
        "schema, the production-stack chart's values.schema.json) before anything is shown or "
        "written. Ports bind 127.0.0.1 unless --bind-all; the Hugging Face token comes from "
        "$HF_TOKEN.",
    )
    p.add_argument("--framework", required=True, choices=ENGINE_CHOICES, help="the engine")
    p.add_argument(
        "--model",
        required=True,
        metavar="M",
        help="catalogue id (infernav fit --list), Hugging Face org/name, or a local path",
    )
    p.add_argument("--gpus", default="1", metavar="N", help="GPUs on the box (1); tensor parallel")
    p.add_argument("--gpu", default="", metavar="NAME", help="catalogue GPU type, e.g. 'L40S'")
    p.add_argument(
        "--target",
        action="append",
        choices=TARGET_CHOICES,
        help="what to generate (repeatable; default: all)",
    )
    p.add_argument("--out", metavar="DIR", help="write the validated files into DIR")
    p.add_argument("--ctx", metavar="TOKENS", help="context length (8192 or the model's maximum)")
    p.add_argument("--gpu-share", default="0.90", metavar="X", help="GPU memory share (0.90)")
    p.add_argument("--port", metavar="P", help="host port (the engine's usual one)")
    p.add_argument(
        "--bind-all",
        action="store_true",
        help="publish the port on every network interface, not just 127.0.0.1",
    )
    p.add_argument("--replica-gpus", metavar="N", help="GPUs per Kubernetes replica (= --gpus)")
    p.add_argument("--target-rps", metavar="R", help="peak requests/s to serve (Kubernetes sizing)")
    p.add_argument(
        "--replica-rps",
        metavar="R",
        help="measured requests/s one replica sustains at your latency target "
        "(default: the store's published figure)",
    )
    p.add_argument("--replica-rps-source", default="", metavar="TEXT", help="where R came from")
    p.add_argument(
        "--router", default="roundrobin", choices=("roundrobin", "session", "prefixaware")
    )
    p.add_argument("--release", default="vllm", metavar="NAME", help="Helm release name (vllm)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=deploy)


def deploy(args: argparse.Namespace) -> int:
    """Generate, validate, then print or write."""
    import sys

    from desktop_app import paths
    from desktop_app.domain.deploy.pins import PinsError
    from desktop_app.domain.deploy.request import DeployInputError
    from desktop_app.errors import UserError
    from desktop_app.services.deploy import DeployAsk, DeployError, generate, write_files
    from desktop_app.storage.bundled.store import BundledStore

    model = args.model
    if (
        model.strip()
        and not model.startswith("/")
        and (model.startswith(".") or Path(model).exists())
    ):
        model = str(Path(model).resolve())
    targets = tuple(dict.fromkeys(args.target or TARGET_CHOICES))
    ask = DeployAsk(
        framework=args.framework,
        model=model,
        gpus=args.gpus,
        gpu_name=args.gpu,
        ctx=args.ctx,
        gpu_share=args.gpu_share,
        port=args.port,
        bind_all=args.bind_all,
        replica_gpus=args.replica_gpus,
        target_rps=args.target_rps,
        replica_rps=args.replica_rps,
        replica_rps_source=args.replica_rps_source,
        router=args.router,
        release=args.release,
        targets=targets,
    )
    store = BundledStore(paths.bundled_store_path())
    try:
        plan, checked = generate(store, ask)
    except DeployInputError as exc:
        flag = "--" + exc.field.replace("_", "-")
        raise UserError(f"{flag}: {exc.message}") from None
    except PinsError as exc:
        raise UserError(str(exc)) from None
    for note in plan.notes:
        sys.stderr.write(f"note: {note}\n")
    if not checked:
        raise UserError("nothing to generate for these targets (see the note above)")
    bad = [c for c in checked if not c.ok]
    if args.json:
        out = {
            "files": [
                {
                    "filename": c.artifact.filename,
                    "purpose": c.artifact.purpose,
                    "valid": c.ok,
                    "errors": list(c.errors),
                    "checks": list(c.checks),
                    "text": c.artifact.text if c.ok else None,
                }
                for c in checked
            ],
            "replicas": plan.sizing.replicas,
            "sizing": plan.sizing.explanation,
            "fit": plan.box_fit.text,
            "notes": list(plan.notes),
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 1 if bad else 0
    if bad:
        first = bad[0]
        raise UserError(
            f"{first.artifact.filename} did not validate, so nothing was shown or written: "
            f"{first.errors[0]}"
        )
    if args.out:
        try:
            written = write_files(checked, Path(args.out).expanduser())
        except DeployError as exc:
            raise UserError(str(exc)) from None
        for path, c in zip(written, checked, strict=True):
            print(f"{path}  ({c.artifact.purpose})")
        return 0
    for i, c in enumerate(checked):
        if i:
            print()
        print(f"==> {c.artifact.filename} <== {c.artifact.purpose}")
        print(c.artifact.text, end="")
    return 0
