"""Deploy files: pins and schemas from the app's resources, offline validation, safe writing.

Every file is validated before it is shown or written: YAML is parsed back from the very text
that would be written and checked against the vendored schema (Compose specification, the
production-stack chart's values.schema.json); shell files are checked as argument lists.
`docker compose config -q` also runs when the Compose plugin is installed.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from desktop_app import paths
from desktop_app.domain.deploy.pins import Pins, PinsError, pins_from_dict
from desktop_app.domain.deploy.plan import DeployPlan
from desktop_app.domain.deploy.render import Artifact
from desktop_app.errors import UserFacingError
from desktop_app.storage.bundled.store import BundledStore

_VALIDATORS = {
    "compose": jsonschema.Draft7Validator,
    "production-stack": jsonschema.Draft202012Validator,
    "kserve": jsonschema.Draft7Validator,  # a CRD's OpenAPI v3 schema
}
# Kubernetes objects are checked as `kubeconform -strict` does: unknown fields are errors.
_STRICT = {"kserve"}


def strict(schema: Any) -> Any:
    """A copy where every object schema with properties rejects fields it does not list."""
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict(v) for k, v in schema.items()}
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not out.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


MAX_ERRORS = 3


class DeployError(UserFacingError):
    """Something the user must hear about in one sentence (a folder that cannot be written)."""


@dataclass(frozen=True)
class Checked:
    """An artifact and what validation said: no errors means it may be shown and written."""

    artifact: Artifact
    errors: tuple[str, ...]
    checks: tuple[str, ...]  # what it was checked with, for the user

    @property
    def ok(self) -> bool:
        """True when every check passed."""
        return not self.errors


def deploy_dir() -> Path:
    """resources/deploy (pins and schemas)."""
    return paths.resources_dir() / "deploy"


@functools.cache
def load_pins() -> Pins:
    """The pins file; PinsError (one sentence) when it is missing or damaged."""
    path = deploy_dir() / "pins.json"
    try:
        return pins_from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError:
        raise PinsError(f"The deployment pins file is missing ({path}).") from None
    except json.JSONDecodeError:
        raise PinsError(f"The deployment pins file is damaged ({path}).") from None


@functools.cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    ref = load_pins().schemas[kind]
    path = deploy_dir() / ref.file
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise PinsError(f"The schema file {path.name} is missing or damaged.") from None
    if kind in _STRICT:
        schema = strict(schema)
    validator: jsonschema.protocols.Validator = _VALIDATORS[kind](schema)
    return validator


def _where(error: jsonschema.ValidationError) -> str:
    parts: list[str] = []
    for p in error.absolute_path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "the file"


def schema_errors(kind: str, doc: Any) -> list[str]:
    """Schema errors for a parsed document, as short sentences (deepest first)."""
    errors = sorted(_validator(kind).iter_errors(doc), key=lambda e: (-len(e.path), str(e.path)))
    out = []
    for e in errors[:MAX_ERRORS]:
        message = e.message if len(e.message) < 160 else e.message[:157] + "…"
        out.append(f"{_where(e)}: {message}")
    return out


def _compose_cli(text: str) -> tuple[str | None, str]:
    """`docker compose config -q` on the text when the Compose plugin is installed."""
    docker = shutil.which("docker")
    if docker is None:
        return None, "docker not installed: `docker compose config` skipped"
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=20, check=False
    )
    if probe.returncode != 0:
        return None, "Docker Compose plugin not installed: `docker compose config` skipped"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "compose.yaml"
        path.write_text(text, encoding="utf-8")
        env = {**os.environ, "HF_TOKEN": os.environ.get("HF_TOKEN", "")}
        out = subprocess.run(
            [docker, "compose", "-f", str(path), "config", "-q"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env=env,
        )
    if out.returncode != 0:
        first = (out.stderr or out.stdout).strip().splitlines()
        return f"docker compose config: {first[0] if first else 'rejected the file'}", ""
    return None, "docker compose config -q"


def check_artifact(artifact: Artifact, use_tools: bool = True) -> Checked:
    """Validate one artifact from its text; never raises for a bad file."""
    errors: list[str] = list(artifact.notes) if artifact.kind == "shell" else []
    checks: list[str] = []
    if artifact.kind == "shell":
        checks.append("argument lists quoted for a POSIX shell")
        for cmd in artifact.commands:
            for arg in cmd:
                text = arg if isinstance(arg, str) else arg.prefix
                if any(c in text for c in "\n\r\x00"):
                    errors.append("an argument contains a line break")
        return Checked(artifact, tuple(dict.fromkeys(errors)), tuple(checks))
    try:
        parsed = yaml.safe_load(artifact.text)
    except yaml.YAMLError as exc:
        return Checked(artifact, (f"not valid YAML: {exc}",), ())
    ref = load_pins().schemas[artifact.kind]
    errors += schema_errors(artifact.kind, parsed)
    checks.append(f"JSON Schema: {ref.source}")
    if artifact.kind == "compose" and use_tools and not errors:
        error, check = _compose_cli(artifact.text)
        if error:
            errors.append(error)
        elif check:
            checks.append(check)
    return Checked(artifact, tuple(errors), tuple(checks))


def check_plan(plan: DeployPlan, use_tools: bool = True) -> tuple[Checked, ...]:
    """Validate every artifact of a plan."""
    return tuple(check_artifact(a, use_tools) for a in plan.artifacts)


def write_files(checked: tuple[Checked, ...], folder: Path) -> list[Path]:
    """Write the validated files into `folder`; nothing is written if any file failed.

    Each file goes to a temporary file in the same folder and is renamed into place, so a
    full disk or a crash never leaves half a file behind.
    """
    bad = [c for c in checked if not c.ok]
    if bad:
        raise DeployError(
            f"{bad[0].artifact.filename} did not validate, so no file was written: "
            f"{bad[0].errors[0]}"
        )
    if not checked:
        raise DeployError("There is nothing to save yet.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeployError(f"Cannot create {folder}: {exc.strerror or exc}.") from None
    written: list[Path] = []
    temps: list[tuple[Path, Path]] = []
    try:
        for c in checked:
            fd, tmp = tempfile.mkstemp(prefix=".infernav-", suffix=".tmp", dir=folder)
            temps.append((Path(tmp), folder / c.artifact.filename))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(c.artifact.text)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp_path, final in temps:
            if final.suffix == ".sh":
                tmp_path.chmod(0o755)
            else:
                tmp_path.chmod(0o644)
            os.replace(tmp_path, final)
            written.append(final)
    except OSError as exc:
        for tmp_path, _ in temps:
            tmp_path.unlink(missing_ok=True)
        reason = exc.strerror or str(exc)
        raise DeployError(f"Could not save the files in {folder}: {reason}.") from None
    return written


@dataclass(frozen=True)
class DeployAsk:
    """The raw inputs as a form or the command line gives them (text or numbers)."""

    framework: str
    model: str
    gpus: object = 1
    gpu_name: str = ""
    ctx: object = None
    gpu_share: object = 0.90
    port: object = None
    bind_all: bool = False
    replica_gpus: object = None
    target_rps: object = None
    replica_rps: object = None  # measured per-replica throughput (Benchmark), None: published
    replica_rps_source: str = ""
    router: str = "roundrobin"
    release: str = "vllm"
    targets: tuple[str, ...] = ("docker", "compose", "production-stack", "kserve")


def generate(
    store: BundledStore, ask: DeployAsk, made_on: str | None = None, use_tools: bool = True
) -> tuple[DeployPlan, tuple[Checked, ...]]:
    """Resolve, size, build and validate; DeployInputError names a bad field."""
    from desktop_app.domain.deploy.request import (
        DeployInputError,
        make_request,
        parse_float,
        resolve_model,
    )
    from desktop_app.domain.deploy.sizing import measured_throughput, published_throughput
    from desktop_app.domain.fit.archs import slug
    from desktop_app.domain.hardware.plan import find_gpu

    pins = load_pins()
    archs = {slug(a.model): a for a in store.model_archs()}
    model = resolve_model(ask.model, pins, archs)
    if model.kind == "path" and not Path(model.path).exists():
        raise DeployInputError("model", f"Nothing is at {model.path}.")
    gpu = None
    if ask.gpu_name.strip():
        gpu = find_gpu(store.gpus(), ask.gpu_name)
        if gpu is None:
            raise DeployInputError("gpu", f"“{ask.gpu_name[:40]}” is not a catalogue GPU.")
    throughput = None
    if ask.replica_rps not in (None, ""):
        rps = parse_float(ask.replica_rps, "replica_rps", 0, 1_000_000, "Per-replica throughput")
        throughput = measured_throughput(
            rps, ask.replica_rps_source.strip() or "measured by you", made_on or _today()
        )
    else:
        throughput = published_throughput(store.framework(ask.framework))
    req = make_request(
        framework=ask.framework,
        model=model,
        gpus=ask.gpus,
        gpu=gpu,
        ctx=ask.ctx,
        gpu_share=ask.gpu_share,
        port=ask.port,
        bind_all=ask.bind_all,
        replica_gpus=ask.replica_gpus,
        target_rps=ask.target_rps,
        throughput=throughput,
        router=ask.router,
        release=ask.release,
    )
    from desktop_app.domain.deploy.plan import build_plan

    plan = build_plan(req, pins, made_on or _today(), ask.targets)
    return plan, check_plan(plan, use_tools)


def _today() -> str:
    import datetime as dt

    return dt.date.today().isoformat()
