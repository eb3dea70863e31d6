"""The pieces every view page repeats: a scroll area, a heading, a warning notice."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QScrollArea, QWidget

from desktop_app.ui import theme


def warning_style(padding_px: int = 4) -> str:
    """The style sheet of a warning: the theme's yellow background and dark text."""
    return f"background: {theme.WARNING_BG}; color: {theme.WARNING_FG}; padding: {padding_px}px;"


def scroll_area(widget: QWidget, horizontal: bool = True) -> QScrollArea:
    """A frameless, resizable scroll area around `widget` (no horizontal bar if asked)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    if not horizontal:
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area


def let_narrow_columns_fit(widget: QWidget, characters: int = 12) -> None:
    """Let the drop-downs and forms in `widget` narrow to a laptop's column.

    By default a combo box is as wide as its longest item and a form row as wide as its
    label plus its field, and that width becomes the minimum of the whole column: at
    1366×768 a long GPU name pushed the Costs form past its column and cut it off. Combo
    boxes narrow to about `characters` (the whole choice shows in the list and on hover);
    a form row too wide for its column puts its field under the label.
    """
    for combo in widget.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(characters)
        if not combo.toolTip():  # the whole choice on hover, however narrow the box
            combo.setToolTip(combo.currentText())
            combo.currentTextChanged.connect(combo.setToolTip)
    for form in widget.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)


def heading(html: str) -> QLabel:
    """A page heading: an <h2> title and a line of rich text, wrapped."""
    label = QLabel(html)
    label.setWordWrap(True)
    return label


def notice(text: str = "", padding_px: int = 4) -> QLabel:
    """A wrapped warning label in the theme's warning colours."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "warning")  # the theme's warning colours, in both themes
    if padding_px != 6:
        label.setStyleSheet(f"padding: {padding_px}px;")
    return label
