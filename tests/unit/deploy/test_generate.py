"""Every target for every engine × models × GPU counts, validated offline as a user's tools
would; broken values rejected and never written; hostile names quoted for the shell."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

from desktop_app import __version__, paths
from desktop_app.domain.deploy.render import argv, shell_line
from desktop_app.domain.deploy.request import ENGINES, DeployInputError
from desktop_app.services.deploy import (
    DeployAsk,
    DeployError,
    check_artifact,
    generate,
    write_files,
)

SCHEMAS = paths.resources_dir() / "deploy" / "schemas"
COMPOSE = json.loads((SCHEMAS / "compose-spec.json").read_text())
VALUES = json.loads((SCHEMAS / "production-stack-values.schema.json").read_text())
KSERVE = json.loads((SCHEMAS / "kserve-llminferenceservice-v1alpha2.schema.json").read_text())
HOSTILE_DIR = "it's a $(touch pwned) `x`; dir *"


def _gen(bundled_store, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("targets", ("docker", "compose", "production-stack", "kserve"))
    return generate(bundled_store, DeployAsk(**kw), made_on="2026-12-01", use_tools=False)


def header(text: str) -> str:
    """The comment header with wrapped lines joined again."""
    out: list[str] = []
    for line in text.splitlines():
        if line.startswith("#   ") and out:
            out[-1] += " " + line[4:]
        elif line.startswith("# "):
            out.append(line[2:])
    return "\n".join(out)


def _by_name(checked):  # type: ignore[no-untyped-def]
    return {c.artifact.filename: c for c in checked}


@pytest.mark.parametrize("framework", ENGINES)
@pytest.mark.parametrize("model", ["llama-3.1-8b", "qwen2.5-1.5b", "Qwen/Qwen2.5-7B-Instruct"])
@pytest.mark.parametrize("gpus", [1, 2, 4])
def test_every_target_validates_against_the_published_schemas(
    bundled_store, framework: str, model: str, gpus: int
) -> None:
    _plan, checked = _gen(
        bundled_store, framework=framework, model=model, gpus=gpus, gpu_name="L40S", target_rps=250
    )
    files = _by_name(checked)
    assert {"docker-run.sh", "compose.yaml"} <= set(files)
    assert ("values.yaml" in files) == (framework == "vllm")
    assert ("llminferenceservice.yaml" in files) == (framework == "vllm")
    for c in checked:
        assert c.ok, (c.artifact.filename, c.errors)
    # Independently of the app's validator: the text itself parses and passes the schemas.
    compose = yaml.safe_load(files["compose.yaml"].artifact.text)
    jsonschema.Draft7Validator(COMPOSE).validate(compose)
    (service,) = compose["services"].values()
    assert service["deploy"]["resources"]["reservations"]["devices"][0]["count"] == gpus
    assert service["ports"][0].startswith("127.0.0.1:")
    assert ":latest" not in service["image"] and service["image"].count(":") == 1
    assert service["healthcheck"]["test"][0] == "CMD"
    assert service["environment"] == ["HF_TOKEN"]
    if framework == "vllm":
        values = yaml.safe_load(files["values.yaml"].artifact.text)
        jsonschema.Draft202012Validator(VALUES).validate(values)
        spec = values["servingEngineSpec"]["modelSpec"][0]
        assert spec["requestGPU"] == gpus and spec["vllmConfig"]["tensorParallelSize"] == gpus
        assert spec["replicaCount"] == 3  # ceil(250 / 120): the guide's vLLM figure, low end
        assert spec["hf_token"] == {"secretName": "hf-token-secret", "secretKey": "token"}
        isvc = yaml.safe_load(files["llminferenceservice.yaml"].artifact.text)
        jsonschema.Draft7Validator(KSERVE).validate(isvc)
        assert isvc["apiVersion"] == "serving.kserve.io/v1alpha2" and isvc["spec"]["replicas"] == 3
        limits = isvc["spec"]["template"]["containers"][0]["resources"]["limits"]
        assert limits["nvidia.com/gpu"] == str(gpus)
    cmd = files["docker-run.sh"].artifact.commands[0]
    assert argv(cmd)[argv(cmd).index("--gpus") + 1] == str(gpus)


def test_the_replica_sentence_names_its_source_without_a_figure_id(bundled_store) -> None:
    plan, _checked = _gen(
        bundled_store, framework="vllm", model="llama-3.1-8b", gpu_name="L40S", target_rps=300
    )
    text = plan.sizing.explanation
    assert "3 replicas" in text and "low end of 120–160 requests/s" in text
    assert not re.search(r"\b[A-Z]\d{3}\b", text), text  # an internal ID such as G020


def test_header_says_what_made_the_file(bundled_store) -> None:
    _, checked = _gen(
        bundled_store,
        framework="vllm",
        model="llama-3.1-8b",
        gpus=2,
        gpu_name="H100",
        target_rps=300,
    )
    for c in checked:
        text = header(c.artifact.text)
        assert all(len(line) <= 100 for line in c.artifact.text.splitlines() if line[:1] == "#")
        assert c.artifact.purpose in text
        assert f"Inference Navigator {__version__} on 2026-12-01" in text
        assert "meta-llama/Llama-3.1-8B-Instruct" in text or "Chart:" in text
        assert "source:" in text and "retrieved" in text
    values = _by_name(checked)["values.yaml"].artifact.text
    assert (
        "Replicas: 3 replicas = ceil(300 requests/s ÷ 120 requests/s per replica (published"
        in values
    )
    assert "Router: roundrobin. Round-robin" in values
    assert "vllm-project/production-stack@a6c01db" in values


def test_fit_fills_context_memory_share_and_warns_when_it_does_not_fit(bundled_store) -> None:
    plan, _checked = _gen(
        bundled_store, framework="vllm", model="llama-3.1-70b", gpus=1, gpu_name="L4"
    )
    assert plan.box_fit.fits is False and "does NOT fit" in plan.box_fit.text
    assert any("does NOT fit" in n for n in plan.notes)
    plan, _ = _gen(bundled_store, framework="vllm", model="llama-3.1-70b", gpus=4, gpu_name="H100")
    assert plan.box_fit.fits is True
    plan, _ = _gen(bundled_store, framework="vllm", model="phi-3-mini-4k-instruct", gpus=1)
    assert plan.request.ctx == 4096  # the model's own maximum, not the 8192 default
    with pytest.raises(DeployInputError) as err:
        _gen(bundled_store, framework="vllm", model="llama-3.1-8b", gpus=3)
    assert err.value.field == "gpus" and "32 attention heads" in err.value.message


def test_measured_throughput_goes_through_the_same_seam(bundled_store) -> None:
    plan, checked = _gen(
        bundled_store,
        framework="vllm",
        model="qwen2.5-7b",
        target_rps=100,
        replica_rps=12.5,
        replica_rps_source="Benchmark run 2026-11-30, p90 TTFT ≤ 500 ms",
    )
    assert plan.sizing.replicas == 8
    assert "measured: Benchmark run 2026-11-30" in header(
        _by_name(checked)["values.yaml"].artifact.text
    )
    plan, _ = _gen(bundled_store, framework="vllm", model="qwen2.5-7b")
    assert plan.sizing.replicas == 1 and "no target load" in plan.sizing.explanation


def test_a_broken_value_is_rejected_and_nothing_is_written(bundled_store, tmp_path: Path) -> None:
    _, checked = _gen(bundled_store, framework="vllm", model="llama-3.1-8b", gpus=2)
    files = _by_name(checked)
    bad_compose = files["compose.yaml"].artifact
    broken = type(bad_compose)(
        **{**bad_compose.__dict__, "text": bad_compose.text.replace("capabilities:", "capability:")}
    )
    result = check_artifact(broken, use_tools=False)
    assert not result.ok and "capability" in result.errors[0]
    values = files["values.yaml"].artifact
    broken_values = type(values)(
        **{
            **values.__dict__,
            "text": values.text.replace("routingLogic: roundrobin", "routingLogic: bogus"),
        }
    )
    result_v = check_artifact(broken_values, use_tools=False)
    assert (
        not result_v.ok and "routingLogic" in result_v.errors[0] and "bogus" in result_v.errors[0]
    )
    isvc = files["llminferenceservice.yaml"].artifact
    # A misspelt field: Kubernetes would silently drop it; the strict check rejects it.
    typo = type(isvc)(
        **{**isvc.__dict__, "text": isvc.text.replace("  replicas: 1", "  replica: 1")}
    )
    result_k = check_artifact(typo, use_tools=False)
    assert not result_k.ok and "'replica' was unexpected" in result_k.errors[0]
    out = tmp_path / "out"
    with pytest.raises(DeployError, match="did not validate, so no file was written"):
        write_files((files["docker-run.sh"], result_v), out)
    assert not out.exists() or not any(out.iterdir())


def test_hostile_path_is_quoted_for_the_shell_and_escaped_for_compose(
    bundled_store, tmp_path: Path
) -> None:
    folder = tmp_path / HOSTILE_DIR
    folder.mkdir()
    gguf = folder / "m;`id`.gguf"
    gguf.write_bytes(b"GGUF")
    _, checked = _gen(
        bundled_store, framework="llama.cpp", model=str(gguf), targets=("docker", "compose")
    )
    files = _by_name(checked)
    assert all(c.ok for c in checked)
    cmd = files["docker-run.sh"].artifact.commands[0]
    line = shell_line(cmd)
    assert shlex.split(line) == argv(cmd)  # what the shell hands docker is exactly the list
    assert f"{gguf}:/models/model.gguf:ro" in argv(cmd)
    compose = yaml.safe_load(files["compose.yaml"].artifact.text)
    mount = compose["services"]["llama-cpp"]["volumes"][1]
    assert mount["source"].replace("$$", "$") == str(gguf)  # Compose reads $$ as a literal $
    # The wrapped script runs as a POSIX shell script and yields the same arguments.
    script = files["docker-run.sh"].artifact.text
    body = script.split("set -eu\n", 1)[1]
    assert shlex.split(body.replace("\\\n", " ")) == argv(cmd)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("", "model"),
        ("a\nb", "model"),
        ("foo bar", "model"),
        ("/x:y/model", "model"),
        ("~/m", "model"),
    ],
)
def test_absurd_input_gets_a_field_message(bundled_store, model: str, field: str) -> None:
    with pytest.raises(DeployInputError) as err:
        _gen(bundled_store, framework="vllm", model=model)
    assert err.value.field == field and err.value.message.endswith(".")


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"gpus": "0"}, "gpus"),
        ({"gpus": "lots"}, "gpus"),
        ({"ctx": "99999999"}, "ctx"),
        ({"gpu_share": "1.5"}, "gpu_share"),
        ({"port": "70000"}, "port"),
        ({"target_rps": "-3"}, "target_rps"),
        ({"gpu_name": "Voodoo 5"}, "gpu"),
        ({"release": "Bad Name"}, "release"),
    ],
)
def test_each_field_is_checked(bundled_store, kw: dict[str, str], field: str) -> None:
    with pytest.raises(DeployInputError) as err:
        _gen(bundled_store, framework="vllm", model="llama-3.1-8b", **kw)
    assert err.value.field == field


def test_bind_all_only_when_asked(bundled_store) -> None:
    _, checked = _gen(
        bundled_store, framework="sglang", model="qwen2.5-7b", bind_all=True, port="9000"
    )
    compose = yaml.safe_load(_by_name(checked)["compose.yaml"].artifact.text)
    assert compose["services"]["sglang"]["ports"] == ["9000:30000"]
    assert "every network interface" in _by_name(checked)["compose.yaml"].artifact.text


def test_archived_tgi_is_marked(bundled_store) -> None:
    _, checked = _gen(bundled_store, framework="tgi", model="qwen2.5-7b")
    for c in checked:
        assert "WARNING: Hugging Face TGI is archived" in header(c.artifact.text)


def test_token_never_lands_in_a_file(bundled_store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_supersecret")
    _, checked = _gen(bundled_store, framework="vllm", model="llama-3.1-8b")
    helm = _by_name(checked)["helm-install.sh"].artifact.text
    assert 'kubectl create secret generic hf-token-secret --from-literal=token="$HF_TOKEN"' in helm
    assert all("hf_supersecret" not in c.artifact.text for c in checked)


def test_files_are_written_whole_or_not_at_all(
    bundled_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, checked = _gen(bundled_store, framework="vllm", model="llama-3.1-8b")
    out = tmp_path / "deploy"
    written = write_files(checked, out)
    assert sorted(p.name for p in written) == [
        "compose.yaml",
        "docker-run.sh",
        "helm-install.sh",
        "llminferenceservice.yaml",
        "values.yaml",
    ]
    assert os.access(out / "docker-run.sh", os.X_OK)
    assert (out / "compose.yaml").read_text() == _by_name(checked)["compose.yaml"].artifact.text

    # A full disk: the rename never happens, no temporary file is left, one sentence.
    def full(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    again = tmp_path / "again"
    with pytest.raises(
        DeployError, match=r"^Could not save the files in .*: No space left on device\.$"
    ):
        write_files(checked, again)
    assert list(again.iterdir()) == []
    # A folder that cannot exist (a file is in the way).
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DeployError, match=r"^Cannot create"):
        write_files(checked, blocker / "sub")
