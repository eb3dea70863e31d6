"""The starter models: a curated list with the fit verdict here, and "Download & run".

Downloads run on the runner (services/download/hub); progress comes back through a relay
signal. Nothing is downloaded without a click; Pause keeps the partial file for a resume,
Cancel removes it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import paths
from desktop_app.domain.download.starter import Progress, StarterModel
from desktop_app.domain.fit.archs import slug
from desktop_app.domain.units import format_byte_rate, format_bytes, format_time_left
from desktop_app.services.download import hub
from desktop_app.services.download.catalogue import StarterRow, starter_rows
from desktop_app.services.download.token import get_token
from desktop_app.storage.user.settings import MODEL_MIRROR
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext

COLUMNS = ("Model", "Size", "Runs here", "Suits", "Licence", "On disk")


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    return item


def progress_text(p: Progress) -> str:
    """ "42% · 100.0 MiB of 241.2 MiB · 12.3 MiB/s · 11 s left" (unknowns say so)."""
    if p.checking:
        return f"Checking the SHA-256 of {format_bytes(p.done)}…"
    share = f"{p.fraction * 100:.0f}% · " if p.fraction is not None else ""
    return (
        f"{share}{format_bytes(p.done)} of {format_bytes(p.total)} · "
        f"{format_byte_rate(p.bytes_per_s)} · {format_time_left(p.seconds_left)} left"
    )


class _Relay(QObject):
    progress = Signal(object)  # Progress, from the download job


class StarterPanel(QWidget):
    """Starter models with Download & run, progress, Pause and Cancel."""

    run_requested = Signal(object)  # Path of a checked file the user wants to start
    add_folder_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[StarterRow] = []
        self.downloading: StarterModel | None = None
        self._cancel = threading.Event()
        self._discard = threading.Event()
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_download_progress)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        intro = QLabel("No model yet? Pick one and click Download & run.")
        intro.setToolTip(
            "The app downloads it into its models folder, checks its size and SHA-256, "
            "and starts it."
        )
        lay.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.table.setMinimumHeight(125)
        lay.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Download && run")
        self.run_button.setStyleSheet("font-weight: bold; padding: 4px 12px;")
        self.run_button.clicked.connect(self._on_run_clicked)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Stop for now; the part already here is kept for later.")
        self.pause_button.clicked.connect(self.pause)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop and remove the part already downloaded.")
        self.cancel_button.clicked.connect(self.cancel)
        self.page_button = QPushButton("Model page")
        self.page_button.setToolTip("Open the model's page on Hugging Face in the browser.")
        self.page_button.clicked.connect(self._on_page_clicked)
        self.licence_button = QPushButton("Licence")
        self.licence_button.clicked.connect(self._on_licence_clicked)
        folder = QPushButton("Use my own folder…")
        folder.setToolTip("Add a folder that already holds .gguf files.")
        folder.clicked.connect(self.add_folder_requested)
        for b in (self.run_button, self.pause_button, self.cancel_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        links = QHBoxLayout()
        for b in (self.page_button, self.licence_button, folder):
            links.addWidget(b)
        links.addStretch(1)
        lay.addLayout(links)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.hide()  # only while a download runs: never an idle 0%
        lay.addWidget(self.bar)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.message)
        source = QHBoxLayout()
        source.addWidget(QLabel("Download from"))
        self.mirror_edit = QLineEdit()
        self.mirror_edit.setPlaceholderText(f"Hugging Face ({hub.HUGGING_FACE})")
        self.mirror_edit.setToolTip(
            "Empty: Hugging Face. Or the address of a mirror that speaks the Hugging Face "
            f"download protocol (a workshop's or a company's). {hub.MIRROR_ENV} overrides it."
        )
        self.mirror_edit.editingFinished.connect(self._on_mirror_edited)
        source.addWidget(self.mirror_edit, 1)
        lay.addLayout(source)
        self.mirror_error = QLabel()
        theme.set_role(self.mirror_error, "error")
        self.mirror_error.setWordWrap(True)
        self.mirror_error.hide()
        lay.addWidget(self.mirror_error)
        self._set_busy(False)
        self.refresh()

    # catalogue ----------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the catalogue with this machine's fit verdicts and what is on disk."""
        bundled, user = self.ctx.stores.bundled, self.ctx.stores.user
        profile = self.ctx.hardware.profile

        def job() -> tuple[list[StarterRow], str]:
            return starter_rows(bundled, profile, paths.models_dir()), user.get_setting(
                MODEL_MIRROR
            )

        self.ctx.runner.submit(job, self._got_rows, self._when_failed)

    def _got_rows(self, result: tuple[list[StarterRow], str]) -> None:
        selected = self.selected()
        self.rows, mirror = result
        env = os.environ.get(hub.MIRROR_ENV, "")
        if env:
            self.mirror_edit.setText(env)
            self.mirror_edit.setEnabled(False)
            self.mirror_edit.setToolTip(f"Set by {hub.MIRROR_ENV} for this session.")
        elif not self.mirror_edit.hasFocus():
            self.mirror_edit.setText(mirror)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            m, prov = row.model, row.model.provenance
            where = f"{prov.source} ({prov.source_type}, {prov.retrieved})"
            size_tip = (
                f"{m.size_bytes:,} bytes; {where}" if m.size_bytes else
                "Not in the catalogue: the download source says it before anything is fetched."
            )  # fmt: skip
            hash_tip = (
                f"SHA-256 {m.sha256} is checked after the download."
                if m.has_hash
                else "No published SHA-256 was found: only the size is checked."
            )
            self.table.setItem(r, 0, _item(m.name, f"{m.repo}/{m.filename}\n{hash_tip}"))
            self.table.setItem(r, 1, _item(format_bytes(m.size_bytes), size_tip))
            self.table.setItem(r, 2, _item(row.fit, "The Models view's estimate for this machine."))
            self.table.setItem(r, 3, _item(m.suits, m.note))
            self.table.setItem(r, 4, _item(m.licence, m.licence_url))
            disk = "downloaded" if row.local else "—"
            self.table.setItem(r, 5, _item(disk, str(row.local or paths.models_dir())))
        self.table.resizeColumnsToContents()
        ids = [row.model.id for row in self.rows]
        if selected is not None and selected.id in ids:
            self.table.selectRow(ids.index(selected.id))
        elif self.rows and not self.table.selectedItems():
            fitting = next((i for i, row in enumerate(self.rows) if row.fits), 0)
            self.table.selectRow(fitting)
        self._on_table_selection_changed()

    def selected(self) -> StarterModel | None:
        """The starter model picked in the table."""
        rows = {i.row() for i in self.table.selectedItems()}
        return self.rows[min(rows)].model if rows and min(rows) < len(self.rows) else None

    def select(self, model_id: str) -> bool:
        """Select a starter model by id; False when there is none."""
        for i, row in enumerate(self.rows):
            if row.model.id == model_id:
                self.table.selectRow(i)
                return True
        return False

    def select_arch(self, arch_model: str) -> bool:
        """Select the starter model of a catalogue architecture (the Models view's row), by
        name or by its `infernav fit --model` id."""
        for i, row in enumerate(self.rows):
            if row.model.arch_model and arch_model in (
                row.model.arch_model,
                slug(row.model.arch_model),
            ):
                self.table.selectRow(i)
                return True
        return False

    def _row(self, model: StarterModel) -> StarterRow | None:
        return next((r for r in self.rows if r.model.id == model.id), None)

    @Slot()
    def _on_table_selection_changed(self) -> None:
        model = self.selected()
        row = self._row(model) if model else None
        self.run_button.setText("Run" if row and row.local else "Download && run")
        self.page_button.setEnabled(model is not None)
        self.licence_button.setEnabled(model is not None)
        if self.downloading is None:
            self.run_button.setEnabled(model is not None)

    # download -----------------------------------------------------------------------
    def _endpoint(self) -> str:
        return hub.choose_endpoint(None, self.mirror_edit.text())

    @Slot()
    def _on_mirror_edited(self) -> None:
        text = self.mirror_edit.text().strip()
        try:
            value = hub.check_endpoint(text) if text else ""
        except hub.DownloadError as exc:
            self.mirror_error.setText(str(exc))  # the text stays for the user to fix
            self.mirror_error.show()
            return
        self.mirror_error.hide()
        user = self.ctx.stores.user
        self.ctx.runner.submit(lambda: user.set_setting(MODEL_MIRROR, value), lambda _r: None,
                               self._when_failed, key="download.mirror")  # fmt: skip

    @Slot()
    def _on_run_clicked(self) -> None:
        model = self.selected()
        if model is not None:
            self.download_and_run(model)

    def download_and_run(self, model: StarterModel) -> None:
        """Download `model` (unless it is here and whole), check it, then ask to run it."""
        if self.downloading is not None:
            self.message.setText(f"{self.downloading.name} is downloading; wait or pause it.")
            return
        try:
            endpoint = self._endpoint()
        except hub.DownloadError as exc:
            self.mirror_error.setText(str(exc))
            self.mirror_error.show()
            return
        self.downloading = model
        self._cancel, self._discard = cancel, discard = threading.Event(), threading.Event()
        emit = self._relay.progress.emit
        dest = paths.models_dir()
        theme.set_role(self.message, "")
        self.message.setText(f"Asking {endpoint} for {model.filename}…")
        self.bar.setValue(0)
        self.bar.show()
        self._set_busy(True)

        def job() -> hub.Downloaded:
            return hub.download(model, dest, endpoint=endpoint, token=get_token(endpoint),
                                cancel=cancel, discard=discard, on_progress=emit)  # fmt: skip

        self.ctx.runner.submit(job, self._got_download, self._when_download_failed)

    @Slot()
    def pause(self) -> None:
        """Stop the download and keep what arrived."""
        self._cancel.set()

    @Slot()
    def cancel(self) -> None:
        """Stop the download and remove what arrived."""
        self._discard.set()
        self._cancel.set()

    @Slot(object)
    def _on_download_progress(self, progress: Progress) -> None:
        if self.downloading is None:
            return
        if progress.fraction is not None:
            self.bar.setValue(int(progress.fraction * 1000))
        else:
            self.bar.setRange(0, 0)  # busy: the size is not known
        self.message.setText(f"{self.downloading.name}: {progress_text(progress)}")

    def _got_download(self, got: hub.Downloaded) -> None:
        name = self.downloading.name if self.downloading else got.path.name
        self._finish()
        self.message.setText(
            f"{name} is here ({format_bytes(got.size)}, {got.checked} checked): {got.path}"
        )
        self.refresh()
        self.run_requested.emit(got.path)

    def _when_download_failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, hub.DownloadStopped):
            theme.set_role(self.message, "muted")
        else:
            theme.set_role(self.message, "error")
        self.message.setText(str(exc))
        self.refresh()

    def _finish(self) -> None:
        self.downloading = None
        self.bar.setRange(0, 1000)
        self.bar.hide()
        self._set_busy(False)
        self._on_table_selection_changed()

    def _set_busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy and self.selected() is not None)
        self.pause_button.setEnabled(busy)
        self.cancel_button.setEnabled(busy)
        self.pause_button.setVisible(busy)
        self.cancel_button.setVisible(busy)

    # pages --------------------------------------------------------------------------
    @Slot()
    def _on_page_clicked(self) -> None:
        model = self.selected()
        if model is not None:
            QDesktopServices.openUrl(QUrl(model.page_url))

    @Slot()
    def _on_licence_clicked(self) -> None:
        model = self.selected()
        if model is not None and model.licence_url:
            QDesktopServices.openUrl(QUrl(model.licence_url))

    def _when_failed(self, exc: BaseException) -> None:
        theme.set_role(self.message, "error")
        self.message.setText(str(exc))

    def shutdown(self) -> None:
        """Pause a running download (its part is kept for the next start)."""
        self._cancel.set()

    def downloaded_path(self, model: StarterModel) -> Path | None:
        """Where a downloaded starter model is (None when it is not here)."""
        row = self._row(model)
        return row.local if row else None
