"""The Launch view's conversation (its main area) and, beside it, the per-answer metrics,
code snippets and trial history (`ChatPanel.side`, placed by the view)."""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.sources.figures import Figure
from desktop_app.domain.trial.metrics import TrialMetrics
from desktop_app.domain.trial.record import Trial
from desktop_app.domain.units import format_count, format_duration, format_ms, format_speed
from desktop_app.services.engines import snippets
from desktop_app.ui import theme
from desktop_app.ui.widgets.figure_label import FigureLabel

# How these are measured: docs/fit-and-metrics.md part B3.
DEFINITIONS = (
    "Measured by the app on a monotonic clock, from sending the request; "
    "the token count comes from the engine."
)
ROWS = (  # short labels: they share a narrow column with two columns of figures
    ("First token", "ttft"),
    ("Decode speed", "decode"),
    ("Prompt speed", "prompt"),
    ("Total time", "total"),
    ("Output tokens", "tokens"),
)


def _metric_cells(m: TrialMetrics) -> dict[str, tuple[str, str]]:
    s = m.server
    return {
        "ttft": (
            format_duration(m.ttft_ms),
            format_duration(s.prompt_ms if s else None),
        ),
        "decode": (
            format_speed(m.decode_tokens_per_s, compact=True),
            format_speed(s.decode_tokens_per_s if s else None, compact=True),
        ),
        "prompt": (
            format_speed(m.prompt_tokens_per_s, compact=True),
            format_speed(s.prompt_tokens_per_s if s else None, compact=True),
        ),
        "total": (
            format_duration(m.e2e_ms),
            format_duration(s.total_ms if s else None),
        ),
        "tokens": (
            format_count(m.output_tokens),
            format_count(s.output_tokens if s else None),
        ),
    }


CLIENT_TIPS = {
    "ttft": "From sending the request to the first non-empty piece of text.",
    "decode": "(N − 1) ÷ (total − first token), N = the engine's own token count.",
    "prompt": "Prompt tokens the engine evaluated ÷ time to first token.",
    "total": "From sending the request to the last piece of text.",
    "tokens": "The engine's own count (counted from stream events only if it gave none).",
}
SERVER_TIPS = {
    "ttft": "llama-server timings.prompt_ms / Ollama prompt_eval_duration (prefill only).",
    "decode": "llama-server predicted_per_second / Ollama eval_count ÷ eval_duration; "
    "counts N tokens over N − 1 intervals, so it reads high by N/(N − 1).",
    "prompt": "llama-server prompt_per_second / Ollama prompt_eval_count ÷ duration.",
    "total": "llama-server prompt_ms + predicted_ms / Ollama total_duration (includes load).",
    "tokens": "llama-server predicted_n / Ollama eval_count.",
}


