"""Deploy: outgrow one machine — docker run, compose.yaml and Kubernetes values, validated."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.deploy.plan import FILENAMES, NAMES, DeployPlan
from desktop_app.domain.deploy.render import shell_line
from desktop_app.domain.deploy.request import ARCHIVED, ENGINES, ROUTERS, DeployInputError
from desktop_app.domain.fit.archs import slug
from desktop_app.domain.hardware.eligibility import Status, eligibility_for
from desktop_app.domain.hardware.plan import find_gpu, planned_gpu_profile
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.sources.catalog import Gpu
from desktop_app.errors import UserFacingError
from desktop_app.services.deploy import Checked, DeployAsk, generate, write_files
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext

ACTIVE = ""  # gpu_type data: the active hardware profile's GPU
FIELD_LABELS = {
    "framework": "Engine",
    "model": "Model",
    "gpus": "GPUs",
    "gpu": "GPU type",
    "ctx": "Context",
    "gpu_share": "GPU memory share",
    "port": "Port",
    "replica_gpus": "GPUs per replica",
    "target_rps": "Target load",
    "replica_rps": "Per-replica throughput",
    "router": "Router",
    "release": "Release",
}
TABS = (
    ("docker", "docker run"),
    ("compose", "compose.yaml"),
    ("production-stack", "values.yaml (Kubernetes)"),
    ("helm", "helm install"),
    ("kserve", "KServe (template)"),
)
DEBOUNCE_MS = 250


class FilePage(QWidget):
    """One generated file: what it is for, whether it validated, its text and a Copy button."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.filename = FILENAMES[key]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.purpose = QLabel()
        self.purpose.setWordWrap(True)
        layout.addWidget(self.purpose)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setObjectName(f"text-{key}")
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy to the clipboard, quoted for a POSIX shell")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        row.addWidget(self.copy_button)
        self.copied = QLabel("")
        row.addWidget(self.copied, 1)
        layout.addLayout(row)
        self.copy_text = ""

    def show_checked(self, checked: Checked) -> None:
        """Show a file that went through validation (its text only when it passed)."""
        art = checked.artifact
        self.purpose.setText(f"<b>{art.filename}</b> — {art.purpose}")
        self.copied.setText("")
        if checked.ok:
            self.status.setText("✓ Valid: " + "; ".join(checked.checks))
            self.text.setPlainText(art.text)
            if art.kind == "shell":
                self.copy_text = "\n".join(shell_line(c) for c in art.commands) + "\n"
                self.copy_button.setText("Copy command" + ("s" if len(art.commands) > 1 else ""))
            else:
                self.copy_text = art.text
                self.copy_button.setText("Copy file")
            self.copy_button.setEnabled(True)
        else:
            self.status.setText(
                "✗ Not shown and not saved: it did not validate — " + "; ".join(checked.errors)
            )
            self.text.setPlainText("")
            self.copy_text = ""
            self.copy_button.setEnabled(False)
        self.text.setEnabled(True)

    def show_missing(self, why: str) -> None:
        """No file for this target (e.g. the Kubernetes chart for an engine it does not run)."""
        self.purpose.setText(f"<b>{self.filename}</b>")
        self.status.setText(why)
        self.text.setPlainText("")
        self.copy_text = ""
        self.copy_button.setEnabled(False)
        self.copied.setText("")

    def set_stale(self) -> None:
        """Grey out the text while the inputs have an error (nothing is lost)."""
        self.text.setEnabled(False)
        self.copy_button.setEnabled(False)
        if not self.text.toPlainText():
            self.status.setText("Nothing to show yet: correct the field marked on the left.")

    @Slot()
    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.copy_text)
        self.copied.setText("Copied.")


