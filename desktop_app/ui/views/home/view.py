"""Home: the first screen asks what the user wants to know and takes them there."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.ui.context import AppContext

# (question, what the answer shows, view key)
QUESTIONS = (
    (
        "Which framework should I use?",
        "Answer a few questions about your hardware, model and traffic; get a ranked choice "
        "with the reasons.",
        "decide",
    ),
    (
        "What will it cost me?",
        "Monthly cost of serving your traffic on rented GPUs or your own, with the prices "
        "and their dates.",
        "costs",
    ),
    (
        "Can I run a model here?",
        "Pick a model and see whether it fits this machine's memory, and how much room is left.",
        "models",
    ),
)
# Smaller links for what comes after the first answer.
NEXT_STEPS = (
    ("Compare frameworks side by side", "compare"),
    ("Try a model on this machine", "launch"),
    ("Benchmark an engine under load", "bench"),
    ("Hand off to a GPU server or cluster", "deploy"),
    ("See where every figure comes from", "sources"),
)


class HomeView(QWidget):
    """Three questions, each a large button that opens the view answering it."""

    navigate = Signal(str, object)  # view key, argument

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        title = QLabel("<h1>What do you want to find out?</h1>")
        title.setWordWrap(True)
        layout.addWidget(title)
        intro = QLabel(
            "Inference Navigator helps you choose how to serve a large language model, check "
            "the choice against your own model, hardware and traffic, and try it here. Start "
            "with a question:"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.questions: dict[str, QPushButton] = {}
        for question, detail, key in QUESTIONS:
            button = QPushButton(question)
            button.setProperty("role", "question")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(detail)
            button.clicked.connect(lambda _c=False, k=key: self.navigate.emit(k, None))
            self.questions[key] = button
            layout.addWidget(button)
            answer = QLabel(detail)
            answer.setWordWrap(True)
            answer.setContentsMargins(20, 0, 0, 6)
            layout.addWidget(answer)
        layout.addWidget(QLabel("<b>Then:</b>"))
        links = QGridLayout()
        links.setHorizontalSpacing(24)
        self.links: dict[str, QLabel] = {}
        for i, (text, key) in enumerate(NEXT_STEPS):
            link = QLabel(f"<a href='view:{key}'>{text}</a>")
            link.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
            link.linkActivated.connect(lambda href: self.navigate.emit(href[5:], None))
            self.links[key] = link
            links.addWidget(link, i // 2, i % 2)
        layout.addLayout(links)
        tip = QLabel(
            "Every screen is also in the sidebar (Ctrl+1 to Ctrl+9). Help → Keyboard shortcuts "
            "lists them all; F11 turns the comparison into slides for a projector."
        )
        tip.setWordWrap(True)
        tip.setProperty("role", "muted")
        layout.addWidget(tip)
        layout.addStretch(1)
