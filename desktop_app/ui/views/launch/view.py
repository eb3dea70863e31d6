"""Launch, chat first: the conversation is the main area, its metrics beside it, and the
set-up column (engine, model, Start) on the left.

Everything blocking (discovery, downloads, HTTP, file headers, the store) runs on
ctx.runner; the engine process is a ServerProcess (QProcess). Engines are looked for again
each time the view opens and on "Look again". Start stays disabled, with the reason shown,
until an engine and a model are ready. Only engines the app started are stopped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.trial.record import Trial, TrialSettings
from desktop_app.errors import UserFacingError
from desktop_app.services.engines import discovery, ollama
from desktop_app.services.engines.cancel import Cancel
from desktop_app.services.engines.clients import Answer, stream_llama, stream_ollama
from desktop_app.services.engines.specs import (
    SpecError,
    validate_port,
)
from desktop_app.services.trial import (
    TrialPlan,
    build_trial,
    choose_api,
    plan_llama,
    plan_ollama,
)
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext
from desktop_app.ui.server_process import MAX_LOG_LINES, ProcessOutcome, ServerProcess
from desktop_app.ui.views.launch.chat import ChatPanel
from desktop_app.ui.views.launch.controller import EngineState, LaunchController
from desktop_app.ui.views.launch.engine_models import ModelsPanel
from desktop_app.ui.views.launch.options import OptionsBox
from desktop_app.ui.widgets.flow import FlowLayout

# Where each engine is downloaded by hand (the buttons open these in the browser).
DOWNLOAD_PAGES = {
    "llama.cpp": "https://github.com/ggml-org/llama.cpp/releases",
    "ollama": "https://ollama.com/download",
}
LINUX_LLAMA_HINT = (
    "Install your distribution's llama.cpp package, or a release from "
    "https://github.com/ggml-org/llama.cpp/releases (its llama-server); Homebrew works too."
)


def install_hint(info: discovery.EngineInfo | None, engine: str) -> str:
    """How to get the engine, naming this system's own ways first."""
    if engine == "llama.cpp" and sys.platform.startswith("linux"):
        return LINUX_LLAMA_HINT
    return info.how_to_get if info else discovery.install_hint(engine)


class _Relay(QObject):
    """Carries streamed text and pull progress from runner jobs to the GUI thread."""

    text = Signal(str)
    progress = Signal(object)  # ollama.PullProgress


def _int_or_none(text: str, name: str, low: int) -> int | None:
    text = text.strip()
    if not text or text == "auto":
        return None
    try:
        value = int(text)
    except ValueError:
        raise SpecError(f"{name} must be a whole number (or empty for the default).") from None
    if value < low:
        raise SpecError(f"{name} must be at least {low}.")
    return value


