"""Models: can I run it? One row per model with its best choice here, plain words first.

Each row is the quantization to pick on this hardware (expand it for the others), coloured
by fit, with the realistic decode speed (the bandwidth bound on hover). The default order is
"best that runs at a usable speed here". The GPU can be this machine's, one from the GPU
list, or an amount of GPU memory the user types. Opened GGUF files stay on top.

Hook for a "Run this model" action (the Launch/download feature): call
`enable_run_action("Run this model →")`; every row that runs here then gets a button in the
last column, and a click emits `run_requested(model_id, quant)` where `model_id` is the
catalogue id (`infernav fit --model` spelling) or, for an opened file, its path.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.fit.archs import slug
from desktop_app.domain.fit.estimate import (
    GIB,
    FitResult,
    FitSettings,
    ModelShape,
    SortOrder,
    catalogue_quants,
    catalogue_shape,
    estimate,
)
from desktop_app.domain.fit.pick import (
    FAMILIES,
    SIZES,
    USABLE_NOTE,
    ModelChoice,
    group_models,
    matches,
    moe_words,
    plain_summary,
    speed_words,
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
from desktop_app.domain.hardware.plan import planned_gpu_profile
from desktop_app.domain.hardware.profile import GpuDevice, HardwareProfile
from desktop_app.domain.sources.catalog import Gpu
from desktop_app.domain.units import format_bytes, format_speed
from desktop_app.ui import theme
from desktop_app.ui.charts.fit import MemoryBarChart
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.flow import FlowLayout

if TYPE_CHECKING:  # the reader (and numpy behind gguf) is imported when a file is opened
    from desktop_app.services.gguf import GgufModel

CTX_STEPS = (512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)
DEFAULT_CTX_INDEX = 3
COLUMNS = ("Model", "Quant", "Memory", "Runs here", "Speed (realistic)", "")
COL_MODEL, COL_QUANT, COL_MEMORY, COL_VERDICT, COL_SPEED, COL_ACTION = range(6)
FORMATS = (
    ("GGUF (llama.cpp, Ollama)", "gguf"),
    ("GPU formats (AWQ, GPTQ, FP8)", "gpu"),
    ("All formats", "all"),
)
THIS_MACHINE = "This machine"
OWN_MEMORY = "Enter GPU memory…"
ROLE_RESULT = Qt.ItemDataRole.UserRole


class ModelsView(QWidget):
    """One row per model for the chosen hardware; the selected row explained below."""

    run_requested = Signal(str, str)  # (model id or GGUF path, quantization)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.catalogue: list[ModelShape] = []
        self.local: list[ModelShape] = []
        self.results: list[FitResult] = []
        self._cells: dict[int, Cells] = {}  # each result's row texts, by id(result)
        self.choices: list[ModelChoice] = []
        self._ids: dict[str, str] = {}  # model name -> catalogue id
        self._selected_key: tuple[str, str, str] | None = None
        self._sized = False
        self._run_label = ""
        self._generation = 0
        self._gpus: list[Gpu] = [g for g in ctx.stores.bundled.gpus() if g.memory_gb]

        title = QLabel("<b>Models: can I run it?</b>")
        title.setStyleSheet("font-size: 20px;")
        self.hardware_label = QLabel()
        self.hardware_label.setWordWrap(True)

        # ---- find: search, family, size, formats, sort
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search models (e.g. qwen, 8b, gemma)…")
        self.search.setClearButtonEnabled(True)
        self.family_combo = QComboBox()
        self.family_combo.addItems(["All families", *[f for f, _ in FAMILIES], "Other"])
        self.size_combo = QComboBox()
        self.size_combo.addItems([label for label, _, _ in SIZES])
        self.format_combo = QComboBox()
        for text, _key in FORMATS:
            self.format_combo.addItem(text)
        self.sort_combo = QComboBox()
        for order in SortOrder:
            self.sort_combo.addItem(order.value, order)
        self.sort_combo.setToolTip(f"Sort order; {USABLE_NOTE}")

        # ---- machine and settings
        self.gpu_combo = QComboBox()
        self.gpu_combo.addItem(THIS_MACHINE)
        for g in self._gpus:
            self.gpu_combo.addItem(f"{g.name} ({g.memory_gb:g} GB)", g.name)
        self.gpu_combo.addItem(OWN_MEMORY)
        self.gpu_combo.setToolTip(
            "Check the fit on another GPU: pick one from the list (each with its source in "
            "Sources) or enter how much GPU memory you have"
        )
        self.gpu_combo.setMaximumWidth(260)
        self.vram_spin = QDoubleSpinBox()
        self.vram_spin.setRange(1, 1024)
        self.vram_spin.setDecimals(0)
        self.vram_spin.setValue(12)
        self.vram_spin.setSuffix(" GB")
        self.vram_spin.setToolTip("Your GPU's memory (VRAM). Its speed is unknown this way.")
        self.vram_spin.setVisible(False)
        self.ctx_slider = QSlider(Qt.Orientation.Horizontal)
        self.ctx_slider.setRange(0, len(CTX_STEPS) - 1)
        self.ctx_slider.setValue(DEFAULT_CTX_INDEX)
        self.ctx_slider.setMinimumWidth(110)
        self.ctx_slider.setToolTip("Context length per slot (tokens)")
        self.ctx_label = QLabel()
        self.ctx_label.setMinimumWidth(95)
        self.kv_combo = QComboBox()
        self.kv_combo.addItems(["f16", "q8_0", "q4_0"])
        self.kv_combo.setToolTip(
            "KV-cache type: f16 2 B/value, q8_0 34 B per 32, q4_0 18 B per 32 "
            "(llama.cpp needs flash attention for quantized V)"
        )
        self.parallel_spin = QSpinBox()
        self.parallel_spin.setRange(1, 64)
        self.parallel_spin.setToolTip("Parallel slots: each gets the full context")
        self.moe_check = QCheckBox("Experts in RAM when needed")
        self.moe_check.setChecked(True)
        self.moe_check.setToolTip(
            "Mixture-of-experts models too big for the GPU: keep some experts in system RAM "
            "and the rest on the GPU (llama.cpp --n-cpu-moe), instead of whole layers"
        )
        self.open_file_button = QPushButton("Open GGUF file…")
        self.open_folder_button = QPushButton("Open folder…")
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        self.message_label.setStyleSheet(
            f"background: {theme.WARNING_BG}; color: {theme.WARNING_FG}; padding: 6px; "
            "border-radius: 4px;"
        )

        find = QHBoxLayout()
        find.addWidget(self.search, 2)
        combo: QWidget
        for combo in (self.family_combo, self.size_combo, self.format_combo):
            find.addWidget(combo)
        find.addWidget(QLabel("Sort:"))
        find.addWidget(self.sort_combo)
        machine_row = FlowLayout()  # wraps at 1024 px instead of widening the window
        widget: QWidget
        for widget in (
            QLabel("GPU:"),
            self.gpu_combo,
            self.vram_spin,
            QLabel("Context:"),
            self.ctx_slider,
            self.ctx_label,
        ):
            machine_row.addWidget(widget)
        settings_row = FlowLayout()
        for widget in (
            QLabel("KV cache:"),
            self.kv_combo,
            QLabel("Slots:"),
            self.parallel_spin,
            self.moe_check,
        ):
            settings_row.addWidget(widget)
        settings_row.addWidget(self.open_file_button)
        settings_row.addWidget(self.open_folder_button)

        self.status_label = QLabel("Sizing the model catalogue…")
        self.status_label.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_MODEL, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setColumnHidden(COL_ACTION, True)

        self.chart = MemoryBarChart()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.plain = QLabel()
        self.plain.setWordWrap(True)
        self.plain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = QToolButton()
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setVisible(False)
        text_box = QWidget()
        text_layout = QVBoxLayout(text_box)
        text_layout.setContentsMargins(0, 0, 0, 0)
        for part in (self.summary, self.plain, self.details_button, self.details):
            text_layout.addWidget(part)
        text_layout.addStretch(1)
        details_scroll = QScrollArea()
        details_scroll.setWidget(text_box)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setMinimumWidth(300)
        below = QWidget()
        below_layout = QHBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(details_scroll, 6)
        below_layout.addWidget(self.chart.panel, 5)
        self.chart.panel.setMinimumHeight(200)
        self.chart.panel.setMinimumWidth(280)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addWidget(self.status_label)
        table_layout.addWidget(self.tree, 1)
        splitter = self._splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(table_box)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.hardware_label)
        layout.addLayout(find)
        layout.addLayout(machine_row)
        layout.addLayout(settings_row)
        layout.addWidget(self.message_label)
        layout.addWidget(splitter, 1)

        for signal in (
            self.ctx_slider.valueChanged,
            self.kv_combo.currentIndexChanged,
            self.parallel_spin.valueChanged,
            self.format_combo.currentIndexChanged,
            self.moe_check.toggled,
            self.vram_spin.valueChanged,
        ):
            signal.connect(self._on_settings_changed)
        for signal in (
            self.search.textChanged,
            self.family_combo.currentIndexChanged,
            self.size_combo.currentIndexChanged,
            self.sort_combo.currentIndexChanged,
        ):
            signal.connect(self._on_filter_changed)
        self.gpu_combo.currentIndexChanged.connect(self._on_gpu_changed)
        self.tree.itemSelectionChanged.connect(self._on_tree_selection_changed)
        self.details_button.toggled.connect(self._on_details_toggled)
        self.open_file_button.clicked.connect(self._on_open_file_clicked)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        ctx.hardware.profile_changed.connect(self._on_hardware_profile_changed)

        self._update_ctx_label()
        self._show_hardware(self.profile())
        archs = ctx.stores.bundled.model_archs()
        self._ids = {a.model: slug(a.model) for a in archs}
        ctx.runner.submit(
            lambda: [catalogue_shape(a, q) for a in archs for q in catalogue_quants(a)],
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
        """Wait for the catalogue and fit jobs so a screenshot shows the filled table."""
        from PySide6.QtCore import QCoreApplication

        for _ in range(3):
            self.ctx.runner.wait(20_000)
            QCoreApplication.processEvents()

    # ------------------------------------------------------------------ state
    def settings(self) -> FitSettings:
        """The settings the controls show."""
        return FitSettings(
            ctx=CTX_STEPS[self.ctx_slider.value()],
            parallel=self.parallel_spin.value(),
            kv_type=self.kv_combo.currentText(),
            moe_offload=self.moe_check.isChecked(),
        )

    def profile(self) -> HardwareProfile | None:
        """The hardware the verdicts are for: this machine, or the GPU picked or entered."""
        base = self.ctx.hardware.profile
        choice = self.gpu_combo.currentText()
        if choice == THIS_MACHINE:
            return base
        if choice == OWN_MEMORY:
            gib = self.vram_spin.value()
            gpu = GpuDevice(
                0, f"your GPU ({gib:g} GB)", "NVIDIA", "entered by you",
                memory_total_bytes=int(gib * GIB),
            )  # fmt: skip
            plan: HardwareProfile | None = None
        else:
            found = next((g for g in self._gpus if g.name == self.gpu_combo.currentData()), None)
            if found is None:
                return base
            plan = planned_gpu_profile(found)
            gpu = plan.gpus[0]
        if base is None and plan is not None:
            return plan
        if base is None:
            return None
        label = f"{base.label} with {gpu.name}"
        return replace(base, label=label, planned=True, gpus=(gpu,), apple=None)

    def _format(self) -> str:
        return FORMATS[self.format_combo.currentIndex()][1]

    def refresh(self) -> None:
        """Recompute every estimate in the background for the current settings and hardware."""
        s = self.settings()
        profile = self.profile()
        fmt = self._format()
        shapes = [*self.local, *[sh for sh in self.catalogue if fmt in ("all", sh.family)]]
        self._generation += 1
        generation = self._generation
        self.ctx.runner.submit(
            lambda: _estimate_rows(shapes, s, profile),
            lambda rows: self._on_estimated(generation, *rows),
            self._on_catalogue_failed,
            key="models-fit",
        )

    def _on_estimated(
        self, generation: int, results: list[FitResult], cells: dict[int, Cells]
    ) -> None:
        if generation != self._generation:
            return  # a newer setting is already being estimated
        self.results = results
        self._cells = cells
        self._regroup()

    def _regroup(self) -> None:
        order = SortOrder(self.sort_combo.currentData())
        text = self.search.text().strip()
        family, size = self.family_combo.currentText(), self.size_combo.currentText()
        local_sources = {s.source for s in self.local}
        shown = [
            r
            for r in self.results
            if r.shape.source in local_sources or matches(r, text, family, size)
        ]
        pinned = sum(1 for r in shown if r.shape.source in local_sources)
        self.choices = group_models(shown, order, pinned=pinned)
        self._fill_tree()

    def _fill_tree(self) -> None:
        # Every row is built first and added in one call: added one by one to the shown
        # tree, each insertion re-measured its ResizeToContents columns over all rows.
        self.tree.blockSignals(True)
        self.tree.clear()
        select: QTreeWidgetItem | None = None
        expand: QTreeWidgetItem | None = None
        tops: list[QTreeWidgetItem] = []
        for choice in self.choices:
            top = self._item(choice.best, top=True)
            if _key(choice.best) == self._selected_key:
                select = top
            children = [self._item(other, top=False) for other in choice.others]
            for other, child in zip(choice.others, children, strict=True):
                if _key(other) == self._selected_key:
                    select, expand = child, top
            top.addChildren(children)
            tops.append(top)
        self.tree.addTopLevelItems(tops)
        for top, choice in zip(tops, self.choices, strict=True):
            self._add_action(top, choice.best)
        if expand is not None:
            expand.setExpanded(True)
        if select is None and self.tree.topLevelItemCount():
            select = self.tree.topLevelItem(0)
        if select is not None:
            select.setSelected(True)
            self.tree.setCurrentItem(select)
            self.tree.scrollToItem(select)
        self.tree.blockSignals(False)
        n = len(self.choices)
        self.status_label.setText(
            f"{n} model{'s' if n != 1 else ''}: each row shows the quantization to pick here "
            f"(expand for the others). Sorted by {self.sort_combo.currentText().lower()}; "
            f"{USABLE_NOTE}."
            if n
            else "No model matches the search and filters."
        )
        self._show_selected()

    def _item(self, r: FitResult, *, top: bool) -> QTreeWidgetItem:
        cells = self._cells.get(id(r)) or row_cells(r)
        item = QTreeWidgetItem([text for text, _ in cells])
        if not top:
            item.setText(COL_MODEL, "")
        item.setData(COL_MODEL, ROLE_RESULT, r)
        colour = verdict_colour(r.verdict)
        for col, (_text, tip) in enumerate(cells):
            item.setToolTip(col, tip)
            if colour:
                item.setBackground(col, QColor(colour))
                item.setForeground(col, QColor("#111111"))
            if col in (COL_MEMORY, COL_SPEED):
                item.setTextAlignment(
                    col, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
        return item

    def _add_action(self, item: QTreeWidgetItem, r: FitResult) -> None:
        if not self._run_label or not r.verdict.runs:
            return
        button = QPushButton(self._run_label)
        button.setFlat(True)
        model_id = self._model_id(r)
        button.clicked.connect(lambda: self.run_requested.emit(model_id, r.shape.quant))
        self.tree.setItemWidget(item, COL_ACTION, button)

    def _model_id(self, r: FitResult) -> str:
        if r.shape.source.startswith("GGUF header: "):
            return r.shape.source.removeprefix("GGUF header: ")
        return self._ids.get(r.shape.name, slug(r.shape.name))

    def enable_run_action(self, label: str = "Run this model →") -> None:
        """Show a button on every row that runs here; a click emits `run_requested`."""
        self._run_label = label
        self.tree.setColumnHidden(COL_ACTION, not label)
        self._fill_tree()

    def top_items(self) -> list[QTreeWidgetItem]:
        """The model rows, in the order shown."""
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def row_texts(self, column: int = COL_MODEL) -> list[str]:
        """The model rows' texts in one column, in the order shown."""
        return [item.text(column) for item in self.top_items()]

    def selected_result(self) -> FitResult | None:
        """The estimate of the selected row."""
        items = self.tree.selectedItems()
        if not items:
            return None
        data = items[0].data(COL_MODEL, ROLE_RESULT)
        return data if isinstance(data, FitResult) else None

    def select(self, name: str, quant: str) -> None:
        """Select the row of one model at one quantization (expanding its model)."""
        for top in self.top_items():
            children = (top.child(c) for c in range(top.childCount()))
            for item in (top, *[c for c in children if c is not None]):
                r = item.data(COL_MODEL, ROLE_RESULT)
                if (
                    isinstance(r, FitResult)
                    and _short(r.shape.name) == name
                    and r.shape.quant == quant
                ):
                    top.setExpanded(item is not top)
                    self.tree.setCurrentItem(item)
                    return
        raise KeyError(f"{name} {quant} is not shown")

    def _max_gpu_ctx(self, r: FitResult) -> int | None:
        if r.verdict is not Verdict.FITS_GPU:
            return None
        profile, s = self.profile(), r.settings
        best = None
        for ctx in CTX_STEPS:
            if ctx < s.ctx or ctx > r.shape.max_ctx:
                continue
            if estimate(r.shape, replace(s, ctx=ctx), profile).verdict is not Verdict.FITS_GPU:
                break
            best = ctx
        return best

    def _show_selected(self) -> None:
        r = self.selected_result()
        self.chart.show(r)
        if r is None:
            self.summary.setText("")
            self.plain.setText("")
            self.details.setText("")
            return
        lines = [
            f"{_short(r.shape.name)} at {r.shape.quant}: needs {format_bytes(r.total_bytes)} "
            f"for a {r.settings.ctx:,}-token context.",
            f"Speed: {speed_words(r)}; up to {format_speed(r.decode_upper)} at best.",
            moe_words(r),
            _source_words(r.shape.source),
        ]
        self.summary.setText(html.escape(plain_summary(r, self._max_gpu_ctx(r))))
        self.plain.setText("<br>".join(html.escape(line) for line in lines if line))
        self.details.setText("<br>".join(html.escape(line) for line in describe(r)))

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
            "split between GPU and RAM, blue CPU only, red does not fit."
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
    def _on_filter_changed(self) -> None:
        self._regroup()

    @Slot()
    def _on_gpu_changed(self) -> None:
        self.vram_spin.setVisible(self.gpu_combo.currentText() == OWN_MEMORY)
        self._show_hardware(self.profile())
        self.refresh()

    @Slot(bool)
    def _on_details_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    @Slot()
    def _on_tree_selection_changed(self) -> None:
        r = self.selected_result()
        self._selected_key = _key(r) if r else None
        self._show_selected()

    @Slot(object)
    def _on_hardware_profile_changed(self, _profile: HardwareProfile) -> None:
        self._show_hardware(self.profile())
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


