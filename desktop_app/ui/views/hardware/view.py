"""Hardware: this machine's devices, live gauges, which frameworks run here, and planning.

The probe and every live sample run through `ctx.runner`; the GUI thread only draws.
The profile chosen here (this machine or a planned one) is what every other view uses.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer, Slot
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.hardware.eligibility import Eligibility, Status, eligibility
from desktop_app.domain.hardware.plan import planned_cpu_profile, planned_gpu_profile
from desktop_app.domain.hardware.profile import HardwareProfile, LiveSample
from desktop_app.domain.hardware.text import profile_markdown
from desktop_app.services.engines import discovery
from desktop_app.services.hardware import LiveSampler, probe_hardware
from desktop_app.ui import theme
from desktop_app.ui.charts.hardware import LiveGauges
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets import hardware_cards as cards
from desktop_app.ui.widgets.flow import FlowLayout
from desktop_app.ui.widgets.page import heading, scroll_area

THIS_MACHINE = "This machine"
PLAN = "Plan for other hardware"
CPU_ONLY = "CPU only"
CARDS_PER_ROW = 4
_STATUS_STYLE = {  # text and the palette role of its cell
    Status.RUNS: ("✔ runs", "good_bg"),
    Status.LIMITED: ("◐ runs with limits", "warning_bg"),
    Status.NO: ("✖ does not run", "conflict_bg"),
}


class HardwareView(QWidget):
    """Device cards, live gauges, framework eligibility and the planned-hardware selector."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._gpus = ctx.stores.bundled.gpus()
        self.sampler = LiveSampler()
        self._sampling = False
        self.dropped_ticks = 0
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._on_timer_timeout)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        head = QWidget()
        head_layout = QVBoxLayout(head)
        head_layout.setContentsMargins(16, 12, 16, 4)
        title = heading(
            "<h2>Hardware</h2><span>What this machine has, what runs on it, and plans for "
            "hardware you do not have. Hover a value for how it was measured.</span>"
        )
        head_layout.addWidget(title)
        bar = FlowLayout()  # wraps on a narrow window
        self.mode = QComboBox()
        self.mode.addItem(THIS_MACHINE, False)  # item data: planning?
        self.mode.addItem(PLAN, True)
        self.plan_gpu = QComboBox()
        for i, g in enumerate(self._gpus):  # item data: index in the catalogue; None: CPU only
            self.plan_gpu.addItem(g.name, i)
        self.plan_gpu.addItem(CPU_ONLY, None)
        self._count_is_cores = False  # what plan_count holds: a core count or a GPU count
        self.plan_gpu.setCurrentText("GeForce RTX 4090")
        self.plan_count = QSpinBox()
        self.plan_count.setRange(1, 64)
        self.plan_count_unit = QLabel("GPUs")
        self.detect_button = QPushButton("Detect again")
        self.copy_json = QPushButton("Copy JSON")
        self.copy_md = QPushButton("Copy Markdown")
        self.save_button = QPushButton("Save system info…")
        bar.addWidget(QLabel("Profile:"))
        bar.addWidget(self.mode)
        bar.addWidget(self.plan_count)
        bar.addWidget(self.plan_count_unit)
        bar.addWidget(self.plan_gpu)
        for button in (self.detect_button, self.copy_json, self.copy_md, self.save_button):
            bar.addWidget(button)
        head_layout.addLayout(bar)
        self.active_label = QLabel()
        self.active_label.setStyleSheet("font-size: 15px;")
        self.active_label.setWordWrap(True)
        head_layout.addWidget(self.active_label)
        self.message = QLabel()
        self.message.setProperty("role", "muted")
        head_layout.addWidget(self.message)
        # Which llama-server a trial here would start (bundled, the user's pick, or PATH).
        self.engine_label = QLabel("llama-server: looking…")
        self.engine_label.setWordWrap(True)
        theme.set_role(self.engine_label, "muted")
        head_layout.addWidget(self.engine_label)
        outer.addWidget(head)

        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(16, 4, 16, 16)
        self.cards_grid = QGridLayout()
        self.cards_grid.setSpacing(12)
        self.body_layout.addLayout(self.cards_grid)
        self.device_cards: list[cards.DeviceCard] = []
        self.body_layout.addWidget(QLabel("<h3>Which frameworks run on this profile</h3>"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Framework", "Status", "Why (hover for sources)"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setStyleSheet("font-size: 14px;")
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.body_layout.addWidget(self.table)
        self.live_title = QLabel("<h3>Live readings · this machine</h3>")
        self.body_layout.addWidget(self.live_title)
        self.gauges = LiveGauges()
        self.body_layout.addWidget(self.gauges)
        self.body_layout.addStretch(1)
        outer.addWidget(scroll_area(body, horizontal=False), 1)
        self.results: list[Eligibility] = []

        self.mode.currentTextChanged.connect(self._on_mode_changed)
        self.plan_gpu.currentTextChanged.connect(self._on_plan_changed)
        self.plan_count.valueChanged.connect(self._on_plan_changed)
        self.detect_button.clicked.connect(self._on_detect_clicked)
        self.copy_json.clicked.connect(self._on_copy_json_clicked)
        self.copy_md.clicked.connect(self._on_copy_md_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        ctx.hardware.profile_changed.connect(self._on_hardware_profile_changed)
        self._sync_plan_widgets()
        self.show_profile(ctx.hardware.profile)
        self._engine_pending = False
        self.look_for_engine()

    # ---------------------------------------------------------------- profile
    def show_profile(self, profile: HardwareProfile | None) -> None:
        """Rebuild the cards and the eligibility table for `profile`."""
        for card in self.device_cards:
            self.cards_grid.removeWidget(card)
            card.deleteLater()
        self.device_cards = []
        if profile is None:
            self.active_label.setText("Detecting this machine's hardware…")
            self.table.setRowCount(0)
            return
        kind = "planned" if profile.planned else "detected"
        self.active_label.setText(
            f"<b>Active profile: {profile.label}</b> ({kind}) · used by every other view"
        )
        built = [cards.cpu_card(profile), cards.system_card(profile)]
        apple = cards.apple_card(profile)
        if apple is not None:
            built.append(apple)
        built.extend(cards.gpu_card(profile, gpu) for gpu in profile.gpus)
        if not profile.gpus:
            built.append(cards.no_gpu_card(profile))
        for i, card in enumerate(built):
            card.setMinimumWidth(240)
            self.cards_grid.addWidget(card, i // CARDS_PER_ROW, i % CARDS_PER_ROW)
        for col in range(CARDS_PER_ROW):
            self.cards_grid.setColumnStretch(col, 1)
        self.device_cards = built
        notes = [n for n in profile.probe_notes if not profile.planned]
        self.message.setText("\n".join(f"Note: {n}" for n in notes))
        self._fill_table(eligibility(profile, self.ctx.stores.bundled.frameworks()))

    def _fill_table(self, results: list[Eligibility]) -> None:
        self.results = results
        self.table.setRowCount(len(results))
        for row, result in enumerate(results):
            name = QTableWidgetItem(result.framework_name)
            # A swatch of the framework's app-wide colour; text stays black to stay legible.
            name.setData(
                Qt.ItemDataRole.DecorationRole, QColor(theme.framework_colour(result.framework_id))
            )
            text, role = _STATUS_STYLE[result.status]
            status = QTableWidgetItem(text)
            palette = theme.current()
            status.setBackground(QBrush(QColor(getattr(palette, role))))
            status.setForeground(QBrush(QColor(palette.tint_fg)))
            why = QTableWidgetItem("\n".join(result.reasons))
            tip = "\n\n".join(f.tooltip() for f in result.facts)
            for item in (name, status, why):
                item.setToolTip(tip)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, status)
            self.table.setItem(row, 2, why)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().height() + 4
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)

    @Slot(object)
    def _on_hardware_profile_changed(self, profile: HardwareProfile) -> None:
        self.show_profile(profile)

    def _planning(self) -> bool:
        return bool(self.mode.currentData())

    def _plan_cpu_only(self) -> bool:
        return self.plan_gpu.currentData() is None

    def _sync_plan_widgets(self) -> None:
        planning = self._planning()
        cpu_only = self._plan_cpu_only()
        self._count_is_cores = cpu_only
        self.plan_gpu.setVisible(planning)
        self.plan_count.setVisible(planning)
        self.plan_count_unit.setVisible(planning)
        self.plan_count_unit.setText("cores:" if cpu_only else "×")
        self.plan_count.setRange(1, 1024 if cpu_only else 64)

    def planned_profile(self) -> HardwareProfile:
        """The profile the plan widgets describe."""
        index = self.plan_gpu.currentData()
        if index is None:
            return planned_cpu_profile(self.plan_count.value())
        gpu = self._gpus[index]
        return planned_gpu_profile(gpu, self.plan_count.value())

    @Slot(str)
    def _on_mode_changed(self, _text: str) -> None:
        self._sync_plan_widgets()
        if self._planning():
            self.ctx.hardware.set_active(self.planned_profile())
        elif self.ctx.hardware.detected is not None:
            self.ctx.hardware.set_active(self.ctx.hardware.detected)

    @Slot()
    def _on_plan_changed(self) -> None:
        was_cpu = self._count_is_cores
        self._sync_plan_widgets()
        cpu_only = self._plan_cpu_only()
        if cpu_only != was_cpu:
            # A GPU count is not a core count: start from a typical value for the new kind.
            self.plan_count.blockSignals(True)
            self.plan_count.setValue(32 if cpu_only else 1)
            self.plan_count.blockSignals(False)
        if self._planning():
            self.ctx.hardware.set_active(self.planned_profile())

    @Slot()
    def _on_detect_clicked(self) -> None:
        self.detect_button.setEnabled(False)
        self.message.setText("Detecting…")
        self.ctx.runner.submit(probe_hardware, self._on_probe_done, self._on_probe_failed)

    def _on_probe_done(self, profile: HardwareProfile) -> None:
        self.detect_button.setEnabled(True)
        self.ctx.hardware.set_detected(profile)
        if self._planning():
            self.message.setText("This machine was detected again (a plan is active).")

    def _on_probe_failed(self, exc: BaseException) -> None:
        self.detect_button.setEnabled(True)
        self.message.setText(f"Detection failed: {exc}")

    # ---------------------------------------------------------------- system info
    def _active(self) -> HardwareProfile | None:
        return self.ctx.hardware.profile

    def system_info_json(self) -> str:
        """The active profile as indented JSON."""
        profile = self._active()
        return json.dumps(profile.to_json() if profile else {}, indent=2, ensure_ascii=False)

    def system_info_markdown(self) -> str:
        """The active profile as a short Markdown summary."""
        profile = self._active()
        return profile_markdown(profile) if profile else ""

    @Slot()
    def _on_copy_json_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.system_info_json())
        self.message.setText("Copied the profile to the clipboard as JSON.")

    @Slot()
    def _on_copy_md_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.system_info_markdown())
        self.message.setText("Copied the profile to the clipboard as Markdown.")

    def save_system_info(self, path: Path) -> bool:
        """Write JSON (.json) or Markdown (anything else); False with a message on failure."""
        text = (
            self.system_info_json()
            if path.suffix.lower() == ".json"
            else (self.system_info_markdown())
        )
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            self.message.setText(f"Could not save {path}: {exc.strerror or exc}")
            return False
        self.message.setText(f"Saved the profile to {path}")
        return True

    @Slot()
    def _on_save_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save system info", "system-info.md", "Markdown (*.md);;JSON (*.json)"
        )
        if name:
            self.save_system_info(Path(name))

    # ---------------------------------------------------------------- live
    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._sampling:
            self.dropped_ticks += 1  # the previous sample is still running: skip this tick
            return
        self._sampling = True
        self.ctx.runner.submit(self.sampler.sample, self._on_sample_done, self._on_sample_failed)

    def _on_sample_done(self, sample: LiveSample) -> None:
        self._sampling = False
        self.gauges.update_sample(sample)

    def _on_sample_failed(self, exc: BaseException) -> None:
        self._sampling = False
        self.gauges.error.setText(f"⚠ Live reading failed: {exc}")
        self.gauges.error.show()

    def showEvent(self, event: QShowEvent) -> None:
        """Sample once a second while the view is visible."""
        super().showEvent(event)
        if not self.timer.isActive():
            self.timer.start()
            self._on_timer_timeout()
        self.look_for_engine()

    def look_for_engine(self) -> None:
        """Find the llama-server a trial would start, in the background (once at a time)."""
        if self._engine_pending:
            return
        self._engine_pending = True
        store = self.ctx.stores.user
        self.ctx.runner.submit(
            lambda: discovery.find_engine(
                "llama.cpp", discovery.remembered_path(store, "llama.cpp")
            ),
            self._on_engine_found,
            self._on_engine_failed,
        )

    def _on_engine_found(self, info: discovery.EngineInfo) -> None:
        self._engine_pending = False
        if info.usable:
            self.engine_label.setText(f"llama-server used for trials: {info.summary}")
            self.engine_label.setToolTip(
                f"Version and devices reported by {info.path} --version and --list-devices"
            )
        elif info.problem:
            self.engine_label.setText(f"llama-server: {info.problem} {info.how_to_get}")
        else:
            self.engine_label.setText(f"llama-server: not found. {info.how_to_get}")

    def _on_engine_failed(self, exc: BaseException) -> None:
        self._engine_pending = False
        self.engine_label.setText(f"llama-server: could not look for it ({exc}).")

    def hideEvent(self, event: QHideEvent) -> None:
        """No sampling while another view is shown."""
        super().hideEvent(event)
        self.timer.stop()

    def apply_theme(self) -> None:
        """Status cells in the new theme's colours."""
        self._fill_table(self.results)

    def shutdown(self) -> None:
        """Stop sampling and release NVML."""
        self.timer.stop()
        self.ctx.runner.submit(self.sampler.close, lambda _r: None)

    def settle_for_screenshot(self) -> None:
        """Take a few samples so the gauges show something."""
        # A local event loop, not a processEvents() loop: PySide6 6.12's processEvents()
        # leaks a reference to None per call, which ends in a fatal error in long loops.
        for _ in range(4):
            self._on_timer_timeout()
            loop = QEventLoop()
            QTimer.singleShot(400, loop.quit)
            loop.exec()
