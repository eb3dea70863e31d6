"""The common chart frame: a pyqtgraph plot plus export of its image and its data.

Chart modules build their items on `panel.plot` and give the panel a function that
returns the plotted data as rows; the panel exports both to files or the clipboard.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

Row = Sequence[object]

pg.setConfigOptions(antialias=True, background="w", foreground="#1F2937")


def rows_to_csv(header: Sequence[str], rows: Sequence[Row]) -> str:
    """CSV text of a header and rows (None becomes "unknown")."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["unknown" if v is None else v for v in row])
    return buf.getvalue()


class ChartPanel(QWidget):
    """A titled plot with Export PNG / Export CSV / Copy image / Copy data buttons."""

    def __init__(
        self,
        title: str,
        x_label: str,
        y_label: str,
        data: Callable[[], tuple[Sequence[str], Sequence[Row]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self._data = data
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.heading = QLabel(f"<b>{title}</b>")
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", x_label)
        self.plot.setLabel("left", y_label)
        self.plot.showGrid(x=True, y=True, alpha=0.25)
        self.legend = self.plot.addLegend(offset=(10, 10))
        buttons = QHBoxLayout()
        buttons.addWidget(self.heading, 1)
        for text, slot in (
            ("Export PNG…", self._on_export_png_clicked),
            ("Export CSV…", self._on_export_csv_clicked),
            ("Copy image", self._on_copy_image_clicked),
            ("Copy data", self._on_copy_data_clicked),
        ):
            button = QPushButton(text)
            button.setFlat(True)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addWidget(self.plot, 1)

    def set_data_source(self, data: Callable[[], tuple[Sequence[str], Sequence[Row]]]) -> None:
        """Set the function that returns (header, rows) of what is plotted."""
        self._data = data

    def csv_text(self) -> str:
        """The plotted data as CSV."""
        if self._data is None:
            return ""
        header, rows = self._data()
        return rows_to_csv(header, rows)

    def save_png(self, path: Path) -> bool:
        """Render the plot to a PNG file."""
        return bool(self.plot.grab().save(str(path), "PNG"))

    def save_csv(self, path: Path) -> None:
        """Write the plotted data to a CSV file."""
        path.write_text(self.csv_text(), encoding="utf-8")

    def _default_name(self, suffix: str) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.title.lower()).strip("-") + suffix

    def _on_export_png_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export chart", self._default_name(".png"), "PNG image (*.png)"
        )
        if name:
            self.save_png(Path(name))

    def _on_export_csv_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Export chart data", self._default_name(".csv"), "CSV (*.csv)"
        )
        if name:
            self.save_csv(Path(name))

    def _on_copy_image_clicked(self) -> None:
        QGuiApplication.clipboard().setImage(self.plot.grab().toImage())

    def _on_copy_data_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.csv_text())
