"""The Launch controller: one engine's life, as a state the Launch view renders.

It owns the ServerProcess and the readiness poll. The plan is built off the GUI thread
(services/trial.TrialPlan), the engine started, /health polled every POLL_MS until it
answers (docs/engines.md §5.1: 503 "Loading model" while it loads), and a hung start is
stopped after `ready_timeout_s`. Every change is one `state_changed(state, sentence)`.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop_app.services.engines import ollama
from desktop_app.services.engines.readiness import (
    Ours,
    Readiness,
    foreign_sentence,
    probe_ours,
)
from desktop_app.services.trial import TrialPlan
from desktop_app.ui.server_process import ProcessOutcome, ServerProcess
from desktop_app.ui.workers import BackgroundRunner

READY_TIMEOUT_S = 120.0
POLL_MS = 100


class EngineState(enum.Enum):
    """Where the engine is; the sentence that goes with it comes with the signal."""

    IDLE = "idle"
    PREPARING = "preparing"  # the plan is being built (flags, fit estimate, port)
    STARTING = "starting"  # the process runs; nothing answers yet
    LOADING = "loading"  # it answers "Loading model"
    READY = "ready"
    STOPPING = "stopping"
    FAILED = "failed"
    REUSED = "reused"  # an Ollama the user runs: used, never stopped


class LaunchController(QObject):
    """Start, watch and stop one engine; the view only renders what this says."""

    state_changed = Signal(object, str)  # EngineState, the sentence to show
    launching = Signal(object)  # TrialPlan, just before its process starts (log header)
    log_text = Signal(str)  # the engine's output lines
    plan_failed = Signal(str)  # the options could not become a plan
    finished = Signal(object)  # ProcessOutcome

    def __init__(self, runner: BackgroundRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.state = EngineState.IDLE
        self.plan: TrialPlan | None = None
        self.server: ServerProcess | None = None
        self.reused: ollama.RunningOllama | None = None
        self.ready_timeout_s = READY_TIMEOUT_S
        self._deadline = 0.0
        self._failure = ""
        self._probing = False
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._on_poll_timeout)

    @property
    def base_url(self) -> str | None:
        """Where the engine answers (while one is started or reused)."""
        if self.reused is not None:
            return self.reused.base_url
        return self.plan.spec.base_url if self.plan is not None else None

    @property
    def port(self) -> int | None:
        """The port the plan chose; for a reused Ollama only its URL is known."""
        if self.reused is not None:
            return int(self.reused.base_url.rsplit(":", 1)[1])
        return self.plan.port if self.plan is not None else None

    def running(self) -> bool:
        """True while a process the app started runs."""
        return self.server is not None and self.server.running()

    def _set(self, state: EngineState, sentence: str = "") -> None:
        self.state = state
        self.state_changed.emit(state, sentence)

    # --- start ------------------------------------------------------------------
    def prepare(self, build: Callable[[], TrialPlan]) -> None:
        """Build the plan in the background, then start it."""
        self.reused = None
        self._set(EngineState.PREPARING, "Preparing…")
        self.runner.submit(build, self._got_plan, self._when_plan_failed)

    def reuse(self, running: ollama.RunningOllama) -> None:
        """Use an Ollama the user runs (left running when we let it go)."""
        self.reused, self.plan = running, None
        self._set(
            EngineState.REUSED,
            f"Using the Ollama already running at {running.base_url} "
            "(the app will leave it running).",
        )

    def _when_plan_failed(self, exc: BaseException) -> None:
        self._set(EngineState.IDLE, "No engine running.")
        self.plan_failed.emit(str(exc))

    def _got_plan(self, plan: TrialPlan) -> None:
        self.plan = plan
        self._failure = ""
        self.launching.emit(plan)
        self.server = ServerProcess(plan.spec, self)
        self.server.log_text.connect(self.log_text)
        self.server.finished.connect(self._on_server_finished)
        self.server.start()
        if self.server.outcome.failed:
            return  # finished has said why
        self._deadline = time.monotonic() + self.ready_timeout_s
        notes = " ".join(plan.spec.notes)
        self._set(EngineState.STARTING, f"Starting on port {plan.port}… {notes}".strip())
        self._poll.start()

    # --- readiness --------------------------------------------------------------
    @Slot()
    def _on_poll_timeout(self) -> None:
        if self._probing or self.plan is None or self.server is None:
            return
        if time.monotonic() > self._deadline:
            self._poll.stop()
            self._failure = (
                f"The engine did not become ready within {self.ready_timeout_s:g} s; "
                "it was stopped."
            )
            self.server.stop()
            self._set(EngineState.FAILED, self._failure)
            return
        url, engine = self.plan.spec.base_url, self.plan.engine
        ours = Ours.started(self.plan.spec, self.server.pid)
        self._probing = True
        self.runner.submit(lambda: probe_ours(url, engine, ours, 0.5), self._got_probe,
                           self._when_probe_failed)  # fmt: skip

    def _when_probe_failed(self, exc: BaseException) -> None:
        self._probing = False

    def _got_probe(self, result: Readiness) -> None:
        self._probing = False
        if result is Readiness.FOREIGN and self.plan is not None and self.server is not None:
            # Never READY for another program's server: nothing is measured or saved.
            self._poll.stop()
            self._failure = foreign_sentence(self.plan.port)
            self.server.stop()
            self._set(EngineState.FAILED, self._failure)
            return
        if not self.running() or not self._poll.isActive():
            return
        if result is Readiness.LOADING:
            self._set(EngineState.LOADING, "Loading the model…")
        elif result is Readiness.READY:
            self._poll.stop()
            self._set(EngineState.READY, f"Ready at {self.base_url}.")

    # --- stop -------------------------------------------------------------------
    def stop(self, wait: bool = False) -> None:
        """Stop what the app started; a reused Ollama is only let go."""
        self._poll.stop()
        if self.server is not None and self.server.running():
            self._set(EngineState.STOPPING, "Stopping…")
            self.server.stop(wait=wait)
        else:
            sentence = (
                "No engine running."
                if self.reused is None
                else "Stopped using the running Ollama (it keeps running)."
            )
            self.reused = None
            self._set(EngineState.IDLE, sentence)

    @Slot(object)
    def _on_server_finished(self, outcome: ProcessOutcome) -> None:
        starting = self.state in (EngineState.STARTING, EngineState.LOADING)
        self._poll.stop()
        if outcome.failed and starting and not self._failure and self.plan is not None:
            # It ended before it was ready: if another program answers on the port (ours
            # could not bind it), say that rather than a crash. One probe, off this thread.
            url, engine = self.plan.spec.base_url, self.plan.engine
            ours = Ours.started(self.plan.spec, self.server.pid if self.server else None)
            self.runner.submit(
                lambda: probe_ours(url, engine, ours, 0.5),
                lambda seen: self._ended(outcome, seen),
                lambda _exc: self._ended(outcome, None),
            )
            return
        self._ended(outcome, None)

    def _ended(self, outcome: ProcessOutcome, seen: Readiness | None) -> None:
        if seen is Readiness.FOREIGN and self.plan is not None:
            self._failure = foreign_sentence(self.plan.port)
        if self._failure:
            self._set(EngineState.FAILED, self._failure)  # we stopped it: hung, or not ours
        elif outcome.failed:
            self._set(EngineState.FAILED, str(outcome))
        else:
            self._set(EngineState.IDLE, str(outcome))
        self.finished.emit(outcome)