class ChatPanel(QWidget):
    """Type a prompt, watch tokens stream in, stop, and see the measured figures."""

    send_requested = Signal(str, int)  # prompt, max tokens
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.side = QWidget()  # metrics, code and history: the view puts it beside the chat
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        chat_box = QGroupBox("Chat")
        chat = QVBoxLayout(chat_box)
        self.transcript = QPlainTextEdit()
        self.transcript.setReadOnly(True)
        self.transcript.setPlaceholderText(
            "Pick a model on the left (or download a starter model), click Start, then ask "
            "it something here."
        )
        self.transcript.setMinimumHeight(140)
        chat.addWidget(self.transcript, 1)
        row = QHBoxLayout()
        self.prompt = QLineEdit()
        self.prompt.setPlaceholderText("Type a prompt and press Enter")
        self.prompt.returnPressed.connect(self._on_send_clicked)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 8192)
        self.max_tokens.setValue(128)
        self.max_tokens.setPrefix("max ")
        self.max_tokens.setSuffix(" tokens")
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self._on_send_clicked)
        self.stop_button = QPushButton("Stop answer")
        self.stop_button.clicked.connect(self._on_stop_clicked)
        chat.addWidget(self.prompt)
        row.addWidget(self.max_tokens)
        row.addStretch(1)
        row.addWidget(self.send_button)
        row.addWidget(self.stop_button)
        chat.addLayout(row)
        self.chat_error = QLabel()
        self.chat_error.setWordWrap(True)
        theme.set_role(self.chat_error, "error")
        chat.addWidget(self.chat_error)
        layout.addWidget(chat_box, 1)

        metrics_box = QGroupBox("This answer")  # a long title would set the column's width
        mlay = QVBoxLayout(metrics_box)
        subtitle = QLabel("Measured here, and as the engine says.")
        subtitle.setWordWrap(True)
        mlay.addWidget(subtitle)
        self.metrics = QTableWidget(len(ROWS), 2)
        self.metrics.setHorizontalHeaderLabels(["Here", "Engine"])  # short: a narrow column
        for col, tip in enumerate(("Measured by this app.", "As the engine reports it.")):
            header_item = self.metrics.horizontalHeaderItem(col)
            assert header_item is not None
            header_item.setToolTip(tip)
        self.metrics.setVerticalHeaderLabels([label for label, _ in ROWS])
        self.metrics.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.metrics.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.metrics.setMinimumHeight(190)
        # Wide enough for both headers whole: the row labels, then two columns of "Engine".
        header = self.metrics.horizontalHeader()
        column = header.fontMetrics().horizontalAdvance("Engine") + 16
        self.metrics.setMinimumWidth(
            self.metrics.verticalHeader().sizeHint().width() + 2 * column
            + 2 * self.metrics.frameWidth() + 4
        )  # fmt: skip
        self._cells: dict[tuple[int, int], QTableWidgetItem] = {}
        for r, (_, key) in enumerate(ROWS):
            for c in range(2):
                item = QTableWidgetItem("—")
                item.setToolTip(CLIENT_TIPS[key] if c == 0 else SERVER_TIPS[key])
                self.metrics.setItem(r, c, item)
                self._cells[(r, c)] = item
        mlay.addWidget(self.metrics)
        self.metrics_note = QLabel(DEFINITIONS)
        self.metrics_note.setWordWrap(True)
        theme.set_role(self.metrics_note, "muted")
        mlay.addWidget(self.metrics_note)
        # The title above its value, both wrapped: side by side, "Published throughput for
        # llama.cpp:" left the value a sliver and pushed the column past a laptop's width.
        published = QVBoxLayout()
        published.setSpacing(0)
        self.published_title = QLabel("Published throughput:")
        self.published_title.setWordWrap(True)
        self.published = FigureLabel(None)
        self.published.setWordWrap(True)
        published.addWidget(self.published_title)
        published.addWidget(self.published)
        mlay.addLayout(published)
        side.addWidget(metrics_box)

        code_box = QGroupBox("Use it from your code")
        grid = QGridLayout(code_box)
        self.endpoint = QLineEdit()
        self.endpoint.setReadOnly(True)
        self.endpoint.setPlaceholderText("the endpoint appears when an engine is ready")
        self.curl = QPlainTextEdit()
        self.curl.setReadOnly(True)
        self.curl.setMaximumHeight(70)
        self.python = QPlainTextEdit()
        self.python.setReadOnly(True)
        self.python.setMaximumHeight(110)
        self.copy_buttons: dict[str, QPushButton] = {}
        for row_i, (label, widget, key) in enumerate(
            (
                ("Endpoint", self.endpoint, "endpoint"),
                ("curl", self.curl, "curl"),
                ("Python", self.python, "python"),
            )
        ):
            grid.addWidget(QLabel(label), row_i, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(widget, row_i, 1)
            button = QPushButton("Copy")
            button.clicked.connect(lambda _=False, k=key: self._on_copy_clicked(k))
            self.copy_buttons[key] = button
            grid.addWidget(button, row_i, 2, Qt.AlignmentFlag.AlignTop)
        side.addWidget(code_box)

        history_box = QGroupBox("Trial history")
        hlay = QVBoxLayout(history_box)
        saved = QLabel("Saved on this machine.")
        saved.setWordWrap(True)
        hlay.addWidget(saved)
        self.history = QTableWidget(0, 6)
        self.history.setHorizontalHeaderLabels(
            ["When", "Engine", "Model", "Quant", "First token", "Decode"]
        )
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the model name
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.verticalHeader().hide()
        self.history.setMinimumHeight(120)
        hlay.addWidget(self.history)
        side.addWidget(history_box, 1)
        self.set_ready(False)

    # state --------------------------------------------------------------------------
    def set_ready(self, ready: bool, generating: bool = False) -> None:
        """Enable what makes sense: sending needs a ready engine, stopping an answer."""
        self.send_button.setEnabled(ready and not generating)
        self.prompt.setEnabled(ready)
        self.stop_button.setEnabled(generating)

    def set_endpoint(self, base_url: str | None, model: str = "", chat: bool = True) -> None:
        """Show how to call the engine (or clear it)."""
        if not base_url:
            self.endpoint.clear()
            self.curl.clear()
            self.python.clear()
            return
        self.endpoint.setText(snippets.openai_base(base_url))
        shell = "powershell" if sys.platform == "win32" else "posix"
        self.curl.setPlainText(snippets.curl_example(base_url, model, chat, shell))
        self.python.setPlainText(snippets.python_example(base_url, model, chat))

    def set_published(self, engine_name: str, figure: Figure | None) -> None:
        """The guide's throughput figure for this engine, with its source on hover."""
        self.published_title.setText(f"Published throughput for {engine_name}:")
        self.published.figure = figure
        if figure is None:
            self.published.setText("unknown (the guide gives no figure; see Compare)")
            self.published.setToolTip("No sourced throughput figure for this engine.")
        else:
            self.published.setText(figure.display_value() + (" ⚠" if figure.conflicts else ""))
            self.published.setToolTip(figure.tooltip())

    def begin_answer(self, prompt: str) -> None:
        """Show the prompt and make room for the answer."""
        self.chat_error.clear()
        self.transcript.appendPlainText(f"\nYou: {prompt}\nModel: ")
        self.set_ready(True, generating=True)

    @Slot(str)
    def append_text(self, text: str) -> None:
        """Add streamed text at the end of the transcript."""
        cursor = self.transcript.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        cursor.insertText(text)
        self.transcript.setTextCursor(cursor)

    def show_metrics(self, metrics: TrialMetrics, source_note: str) -> None:
        """Fill the side-by-side table for one answer."""
        cells = _metric_cells(metrics)
        stamp = time.strftime("%Y-%m-%d %H:%M")
        for r, (_, key) in enumerate(ROWS):
            client, server = cells[key]
            for c, text in enumerate((client, server)):
                item = self._cells[(r, c)]
                item.setText(text)
                tip = CLIENT_TIPS[key] if c == 0 else SERVER_TIPS[key]
                where = "Measured on this machine" if c == 0 else source_note
                item.setToolTip(f"{tip}\n{where}, {stamp}.")
        extra = " Stopped early: not saved." if metrics.cancelled else ""
        counted = (
            " Token count taken from stream events (the engine gave none)."
            if metrics.output_tokens_counted
            else ""
        )
        self.metrics_note.setText(f"{DEFINITIONS}{counted}{extra}")
        self.set_ready(True, generating=False)

    def show_error(self, message: str) -> None:
        """A plain sentence under the prompt."""
        self.chat_error.setText(message)

    def metric_text(self, key: str, column: int) -> str:
        """The text shown for a metric (tests and screenshots)."""
        row = [k for _, k in ROWS].index(key)
        return self._cells[(row, column)].text()

    def set_history(self, records: list[Trial]) -> None:
        """Show saved trials, newest first."""
        self.history.setRowCount(len(records))
        for r, rec in enumerate(records):
            values = (
                rec.created.replace("T", " ")[:16],
                f"{rec.engine} {rec.engine_version.split(' ')[0]}",
                str(rec.model).rsplit("/", 1)[-1],
                str(rec.quantization or "unknown"),
                format_ms(rec.metrics.ttft_ms),
                format_speed(rec.metrics.decode_tokens_per_s),
            )
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(
                    f"Measured on this machine, {rec.created}; {rec.engine} "
                    f"{rec.engine_version}; model {rec.model}"
                )
                self.history.setItem(r, c, item)

    # slots --------------------------------------------------------------------------
    @Slot()
    def _on_send_clicked(self) -> None:
        prompt = self.prompt.text().strip()
        if not prompt:
            self.show_error("Type a prompt first.")
            return
        if not self.send_button.isEnabled():
            return
        self.send_requested.emit(prompt, self.max_tokens.value())

    @Slot()
    def _on_stop_clicked(self) -> None:
        self.stop_requested.emit()

    def _on_copy_clicked(self, key: str) -> None:
        text = {
            "endpoint": self.endpoint.text(),
            "curl": self.curl.toPlainText(),
            "python": self.python.toPlainText(),
        }[key]
        QGuiApplication.clipboard().setText(text)
        self.copy_buttons[key].setText("Copied")
