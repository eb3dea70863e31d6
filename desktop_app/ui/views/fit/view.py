"""Models: can I run it? Catalogue models × quantizations coloured by fit, plus local GGUF files."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.fit.estimate import (
    FitResult,
    FitSettings,
    ModelShape,
    SortOrder,
    catalogue_shape,
    estimate,
    sort_results,
)
from desktop_app.domain.fit.quant import QUANTS
from desktop_app.domain.fit.text import (
    describe,
    kv_lines,
    other_lines,
    speed_lines,
    verdict_lines,
    weights_lines,
)
from desktop_app.domain.fit.verdict import Verdict
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.units import format_bytes, format_speed
from desktop_app.ui import theme
from desktop_app.ui.charts.fit import MemoryBarChart
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.flow import FlowLayout

if TYPE_CHECKING:  # the reader (and numpy behind gguf) is imported when a file is opened
    from desktop_app.services.gguf import GgufModel

CTX_STEPS = (512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)
DEFAULT_CTX_INDEX = 3
COLUMNS = ("Model", "Quant", "Weights", "KV cache", "Total", "Verdict", "Decode max")
FORMATS = (
    ("GGUF (llama.cpp, Ollama)", "gguf"),
    ("GPU formats (AWQ, GPTQ, FP8)", "gpu"),
    ("All formats", "all"),
)


class ModelsView(QWidget):
    """The fit table for the active hardware, a memory bar and speed for the selected row."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.catalogue: list[ModelShape] = []
        self.local: list[ModelShape] = []
        self.results: list[FitResult] = []
        self._selected_key: tuple[str, str, str] | None = None
        self._sized = False

        title = QLabel("<b>Models: can I run it?</b>")
        title.setStyleSheet("font-size: 20px;")
        self.hardware_label = QLabel()
        self.hardware_label.setWordWrap(True)

        self.ctx_slider = QSlider(Qt.Orientation.Horizontal)
        self.ctx_slider.setRange(0, len(CTX_STEPS) - 1)
        self.ctx_slider.setValue(DEFAULT_CTX_INDEX)
        self.ctx_slider.setMinimumWidth(160)
        self.ctx_slider.setToolTip("Context length per slot (tokens)")
        self.ctx_label = QLabel()
        self.kv_combo = QComboBox()
        self.kv_combo.addItems(["f16", "q8_0", "q4_0"])
        self.kv_combo.setToolTip(
            "KV-cache type: f16 2 B/value, q8_0 34 B per 32, q4_0 18 B per 32 "
            "(llama.cpp needs flash attention for quantized V)"
        )
        self.parallel_spin = QSpinBox()
        self.parallel_spin.setRange(1, 64)
        self.parallel_spin.setToolTip("Parallel slots: each gets the full context")
        self.format_combo = QComboBox()
        for text, _key in FORMATS:
            self.format_combo.addItem(text)
        self.sort_combo = QComboBox()
        for order in SortOrder:
            self.sort_combo.addItem(order.value, order)
        self.open_file_button = QPushButton("Open GGUF file…")
        self.open_folder_button = QPushButton("Open folder…")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        self.message_label.setStyleSheet(
            f"background: {theme.WARNING_BG}; color: {theme.WARNING_FG}; padding: 6px; "
            "border-radius: 4px;"
        )

        controls = FlowLayout()  # wraps at 1024 px instead of widening the window
        for widget in (
            QLabel("Context:"),
            self.ctx_slider,
            self.ctx_label,
            QLabel("KV cache:"),
            self.kv_combo,
            QLabel("Slots:"),
            self.parallel_spin,
            QLabel("Formats:"),
            self.format_combo,
            QLabel("Sort:"),
            self.sort_combo,
        ):
            controls.addWidget(widget)
        controls.addWidget(self.open_file_button)
        controls.addWidget(self.open_folder_button)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

        self.chart = MemoryBarChart()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        details_scroll = QScrollArea()
        details_scroll.setWidget(self.details)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setMinimumWidth(420)
        below = QWidget()
        below_layout = QHBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.chart.panel, 5)
        below_layout.addWidget(details_scroll, 6)
        self.chart.panel.setMinimumHeight(220)
        splitter = self._splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.hardware_label)
        layout.addLayout(controls)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        self.ctx_slider.valueChanged.connect(self._on_settings_changed)
        self.kv_combo.currentIndexChanged.connect(self._on_settings_changed)
        self.parallel_spin.valueChanged.connect(self._on_settings_changed)
        self.format_combo.currentIndexChanged.connect(self._on_settings_changed)
        self.sort_combo.currentIndexChanged.connect(self._on_settings_changed)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.open_file_button.clicked.connect(self._on_open_file_clicked)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        ctx.hardware.profile_changed.connect(self._on_hardware_profile_changed)

        self._update_ctx_label()
        self._show_hardware(ctx.hardware.profile)
        archs = ctx.stores.bundled.model_archs()
        ctx.runner.submit(
            lambda: [catalogue_shape(a, q) for a in archs for q in QUANTS],
            self._on_catalogue_built,
            self._on_catalogue_failed,
        )

    def showEvent(self, event: QShowEvent) -> None:
        """Give the table three fifths of the height the first time the view is shown."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            height = max(self._splitter.height(), 500)
            self._splitter.setSizes([height * 3 // 5, height * 2 // 5])

    def settle_for_screenshot(self) -> None:
        """Wait for the catalogue job so a screenshot shows the filled table."""
        from PySide6.QtCore import QCoreApplication

        self.ctx.runner.wait(20_000)
        QCoreApplication.processEvents()

    # ------------------------------------------------------------------ state
    def settings(self) -> FitSettings:
        """The settings the controls show."""
        return FitSettings(
            ctx=CTX_STEPS[self.ctx_slider.value()],
            parallel=self.parallel_spin.value(),
            kv_type=self.kv_combo.currentText(),
        )

    def _format(self) -> str:
        return FORMATS[self.format_combo.currentIndex()][1]

    def refresh(self) -> None:
        """Recompute every row for the current settings and hardware, keeping the selection."""
        s = self.settings()
        profile = self.ctx.hardware.profile
        fmt = self._format()
        shapes = [sh for sh in self.catalogue if fmt in ("all", sh.family)]
        results = [estimate(sh, s, profile) for sh in [*self.local, *shapes]]
        order = SortOrder(self.sort_combo.currentData())
        self.results = sort_results(results, order, pinned=len(self.local))
        self._fill_table()

    def _fill_table(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.results))
        selected_row = 0
        for row, r in enumerate(self.results):
            if _key(r) == self._selected_key:
                selected_row = row
            local = r.shape.source.startswith("GGUF header")
            cells = (
                (
                    ("File · " if local else "") + _short(r.shape.name),
                    [r.shape.name, r.shape.source],
                ),
                (r.shape.quant, [QUANTS[r.shape.quant].label if r.shape.quant in QUANTS else ""]),
                (format_bytes(r.weights_bytes), weights_lines(r)),
                (format_bytes(r.kv.bytes), kv_lines(r)),
                (format_bytes(r.total_bytes), [*other_lines(r), *verdict_lines(r)]),
                (_short_verdict(r), verdict_lines(r)),
                (format_speed(r.decode_upper), speed_lines(r)),
            )
            colour = verdict_colour(r.verdict)
            for col, (text, tip) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join(line for line in tip if line))
                if colour:
                    item.setBackground(QColor(colour))
                    item.setForeground(QColor("#111111"))
                if 2 <= col != 5:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        if self.results:
            self.table.selectRow(selected_row)
            first_cell = self.table.item(selected_row, 0)
            if first_cell is not None:
                self.table.scrollToItem(first_cell)
        self.table.blockSignals(False)
        self._show_selected()

    def selected_result(self) -> FitResult | None:
        """The estimate of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.results):
            return None
        return self.results[rows[0].row()]

    def _show_selected(self) -> None:
        r = self.selected_result()
        self.chart.show(r)
        if r is None:
            self.details.setText("")
            return
        lines = describe(r)
        head = f"<b>{html.escape(lines[0])}</b><br>"
        verdict = f"<b style='font-size:15px'>{html.escape(r.verdict_text)}</b>"
        if r.decode_upper is None:
            speed = f"<br><b>Decode speed:</b> unknown ({html.escape(r.speed_note)})"
        else:
            speed = (
                f"<br><b>Decode speed:</b> up to {format_speed(r.decode_upper)} "
                f"(bandwidth bound); about {format_speed(r.decode_estimate)} realistic "
                f"<i>(estimate)</i>"
            )
            if 0 < r.gpu_layers < r.layers:
                speed += "<br><b>The CPU side is slower and sets the pace.</b>"
        body = "<br>".join(
            html.escape(line.strip()) for line in lines[1:] if not line.startswith("  source")
        )
        self.details.setText(f"{head}{verdict}{speed}<br><br>{body}")
        self.details.setToolTip("\n".join(lines))

    def _show_hardware(self, profile: HardwareProfile | None) -> None:
        if profile is None:
            self.hardware_label.setText(
                "Hardware: detecting hardware… — sizes are shown, verdicts follow once it is known."
            )
            return
        mem = profile.memory.available_bytes or profile.memory.total_bytes
        gpus = ", ".join(
            f"{g.name} ({format_bytes(g.memory_free_bytes or g.memory_total_bytes)})"
            for g in profile.gpus
        )
        kind = "planned" if profile.planned else "detected"
        self.hardware_label.setText(
            f"Hardware ({kind}): <b>{html.escape(profile.label)}</b> — "
            f"GPU: {html.escape(gpus or 'none')}; "
            f"RAM available: {format_bytes(mem)}. Colours: green fits on the GPU, yellow "
            "partial offload, blue CPU only, red does not fit."
        )

    def _update_ctx_label(self) -> None:
        self.ctx_label.setText(f"{CTX_STEPS[self.ctx_slider.value()]:,} tokens")

    def show_message(self, text: str) -> None:
        """Show a problem (e.g. a bad GGUF file) above the table; the view keeps working."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    # -------------------------------------------------------------- GGUF files
    def open_gguf(self, path: Path | str) -> None:
        """Read a GGUF file in the background and add it to the top of the table."""
        from desktop_app.services.gguf import read_gguf

        self.show_message("")
        self.ctx.runner.submit(lambda: read_gguf(path), self._on_gguf_read, self._on_gguf_failed)

    def open_folder(self, folder: Path | str) -> None:
        """Read every GGUF file in a folder in the background."""
        from desktop_app.services.gguf import scan

        self.show_message("")
        self.ctx.runner.submit(
            lambda: scan([folder]), self._on_folder_scanned, self._on_gguf_failed
        )

    def _add_local(self, shapes: list[ModelShape]) -> None:
        known = {s.source for s in self.local}
        self.local += [s for s in shapes if s.source not in known]
        if shapes:
            self._selected_key = (shapes[0].name, shapes[0].quant, shapes[0].source)
        self.refresh()

    # ------------------------------------------------------------------- slots
    @Slot()
    def _on_settings_changed(self) -> None:
        self._update_ctx_label()
        self.refresh()

    @Slot()
    def _on_table_selection_changed(self) -> None:
        r = self.selected_result()
        self._selected_key = _key(r) if r else None
        self._show_selected()

    @Slot(object)
    def _on_hardware_profile_changed(self, profile: HardwareProfile) -> None:
        self._show_hardware(profile)
        self.refresh()

    def _on_catalogue_built(self, shapes: list[ModelShape]) -> None:
        self.catalogue = shapes
        self.refresh()

    def _on_catalogue_failed(self, exc: BaseException) -> None:
        self.show_message(f"The model catalogue could not be sized: {exc}")

    def _on_gguf_read(self, model: GgufModel) -> None:
        if model.shape is not None:
            self._add_local([model.shape])

    def _on_folder_scanned(self, found: list[GgufModel]) -> None:
        shapes = [m.shape for m in found if m.shape is not None]
        errors = [m.problem for m in found if m.problem]
        self._add_local(shapes)
        if not shapes:
            errors.insert(0, "No readable GGUF files were found in that folder.")
        if errors:
            self.show_message(" ".join(errors))

    def _on_gguf_failed(self, exc: BaseException) -> None:
        from desktop_app.services.gguf import GgufError

        if isinstance(exc, GgufError):
            self.show_message(str(exc))
        elif isinstance(exc, OSError):
            self.show_message(f"The file cannot be read: {exc.strerror or exc}.")
        else:
            self.show_message(f"The file could not be read as a GGUF model ({exc}).")

    @Slot()
    def _on_open_file_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a GGUF model", str(Path.home()), "GGUF models (*.gguf);;All files (*)"
        )
        if name:
            self.open_gguf(name)

    @Slot()
    def _on_open_folder_clicked(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Open a folder of GGUF models")
        if name:
            self.open_folder(name)


def verdict_colour(verdict: Verdict) -> str | None:
    """The row colour the hardware label explains (None: no verdict to colour)."""
    match verdict:
        case Verdict.FITS_GPU:
            return "#CDEBD9"  # green
        case Verdict.PARTIAL_OFFLOAD:
            return "#FFF1C2"  # yellow
        case Verdict.CPU_ONLY:
            return "#DCE9F7"  # blue
        case Verdict.DOES_NOT_FIT:
            return "#F6D5D5"  # red
        case Verdict.RAM_UNKNOWN | Verdict.UNKNOWN:
            return None
        case _:
            assert_never(verdict)


def _key(r: FitResult) -> tuple[str, str, str]:
    return (r.shape.name, r.shape.quant, r.shape.source)


def _short(name: str) -> str:
    """Catalogue names without their "(-Instruct)" suffix, to keep the column narrow."""
    return re.sub(r"\(.*?\)", "", name).strip()


def _short_verdict(r: FitResult) -> str:
    if r.verdict is Verdict.PARTIAL_OFFLOAD:
        return f"partial: {r.gpu_layers}/{r.layers} layers"
    return r.verdict_text
