"""The load generator: an asyncio loop of httpx streams, a step at a time, cancellable any time.

`run_load` blocks its caller (a CLI process, or the GUI's background thread) while its own event
loop drives every request; `cancel.set()` from any thread stops it within ~50 ms and closes
every connection. Definitions: docs/benchmark-metrics.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from desktop_app.domain.bench.config import BenchConfig, steps_for
from desktop_app.domain.bench.metrics import (
    RequestRecord,
    StepSummary,
    only_queueing,
    percentile,
    summarize_step,
)
from desktop_app.domain.bench.run import Progress
from desktop_app.errors import UserFacingError
from desktop_app.services.bench.client import ERROR_SENTENCES, RequestSpec, build_body, send
from desktop_app.services.bench.gpu import GpuSampler

ProgressSink = Callable[[Progress], None]
MAX_OPEN = 2048  # rate mode: requests in flight before new arrivals wait (saturation guard)


class LoadError(UserFacingError):
    """The load could not run at all; the message is one plain sentence."""


@dataclass
class LoadResult:
    """The measured steps, every request, and what the user should be told."""

    steps: list[StepSummary] = field(default_factory=list)
    records: list[RequestRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False
    client_cpu_s: float = 0.0  # this process's CPU time spent driving the load
    requests_sent: int = 0
    step_cpu_s: list[float] = field(default_factory=list)  # the client's CPU time in each step
    origin: float = 0.0  # perf_counter at the run's start (records' times are relative to it)


@dataclass
class LoadTarget:
    """Where the load goes."""

    base_url: str  # without /v1
    model: str
    api_key: str | None = None
    slots: int | None = None


class _Loop:
    """State of one run inside the event loop."""

    def __init__(
        self,
        target: LoadTarget,
        cfg: BenchConfig,
        prompts: list[str],
        on_progress: ProgressSink | None,
        gpu: GpuSampler | None,
    ) -> None:
        self.target = target
        self.cfg = cfg
        self.prompts = prompts
        self.on_progress = on_progress
        self.gpu = gpu
        self.ignore_eos = cfg.ignore_eos
        self.chat = cfg.api == "chat"
        path = "/v1/chat/completions" if self.chat else "/v1/completions"
        self.url = target.base_url.rstrip("/") + path
        self.counter = 0
        self.in_flight = 0
        self.origin = time.perf_counter()
        self.result = LoadResult(origin=self.origin)
        self._last_progress = 0.0

    def spec(self) -> RequestSpec:
        prompt = self.prompts[self.counter % len(self.prompts)]
        self.counter += 1
        body = build_body(
            self.chat, self.target.model, prompt, self.cfg.output_tokens, self.ignore_eos
        )
        return RequestSpec(self.url, body, self.chat)

    async def one(self, client: httpx.AsyncClient, step: int) -> tuple[RequestRecord, str | None]:
        self.in_flight += 1
        self.result.requests_sent += 1
        try:
            return await send(client, self.spec(), step, self.origin, self.in_flight)
        finally:
            self.in_flight -= 1

    def progress_due(self) -> bool:
        return self.on_progress is not None and time.perf_counter() - self._last_progress >= 0.2

    def progress(self, p: Progress, force: bool = False) -> None:
        now = time.perf_counter()
        if self.on_progress is None or (not force and now - self._last_progress < 0.2):
            return
        self._last_progress = now
        self.on_progress(p)

    # warm-up -------------------------------------------------------------------------
    async def warmup(self, client: httpx.AsyncClient, total_steps: int) -> None:
        """Warm-up requests at concurrency 1, excluded; they also check the endpoint works."""
        tries = max(1, self.cfg.warmup)  # at least one request checks the endpoint works
        self.progress(
            Progress(0, total_steps, self.cfg.mode, 0, 0, None, 1, None, None, 0, "warm-up"),
            force=True,
        )
        good = 0
        failures: list[tuple[str, str | None]] = []
        for i in range(tries):
            rec, msg = await self.one(client, -1)
            if rec.error == "http_4xx" and self.ignore_eos and i == 0:
                self.ignore_eos = False  # the server rejects ignore_eos: retry without it
                rec, msg = await self.one(client, -1)
                if rec.ok:
                    self.result.notes.append(
                        "This server does not accept ignore_eos, so answers may end before "
                        f"{self.cfg.output_tokens} tokens (max_tokens still caps them)."
                    )
            if rec.ok:
                good += 1
                continue
            failures.append((rec.error or "no_content", msg))
            if rec.error in ("refused", "not_openai", "http_4xx"):
                break
        if good == 0:
            kind, msg = failures[-1]
            detail = f" ({msg})" if msg else ""
            raise LoadError(
                f"The benchmark could not start: {ERROR_SENTENCES[kind]} at {self.url}{detail}."
            )
        if failures:
            self.result.notes.append(
                f"{len(failures)} of {tries} warm-up requests failed: "
                f"{ERROR_SENTENCES[failures[-1][0]]}."
            )

    # steps ---------------------------------------------------------------------------
    async def step(
        self, client: httpx.AsyncClient, index: int, total: int, mode: str, value: float
    ) -> StepSummary:
        records: list[RequestRecord] = []
        stopped: list[str] = []
        stop = asyncio.Event()
        cfg = self.cfg
        if self.gpu is not None:
            self.gpu.start_step()
        start = time.perf_counter()
        cpu0 = time.process_time()
        deadline = start + cfg.duration_s if cfg.duration_s is not None else None
        planned = cfg.requests

        def live(phase: str = "measuring") -> Progress:
            done = [r for r in records if r.ok]
            ttfts = [r.ttft_s * 1000 for r in done[-50:] if r.ttft_s is not None]
            elapsed = time.perf_counter() - start
            tokens = sum(r.output_tokens or 0 for r in done)
            return Progress(
                index,
                total,
                mode,
                value,
                len(records),
                planned,
                self.in_flight,
                percentile(ttfts, 50),
                tokens / elapsed if elapsed > 0 else None,
                sum(1 for r in records if not r.ok),
                phase,
            )

        def finished(rec: RequestRecord) -> None:
            records.append(rec)
            if self.progress_due():
                self.progress(live())
            if mode == "rate" and cfg.early_stop and not stopped and only_queueing(records):
                stopped.append("queueing")
                stop.set()

        def more() -> bool:
            if stop.is_set():
                return False
            if deadline is not None:
                return time.perf_counter() < deadline
            return issued < (planned or 0)

        issued = 0
        if mode == "concurrency":

            async def worker() -> None:
                nonlocal issued
                while more():
                    issued += 1
                    rec, _ = await self.one(client, index)
                    finished(rec)

            await asyncio.gather(*(worker() for _ in range(int(value))))
        else:
            rng = random.Random(cfg.seed * 1_000_003 + index)
            pending: set[asyncio.Task[None]] = set()

            async def fire() -> None:
                rec, _ = await self.one(client, index)
                finished(rec)

            next_at = time.perf_counter()
            while more():
                gap = rng.expovariate(value) if cfg.arrivals == "poisson" else 1.0 / value
                delay = next_at - time.perf_counter()
                if delay > 0:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
                    if stop.is_set():
                        break
                while len(pending) >= MAX_OPEN:
                    await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                task = asyncio.create_task(fire())
                pending.add(task)
                task.add_done_callback(pending.discard)
                issued += 1
                next_at += gap
                if self.gpu is not None and issued % 16 == 0:
                    self.gpu.sample()
            if pending:
                await asyncio.gather(*pending)
        self.result.step_cpu_s.append(time.process_time() - cpu0)
        gpu = self.gpu.end_step() if self.gpu is not None else None
        summary = summarize_step(
            index, mode, value, records, cfg.slo, gpu, stopped[0] if stopped else None
        )
        self.result.records.extend(records)
        self.progress(live("step done"), force=True)
        return summary

    async def run(self, cancel: threading.Event) -> LoadResult:
        plan = steps_for(self.cfg, self.target.slots)
        headers = {"Authorization": f"Bearer {self.target.api_key}"} if self.target.api_key else {}
        top = (
            max(int(v) for m, v in plan if m == "concurrency")
            if any(m == "concurrency" for m, _ in plan)
            else MAX_OPEN
        )
        # Idle connections are dropped after 2 s, before a server's own keep-alive timeout
        # (llama-server's and many others' is 5 s, httpx's default too: a race on reuse).
        limits = httpx.Limits(
            max_connections=top + 8, max_keepalive_connections=top + 8, keepalive_expiry=2.0
        )
        timeout = httpx.Timeout(connect=10.0, read=self.cfg.read_timeout_s, write=30.0, pool=None)
        # TCP_NODELAY: a small request body is sent at once, not held back by Nagle's rule.
        transport = httpx.AsyncHTTPTransport(
            limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
        )
        async with httpx.AsyncClient(
            headers=headers, timeout=timeout, trust_env=False, transport=transport
        ) as client:
            main = asyncio.create_task(self._steps(client, plan))
            while not main.done():
                await asyncio.wait({main}, timeout=0.05)
                if cancel.is_set() and not main.done():
                    main.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await main
                    self.result.cancelled = True
                    break
                if self.gpu is not None:
                    self.gpu.sample()
            if not main.cancelled():
                main.result()  # re-raises LoadError
        return self.result

    async def _steps(self, client: httpx.AsyncClient, plan: list[tuple[str, float]]) -> None:
        await self.warmup(client, len(plan))
        for i, (mode, value) in enumerate(plan):
            summary = await self.step(client, i, len(plan), mode, value)
            self.result.steps.append(summary)  # kept even if a later step is cancelled


def run_load(
    target: LoadTarget,
    cfg: BenchConfig,
    prompts: list[str],
    cancel: threading.Event | None = None,
    on_progress: ProgressSink | None = None,
    gpu: GpuSampler | None = None,
) -> LoadResult:
    """Run the whole load (warm-up, then every step) in a fresh event loop; blocks."""
    cancel = cancel or threading.Event()
    cpu0 = time.process_time()
    state = _Loop(target, cfg, prompts, on_progress, gpu)
    try:
        result = asyncio.run(state.run(cancel))
    except LoadError:
        raise
    result.client_cpu_s = time.process_time() - cpu0
    return result
