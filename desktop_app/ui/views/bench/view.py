"""Benchmark: measure any engine under concurrent load, keep the runs, overlay and export them.

The load runs on the background runner in its own asyncio loop (services/bench/loadgen.py);
progress comes back by queued signal; Cancel stops it at once and keeps finished steps.
Definitions of every figure: docs/benchmark-metrics.md.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import paths
from desktop_app.domain.bench.config import BenchConfig
from desktop_app.domain.bench.measured import gpu_sentence
from desktop_app.domain.bench.report import csv_text, html_report, json_text
from desktop_app.domain.bench.run import BenchRun, Progress
from desktop_app.domain.bench.sizing import size_from_run
from desktop_app.services.bench.secrets import SecretError, get_key, set_key
from desktop_app.services.bench.session import (
    BenchError,
    TargetOptions,
    normalize_url,
    run_benchmark,
)
from desktop_app.storage.user.bench import BenchStore
from desktop_app.ui import theme
from desktop_app.ui.charts.bench import BenchCharts, Published
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.bench.form import BenchForm, FormError

DOC = "docs/benchmark-metrics.md"


class _Relay(QObject):
    """Carries progress and notes from the load's thread to the GUI thread (queued)."""

    progress = Signal(object)  # Progress
    note = Signal(str)


def _progress_text(p: Progress) -> str:
    if p.phase == "warm-up":
        return "Warming up (these requests are not measured)…"
    unit = "requests/s" if p.mode == "rate" else "concurrent"
    planned = f"/{p.planned}" if p.planned else ""
    ttft = "unknown" if p.ttft_p50_ms is None else f"{p.ttft_p50_ms:,.0f} ms"
    thr = "unknown" if p.output_tok_s is None else f"{p.output_tok_s:,.1f} tok/s"
    return (
        f"Step {p.step + 1} of {p.steps}: {p.value:g} {unit} · {p.done}{planned} requests · "
        f"{p.in_flight} in flight · TTFT p50 {ttft} · {thr} · {p.errors} errors"
    )


def published_figures(ctx: AppContext) -> list[Published]:
    """The guide's published throughput figures at a stated concurrency, with their source."""
    out = []
    for b in ctx.stores.bundled.benchmarks():
        if b.value is None or not b.unit.startswith("tokens/s") or not b.concurrency.isdigit():
            continue
        out.append(
            Published(
                f"{b.framework} · {b.model}",
                f"{b.study} ({b.study_date}), {b.hardware}",
                float(b.concurrency),
                b.value,
            )
        )
    return out