Cells = tuple[tuple[str, str], ...]  # (text, tooltip) per column, model name included


def row_cells(r: FitResult) -> Cells:
    """A result's row: each column's text and hover text (pure Python: built off the GUI
    thread with the estimates, so filling the tree only creates items)."""
    local = r.shape.source.startswith("GGUF header")
    name = ("File · " if local else "") + _short(r.shape.name)
    quant_label = QUANTS[r.shape.quant].label if r.shape.quant in QUANTS else r.shape.quant
    cells = (
        (name, [r.shape.name, _source_words(r.shape.source)]),
        (r.shape.quant, [quant_label]),
        (
            format_bytes(r.total_bytes),
            [
                f"Total {format_bytes(r.total_bytes)}",
                weights_lines(r)[0],
                kv_lines(r)[0],
                *other_lines(r),
            ],
        ),
        (_short_verdict(r), verdict_lines(r)),
        (format_speed(r.decode_estimate), speed_lines(r)),
    )
    return tuple((text, "\n".join(line for line in tip if line)) for text, tip in cells)


def _estimate_rows(
    shapes: list[ModelShape], settings: FitSettings, profile: HardwareProfile | None
) -> tuple[list[FitResult], dict[int, Cells]]:
    """Background: every estimate, and each one's row texts."""
    results = [estimate(sh, settings, profile) for sh in shapes]
    return results, {id(r): row_cells(r) for r in results}


