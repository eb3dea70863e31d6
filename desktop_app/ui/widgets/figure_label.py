"""Labels that show a sourced value and explain it on hover."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from desktop_app.domain.sources.figures import Figure
from desktop_app.domain.sources.frameworks import Fact
from desktop_app.domain.units import UNKNOWN


class FigureLabel(QLabel):
    """A figure's value; the tooltip gives conditions, source and date."""

    def __init__(self, figure: Figure | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = figure
        if figure is None:
            self.setText(UNKNOWN)
            self.setToolTip("The guide and the sourced data give no figure for this.")
        else:
            marker = " ⚠" if figure.conflicts else ""
            self.setText(figure.display_value() + marker)
            self.setToolTip(figure.tooltip())
        self.setWordWrap(True)


class FactLabel(QLabel):
    """A framework fact's value; the tooltip gives its source and date."""

    def __init__(self, fact: Fact, short: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(fact.short_value() if short else fact.display_value(), parent)
        self.fact = fact
        self.setToolTip(fact.tooltip())
        self.setWordWrap(True)
