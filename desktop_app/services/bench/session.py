"""A whole benchmark: start the engine (or reach the endpoint), warm up, run the load, stop.

Used by `infernav bench` and, on the background runner, by the Benchmark view.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from desktop_app.domain.bench.config import BenchConfig, validate
from desktop_app.domain.bench.run import BenchRun
from desktop_app.errors import UserFacingError
from desktop_app.services.bench.gpu import GpuSampler
from desktop_app.services.bench.loadgen import LoadError, LoadTarget, ProgressSink, run_load
from desktop_app.services.bench.prompts import PromptError, file_prompts, synthetic_prompts
from desktop_app.services.engines import discovery
from desktop_app.services.engines.process import EngineError, EngineProcess
from desktop_app.services.engines.specs import SpecError, llama_server_spec, ollama_serve_spec
from desktop_app.services.hardware import probe_hardware

NoteSink = Callable[[str], None]


class BenchError(UserFacingError):
    """The benchmark could not run; the message is one plain sentence."""


@dataclass(frozen=True)
class TargetOptions:
    """An engine the app starts, or any OpenAI-compatible endpoint."""

    kind: str  # "url", "llama.cpp" or "ollama"
    url: str | None = None
    model: str | None = None  # a GGUF path (llama.cpp), a model name (Ollama, endpoint)
    api_key: str | None = None
    slots: int | None = None
    server_binary: str | None = None
    gpu_layers: int | None = None
    threads: int | None = None
    ready_timeout_s: float = 180.0


def normalize_url(text: str) -> str:
    """'host:8000', 'http://host:8000/v1/' → 'http://host:8000'; BenchError when not a URL."""
    value = (text or "").strip().rstrip("/")
    if not value:
        raise BenchError("Enter the endpoint's address, e.g. http://gpu-box:8000/v1.")
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BenchError(f"{text!r} is not an http:// or https:// address.")
    try:
        _ = parts.port
    except ValueError:
        raise BenchError(f"The port in {text!r} is not a number from 1 to 65535.") from None
    for suffix in ("/v1/chat/completions", "/v1/completions", "/v1"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
            break
    return value


def probe_endpoint(base_url: str, api_key: str | None) -> tuple[list[str], str, str]:
    """Models the endpoint lists, its engine name and version ('unknown' where silent)."""
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    with httpx.Client(timeout=httpx.Timeout(10.0), trust_env=False, headers=headers) as http:
        try:
            resp = http.get(base_url + "/v1/models")
        except httpx.ConnectError:
            raise BenchError(f"Could not reach {base_url}: nothing answered there.") from None
        except httpx.TimeoutException:
            raise BenchError(f"{base_url} did not answer within 10 s.") from None
        except httpx.HTTPError as exc:
            raise BenchError(f"Could not talk to {base_url} ({exc.__class__.__name__}).") from None
        if resp.status_code in (401, 403):
            raise BenchError(f"{base_url} refused the API key (HTTP {resp.status_code}).")
        models: list[str] = []
        if resp.status_code == 200:
            try:
                data = resp.json()
            except ValueError:
                raise BenchError(
                    f"{base_url} is not an OpenAI-compatible endpoint (/v1/models is not JSON)."
                ) from None
            items = data.get("data") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise BenchError(
                    f"{base_url} is not an OpenAI-compatible endpoint (/v1/models has no list)."
                )
            models = [str(m.get("id")) for m in items if isinstance(m, dict) and m.get("id")]
        engine, version = "unknown", "unknown"
        with contextlib.suppress(httpx.HTTPError, ValueError):
            v = http.get(base_url + "/version")  # vLLM
            if v.status_code == 200 and isinstance(v.json(), dict) and "version" in v.json():
                engine, version = "vLLM", str(v.json()["version"])
        if engine == "unknown":
            with contextlib.suppress(httpx.HTTPError, ValueError):
                p = http.get(base_url + "/props")  # llama-server
                if p.status_code == 200 and isinstance(p.json(), dict):
                    engine = "llama.cpp"
                    version = str(p.json().get("build_info") or "unknown")
                    slots = p.json().get("total_slots")
                    if isinstance(slots, int):
                        models.append(f"__slots__={slots}")
    return models, engine, version


def _prompts(cfg: BenchConfig, count: int) -> list[str]:
    if cfg.prompt_file:
        try:
            return file_prompts(Path(cfg.prompt_file).expanduser())
        except PromptError as exc:
            raise BenchError(str(exc)) from None
    return synthetic_prompts(count, cfg.input_tokens)


def _start_llama(
    opts: TargetOptions, cfg: BenchConfig, note: NoteSink
) -> tuple[EngineProcess, str, str]:
    info = discovery.find_engine("llama.cpp", opts.server_binary)
    if info.path is None:
        raise BenchError(f"llama-server was not found. {info.how_to_get}")
    if info.problem:
        raise BenchError(info.problem)
    model = Path(opts.model or "").expanduser()
    if not opts.model or not model.is_file():
        raise BenchError(f"The model file {model} does not exist.")
    slots = opts.slots or 1
    # -c is shared by the slots: give each room for its prompt, answer and the template.
    per_slot = cfg.input_tokens * 2 + cfg.output_tokens + 256
    ctx = slots * ((per_slot + 255) // 256 * 256)
    try:
        spec = llama_server_spec(
            str(info.path),
            model,
            ctx=ctx,
            parallel=slots,
            gpu_layers=opts.gpu_layers,
            threads=opts.threads,
        )
    except SpecError as exc:
        raise BenchError(str(exc)) from None
    for text in spec.notes:
        note(text)
    return EngineProcess(spec), spec.base_url, info.version or "unknown"


def _start_ollama(opts: TargetOptions, note: NoteSink) -> tuple[EngineProcess, str, str]:
    info = discovery.find_engine("ollama", opts.server_binary)
    if info.path is None:
        raise BenchError(f"ollama was not found. {info.how_to_get}")
    spec = ollama_serve_spec(str(info.path), parallel=opts.slots or 1)
    for text in spec.notes:
        note(text)
    return EngineProcess(spec), spec.base_url, info.version or "unknown"


def _hardware_profile() -> dict[str, Any]:
    """This machine's detected profile (the one the Hardware view shows), as JSON."""
    try:
        return probe_hardware().to_json()
    except Exception:  # a probe failure must not lose a finished run
        return {"label": "this machine (not detected)"}


