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
from PySide6.QtCore import Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.ui import theme
from desktop_app.ui.charts.hover import HoverIndex, bar_rects
from desktop_app.ui.widgets.flow import FlowLayout

Row = Sequence[object]

pg.setConfigOptions(
    antialias=True, background=theme.current().chart_bg, foreground=theme.current().chart_fg
)


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
        self.plot.getPlotItem().hideButtons()  # no auto-range "A" button on hover
        self.x_label = x_label
        self.hover_note = ""  # a line under an unregistered bar's value: its source and date
        self.hover = HoverIndex(self.plot, self._describe_bar)
        self.legend = self.plot.addLegend(offset=(10, 10))
        self._apply_theme(theme.current())
        theme.events().changed.connect(self._on_theme_changed)
        self.export_buttons: list[QPushButton] = []  # hidden on a presentation slide
        # Title and buttons wrap onto two lines rather than widen a narrow window.
        header = QWidget()
        buttons = FlowLayout(header, spacing=2, stretch_first=True)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.heading)
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
            self.export_buttons.append(button)
        layout.addWidget(header)
        layout.addWidget(self.plot, 1)

    @Slot(object)
    def _on_theme_changed(self, palette: theme.Palette) -> None:
        try:
            self._apply_theme(palette)
        except RuntimeError:  # the plot went with its window; this panel is going too
            theme.events().changed.disconnect(self._on_theme_changed)

    def _apply_theme(self, palette: theme.Palette) -> None:
        """Background, axes and legend text in the theme's chart colours."""
        self.plot.setBackground(palette.chart_bg)
        for side in ("left", "bottom", "right", "top"):
            axis = self.plot.getAxis(side)
            axis.setTextPen(pg.mkPen(palette.chart_fg))
            axis.setPen(pg.mkPen(palette.chart_fg))
            if axis.label is not None:
                axis.label.setDefaultTextColor(pg.mkColor(palette.chart_fg))
        self.legend.setLabelTextColor(palette.chart_fg)
        for _sample, label in self.legend.items:
            label.setText(label.text, color=palette.chart_fg)

    def _describe_bar(self, item: pg.BarGraphItem, index: int) -> str:
        """What a bar the chart did not describe itself shows: its name, value and unit."""
        rects = bar_rects(item)
        x0, x1, y0, y1 = rects[index]
        horizontal = "x0" in item.opts and item.opts.get("x0") is not None
        value = (x1 - x0) if horizontal else (y1 - y0)
        unit = self.x_label if horizontal else self.plot.getAxis("left").labelText
        name = item.opts.get("name") or self.title
        lines = [f"{name}: {value:,.3g} {unit}".strip()]
        if self.hover_note:
            lines.append(self.hover_note)
        return "\n".join(lines)

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
