"""One quick trial, start to finish: start (or reuse) the engine, stream one answer, stop.

Used by `infernav trial`; the Launch view uses the same record builder.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.trial.metrics import TrialMetrics
from desktop_app.domain.trial.record import Trial, TrialSettings
from desktop_app.errors import UserFacingError
from desktop_app.services.engines import discovery, ollama
from desktop_app.services.engines.clients import Answer, StreamError, stream_llama, stream_ollama
from desktop_app.services.engines.process import EngineError, EngineProcess
from desktop_app.services.engines.specs import (
    LaunchSpec,
    SpecError,
    accepted_flags,
    llama_server_spec,
    ollama_serve_spec,
)
from desktop_app.services.gguf import fit_gpu_layers, inspect_gguf
from desktop_app.services.hardware import probe_hardware
from desktop_app.storage.user.store import UserStore

DEFAULT_PROMPT = "Explain in two sentences what a large language model is."


class TrialError(Exception):
    """The trial could not be run; the message is one plain sentence."""


@dataclass(frozen=True)
class TrialOptions:
    """What the user asked for."""

    engine: str
    model: str
    prompt: str = DEFAULT_PROMPT
    max_tokens: int = 128
    port: int | None = None
    threads: int | None = None
    ctx: int | None = 4096
    parallel: int | None = 1
    gpu_layers: int | None = None
    server_binary: str | None = None
    ready_timeout_s: float = 120.0
    api: str = "auto"  # "chat", "completion", or auto: chat when the model has a template
    temperature: float | None = None
    ignore_eos: bool = False


@dataclass
class TrialOutcome:
    """What happened: the trial (with its id once saved), the answer, the notes."""

    trial: Trial
    answer: Answer
    notes: list[str] = field(default_factory=list)
    saved: bool = False


@dataclass(frozen=True)
class TrialPlan:
    """One engine run, planned: what starts, on which port, how it is asked, how it is saved.

    Built off the GUI thread (it asks the binary for its flags, reads the fit estimate and
    probes the port); used by `infernav trial` and the Launch view alike. The plan knows
    its port: nothing parses it back out of a URL.
    """

    engine: str  # "llama.cpp" or "ollama"
    spec: LaunchSpec
    version: str | None
    model: str  # the GGUF path, or "" for Ollama (the model is chosen per request)
    quantization: str | None
    api: str  # "chat", "completion" (base models) or "ollama-chat"
    gpu_layers: int | None  # what -ngl became (the fit estimate unless the user chose)

    @property
    def port(self) -> int:
        """Where the engine listens."""
        return self.spec.port

    def settings(
        self,
        *,
        max_tokens: int,
        prompt: str,
        threads: int | None,
        ctx: int | None,
        parallel: int | None,
        reused: bool = False,
    ) -> TrialSettings:
        """The settings record saved with each trial of this run."""
        return TrialSettings(
            threads=threads,
            ctx=ctx,
            parallel=parallel,
            gpu_layers=self.gpu_layers,
            max_tokens=max_tokens,
            prompt=prompt,
            api=self.api,
            reused_running_server=reused,
        )


def choose_api(requested: str, has_chat_template: bool) -> str:
    """Chat when the model has a chat template; a base model is asked by plain completion
    (llama-server would fall back to ChatML and answer poorly)."""
    if requested != "auto":
        return requested
    return "chat" if has_chat_template else "completion"


def plan_llama(
    program: str,
    version: str | None,
    model_path: Path,
    hardware: HardwareProfile | None,
    *,
    quantization: str | None,
    has_chat_template: bool,
    api: str = "auto",
    port: int | None = None,
    host: str = "127.0.0.1",
    allow_other_hosts: bool = False,
    threads: int | None = None,
    ctx: int | None = None,
    gpu_layers: int | None = None,
    parallel: int | None = None,
) -> TrialPlan:
    """Plan a llama-server run (blocking); -ngl defaults to the fit estimate for `hardware`."""
    layers = gpu_layers
    if layers is None and "-ngl" in (accepted_flags(program) or {"-ngl"}):
        layers = fit_gpu_layers(model_path, hardware, ctx, parallel)
    spec = llama_server_spec(
        program, model_path, port=port, host=host, allow_other_hosts=allow_other_hosts,
        threads=threads, ctx=ctx, gpu_layers=layers, parallel=parallel,
    )  # fmt: skip
    return TrialPlan(
        "llama.cpp", spec, version, str(model_path), quantization,
        choose_api(api, has_chat_template), layers,
    )  # fmt: skip


def plan_ollama(
    program: str,
    version: str | None,
    *,
    port: int | None = None,
    host: str = "127.0.0.1",
    allow_other_hosts: bool = False,
    ctx: int | None = None,
    parallel: int | None = None,
) -> TrialPlan:
    """Plan an `ollama serve` run (blocking: it probes the port)."""
    spec = ollama_serve_spec(
        program, port=port or ollama.default_port(), host=host,
        allow_other_hosts=allow_other_hosts, ctx=ctx, parallel=parallel,
    )  # fmt: skip
    return TrialPlan("ollama", spec, version, "", None, "ollama-chat", None)


def build_trial(
    *,
    engine: str,
    engine_version: str | None,
    model: str,
    quantization: str | None,
    metrics: TrialMetrics,
    settings: TrialSettings,
    hardware: HardwareProfile | None,
    port: int | None,
) -> Trial:
    """The trial record the user store keeps and Compare reads (not yet saved)."""
    return Trial(
        engine=engine,
        engine_version=engine_version or "unknown",
        model=model,
        metrics=metrics,
        quantization=quantization,
        settings=settings,
        hardware=hardware.to_json() if hardware is not None else {},
        port=port,
    )


def _engine_binary(opts: TrialOptions, store: UserStore | None) -> discovery.EngineInfo:
    user = opts.server_binary or (discovery.remembered_path(store, opts.engine) if store else None)
    info = discovery.find_engine(opts.engine, user)
    if info.path is None:
        name = discovery.BINARY[opts.engine]
        raise TrialError(f"{name} was not found. {info.how_to_get}")
    if info.problem:
        raise TrialError(info.problem)
    return info


def run_trial(
    opts: TrialOptions,
    store: UserStore | None = None,
    on_text: Callable[[str], None] | None = None,
    on_note: Callable[[str], None] | None = None,
    cancel: threading.Event | None = None,
    hardware: HardwareProfile | None = None,
) -> TrialOutcome:
    """Run one trial; raises TrialError with a plain sentence on any failure."""
    notes: list[str] = []

    def note(text: str) -> None:
        notes.append(text)
        if on_note is not None:
            on_note(text)

    if opts.max_tokens < 1:
        raise TrialError("--max-tokens must be at least 1.")
    proc: EngineProcess | None = None
    api = opts.api
    layers = opts.gpu_layers
    try:
        if opts.engine == "ollama":
            base_url, version, proc, spec_port = _ollama_engine(opts, store, note)
            quant = _ollama_quant(base_url, opts.model)
            answer = stream_ollama(
                base_url,
                opts.model,
                opts.prompt,
                opts.max_tokens,
                cancel=cancel,
                on_text=on_text,
                temperature=opts.temperature,
            )
        elif opts.engine == "llama.cpp":
            info = _engine_binary(opts, store)
            model_path = Path(opts.model).expanduser()
            if not model_path.is_file():
                raise TrialError(f"The model file {model_path} does not exist.")
            gguf = inspect_gguf(model_path)
            quant = gguf.quantization
            hardware = hardware or probe_hardware()  # -ngl comes from its fit estimate
            plan = plan_llama(
                str(info.path), info.version, model_path, hardware,
                quantization=quant, has_chat_template=gguf.has_chat_template, api=api,
                port=opts.port, threads=opts.threads, ctx=opts.ctx, gpu_layers=layers,
                parallel=opts.parallel,
            )  # fmt: skip
            for text in plan.spec.notes:
                note(text)
            version, layers, api = plan.version, plan.gpu_layers, plan.api
            proc = _start(plan.spec, opts.ready_timeout_s)
            base_url, spec_port = plan.spec.base_url, plan.port
            answer = stream_llama(
                base_url,
                opts.prompt,
                opts.max_tokens,
                api=api,
                cancel=cancel,
                on_text=on_text,
                temperature=opts.temperature,
                ignore_eos=opts.ignore_eos,
            )
        else:
            raise TrialError(f"Unknown engine {opts.engine!r}; use llama.cpp or ollama.")
    except SpecError as exc:
        raise TrialError(str(exc)) from None
    except StreamError as exc:
        message = str(exc)
        if proc is not None and proc.exited_within(1.0):
            message = f"{message} {proc.outcome}"
        raise TrialError(message) from None
    finally:
        if proc is not None:
            proc.stop()
    settings = TrialSettings(
        threads=opts.threads,
        ctx=opts.ctx,
        parallel=opts.parallel,
        gpu_layers=layers,
        max_tokens=opts.max_tokens,
        prompt=opts.prompt,
        api=(api if opts.engine == "llama.cpp" else "ollama-chat"),
        reused_running_server=opts.engine == "ollama" and proc is None,
    )
    trial = build_trial(
        engine=opts.engine,
        engine_version=version,
        model=opts.model,
        quantization=quant,
        metrics=answer.metrics,
        settings=settings,
        hardware=hardware or probe_hardware(),
        port=spec_port,
    )
    outcome = TrialOutcome(trial, answer, notes)
    if store is not None and not answer.metrics.cancelled:
        try:
            outcome.trial, outcome.saved = store.add_trial(trial), True
        except UserFacingError as exc:  # a read-only or full store: the result still shows
            note(str(exc))
    return outcome


def _start(spec: LaunchSpec, timeout_s: float) -> EngineProcess:
    proc = EngineProcess(spec)
    try:
        proc.start()
    except EngineError as exc:
        raise TrialError(str(exc)) from None
    try:
        proc.wait_ready(timeout_s)
    except EngineError as exc:
        proc.stop()
        raise TrialError(str(exc)) from None
    return proc


def _ollama_engine(
    opts: TrialOptions, store: UserStore | None, note: Callable[[str], None]
) -> tuple[str, str | None, EngineProcess | None, int]:
    running = ollama.find_running()
    if running is not None:
        note(f"Using the Ollama already running at {running.base_url} (left running).")
        port = int(running.base_url.rsplit(":", 1)[1])
        return running.base_url, running.version, None, port
    info = _engine_binary(opts, store)
    plan = plan_ollama(str(info.path), info.version, port=opts.port, ctx=opts.ctx)
    for text in plan.spec.notes:
        note(text)
    proc = _start(plan.spec, opts.ready_timeout_s)
    version = ollama.version_at(plan.spec.base_url) or info.version
    return plan.spec.base_url, version, proc, plan.port


def _ollama_quant(base_url: str, model: str) -> str | None:
    with contextlib.suppress(StreamError):
        wanted = model if ":" in model else f"{model}:latest"
        for item in ollama.list_models(base_url):
            if item.name in (model, wanted):
                return item.quantization
    return None