def _key(r: FitResult) -> tuple[str, str, str]:
    return (r.shape.name, r.shape.quant, r.shape.source)


def _short(name: str) -> str:
    """Catalogue names without their "(-Instruct)" suffix, to keep the column narrow."""
    return re.sub(r"\(.*?\)", "", name).strip()


def _source_words(source: str) -> str:
    """Where the figures come from, in plain words (the full text is in the Details)."""
    if source.startswith("GGUF header: "):
        return f"From the file's own header: {source.removeprefix('GGUF header: ')}"
    retrieved = re.search(r"retrieved ([\d-]+|unknown)", source)
    url = re.search(r"huggingface\.co/[\w.-]+/[\w.-]+", source)
    where = f"the model's published configuration ({url[0]})" if url else "the model catalogue"
    when = f", as of {retrieved[1]}" if retrieved else ""
    return f"Source: {where}{when}."


def _short_verdict(r: FitResult) -> str:
    if r.verdict is Verdict.PARTIAL_OFFLOAD and r.cpu_moe_layers:
        return f"split: experts of {r.cpu_moe_layers} blocks in RAM"
    if r.verdict is Verdict.PARTIAL_OFFLOAD:
        return f"split: {r.gpu_layers}/{r.layers} layers on GPU"
    return r.verdict_text
