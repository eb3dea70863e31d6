"""The Costs view's model inputs: the model (catalogue or a GGUF file), its precision, where
its speed comes from (a published or guide figure, or one of the user's kept Benchmark runs),
and the per-million-token fields: API price, electricity price and the stale threshold."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from desktop_app.domain.bench.measured import framework_id
from desktop_app.domain.bench.run import BenchRun
from desktop_app.domain.bench.sizing import run_throughput
from desktop_app.domain.cost.age import STALE_AFTER_MONTHS
from desktop_app.domain.cost.inputs import InputError
from desktop_app.domain.cost.sizing import Throughput
from desktop_app.domain.fit.estimate import ModelShape, catalogue_shape
from desktop_app.domain.sources.catalog import ModelArch
from desktop_app.ui.widgets.number_field import NumberField

PICK_GGUF = "pick-gguf"  # the model list's "GGUF file…" entry
GGUF_PREFIX = "gguf:"
QUANTS = ("Q4_K_M", "Q8_0", "F16", "FP8", "AWQ-INT4")
GUIDE_SPEED = -1  # the speed list's "published figure, else the guide's" entry


class ModelBox(QGroupBox):
    """Model, precision, speed source and the per-million fields; `changed` on any edit."""

    changed = Signal()
    gguf_wanted = Signal()  # the user chose "GGUF file…": the view asks for a file

    def __init__(self, archs: list[ModelArch], parent: QWidget | None = None) -> None:
        super().__init__("Model and cost per 1M tokens", parent)
        self._archs = {a.model: a for a in archs}
        self._gguf: dict[str, ModelShape] = {}
        self._runs: dict[int, BenchRun] = {}
        self._last_model = 0
        form = QFormLayout(self)
        self.model = QComboBox()
        self.model.addItem("none: the guide's per-GPU figures", "")
        for name in self._archs:
            self.model.addItem(name, name)
        self.model.addItem("GGUF file…", PICK_GGUF)
        self.model.setCurrentIndex(max(0, self.model.findData("Llama-3.1-8B(-Instruct)")))
        self._last_model = self.model.currentIndex()
        self.model.setToolTip(
            "GPUs per replica come from this model's memory fit: a catalogue model, or a "
            "GGUF file you pick (its header is read, not the whole file)"
        )
        self.model_error = QLabel()
        self.model_error.setProperty("role", "error")
        self.model_error.setWordWrap(True)
        self.model_error.hide()
        self.quant = QComboBox()
        for q in QUANTS:
            self.quant.addItem(q, q)
        self.speed = QComboBox()
        self.speed.addItem("Published figure, else the guide's", GUIDE_SPEED)
        self.speed.setToolTip(
            "Where each framework's speed comes from. Your kept Benchmark runs appear here."
        )
        self.api_price = NumberField("api_price", optional=True, placeholder="e.g. 0.60")
        self.api_price.setToolTip("An API's price per million tokens, for the break-even.")
        self.kwh_price = NumberField(
            "kwh_price", optional=True, allow_min=True, placeholder="for owned energy"
        )
        self.stale_months = NumberField("stale_months", f"{STALE_AFTER_MONTHS:g}")
        self.stale_months.setToolTip(
            "A price observed longer ago than this is marked stale in the prices table."
        )
        form.addRow("Model", self.model)
        form.addRow(self.model_error)
        form.addRow("Precision", self.quant)
        form.addRow("Speed from", self.speed)
        form.addRow("API price per 1M tokens (US$)", self.api_price)
        self.kwh_label = QLabel("Electricity per kWh")
        form.addRow(self.kwh_label, self.kwh_price)
        form.addRow("Stale after (months)", self.stale_months)
        self.model.currentIndexChanged.connect(self._on_model_index_changed)
        for combo in (self.quant, self.speed):
            combo.currentIndexChanged.connect(self._on_combo_index_changed)
        for field in (self.api_price, self.kwh_price, self.stale_months):
            field.value_changed.connect(self._on_field_value_changed)

    # the model ------------------------------------------------------------------------
    def shape(self) -> ModelShape | None:
        """The chosen model at its precision (None: the guide's per-GPU figures only)."""
        data = str(self.model.currentData() or "")
        if data.startswith(GGUF_PREFIX):
            return self._gguf.get(data)
        arch = self._archs.get(data)
        return None if arch is None else catalogue_shape(arch, str(self.quant.currentData()))

    def add_gguf(self, path: Path, shape: ModelShape) -> None:
        """Offer a read GGUF file as the model, and choose it."""
        key = f"{GGUF_PREFIX}{path}"
        self._gguf[key] = shape
        if self.model.findData(key) < 0:
            self.model.insertItem(self.model.count() - 1, f"{shape.name} ({path.name})", key)
        self.model_error.hide()
        self.model.setCurrentIndex(self.model.findData(key))

    def gguf_failed(self, message: str) -> None:
        """Say at the field why the picked file cannot be the model."""
        self.model_error.setText(message)
        self.model_error.show()

    # the speed source -----------------------------------------------------------------
    def set_runs(self, runs: list[BenchRun], frameworks: set[str]) -> None:
        """Offer the kept runs of engines the Costs view prices (newest first)."""
        keep = self.speed.currentData()
        self.speed.blockSignals(True)
        self.speed.clear()
        self.speed.addItem("Published figure, else the guide's", GUIDE_SPEED)
        self._runs = {}
        for run in runs:
            if run.id is None or framework_id(run.engine) not in frameworks:
                continue
            self._runs[run.id] = run
            self.speed.addItem(f"{run.title}: your run of {run.created[:10]}", run.id)
        self.speed.setCurrentIndex(max(0, self.speed.findData(keep)))
        self.speed.blockSignals(False)
        if self.speed.currentData() != keep:
            self.changed.emit()

    def chosen_run(self) -> BenchRun | None:
        """The kept run chosen as the speed source, if any."""
        return self._runs.get(int(self.speed.currentData() or GUIDE_SPEED))

    def measured(self, output_tokens: float) -> dict[str, Throughput]:
        """framework id -> the chosen run's speed (empty: published or guide figures)."""
        run = self.chosen_run()
        if run is None:
            return {}
        tp = run_throughput(run, output_tokens)
        if tp is None:
            return {}
        shape = self.shape()
        if shape is not None and shape.name.lower() not in run.model.lower():
            tp = replace(tp, caveat=f"measured with {run.model}, not {shape.name}")
        return {framework_id(run.engine): tp}

    # the per-million fields -------------------------------------------------------------
    def set_currency(self, currency: str) -> None:
        """Name the region's currency on the electricity field."""
        self.kwh_label.setText(f"Electricity per kWh ({currency})")

    def numbers(self) -> tuple[float | None, float | None, float]:
        """(API US$ per 1M, price per kWh, stale months); raises InputError at a bad field."""
        for field in (self.api_price, self.kwh_price, self.stale_months):
            if not field.check():
                raise InputError(field.field_name, field.error.text())
        return (
            self.api_price.value(),
            self.kwh_price.value(),
            self.stale_months.value() or STALE_AFTER_MONTHS,
        )

    # slots ----------------------------------------------------------------------------
    @Slot(int)
    def _on_model_index_changed(self, index: int) -> None:
        data = str(self.model.currentData() or "")
        if data == PICK_GGUF:
            # The entry is an action, not a model: go back to the last model and ask.
            self.model.blockSignals(True)
            self.model.setCurrentIndex(self._last_model)
            self.model.blockSignals(False)
            self.gguf_wanted.emit()
            return
        self._last_model = index
        self.quant.setEnabled(not data.startswith(GGUF_PREFIX))
        if data.startswith(GGUF_PREFIX):
            shape = self._gguf[data]
            self.quant.setToolTip(f"The file's own precision: {shape.quant}")
        else:
            self.quant.setToolTip("")
        self.changed.emit()

    @Slot(int)
    def _on_combo_index_changed(self, _index: int) -> None:
        self.changed.emit()

    @Slot()
    def _on_field_value_changed(self) -> None:
        self.changed.emit()