def run_benchmark(
    opts: TargetOptions,
    cfg: BenchConfig,
    cancel: threading.Event | None = None,
    on_progress: ProgressSink | None = None,
    on_note: NoteSink | None = None,
    hardware: dict[str, Any] | None = None,
) -> BenchRun:
    """Run one benchmark to the end (or to `cancel`); BenchError on anything fatal."""
    validate(cfg)
    cancel = cancel or threading.Event()
    notes: list[str] = []

    def note(text: str) -> None:
        notes.append(text)
        if on_note is not None:
            on_note(text)

    proc: EngineProcess | None = None
    gpu = GpuSampler()
    try:
        if opts.kind == "url":
            base = normalize_url(opts.url or "")
            models, engine, version = probe_endpoint(base, opts.api_key)
            slots = opts.slots
            for m in list(models):
                if m.startswith("__slots__="):
                    models.remove(m)
                    slots = slots or int(m.split("=", 1)[1])
            model = opts.model or (models[0] if models else "")
            if not model:
                raise BenchError(f"{base} lists no model; enter the model name to use.")
            engine_name = engine
        elif opts.kind in ("llama.cpp", "ollama"):
            if opts.slots is not None and not 1 <= opts.slots <= 256:
                raise BenchError("The parallel slots must be from 1 to 256.")
            if opts.kind == "llama.cpp":
                proc, base, version = _start_llama(opts, cfg, note)
                model = Path(opts.model or "").name
            else:
                proc, base, version = _start_ollama(opts, note)
                model = opts.model or ""
                if not model:
                    raise BenchError("Enter the Ollama model to benchmark, e.g. llama3.2.")
            slots = opts.slots or 1
            engine_name = opts.kind
            try:
                proc.start()
                proc.wait_ready(opts.ready_timeout_s)
            except EngineError as exc:
                raise BenchError(str(exc)) from None
        else:
            raise BenchError(f"Unknown target {opts.kind!r}.")
        if cancel.is_set():
            raise BenchError("The benchmark was cancelled before it started.")
        total = (cfg.requests or 64) * 16 + cfg.warmup + 1
        prompts = _prompts(cfg, min(total, 4096))
        target = LoadTarget(
            base, model if opts.kind != "llama.cpp" else "default", opts.api_key, slots
        )
        try:
            result = run_load(target, cfg, prompts, cancel, on_progress, gpu)
        except LoadError as exc:
            raise BenchError(str(exc)) from None
        for text in result.notes:
            note(text)
        if result.cancelled:
            kept = len(result.steps)
            note(f"Cancelled; the {kept} completed step{'s' if kept != 1 else ''} are kept.")
        hw = hardware or _hardware_profile()
        if opts.kind == "url":
            hw = {"label": "the endpoint's machine (not measured here)", "client": hw}
        return BenchRun(
            created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            engine=engine_name,
            engine_version=version,
            model=model,
            base_url=base,
            api=cfg.api,
            slots=slots,
            config=cfg,
            hardware=hw,
            steps=tuple(result.steps),
            records=tuple(result.records),
            notes=tuple(notes),
            cancelled=result.cancelled,
            extra={
                "client_cpu_s": result.client_cpu_s,
                "requests_sent": result.requests_sent,
                "gpu": "NVML" if gpu.available else "none (figures unknown)",
            },
        )
    finally:
        gpu.close()
        if proc is not None:
            proc.stop()
