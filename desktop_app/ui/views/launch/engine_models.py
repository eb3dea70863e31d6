"""The Launch view's model picker: GGUF files (or the starter models while there are none),
and Ollama's models."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import paths
from desktop_app.domain.units import format_bytes
from desktop_app.services import gguf
from desktop_app.services.engines import ollama
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.launch.starters import StarterPanel

FIT_TIP = (
    "Fit verdict for the active hardware profile, from the Models view's estimate; "
    "'unknown' until that estimate is available."
)


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    return item


class ModelsPanel(QWidget):
    """Two tabs: llama.cpp GGUF files (or starter models to download), Ollama models (pull)."""

    selection_changed = Signal()  # the GGUF or Ollama model picked changed (or the list did)

    def __init__(self, ctx: AppContext, relay: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._relay: Any = relay
        self.ggufs: list[gguf.GgufModel] = []
        self.ollama_models: list[ollama.OllamaModel] = []
        self.running_ollama: ollama.RunningOllama | None = None
        self._pull_cancel = threading.Event()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._gguf_tab(), "llama.cpp: GGUF files")
        self.tabs.addTab(self._ollama_tab(), "Ollama models")
        layout.addWidget(self.tabs)
        relay.progress.connect(self._on_pull_progress)
        self.rescan()

    # GGUF ---------------------------------------------------------------------------
    def _gguf_tab(self) -> QWidget:
        self.gguf_stack = QStackedWidget()
        self.starters = StarterPanel(self.ctx)
        self.starters.add_folder_requested.connect(self._on_add_folder_clicked)
        self.gguf_stack.addWidget(self.starters)
        tab = QWidget()
        self.gguf_stack.addWidget(tab)
        lay = QVBoxLayout(tab)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.folder_list = QListWidget()
        self.folder_list.setMaximumHeight(60)
        add = QPushButton("Add folder…")
        add.clicked.connect(self._on_add_folder_clicked)
        remove = QPushButton("Remove folder")
        remove.clicked.connect(self._on_remove_folder_clicked)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        row.addWidget(self.folder_list, 1)
        row.addLayout(buttons)
        lay.addLayout(row)
        self.gguf_table = QTableWidget(0, 4)
        self.gguf_table.setHorizontalHeaderLabels(["Model file", "Size", "Quantization", "Fit"])
        self.gguf_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.gguf_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.gguf_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.gguf_table.horizontalHeader().setStretchLastSection(True)
        self.gguf_table.verticalHeader().hide()
        self.gguf_table.itemSelectionChanged.connect(self.selection_changed)
        lay.addWidget(self.gguf_table)
        note_row = QHBoxLayout()
        self.gguf_note = QLabel("Add a folder that holds .gguf model files.")
        theme.set_role(self.gguf_note, "muted")
        self.gguf_note.setWordWrap(True)
        more = QPushButton("Starter models…")
        more.setToolTip("Download one of the curated small models.")
        more.clicked.connect(self.show_starters)
        note_row.addWidget(self.gguf_note, 1)
        note_row.addWidget(more)
        lay.addLayout(note_row)
        return self.gguf_stack

    @Slot()
    def show_starters(self) -> None:
        """Show the starter models in the GGUF tab."""
        self.tabs.setCurrentIndex(0)
        self.gguf_stack.setCurrentWidget(self.starters)
        self.selection_changed.emit()

    def show_files(self) -> None:
        """Show the GGUF files found in the folders."""
        self.gguf_stack.setCurrentIndex(1)
        self.selection_changed.emit()

    def select_path(self, path: Path) -> bool:
        """Select the GGUF file at `path` in the files list; False when it is not listed."""
        for r, g in enumerate(self.ggufs):
            if g.path.resolve() == path.resolve():
                self.show_files()
                self.gguf_table.selectRow(r)
                return True
        return False

    @Slot()
    def _on_add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder with GGUF models")
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        """Remember a GGUF folder and rescan."""
        store = self.ctx.stores.user
        self.ctx.runner.submit(lambda: gguf.add_folder(store, folder),
                               lambda _r: self.rescan())  # fmt: skip

    @Slot()
    def _on_remove_folder_clicked(self) -> None:
        selected = self.folder_list.selectedItems()
        if not selected:
            return
        store, folder = self.ctx.stores.user, selected[0].text()
        self.ctx.runner.submit(lambda: gguf.remove_folder(store, folder),
                               lambda _r: self.rescan())  # fmt: skip

    def rescan(self) -> None:
        """Read the folders' GGUF headers in the background."""
        store, profile = self.ctx.stores.user, self.ctx.hardware.profile

        def job() -> tuple[list[str], list[gguf.GgufModel]]:
            # The models folder, where downloads land, is always looked at.
            downloads = str(paths.models_dir())
            folders = gguf.folders(store)
            return folders, gguf.scan([downloads, *folders], profile)

        self.ctx.runner.submit(job, self._on_scan_done, self._on_scan_failed)

    def _on_scan_failed(self, exc: BaseException) -> None:
        self.gguf_note.setText(f"The model folders could not be read: {exc}")

    def _on_scan_done(self, result: tuple[list[str], list[gguf.GgufModel]]) -> None:
        folders, self.ggufs = result
        self.folder_list.clear()
        self.folder_list.addItems(folders)
        self.gguf_table.setRowCount(len(self.ggufs))
        for r, g in enumerate(self.ggufs):
            where = f"{g.path} (read from its GGUF header)"
            self.gguf_table.setItem(r, 0, _item(g.path.name, str(g.path)))
            self.gguf_table.setItem(
                r, 1, _item(format_bytes(g.size_bytes), f"{g.size_bytes:,} bytes")
            )
            quant = g.quantization or ("not GGUF" if g.problem else "unknown")
            self.gguf_table.setItem(r, 2, _item(quant, g.problem or where))
            self.gguf_table.setItem(r, 3, _item(g.fit, FIT_TIP))
        self.gguf_table.resizeColumnsToContents()
        if self.ggufs and not self.gguf_table.selectedItems():
            self.gguf_table.selectRow(0)
        if folders and not self.ggufs:
            self.gguf_note.setText("No .gguf files in these folders.")
        elif self.ggufs:
            self.gguf_note.setText(f"{len(self.ggufs)} model file(s). Pick one, then Start.")
        # No files yet: the tab offers the starter models instead of an empty list.
        if (
            self.ggufs
            and self.gguf_stack.currentWidget() is self.starters
            and (self.starters.downloading is None)
        ):
            self.gguf_stack.setCurrentIndex(1)
        elif not self.ggufs:
            self.gguf_stack.setCurrentWidget(self.starters)
        self.selection_changed.emit()

    def selected_gguf(self) -> gguf.GgufModel | None:
        """The GGUF row the user picked (None while the starter models are shown)."""
        if self.gguf_stack.currentWidget() is self.starters:
            return None
        rows = {i.row() for i in self.gguf_table.selectedItems()}
        if not rows:
            return None
        return self.ggufs[min(rows)]

    # Ollama -------------------------------------------------------------------------
    def _ollama_tab(self) -> QWidget:
        tab = QWidget()
        lay = QVBoxLayout(tab)
        self.ollama_status = QLabel("Looking for a running Ollama…")
        self.ollama_status.setWordWrap(True)
        lay.addWidget(self.ollama_status)
        self.ollama_table = QTableWidget(0, 4)
        self.ollama_table.setHorizontalHeaderLabels(["Model", "Size", "Parameters", "Quant"])
        self.ollama_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ollama_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ollama_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ollama_table.horizontalHeader().setStretchLastSection(True)
        self.ollama_table.verticalHeader().hide()
        self.ollama_table.itemSelectionChanged.connect(self.selection_changed)
        lay.addWidget(self.ollama_table)
        row = QHBoxLayout()
        self.pull_name = QLineEdit()
        self.pull_name.setPlaceholderText("model to pull, e.g. llama3.2")
        self.pull_button = QPushButton("Pull")
        self.pull_button.clicked.connect(self._on_pull_clicked)
        self.pull_cancel = QPushButton("Cancel")
        self.pull_cancel.setEnabled(False)
        self.pull_cancel.clicked.connect(self.cancel_pull)
        row.addWidget(self.pull_name, 1)
        row.addWidget(self.pull_button)
        row.addWidget(self.pull_cancel)
        lay.addLayout(row)
        self.pull_bar = QProgressBar()
        self.pull_bar.setRange(0, 1000)
        self.pull_bar.setValue(0)
        self.pull_bar.hide()  # only while a pull runs: never an idle 0%
        self.pull_message = QLabel()
        self.pull_message.setWordWrap(True)
        lay.addWidget(self.pull_bar)
        lay.addWidget(self.pull_message)
        return tab

    def set_running_ollama(self, running: ollama.RunningOllama | None, ours: bool = False) -> None:
        """Show whether Ollama answers, and list its models."""
        self.running_ollama = running
        if running is None:
            self.ollama_status.setText(
                "No Ollama is running. Start runs “ollama serve” (if Ollama is installed) and "
                "stops it again later; then its models appear here."
            )
            self.ollama_models = []
            self.ollama_table.setRowCount(0)
            self.pull_button.setEnabled(False)
            self.pull_button.setToolTip("Pull needs a running Ollama: click Start first.")
            self.pull_message.setText("Pull needs a running Ollama: click Start first.")
            self.selection_changed.emit()
            return
        who = "started by the app" if ours else "already running: used as it is, never stopped"
        self.ollama_status.setText(f"Ollama {running.version} at {running.base_url} ({who}).")
        self.pull_button.setEnabled(True)
        self.pull_button.setToolTip("Download a model into Ollama from its library.")
        if self.pull_message.text().startswith("Pull needs"):
            self.pull_message.clear()
        self.refresh_ollama_models()

    def refresh_ollama_models(self) -> None:
        """Reload /api/tags in the background."""
        if self.running_ollama is None:
            return
        url = self.running_ollama.base_url
        self.ctx.runner.submit(lambda: ollama.list_models(url), self._got_tags,
                               self._when_pull_failed)  # fmt: skip

    def _got_tags(self, models: list[ollama.OllamaModel]) -> None:
        self.ollama_models = models
        self.ollama_table.setRowCount(len(models))
        src = f"Reported by Ollama at {self.running_ollama.base_url if self.running_ollama else ''}"
        for r, m in enumerate(models):
            self.ollama_table.setItem(r, 0, _item(m.name, src))
            self.ollama_table.setItem(r, 1, _item(format_bytes(m.size_bytes), src))
            self.ollama_table.setItem(r, 2, _item(m.parameter_size or "unknown", src))
            self.ollama_table.setItem(r, 3, _item(m.quantization or "unknown", src))
        self.ollama_table.resizeColumnsToContents()
        if models and not self.ollama_table.selectedItems():
            self.ollama_table.selectRow(0)
        self.selection_changed.emit()

    def selected_ollama_model(self) -> str:
        """The Ollama model picked (empty when none)."""
        rows = {i.row() for i in self.ollama_table.selectedItems()}
        return self.ollama_models[min(rows)].name if rows else ""

    def ollama_quantization(self, name: str) -> str | None:
        """The quantization Ollama reports for `name`."""
        return next((m.quantization for m in self.ollama_models if m.name == name), None)

    @Slot()
    def _on_pull_clicked(self) -> None:
        name = self.pull_name.text().strip()
        if not name:
            self.pull_message.setText("Type the name of a model to pull, e.g. llama3.2.")
            return
        if self.running_ollama is None:
            self.pull_message.setText("Start Ollama first.")
            return
        self.pull(name)

    def pull(self, name: str) -> None:
        """Pull `name` with a progress bar; Cancel stops it."""
        assert self.running_ollama is not None
        url = self.running_ollama.base_url
        self._pull_cancel = cancel = threading.Event()
        emit = self._relay.progress.emit
        self.pull_bar.setValue(0)
        self.pull_bar.show()
        self.pull_message.setText(f"Pulling {name}…")
        self.pull_button.setEnabled(False)
        self.pull_cancel.setEnabled(True)
        self.ctx.runner.submit(
            lambda: ollama.pull(url, name, cancel=cancel, on_progress=emit),
            lambda done: self._got_pull(name, done),
            self._when_pull_failed,
        )

    @Slot()
    def cancel_pull(self) -> None:
        """Stop the pull in progress."""
        self._pull_cancel.set()

    @Slot(object)
    def _on_pull_progress(self, progress: ollama.PullProgress) -> None:
        if progress.fraction is not None:
            self.pull_bar.setValue(int(progress.fraction * 1000))
            self.pull_message.setText(
                f"{progress.status}: {format_bytes(progress.completed)} of "
                f"{format_bytes(progress.total)}"
            )
        else:
            self.pull_message.setText(progress.status)

    def _got_pull(self, name: str, done: bool) -> None:
        self.pull_button.setEnabled(self.running_ollama is not None)
        self.pull_cancel.setEnabled(False)
        self.pull_bar.hide()
        if done:
            self.pull_bar.setValue(1000)
            self.pull_message.setText(f"{name} is ready.")
        else:
            self.pull_message.setText(f"Pull of {name} cancelled.")
        self.refresh_ollama_models()

    def _when_pull_failed(self, exc: BaseException) -> None:
        self.pull_bar.hide()
        self.pull_button.setEnabled(self.running_ollama is not None)
        self.pull_cancel.setEnabled(False)
        self.pull_message.setText(str(exc))
        theme.set_role(self.pull_message, "error")
