"""The Launch view's start options: port, threads, context, GPU layers, slots, host."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from desktop_app.ui import theme


class OptionsBox(QGroupBox):
    """Start options, the Start/Stop buttons and the engine status line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Start", parent)
        grid = QGridLayout(self)
        self.port_edit = QLineEdit()
        self.port_edit.setPlaceholderText("auto")
        self.threads_edit = QLineEdit()
        self.threads_edit.setPlaceholderText("auto")
        self.ctx_edit = QLineEdit("4096")
        self.ngl_edit = QLineEdit()
        self.ngl_edit.setPlaceholderText("from fit")
        self.ngl_edit.setToolTip(
            "Layers to put on the GPU (-ngl). Empty: the Models view's fit estimate for the "
            "active hardware profile decides; llama-server's own automatic choice is used "
            "when no estimate is available."
        )
        self.parallel_edit = QLineEdit("1")
        self.host_edit = QLineEdit("127.0.0.1")
        self.allow_hosts = QCheckBox("allow other hosts (exposes the engine on the network)")
        fields = (
            ("Port", self.port_edit),
            ("Threads", self.threads_edit),
            ("Context", self.ctx_edit),
            ("GPU layers", self.ngl_edit),
            ("Parallel slots", self.parallel_edit),
            ("Listen on", self.host_edit),
        )
        row = QHBoxLayout()
        self.start_button = QPushButton("Start")
        self.start_button.setStyleSheet("font-weight: bold; padding: 6px 18px;")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setEnabled(False)
        self.status = QLabel("No engine running.")
        self.status.setWordWrap(True)
        self.ready_bar = QProgressBar()
        self.ready_bar.setRange(0, 0)
        self.ready_bar.setMaximumWidth(120)
        self.ready_bar.hide()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.ready_bar)
        row.addWidget(self.status, 1)
        grid.addLayout(row, 0, 0, 1, 4)
        # Why Start is greyed out, in one sentence (empty once an engine and a model are ready).
        self.start_reason = QLabel()
        self.start_reason.setWordWrap(True)
        theme.set_role(self.start_reason, "warning")
        grid.addWidget(self.start_reason, 1, 0, 1, 4)
        self.options_error = QLabel()
        self.options_error.setWordWrap(True)
        theme.set_role(self.options_error, "error")
        grid.addWidget(self.options_error, 2, 0, 1, 4)
        # The options are folded away until asked for: the defaults suit a first start.
        self.more = QPushButton("Options…")
        self.more.setCheckable(True)
        self.more.setToolTip("Port, threads, context, GPU layers, slots, listening address.")
        row.addWidget(self.more)
        self.fields = QWidget()
        fgrid = QGridLayout(self.fields)
        fgrid.setContentsMargins(0, 0, 0, 0)
        for i, (label, widget) in enumerate(fields):
            fgrid.addWidget(QLabel(label), i // 2, (i % 2) * 2)
            fgrid.addWidget(widget, i // 2, (i % 2) * 2 + 1)
        fgrid.addWidget(self.allow_hosts, 3, 0, 1, 4)
        self.fields.hide()
        self.more.toggled.connect(self.fields.setVisible)
        grid.addWidget(self.fields, 3, 0, 1, 4)