class BenchView(QWidget):
    """Target and load settings, Run/Cancel with live progress, answers, charts, kept runs."""

    run_finished = Signal(object)  # BenchRun (kept)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._cancel: threading.Event | None = None
        self._runs: dict[int, BenchRun] = {}
        self._relay = _Relay()
        self._relay.progress.connect(self._on_relay_progress, Qt.ConnectionType.QueuedConnection)
        self._relay.note.connect(self._on_relay_note, Qt.ConnectionType.QueuedConnection)
        self.published = published_figures(ctx)

        root = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        root.addWidget(split)

        left = QWidget()
        ll = QVBoxLayout(left)
        title = QLabel("<b>Benchmark under load</b>")
        title.setStyleSheet("font-size: 17px;")
        ll.addWidget(title)
        intro = QLabel(
            "Streams requests at rising concurrency (or rate) to an engine started here or any "
            "OpenAI-compatible endpoint, as vLLM bench and GuideLLM do."
        )
        intro.setWordWrap(True)
        ll.addWidget(intro)
        self.form = BenchForm()
        self.form.url_changed.connect(self._on_form_url_changed)
        self._shown: BenchRun | None = None
        for field in (self.form.target_rps, self.form.gpu_price):
            field.edit.editingFinished.connect(self._on_sizing_edited)
        ll.addWidget(self.form)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Run benchmark")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self._on_run_clicked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        ll.addLayout(buttons)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setMinimumWidth(360)
        split.addWidget(scroll)

        right = QWidget()
        rl = QVBoxLayout(right)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(8)
        rl.addWidget(self.progress_bar)
        self.status = QLabel("Choose a target and press Run benchmark.")
        self.status.setObjectName("bench_status")
        self.status.setWordWrap(True)
        rl.addWidget(self.status)
        self.answers = QLabel("")
        self.answers.setObjectName("bench_answers")
        self.answers.setWordWrap(True)
        self.answers.setTextFormat(Qt.TextFormat.RichText)
        self.answers.setToolTip(
            f"How the two answers are found: {DOC}, 'The two headline answers'."
        )
        rl.addWidget(self.answers)
        self.charts = BenchCharts()
        self.tabs = QTabWidget()
        for panel, name in zip(
            self.charts.panels,
            ("Throughput", "Time to first token", "Per user vs total"),
            strict=True,
        ):
            self.tabs.addTab(panel, name)
        rl.addWidget(self.tabs, 3)
        pub_row = QHBoxLayout()
        self.published_box = QCheckBox("Show published figures")
        self.published_box.setChecked(True)
        self.published_box.toggled.connect(self._on_published_toggled)
        pub_row.addWidget(self.published_box)
        self.published_label = QLabel(self._published_text())
        self.published_label.setWordWrap(True)
        theme.set_role(self.published_label, "muted")
        self.published_label.setToolTip(
            "\n".join(
                f"{p.label}: {p.tok_s:,.0f} tok/s at {p.concurrency:g} users — {p.source}"
                for p in self.published
            )
        )
        pub_row.addWidget(self.published_label, 1)
        rl.addLayout(pub_row)
        runs_head = QHBoxLayout()
        runs_label = QLabel("<b>Kept runs</b> (tick to overlay)")
        runs_head.addWidget(runs_label, 1)
        self.export_buttons: dict[str, QPushButton] = {}
        for key, text in (
            ("csv", "CSV…"),
            ("json", "JSON…"),
            ("html", "HTML report…"),
            ("delete", "Delete"),
        ):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, k=key: self._on_export_clicked(k))
            runs_head.addWidget(b)
            self.export_buttons[key] = b
        rl.addLayout(runs_head)
        self.runs_list = QListWidget()
        self.runs_list.setObjectName("bench_runs")
        self.runs_list.itemChanged.connect(self._on_runs_item_changed)
        self.runs_list.currentItemChanged.connect(self._on_runs_current_changed)
        rl.addWidget(self.runs_list, 1)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([400, 900])
        self.charts.show_runs([], self.published)
        self._load_runs()

    def _published_text(self) -> str:
        if not self.published:
            return "No published throughput figure at a stated concurrency in the store."
        studies = sorted({p.source.split(",")[0] for p in self.published})
        return "Grey stars (throughput chart): " + "; ".join(studies)

    @Slot(bool)
    def _on_published_toggled(self, on: bool) -> None:
        self.charts.show_published = on
        self._redraw()

    # ------------------------------------------------------------------ kept runs
    def _load_runs(self) -> None:
        def job() -> list[BenchRun]:
            store = BenchStore(paths.user_store_path())
            try:
                return store.runs()
            finally:
                store.close()

        self.ctx.runner.submit(job, self._on_runs_loaded, self._on_job_failed)

    def _on_runs_loaded(self, runs: list[BenchRun]) -> None:
        self.runs_list.blockSignals(True)
        self.runs_list.clear()
        self._runs = {}
        for i, run in enumerate(runs):
            assert run.id is not None
            self._runs[run.id] = run
            item = QListWidgetItem(self._run_line(run))
            item.setData(Qt.ItemDataRole.UserRole, run.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if i == 0 else Qt.CheckState.Unchecked)
            item.setToolTip(
                f"{run.engine} {run.engine_version} · {run.base_url} · measured here on "
                f"{run.created}" + (" · cancelled" if run.cancelled else "")
            )
            self.runs_list.addItem(item)
        self.runs_list.blockSignals(False)
        if runs:
            self.runs_list.setCurrentRow(0)
        self._redraw()

    @staticmethod
    def _run_line(run: BenchRun) -> str:
        best = max((s.output_throughput or 0.0 for s in run.steps), default=0.0)
        peak = f"{best:,.0f} tok/s max" if best else "no completed step"
        return f"#{run.id} {run.title} — {peak} — {run.created[:16].replace('T', ' ')}"

    def checked_runs(self) -> list[BenchRun]:
        """The runs ticked for the charts and exports, in list order."""
        out = []
        for i in range(self.runs_list.count()):
            item = self.runs_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                run = self._runs.get(int(item.data(Qt.ItemDataRole.UserRole)))
                if run is not None:
                    out.append(run)
        return out

    def _redraw(self) -> None:
        self.charts.show_runs(self.checked_runs(), self.published)

    @Slot(QListWidgetItem)
    def _on_runs_item_changed(self, _item: QListWidgetItem) -> None:
        self._redraw()

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_runs_current_changed(self, item: QListWidgetItem | None, _old: object) -> None:
        if item is None:
            return
        run = self._runs.get(int(item.data(Qt.ItemDataRole.UserRole)))
        if run is not None:
            self._show_answers(run)

    @Slot()
    def _on_sizing_edited(self) -> None:
        if self._shown is not None:
            self._show_answers(self._shown)

    def apply_theme(self) -> None:
        """The answers' muted notes are written in the theme's colour: write them again."""
        if self._shown is not None:
            self._show_answers(self._shown)

    def _show_answers(self, run: BenchRun) -> None:
        self._shown = run
        lines = "".join(f"<li>{escape(s)}</li>" for s in run.answers().sentences(run.slots))
        lines += f"<li>{escape(gpu_sentence(run))}</li>"
        notes = "".join(f"<li style='color:{theme.MUTED_FG}'>{escape(n)}</li>" for n in run.notes)
        sizing = self.form.sizing_inputs()
        if sizing is not None:
            sized = size_from_run(run, sizing[0], price_per_gpu_hour=sizing[1])
            if sized is not None:
                lines += "".join(f"<li>{escape(s)}</li>" for s in sized.sentences())
        self.answers.setText(
            f"<b>{escape(run.title)}</b> <span style='color:{theme.MUTED_FG}'>(measured here, "
            f"{run.created[:10]}; definitions: {DOC})</span><ul>{lines}{notes}</ul>"
        )

    # ------------------------------------------------------------------ running
    def running(self) -> bool:
        """True while a benchmark is in progress."""
        return self._cancel is not None

    @Slot()
    def _on_run_clicked(self) -> None:
        if self.running():
            return
        try:
            opts, cfg = self.form.read()
        except FormError as exc:
            self._say(str(exc), error=True)
            return
        hardware = self.ctx.hardware.profile.to_json() if self.ctx.hardware.profile else None
        cancel = threading.Event()
        self._cancel = cancel
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setValue(0)
        self._say("Starting…")
        relay = self._relay

        def job() -> BenchRun:
            return _run_and_keep(opts, cfg, cancel, relay, hardware)

        self.ctx.runner.submit(job, self._on_run_done, self._on_run_failed)

    @Slot()
    def _on_cancel_clicked(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self._say("Cancelling: closing every connection…")

    def shutdown(self) -> None:
        """The window is closing: stop the load (and any engine it started) now."""
        if self._cancel is not None:
            self._cancel.set()

    def _finish(self) -> None:
        self._cancel = None
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def _on_run_done(self, run: BenchRun) -> None:
        self._finish()
        self.progress_bar.setValue(100)
        kept = len(run.steps)
        if run.cancelled:
            self._say(
                f"Cancelled. The {kept} finished step{'s' if kept != 1 else ''} were kept "
                f"as run #{run.id}."
            )
        else:
            self._say(f"Done: {kept} steps, kept as run #{run.id}.")
        self._show_answers(run)
        self._load_runs()
        self.run_finished.emit(run)
        self.ctx.trials.bench_saved.emit(run)  # Compare shows it as measured

    def _on_run_failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress_bar.setValue(0)
        if isinstance(exc, BenchError):
            self._say(str(exc), error=True)
        else:
            self._say(f"The benchmark stopped: {exc}", error=True)

    def _on_job_failed(self, exc: BaseException) -> None:
        self._say(f"Saved runs could not be read: {exc}", error=True)

    @Slot(object)
    def _on_relay_progress(self, p: Progress) -> None:
        if not self.running():
            return
        self._say(_progress_text(p))
        done = p.done / p.planned if p.planned else 0.5
        self.progress_bar.setValue(int(100 * (p.step + min(1.0, done)) / max(1, p.steps)))

    @Slot(str)
    def _on_relay_note(self, text: str) -> None:
        self.status.setToolTip(text)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        theme.set_role(self.status, "error" if error else "")

    # ------------------------------------------------------------------ keyring
    @Slot(str)
    def _on_form_url_changed(self, base_url: str) -> None:
        if self.form.api_key.text():
            return

        def job() -> str | None:
            try:
                return get_key(base_url)
            except SecretError:
                return None

        self.ctx.runner.submit(job, self._on_key_found)

    def _on_key_found(self, key: str | None) -> None:
        if key and not self.form.api_key.text():
            self.form.api_key.setText(key)
            self.form.api_key.setToolTip("Filled from the system keyring.")

    # ------------------------------------------------------------------ exports
    def _on_export_clicked(self, kind: str) -> None:
        runs = self.checked_runs()
        if not runs:
            self._say("Tick at least one kept run first.", error=True)
            return
        if kind == "delete":
            ids = [r.id for r in runs if r.id is not None]
            self.ctx.runner.submit(
                lambda: _delete(ids), lambda _: self._load_runs(), self._on_job_failed
            )
            return
        suffix = {"csv": ".csv", "json": ".json", "html": ".html"}[kind]
        name, _ = QFileDialog.getSaveFileName(
            self, "Export benchmark", f"benchmark{suffix}", f"*{suffix}"
        )
        if name:
            self.export_to(kind, Path(name))

    def export_to(self, kind: str, path: Path) -> None:
        """Write the ticked runs (with their requests for JSON) in the background."""
        ids = [r.id for r in self.checked_runs() if r.id is not None]
        published = [(p.label, p.source, p.concurrency, p.tok_s) for p in self.published]

        def job() -> Path:
            return _export(kind, path, ids, published)

        self.ctx.runner.submit(job, lambda p: self._say(f"Wrote {p}."), self._on_export_failed)

    def _on_export_failed(self, exc: BaseException) -> None:
        self._say(f"The export could not be written: {exc}", error=True)


def _run_and_keep(
    opts: TargetOptions,
    cfg: BenchConfig,
    cancel: threading.Event,
    relay: _Relay,
    hardware: dict[str, Any] | None,
) -> BenchRun:
    """The background job: save the key, run the benchmark, keep the run."""
    if opts.kind == "url" and opts.api_key:
        try:
            set_key(normalize_url(opts.url or ""), opts.api_key)
        except (SecretError, BenchError) as exc:
            relay.note.emit(str(exc))
    run = run_benchmark(opts, cfg, cancel, relay.progress.emit, relay.note.emit, hardware)
    store = BenchStore(paths.user_store_path())
    try:
        kept = store.add(run)
    finally:
        store.close()
    return replace(run, id=kept.id)


def _delete(ids: list[int]) -> None:
    store = BenchStore(paths.user_store_path())
    try:
        for run_id in ids:
            store.delete(run_id)
    finally:
        store.close()


def _export(
    kind: str, path: Path, ids: list[int], published: list[tuple[str, str, float, float]]
) -> Path:
    store = BenchStore(paths.user_store_path())
    try:
        runs = [r for i in ids if (r := store.get(i, with_records=kind == "json")) is not None]
    finally:
        store.close()
    if kind == "csv":
        text = csv_text(runs)
    elif kind == "json":
        text = json_text(runs)
    else:
        text = html_report(runs, published, time.strftime("%Y-%m-%d %H:%M"))
    path.write_text(text, "utf-8")
    return path