class LaunchView(QWidget):
    """The Launch screen."""

    engine_ready = Signal(str)  # base URL
    answer_finished = Signal(object)  # Answer

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.engines: dict[str, discovery.EngineInfo] = {}
        self.engine = LaunchController(ctx.runner, self)
        self.base_url: str | None = None
        self.model_name = ""
        self.api = "chat"  # "completion" for base models without a chat template
        self.quantization: str | None = None
        self.engine_kind = "llama.cpp"
        self.engine_version: str | None = None
        self._cancel = Cancel()  # Stop shuts the answer's socket: never waits on a stall
        self._generating = False
        self._shown_once = False
        self._run_after_scan: Path | None = None  # a downloaded file to start once listed
        self._relay = _Relay(self)
        self._build()
        self.engine.state_changed.connect(self._on_engine_state_changed)
        self.engine.launching.connect(self._on_engine_launching)
        self.engine.log_text.connect(self.log.appendPlainText)
        self.engine.plan_failed.connect(self.options_error.setText)
        self.engine.finished.connect(self._on_engine_finished)
        self._relay.text.connect(self.chat.append_text)
        self.refresh_engines()
        self.refresh_history()
        ctx.hardware.profile_changed.connect(self._on_hardware_profile_changed)

    # layout -------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        heading = QLabel(
            "<h2>Chat with a model on this machine</h2>"
            "Pick or download a model, click Start, ask it something. Engines listen on "
            "127.0.0.1 only unless you choose otherwise; the app stops those it started."
        )
        heading.setWordWrap(True)
        outer.addWidget(heading)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self._engines_box())
        self.models = ModelsPanel(self.ctx, self._relay)
        self.models.tabs.currentChanged.connect(self._on_models_tab_changed)
        self.models.selection_changed.connect(self._on_models_selection_changed)
        self.models.starters.run_requested.connect(self._on_starter_run_requested)
        lay.addWidget(self.models, 3)
        lay.addWidget(self._options_box())
        self.chat = ChatPanel()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(MAX_LOG_LINES)
        self.log.setPlaceholderText("The engine's own output appears here.")
        self.log.setStyleSheet("font-family: monospace; font-size: 12px;")
        self.log.setMinimumHeight(90)
        log_box = QGroupBox("Engine log")
        QVBoxLayout(log_box).addWidget(self.log)
        side_layout = self.chat.side.layout()
        assert side_layout is not None
        side_layout.addWidget(log_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setMinimumWidth(300)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        splitter.addWidget(scroll)
        self.chat.send_requested.connect(self._on_chat_send_requested)
        self.chat.stop_requested.connect(self._on_chat_stop_requested)
        splitter.addWidget(self.chat)
        side = QScrollArea()
        side.setWidgetResizable(True)
        side.setWidget(self.chat.side)
        side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.setMinimumWidth(280)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)  # the conversation takes the room
        splitter.setStretchFactor(2, 0)
        splitter.setSizes([455, 365, 345])
        self.splitter = splitter
        outer.addWidget(splitter, 1)

    def _engines_box(self) -> QGroupBox:
        box = QGroupBox("Engines on this machine")
        grid = QGridLayout(box)
        self.engine_labels: dict[str, QLabel] = {}
        self.page_buttons: dict[str, QPushButton] = {}
        for row, (engine, title) in enumerate((("llama.cpp", "llama.cpp"), ("ollama", "Ollama"))):
            name = QLabel(f"<b>{title}</b>")
            name.setStyleSheet(
                f"border-left: 6px solid {theme.framework_colour(engine)};padding-left: 6px;"
            )
            label = QLabel("looking…")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            pick = QPushButton("Choose program…")
            pick.clicked.connect(lambda _=False, e=engine: self._on_pick_binary_clicked(e))
            page = QPushButton("Download page")
            page.setToolTip(f"Open {DOWNLOAD_PAGES[engine]} in the browser.")
            page.clicked.connect(lambda _=False, e=engine: self._on_page_clicked(e))
            page.hide()  # shown while the engine is missing
            buttons = FlowLayout()  # wraps in a narrow column instead of widening it
            buttons.addWidget(pick)
            buttons.addWidget(page)
            if engine == "ollama":
                buttons.addWidget(self._look_again_button())
            grid.addWidget(name, 2 * row, 0)
            grid.addWidget(label, 2 * row, 1)
            grid.addLayout(buttons, 2 * row + 1, 1)
            self.engine_labels[engine] = label
            self.page_buttons[engine] = page
        grid.setColumnStretch(1, 1)
        return box

    def _look_again_button(self) -> QPushButton:
        self.look_again = QPushButton("Look again")
        self.look_again.setToolTip("Look for the engines again (after installing one).")
        self.look_again.clicked.connect(self.refresh_engines)
        return self.look_again

    def _on_page_clicked(self, engine: str) -> None:
        QDesktopServices.openUrl(QUrl(DOWNLOAD_PAGES[engine]))

    def _options_box(self) -> QGroupBox:
        box = OptionsBox()
        self.port_edit, self.threads_edit, self.ctx_edit = (
            box.port_edit,
            box.threads_edit,
            box.ctx_edit,
        )
        self.ngl_edit, self.parallel_edit = box.ngl_edit, box.parallel_edit
        self.host_edit, self.allow_hosts = box.host_edit, box.allow_hosts
        self.options_error, self.status, self.ready_bar = (
            box.options_error,
            box.status,
            box.ready_bar,
        )
        self.start_button, self.stop_button = box.start_button, box.stop_button
        self.start_reason, self.options_more = box.start_reason, box.more
        self.start_button.clicked.connect(self._on_start_clicked)
        self.stop_button.clicked.connect(self._on_stop_clicked)
        return box

    # engines ------------------------------------------------------------------------
    def refresh_engines(self) -> None:
        """Look for both engines (and a running Ollama) in the background."""
        store = self.ctx.stores.user

        def job() -> tuple[dict[str, discovery.EngineInfo], ollama.RunningOllama | None]:
            return discovery.find_all(store), ollama.find_running()

        for label in self.engine_labels.values():
            label.setText("looking…")
        self.look_again.setEnabled(False)
        self.ctx.runner.submit(job, self._got_engines, self._when_engines_failed)

    def _when_engines_failed(self, exc: BaseException) -> None:
        self.look_again.setEnabled(True)
        self._when_job_failed(exc)

    def showEvent(self, event: QShowEvent) -> None:
        """Look for the engines again each time the view opens (one may have been installed)."""
        super().showEvent(event)
        if self._shown_once and not self.engine.running():
            self.refresh_engines()
        self._shown_once = True

    def _got_engines(
        self, result: tuple[dict[str, discovery.EngineInfo], ollama.RunningOllama | None]
    ) -> None:
        self.engines, running = result
        self.look_again.setEnabled(True)
        for engine, info in self.engines.items():
            label = self.engine_labels[engine]
            self.page_buttons[engine].setVisible(not info.usable)
            if info.usable:
                label.setText(info.summary)
                theme.set_role(label, "")
                label.setToolTip(f"Version reported by {info.path} --version")
            elif info.problem:
                label.setText(f"{info.problem} {install_hint(info, engine)}")
                theme.set_role(label, "error")
            else:
                label.setText(f"Not found. {install_hint(info, engine)}")
                theme.set_role(label, "warning")
        if running is not None:
            self.engine_labels["ollama"].setText(
                f"Ollama {running.version} is already running at {running.base_url}: "
                "the app uses it and leaves it running."
            )
            theme.set_role(self.engine_labels["ollama"], "")
            self.page_buttons["ollama"].hide()
        if not self.engine.running():
            self.models.set_running_ollama(running)
        self._update_start()

    # why Start is (not) possible ------------------------------------------------------
    def start_blocker(self) -> str:
        """The one sentence saying what Start still needs ("" when it can start)."""
        if self.engine.state not in (EngineState.IDLE, EngineState.FAILED):
            return ""
        engine = self._selected_engine()
        info = self.engines.get(engine)
        if engine == "ollama":
            if self.models.running_ollama is not None:
                return ""
            if info is None or not info.usable:
                return "Start needs Ollama: get it with Download page above, then Look again."
            return ""
        if info is None or not info.usable:
            return (
                "Start needs llama-server (llama.cpp): get it with Download page above, "
                "then Look again."
            )
        if self.models.selected_gguf() is None:
            if self.models.gguf_stack.currentWidget() is self.models.starters:
                return (
                    "Start needs a model: Download & run a starter model, or use your own folder."
                )
            return "Start needs a model: pick a GGUF file in the list."
        return ""

    def _update_start(self) -> None:
        if self.engine.state not in (EngineState.IDLE, EngineState.FAILED):
            self.start_reason.clear()
            return
        reason = self.start_blocker()
        self.start_button.setEnabled(not reason)
        self.start_button.setToolTip(reason)
        self.start_reason.setText(reason)
        self.start_reason.setVisible(bool(reason))

    @Slot()
    def _on_models_selection_changed(self) -> None:
        pending, self._run_after_scan = self._run_after_scan, None
        if pending is not None and self.models.select_path(pending):
            self._update_start()
            self._start_when_possible()
            return
        if pending is not None and self.models.starters.downloading is None:
            self._run_after_scan = pending  # not listed yet: the scan is still to come
        self._update_start()

    @Slot(object)
    def _on_starter_run_requested(self, path: Path) -> None:
        """A starter model arrived (or was here): list it, select it and start it."""
        self.models.tabs.setCurrentIndex(0)
        if self.models.select_path(path):
            self._start_when_possible()
            return
        self._run_after_scan = path
        self.models.rescan()

    def _start_when_possible(self) -> None:
        if self.engine.running():
            self.status.setText("Stop the running engine to start the downloaded model.")
            return
        if self.start_blocker():
            return  # the reason is shown; the model stays selected for a later Start
        self._on_start_clicked()

    def run_model(self, model: str | Path) -> str:
        """Show `model` ready to run: a GGUF path is selected, a catalogue name selects its
        starter model (offering the download). Returns what the view now shows, in words."""
        path = Path(model)
        if path.suffix == ".gguf" and path.is_file():
            self.models.tabs.setCurrentIndex(0)
            if self.models.select_path(path):
                return f"{path.name} is selected: click Start."
            self._run_after_scan = None
            self.models.add_folder(str(path.parent))
            return f"{path.name} is being listed."
        self.models.show_starters()
        starters = self.models.starters
        if starters.select_arch(str(model)) or starters.select(str(model)):
            picked = starters.selected()
            assert picked is not None
            here = starters.downloaded_path(picked)
            text = f"{picked.name} is selected: click {'Run' if here else 'Download & run'}."
        else:
            text = (
                "That model has no starter download here: pick a starter model, or add your "
                "own GGUF file in the Files tab."
            )
        theme.set_role(starters.message, "")
        starters.message.setText(text)
        return text

    def _on_pick_binary_clicked(self, engine: str) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, f"Choose the {discovery.BINARY[engine]} program"
        )
        if path:
            self.pick_binary(engine, path)

    def pick_binary(self, engine: str, path: str) -> None:
        """Remember the program the user picked for `engine` and check it."""
        store = self.ctx.stores.user
        self.ctx.runner.submit(
            lambda: discovery.remember_path(store, engine, path),
            lambda _r: self.refresh_engines(),
            self._when_job_failed,
        )

    # start / stop -------------------------------------------------------------------
    def _selected_engine(self) -> str:
        return "ollama" if self.models.tabs.currentIndex() == 1 else "llama.cpp"

    @Slot()
    def _on_start_clicked(self) -> None:
        self.options_error.clear()
        try:
            self.start_engine()
        except SpecError as exc:
            self.options_error.setText(str(exc))
            self.options_more.setChecked(True)  # the field it is about is in view

    def start_engine(self) -> None:
        """Start (or reuse) the engine for the selected model; raises SpecError on bad input."""
        if self.engine.running():
            raise SpecError("An engine is already running; stop it first.")
        engine = self._selected_engine()
        port_text = self.port_edit.text().strip()
        port = validate_port(port_text) if port_text and port_text != "auto" else None
        threads = _int_or_none(self.threads_edit.text(), "Threads", 1)
        context_size = _int_or_none(self.ctx_edit.text(), "Context", 0)
        ngl = _int_or_none(self.ngl_edit.text(), "GPU layers", 0)
        parallel = _int_or_none(self.parallel_edit.text(), "Parallel slots", 1)
        host = self.host_edit.text().strip() or "127.0.0.1"
        allow = self.allow_hosts.isChecked()
        info = self.engines.get(engine)
        if engine == "ollama" and self.models.running_ollama is not None:
            self.engine.reuse(self.models.running_ollama)
            return
        if info is None or not info.usable or info.path is None:
            name = discovery.BINARY[engine]
            raise SpecError(f"{name} is not available. {install_hint(info, engine)}")
        program, version = str(info.path), info.version
        if engine == "llama.cpp":
            gguf = self.models.selected_gguf()
            if gguf is None:
                raise SpecError(
                    "Pick a GGUF model first (download a starter model, or add a folder that "
                    "holds .gguf files)."
                )
            profile = self.ctx.hardware.profile

            def build() -> TrialPlan:
                # Off the GUI thread: it asks the binary for its flags and probes the port.
                # GPU layers default to the Models view's fit estimate for this hardware.
                return plan_llama(
                    program, version, gguf.path, profile, quantization=gguf.quantization,
                    has_chat_template=gguf.has_chat_template, port=port, host=host,
                    allow_other_hosts=allow, threads=threads, ctx=context_size, gpu_layers=ngl,
                    parallel=parallel,
                )  # fmt: skip

            model_name, quant = str(gguf.path), gguf.quantization
            # A base model has no chat template: it is asked through plain completion.
            self.api = choose_api("auto", gguf.has_chat_template)
        else:

            def build() -> TrialPlan:
                return plan_ollama(
                    program, version, port=port, host=host, allow_other_hosts=allow,
                    ctx=context_size, parallel=parallel,
                )  # fmt: skip

            model_name, quant = "", None
        self.engine_kind = engine
        self.engine_version = info.version
        self.model_name, self.quantization = model_name, quant
        self.engine.prepare(build)

    # rendering the controller's state -------------------------------------------------
    @property
    def server(self) -> ServerProcess | None:
        """The engine process the app started (None before the first start)."""
        return self.engine.server

    @property
    def ready_timeout_s(self) -> float:
        """How long a start may take before the engine is stopped as hung."""
        return self.engine.ready_timeout_s

    @ready_timeout_s.setter
    def ready_timeout_s(self, value: float) -> None:
        self.engine.ready_timeout_s = value

    @Slot(object)
    def _on_engine_launching(self, plan: TrialPlan) -> None:
        self.log.clear()
        for note in plan.spec.notes:
            self.log.appendPlainText(f"[infernav] {note}")
        self.log.appendPlainText(f"[infernav] starting: {' '.join(plan.spec.argv)}")

    @Slot(object, str)
    def _on_engine_state_changed(self, state: EngineState, sentence: str) -> None:
        if state in (EngineState.PREPARING, EngineState.LOADING, EngineState.STOPPING):
            self.start_button.setEnabled(False)
            self.status.setText(sentence)
        elif state is EngineState.STARTING:
            self.base_url = self.engine.base_url
            self.status.setText(sentence)
            theme.set_role(self.status, "")
            self.ready_bar.show()
            self.start_button.setEnabled(False)
            self.stop_button.setEnabled(True)
        elif state is EngineState.READY:
            model = self.model_name
            if self.engine_kind == "ollama":
                running = ollama.RunningOllama(self.base_url or "", self.engine_version or "")
                self.models.set_running_ollama(running, ours=True)
                model = self.models.selected_ollama_model()
            self._became_ready(self.base_url or "", self.engine_kind, self.engine_version, model)
        elif state is EngineState.REUSED and self.engine.reused is not None:
            running = self.engine.reused
            model = self.models.selected_ollama_model()
            self._became_ready(running.base_url, "ollama", running.version, model)
            self.status.setText(sentence)
        elif state is EngineState.FAILED:
            self._show_failure(sentence)
        else:
            self._reset(sentence)

    def _became_ready(self, base_url: str, engine: str, version: str | None, model: str) -> None:
        self.base_url = base_url
        self.engine_kind = engine
        self.engine_version = version
        self.model_name = model
        self.ready_bar.hide()
        self.start_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.status.setText(f"Ready at {base_url}.")
        theme.set_role(self.status, "ok")
        self.chat.set_ready(True)
        self.chat.prompt.setFocus()  # the next thing to do is to ask something
        chat_api = engine != "llama.cpp" or self.api == "chat"
        self.chat.set_endpoint(base_url, model or "default", chat_api)
        framework = self.ctx.stores.bundled.framework(engine)
        self.chat.set_published(
            framework.name if framework else engine, framework.throughput if framework else None
        )
        self.engine_ready.emit(base_url)

    @Slot()
    def _on_stop_clicked(self) -> None:
        self.stop_engine()

    def stop_engine(self, wait: bool = False) -> None:
        """Stop what the app started; a reused Ollama is only let go."""
        self._cancel.set()
        self.engine.stop(wait=wait)

    def _reset(self, message: str) -> None:
        self.base_url = None
        self.ready_bar.hide()
        self.stop_button.setEnabled(False)
        self.chat.set_ready(False)
        self.chat.set_endpoint(None)
        self.status.setText(message)
        theme.set_role(self.status, "")
        self._update_start()

    def _show_failure(self, message: str) -> None:
        self._reset(message)
        theme.set_role(self.status, "error")
        self.log.appendPlainText(f"[infernav] {message}")

    @Slot(object)
    def _on_engine_finished(self, _outcome: ProcessOutcome) -> None:
        if self.engine_kind == "ollama":
            self.refresh_engines()

    # chat ---------------------------------------------------------------------------
    @Slot(str, int)
    def _on_chat_send_requested(self, prompt: str, max_tokens: int) -> None:
        self.send_prompt(prompt, max_tokens)

    def send_prompt(self, prompt: str, max_tokens: int = 128) -> None:
        """Stream one answer in the background and measure it."""
        if self.base_url is None or self._generating:
            return
        if self.engine_kind == "ollama":
            # The user may pick another installed model at any time.
            self.model_name = self.models.selected_ollama_model()
            if not self.model_name:
                self.chat.show_error("Pick an installed Ollama model (or pull one) first.")
                return
            self.chat.set_endpoint(self.base_url, self.model_name)
        self._cancel = cancel = Cancel()
        self._generating = True
        base, engine, model, api = self.base_url, self.engine_kind, self.model_name, self.api
        emit = self._relay.text.emit
        self.chat.begin_answer(prompt)

        def job() -> Answer:
            if engine == "ollama":
                return stream_ollama(base, model, prompt, max_tokens, cancel=cancel, on_text=emit)
            return stream_llama(base, prompt, max_tokens, api=api, cancel=cancel, on_text=emit)

        settings = self._settings(max_tokens, prompt)
        self.ctx.runner.submit(
            job, lambda a: self._got_answer(a, settings), self._when_answer_failed
        )

    def _settings(self, max_tokens: int, prompt: str) -> TrialSettings:
        return TrialSettings.from_json(
            {
                "threads": self.threads_edit.text() or None,
                "ctx": self.ctx_edit.text() or None,
                "gpu_layers": self.ngl_edit.text() or None,
                "parallel": self.parallel_edit.text() or None,
                "max_tokens": max_tokens,
                "prompt": prompt,
                "api": self.api if self.engine_kind == "llama.cpp" else "ollama-chat",
                "reused_running_server": self.engine.reused is not None,
            }
        )

    @Slot()
    def _on_chat_stop_requested(self) -> None:
        self._cancel.set()

    def _got_answer(self, answer: Answer, settings: TrialSettings) -> None:
        self._generating = False
        source = answer.metrics.server.source if answer.metrics.server else "no server figures"
        self.chat.show_metrics(answer.metrics, f"Reported by the engine ({source})")
        self.chat.set_ready(self.base_url is not None)
        self.answer_finished.emit(answer)
        if answer.metrics.cancelled:
            return
        profile = self.ctx.hardware.profile
        port = self.engine.port
        trial = build_trial(
            engine=self.engine_kind,
            engine_version=self.engine_version,
            model=self.model_name,
            quantization=self.quantization if self.engine_kind == "llama.cpp" else
            self.models.ollama_quantization(self.model_name),
            metrics=answer.metrics,
            settings=settings,
            hardware=profile,
            port=port,
        )  # fmt: skip
        store = self.ctx.stores.user
        self.ctx.runner.submit(
            lambda: store.add_trial(trial),
            self._got_saved_trial,
            self._when_save_failed,
        )

    def _when_answer_failed(self, exc: BaseException) -> None:
        self._generating = False
        self.chat.show_error(str(exc))
        self.chat.set_ready(self.base_url is not None)

    def _got_saved_trial(self, record: Trial) -> None:
        self.ctx.trials.trial_saved.emit(record)
        self.refresh_history()

    def refresh_history(self) -> None:
        """Reload the trial history from the user store."""
        store = self.ctx.stores.user
        self.ctx.runner.submit(store.trials, self.chat.set_history, self._when_job_failed)

    # misc ---------------------------------------------------------------------------
    def _when_job_failed(self, exc: BaseException) -> None:
        # A store or engine sentence ("Not saved: …") stands on its own.
        plain = f"The last step failed ({exc}); details are in the log."
        self.status.setText(str(exc) if isinstance(exc, UserFacingError) else plain)

    def _when_save_failed(self, exc: BaseException) -> None:
        self.chat.show_error(str(exc))  # the answer and its figures stay on screen

    @Slot(int)
    def _on_models_tab_changed(self, index: int) -> None:
        self.start_button.setText("Use Ollama" if index == 1 and self.models.running_ollama
                                  else "Start")  # fmt: skip
        self.options_error.clear()  # a message about the other engine no longer applies
        self._update_start()

    @Slot(object)
    def _on_hardware_profile_changed(self, _profile: object) -> None:
        self.models.rescan()
        self.models.starters.refresh()

    def settle_for_screenshot(self) -> None:
        """Nothing asynchronous to wait for beyond the runner."""
        self.ctx.runner.wait(3000)

    def shutdown(self) -> None:
        """Stop every engine the app started (never a reused Ollama)."""
        self._cancel.set()
        self.models.cancel_pull()
        self.models.starters.shutdown()
        if self.engine.running():
            self.engine.stop(wait=True)
