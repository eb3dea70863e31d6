"""The Benchmark view's settings: target, load and targets, each field checked as typed."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.bench.config import BenchConfig, ConfigError, parse_values, validate
from desktop_app.domain.bench.metrics import SloError, parse_slo
from desktop_app.services.bench.session import BenchError, TargetOptions, normalize_url
from desktop_app.ui import theme
from desktop_app.ui.widgets.flow import FlowLayout

DOC = "docs/benchmark-metrics.md"


class _Field(QWidget):
    """A line edit with its own message line underneath."""

    def __init__(self, name: str, text: str = "", placeholder: str = "", tip: str = "") -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.edit = QLineEdit(text)
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setToolTip(tip)
        self.error = QLabel("")
        self.error.setObjectName(f"{name}_error")
        theme.set_role(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.error)

    def text(self) -> str:
        """The text as typed."""
        return self.edit.text().strip()

    def show_error(self, message: str) -> None:
        """Say what is wrong beside the field."""
        self.error.setText(message)
        self.error.show()

    def clear_error(self) -> None:
        """Hide the message."""
        self.error.hide()


class FormError(ValueError):
    """A field the user must fix (the message is shown beside it)."""


class BenchForm(QWidget):
    """Target, load and targets; `read()` gives (TargetOptions, BenchConfig) or shows errors."""

    url_changed = Signal(str)  # the endpoint address, normalised (to look up its saved key)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)

        target = QGroupBox("Target")
        tl = QFormLayout(target)
        self.kind_group = QButtonGroup(self)
        kinds = FlowLayout()  # wraps in a narrow column
        self.kind_url = QRadioButton("Endpoint (URL)")
        self.kind_llama = QRadioButton("llama.cpp here")
        self.kind_ollama = QRadioButton("Ollama here")
        for i, b in enumerate((self.kind_url, self.kind_llama, self.kind_ollama)):
            self.kind_group.addButton(b, i)
            kinds.addWidget(b)
        self.kind_url.setChecked(True)
        self.kind_url.setToolTip(
            "Any OpenAI-compatible server: vLLM, SGLang, TensorRT-LLM, TGI, llama-server, "
            "on this or another machine."
        )
        tl.addRow(kinds)
        self.url = _Field("url", "", "http://gpu-box:8000/v1", "The server's OpenAI base URL.")
        tl.addRow("Address", self.url)
        self.api_key = QLineEdit()
        self.api_key.setObjectName("api_key")
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("optional; kept in the system keyring")
        tl.addRow("API key", self.api_key)
        model_row = QHBoxLayout()
        self.model = _Field("model", "", "model name, or GGUF file")
        self.browse = QPushButton("Browse…")
        self.browse.clicked.connect(self._on_browse_clicked)
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.browse)
        tl.addRow("Model", model_row)
        self.slots = _Field(
            "slots",
            "",
            "server's parallel slots",
            "llama-server --parallel / OLLAMA_NUM_PARALLEL; the default ladder goes to 2 × this.",
        )
        tl.addRow("Slots", self.slots)
        outer.addWidget(target)

        load = QGroupBox("Load")
        ll = QFormLayout(load)
        self.mode = QComboBox()
        self.mode.addItems(
            ["Concurrency ladder", "Request rate (constant)", "Request rate (Poisson)"]
        )
        self.mode.setToolTip(f"Closed-loop users, or arrivals per second ({DOC}, 'Load').")
        ll.addRow("Mode", self.mode)
        self.values = _Field("values", "", "1,2,4,8 (empty: up to 2 × slots)")
        ll.addRow("Steps", self.values)
        self.requests = _Field("requests", "16", "", "Requests measured per step.")
        ll.addRow("Requests / step", self.requests)
        self.duration = _Field("duration", "", "seconds (instead of a count)")
        ll.addRow("Or duration (s)", self.duration)
        self.input_tokens = _Field("input_tokens", "128", "", "About this many prompt tokens.")
        ll.addRow("Input tokens", self.input_tokens)
        self.output_tokens = _Field("output_tokens", "64", "", "max_tokens, with ignore_eos.")
        ll.addRow("Output tokens", self.output_tokens)
        prompt_row = QHBoxLayout()
        self.prompt_file = QLineEdit()
        self.prompt_file.setObjectName("prompt_file")
        self.prompt_file.setPlaceholderText("synthetic (bundled text)")
        pick = QPushButton("…")
        pick.clicked.connect(self._on_prompt_file_clicked)
        prompt_row.addWidget(self.prompt_file, 1)
        prompt_row.addWidget(pick)
        ll.addRow("Prompt file", prompt_row)
        self.api = QComboBox()
        self.api.addItems(["chat", "completions"])
        ll.addRow("Endpoint", self.api)
        outer.addWidget(load)

        goals = QGroupBox("Your targets")
        gl = QFormLayout(goals)
        self.ttft_target = _Field("ttft_target", "1000", "", f"p90 TTFT for 'N users' ({DOC}).")
        gl.addRow("TTFT ≤ (ms, p90)", self.ttft_target)
        self.user_target = _Field("user_target", "10", "", f"tok/s per user at p90 ({DOC}).")
        gl.addRow("≥ tok/s per user", self.user_target)
        self.slo = _Field("slo", "", "ttft_ms=500,tpot_ms=50", f"Goodput objectives ({DOC}).")
        gl.addRow("SLO (goodput)", self.slo)
        self.target_rps = _Field(
            "target_rps", "", "optional", "Size for this many requests/s from the goodput."
        )
        gl.addRow("Size for (req/s)", self.target_rps)
        self.gpu_price = _Field("gpu_price", "", "optional", "Price of one GPU-hour, in $.")
        gl.addRow("$ per GPU-hour", self.gpu_price)
        self.early_stop = QCheckBox("Stop steps that only queue")
        self.early_stop.setToolTip(
            "Stop a rate step early once it only measures queueing: time to first token and "
            "requests in flight keep rising while throughput stays flat."
        )
        self.early_stop.setChecked(True)
        gl.addRow(self.early_stop)
        outer.addWidget(goals)
        outer.addStretch(1)

        self.fields = {
            f.edit.objectName(): f
            for f in (
                self.url,
                self.model,
                self.slots,
                self.values,
                self.requests,
                self.duration,
                self.input_tokens,
                self.output_tokens,
                self.ttft_target,
                self.user_target,
                self.slo,
            )
        }
        self.kind_group.idToggled.connect(self._on_kind_toggled)
        self.url.edit.editingFinished.connect(self._on_url_editing_finished)
        self._on_kind_toggled(0, True)

    # ---------------------------------------------------------------------- reading
    def kind(self) -> str:
        """'url', 'llama.cpp' or 'ollama'."""
        return ("url", "llama.cpp", "ollama")[max(0, self.kind_group.checkedId())]

    def _int(self, f: _Field, name: str, optional: bool = False) -> int | None:
        if optional and not f.text():
            return None
        try:
            value = float(f.text().replace(",", ""))
        except ValueError:
            raise ConfigError(name, f"Enter a whole number, not {f.text()!r}.") from None
        if value != int(value):
            raise ConfigError(name, f"Enter a whole number, not {f.text()}.")
        return int(value)

    def _float(self, f: _Field, name: str, optional: bool = False) -> float | None:
        if optional and not f.text():
            return None
        try:
            return float(f.text().replace(",", ""))
        except ValueError:
            raise ConfigError(name, f"Enter a number, not {f.text()!r}.") from None

    def read(self) -> tuple[TargetOptions, BenchConfig]:
        """The settings, or FormError after marking the first bad field."""
        for f in self.fields.values():
            f.clear_error()
        try:
            return self._read()
        except ConfigError as exc:
            name = {
                "concurrency": "values",
                "rate": "values",
                "warmup": "requests",
                "timeout": "requests",
                "mode": "values",
                "arrivals": "values",
                "api": "values",
            }.get(exc.field, exc.field)
            target = self.fields.get(name, self.values)
            target.show_error(str(exc))
            target.edit.setFocus()
            raise FormError(str(exc)) from None

    def _read(self) -> tuple[TargetOptions, BenchConfig]:
        kind = self.kind()
        if kind == "url":
            try:
                normalize_url(self.url.text())
            except BenchError as exc:
                raise ConfigError("url", str(exc)) from None
        elif not self.model.text():
            raise ConfigError("model", "Choose the model to load.")
        slots = self._int(self.slots, "slots", optional=True)
        if slots is not None and not 1 <= slots <= 256:
            raise ConfigError("slots", "Slots must be from 1 to 256.")
        mode_index = self.mode.currentIndex()
        mode = "concurrency" if mode_index == 0 else "rate"
        values = parse_values(self.values.text(), mode)
        duration = self._float(self.duration, "duration", optional=True)
        requests = None if duration is not None else self._int(self.requests, "requests")
        try:
            slo = parse_slo(self.slo.text())
        except SloError as exc:
            raise ConfigError("slo", str(exc)) from None
        cfg = BenchConfig(
            mode=mode,
            values=values,
            arrivals="poisson" if mode_index == 2 else "constant",
            requests=requests,
            duration_s=duration,
            input_tokens=self._int(self.input_tokens, "input_tokens") or 0,
            output_tokens=self._int(self.output_tokens, "output_tokens") or 0,
            prompt_file=self.prompt_file.text().strip() or None,
            api=self.api.currentText(),
            slo=slo,
            ttft_target_ms=self._float(self.ttft_target, "ttft_target") or 0.0,
            user_tok_s_target=self._float(self.user_target, "user_target") or 0.0,
            early_stop=self.early_stop.isChecked(),
        )
        validate(cfg)
        opts = TargetOptions(
            kind=kind,
            url=self.url.text() if kind == "url" else None,
            model=self.model.text() or None,
            api_key=self.api_key.text() or None if kind == "url" else None,
            slots=slots if slots is not None else (None if kind == "url" else 4),
        )
        return opts, cfg

    def sizing_inputs(self) -> tuple[float, float | None] | None:
        """(target requests/s, $ per GPU-hour) when a target is given and sensible, else None."""
        try:
            target = float(self.target_rps.text()) if self.target_rps.text() else None
            price = float(self.gpu_price.text()) if self.gpu_price.text() else None
        except ValueError:
            return None
        if target is None or not 0 < target < 1e9 or (price is not None and price < 0):
            return None
        return target, price

    # ---------------------------------------------------------------------- slots
    @Slot(int, bool)
    def _on_kind_toggled(self, button_id: int, checked: bool) -> None:
        if not checked:
            return
        url = button_id == 0
        self.url.setEnabled(url)
        self.api_key.setEnabled(url)
        self.browse.setEnabled(button_id == 1)
        self.slots.edit.setPlaceholderText(
            "ask the server (llama-server says)" if url else "4 (the engine is started with it)"
        )

    @Slot()
    def _on_url_editing_finished(self) -> None:
        try:
            self.url_changed.emit(normalize_url(self.url.text()))
        except BenchError:
            pass

    @Slot()
    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Model file", "", "GGUF model (*.gguf)")
        if name:
            self.model.edit.setText(name)

    @Slot()
    def _on_prompt_file_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Prompt file", "", "Prompts (*.txt *.jsonl);;All files (*)"
        )
        if name:
            self.prompt_file.setText(name)
