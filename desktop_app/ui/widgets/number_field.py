"""A number entry that validates as the user types and says what is wrong beside it."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.domain.cost.inputs import InputError, parse_number
from desktop_app.ui import theme


class NumberField(QWidget):
    """A line edit checked against the calculator's limits for `field_name`."""

    value_changed = Signal()

    def __init__(
        self,
        field_name: str,
        text: str = "",
        *,
        integer: bool = False,
        allow_min: bool = False,
        optional: bool = False,
        placeholder: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.field_name = field_name
        self._integer = integer
        self._allow_min = allow_min
        self._optional = optional
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.edit = QLineEdit(text)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setObjectName(field_name)
        self.error = QLabel("")
        self.error.setProperty("role", "error")  # the theme's error colour, in both themes
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        self.edit.textChanged.connect(self._on_edit_text_changed)

    def value(self) -> float | None:
        """The number, None when optional and empty; raises InputError when invalid."""
        text = self.edit.text()
        if self._optional and not text.strip():
            return None
        return parse_number(text, self.field_name, integer=self._integer, allow_min=self._allow_min)

    def check(self) -> bool:
        """Show or clear the message beside the field; True when the value is usable."""
        try:
            self.value()
        except InputError as exc:
            self.show_error(exc.message)
            return False
        self.show_error("")
        return True

    def show_error(self, message: str) -> None:
        """Show `message` under the field (empty clears it)."""
        self.error.setText(message)
        self.error.setVisible(bool(message))
        colour = theme.current().error_fg
        self.edit.setStyleSheet(f"border: 2px solid {colour};" if message else "")

    def set_text(self, text: str) -> None:
        """Replace the text without announcing a change."""
        self.edit.blockSignals(True)
        self.edit.setText(text)
        self.edit.blockSignals(False)
        self.check()

    @Slot(str)
    def _on_edit_text_changed(self, _text: str) -> None:
        self.check()
        self.value_changed.emit()