class DeployView(QWidget):
    """From the laptop to a GPU box and a cluster: files sized from the app's figures."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.stores.bundled
        self._seq = 0
        self.plan: DeployPlan | None = None
        self.checked: tuple[Checked, ...] = ()
        self._marked: list[QWidget] = []
        self._forms: list[QFormLayout] = []
        self._catalogue_gpus: list[Gpu] = self.store.gpus()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        heading = QLabel(
            "<h2 style='margin:0'>Deploy: outgrow one machine</h2>"
            "Laptop (Launch) → <b>one GPU box</b> (docker run or Compose) → <b>a cluster</b> "
            "(Kubernetes, vLLM production-stack). Each file is checked against its published "
            "schema before it is shown or saved."
        )
        heading.setWordWrap(True)
        outer.addWidget(heading)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_form())
        splitter.addWidget(self._build_output())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 800])
        outer.addWidget(splitter, 1)

        ctx.hardware.profile_changed.connect(self._on_profile_changed)
        if ctx.hardware.profile is not None:
            self._apply_profile(ctx.hardware.profile)
        self._update_engine_note()
        self._update_router_note()
        self.regenerate_now()

    # ---------------------------------------------------------------- building
    def _build_form(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(330)
        scroll.setMaximumWidth(460)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 8, 0)

        box = QGroupBox("What to serve, and on what")
        form = QFormLayout(box)
        self._forms.append(form)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.engine = QComboBox()
        for fid in ENGINES:
            label = NAMES[fid] + (" (archived)" if fid in ARCHIVED else "")
            self.engine.addItem(label, fid)
        self.engine.setToolTip("Engines that ship their own server container for a GPU box")
        form.addRow("Engine", self.engine)
        self.engine_note = QLabel()
        self.engine_note.setWordWrap(True)
        form.addRow(self.engine_note)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        archs = {slug(a.model): a.model for a in self.store.model_archs()}
        for key, name in archs.items():
            self.model.addItem(key, name)
        self.model.setCurrentText("llama-3.1-8b")
        self.model.setToolTip(
            "A catalogue model, a Hugging Face id (org/name), or the full path of a local model "
            "folder (.gguf file for llama.cpp)"
        )
        form.addRow("Model", self.model)
        self.gpu_type = QComboBox()
        self.gpu_type.addItem("This machine / the planned one", ACTIVE)
        for g in self._catalogue_gpus:
            if g.vendor in ("NVIDIA", "AMD"):
                self.gpu_type.addItem(g.name, g.name)
        self.gpu_type.setToolTip(
            "The GPU of the box you deploy on; its memory sizes the fit (catalogue figure)"
        )
        form.addRow("GPU type", self.gpu_type)
        self.gpus = QSpinBox()
        self.gpus.setRange(1, 64)
        self.gpus.setToolTip("GPUs on the box; the tensor-parallel size")
        form.addRow("GPUs", self.gpus)
        self.ctx_edit = QLineEdit()
        self.ctx_edit.setPlaceholderText("8192, or the model's maximum")
        form.addRow("Context", self.ctx_edit)
        self.share = QLineEdit("0.90")
        self.share.setToolTip(
            "Share of each GPU's memory the engine may take (vLLM's default 0.90)"
        )
        form.addRow("GPU memory share", self.share)
        self.port = QLineEdit()
        self.port.setPlaceholderText("the engine's usual port")
        form.addRow("Port", self.port)
        self.bind_all = QCheckBox("Reachable from other machines")
        self.bind_all.setToolTip(
            "Off: the port is bound to 127.0.0.1 (only this box). On: every network interface."
        )
        form.addRow(self.bind_all)
        layout.addWidget(box)

        kube = QGroupBox("Kubernetes: replicas from your traffic")
        kform = QFormLayout(kube)
        self._forms.append(kform)
        kform.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.target_rps = QLineEdit()
        self.target_rps.setPlaceholderText("peak requests/s, e.g. 50")
        kform.addRow("Target load", self.target_rps)
        self.replica_gpus = QLineEdit()
        self.replica_gpus.setPlaceholderText("same as GPUs")
        kform.addRow("GPUs per replica", self.replica_gpus)
        self.replica_rps = QLineEdit()
        self.replica_rps.setPlaceholderText("published figure")
        self.replica_rps.setToolTip(
            "Requests/s one replica sustains at your latency target, measured (Benchmark). "
            "Empty: the store's published figure, with its source in the file header."
        )
        kform.addRow("Per-replica req/s", self.replica_rps)
        self.replica_src = QLineEdit()
        self.replica_src.setPlaceholderText("where that figure came from")
        kform.addRow("Measured by", self.replica_src)
        self.router = QComboBox()
        for key in ROUTERS:
            self.router.addItem(key, key)
        kform.addRow("Router", self.router)
        self.router_note = QLabel()
        self.router_note.setWordWrap(True)
        kform.addRow(self.router_note)
        layout.addWidget(kube)

        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("deploy-error")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        scroll.setWidget(body)

        self.fields: dict[str, QWidget] = {
            "framework": self.engine,
            "model": self.model,
            "gpu": self.gpu_type,
            "gpus": self.gpus,
            "ctx": self.ctx_edit,
            "gpu_share": self.share,
            "port": self.port,
            "replica_gpus": self.replica_gpus,
            "target_rps": self.target_rps,
            "replica_rps": self.replica_rps,
            "router": self.router,
        }
        for combo in (self.engine, self.gpu_type, self.router):
            combo.currentIndexChanged.connect(self._on_input_changed)
        self.model.currentTextChanged.connect(self._on_input_changed)
        self.gpus.valueChanged.connect(self._on_input_changed)
        self.bind_all.toggled.connect(self._on_input_changed)
        for edit in (
            self.ctx_edit,
            self.share,
            self.port,
            self.target_rps,
            self.replica_gpus,
            self.replica_rps,
            self.replica_src,
        ):
            edit.textChanged.connect(self._on_input_changed)
        return scroll

    def _build_output(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(8, 0, 0, 0)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.pages: dict[str, FilePage] = {}
        for key, title in TABS:
            page = FilePage(key)
            self.pages[key] = page
            self.tabs.addTab(page, title)
        layout.addWidget(self.tabs, 1)
        row = QHBoxLayout()
        self.save_button = QPushButton("Save files…")
        self.save_button.setToolTip("Write the validated files into a folder you choose")
        self.save_button.clicked.connect(self._on_save_clicked)
        row.addWidget(self.save_button)
        self.save_status = QLabel("")
        self.save_status.setWordWrap(True)
        row.addWidget(self.save_status, 1)
        layout.addLayout(row)
        return panel

    # ---------------------------------------------------------------- inputs
    def selected_gpu(self) -> tuple[Gpu | None, str]:
        """The GPU type used for the fit, and a label for it."""
        name = self.gpu_type.currentData()
        if name:
            return find_gpu(self._catalogue_gpus, name), name
        profile = self.ctx.hardware.profile
        gpus = [g for g in profile.gpus if g.vendor in ("NVIDIA", "AMD")] if profile else []
        if not gpus:
            return None, "no GPU here"
        return find_gpu(self._catalogue_gpus, gpus[0].name), gpus[0].name

    def ask(self) -> DeployAsk:
        """The form as the service's raw inputs."""
        gpu, _ = self.selected_gpu()
        return DeployAsk(
            framework=str(self.engine.currentData()),
            model=self.model.currentText(),
            gpus=self.gpus.value(),
            gpu_name=gpu.name if gpu else "",
            ctx=self.ctx_edit.text(),
            gpu_share=self.share.text(),
            port=self.port.text(),
            bind_all=self.bind_all.isChecked(),
            replica_gpus=self.replica_gpus.text(),
            target_rps=self.target_rps.text(),
            replica_rps=self.replica_rps.text(),
            replica_rps_source=self.replica_src.text(),
            router=str(self.router.currentData()),
        )

    def _apply_profile(self, profile: HardwareProfile) -> None:
        count = len([g for g in profile.gpus if g.vendor in ("NVIDIA", "AMD")])
        if count:
            self.gpus.blockSignals(True)
            self.gpus.setValue(min(count, 64))
            self.gpus.blockSignals(False)

    def _update_engine_note(self) -> None:
        fid = str(self.engine.currentData())
        gpu, label = self.selected_gpu()
        parts: list[str] = []
        if fid in ARCHIVED:
            parts.append(f"⚠ {NAMES[fid]} is {ARCHIVED[fid]}.")
        fw = self.store.framework(fid)
        if gpu is not None and fw is not None:
            result = eligibility_for(planned_gpu_profile(gpu, self.gpus.value()), fw)
            verdict = {
                Status.RUNS: "runs",
                Status.LIMITED: "runs with limits",
                Status.NO: "does not run",
            }[result.status]
            parts.append(f"On {gpu.name}: {verdict} — {result.reasons[0]}.")
            self.engine_note.setToolTip("\n".join(result.sources))
        else:
            parts.append(f"GPU: {label} (not in the catalogue: memory and support unknown).")
            self.engine_note.setToolTip("")
        self.engine_note.setText(" ".join(parts))

    def _update_router_note(self) -> None:
        self.router_note.setText(ROUTERS[str(self.router.currentData())])

    @Slot(object)
    def _on_profile_changed(self, profile: HardwareProfile) -> None:
        self._apply_profile(profile)
        self._on_input_changed()

    @Slot()
    def _on_input_changed(self) -> None:
        self._update_engine_note()
        self._update_router_note()
        self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.regenerate_now()

    # ---------------------------------------------------------------- generating
    def regenerate_now(self) -> None:
        """Build and validate the files in the background for the current inputs."""
        self._timer.stop()
        self._seq += 1
        ask = self.ask()
        store = self.store
        self.ctx.runner.submit(
            lambda: generate(store, ask),
            partial(self._got_files, self._seq),
            partial(self._when_generate_failed, self._seq),
            key="deploy-generate",
        )

    @staticmethod
    def _error_css() -> str:
        return f"color: {theme.current().error_fg}; font-weight: bold;"

    def _clear_field_errors(self) -> None:
        for widget in self._marked:
            theme.set_role(widget, "")
        self._marked = []
        self.error_label.hide()

    def _got_files(self, seq: int, result: tuple[DeployPlan, tuple[Checked, ...]]) -> None:
        if seq != self._seq:
            return  # an older request finished after a newer one started
        self._clear_field_errors()
        plan, checked = result
        self.plan, self.checked = plan, checked
        by_kind = {c.artifact.filename: c for c in checked}
        for key, page in self.pages.items():
            found = by_kind.get(FILENAMES[key])
            if found is not None:
                page.show_checked(found)
            elif key in ("production-stack", "helm", "kserve"):
                why = next((n for n in plan.notes if n.startswith("Kubernetes")), "")
                page.show_missing(why or "Not generated for these inputs.")
        self._set_summary(plan)
        ok = bool(checked) and all(c.ok for c in checked)
        self.save_button.setEnabled(ok)

    def _set_summary(self, plan: DeployPlan) -> None:
        fit = plan.box_fit
        lines = [f"<b>Fit on the box:</b> {fit.text}."]
        if fit.fits is False:
            lines[0] = f"<span style='{self._error_css()}'>⚠</span> " + lines[0]
        if plan.request.framework == "vllm":
            lines.append(f"<b>Kubernetes replicas:</b> {plan.sizing.explanation}.")
        self.summary.setText("<br>".join(lines))
        tips = [
            "Memory per GPU: weights + one full-context KV cache + runtime reserve "
            "(estimate; see the Models view and docs/fit-and-metrics.md)."
        ]
        if plan.sizing.throughput is not None:
            tips.append("Throughput: " + plan.sizing.throughput.describe())
        self.summary.setToolTip("\n".join(tips))

    def _when_generate_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._clear_field_errors()
        if isinstance(exc, DeployInputError):
            name = FIELD_LABELS.get(exc.field, exc.field)
            self.error_label.setText(f"{name}: {exc.message}")
            widget = self.fields.get(exc.field)
            if widget is not None:
                # The row's label turns red; a text box also gets a red border (a style sheet
                # on a spin box or combo box would replace its native arrows). The theme's
                # error role follows light and dark.
                for form in self._forms:
                    row_label = form.labelForField(widget)
                    if row_label is not None:
                        theme.set_role(row_label, "error")
                        self._marked.append(row_label)
                if isinstance(widget, QLineEdit):
                    theme.set_role(widget, "error")
                    self._marked.append(widget)
        else:
            text = (
                str(exc) if isinstance(exc, UserFacingError) else f"{exc.__class__.__name__}: {exc}"
            )
            self.error_label.setText(f"The files could not be generated: {text}")
        self.error_label.setStyleSheet(self._error_css())
        self.error_label.show()
        for page in self.pages.values():
            page.set_stale()
        self.save_button.setEnabled(False)

    # ---------------------------------------------------------------- saving
    @Slot()
    def _on_save_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the deployment files in")
        if folder:
            self.save_to(Path(folder))

    def save_to(self, folder: Path) -> None:
        """Write the validated files into `folder` in the background; report in one sentence."""
        checked = self.checked
        self.save_status.setText("Saving…")
        self.ctx.runner.submit(
            lambda: write_files(checked, folder),
            self._got_saved,
            self._when_save_failed,
            key="deploy-save",
        )

    def _got_saved(self, written: list[Path]) -> None:
        names = ", ".join(p.name for p in written)
        folder = written[0].parent if written else ""
        self.save_status.setStyleSheet("")
        self.save_status.setText(f"Saved {len(written)} files in {folder}: {names}.")

    def _when_save_failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, UserFacingError) else f"Could not save the files: {exc}"
        self.save_status.setStyleSheet(self._error_css())
        self.save_status.setText(text)
