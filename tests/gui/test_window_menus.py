"""Home's questions, Overview's cards, the menu bar and its Help dialogs."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from desktop_app import __version__, paths
from desktop_app.domain.sources.links import source_urls
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS
from desktop_app.ui.views.compare.view import CompareView
from desktop_app.ui.views.home.view import HomeView
from desktop_app.ui.views.overview.view import OverviewView
from desktop_app.ui.views.sources.view import SOURCE_COLUMN, SourcesView
from desktop_app.ui.widgets import menus

pytestmark = pytest.mark.gui


def test_home_is_the_first_screen_and_its_questions_lead_on(
    window: MainWindow, qtbot: QtBot
) -> None:
    home = window.current_view()
    assert isinstance(home, HomeView)
    for key, title in (("decide", "Decide"), ("costs", "Costs"), ("models", "Models")):
        window.show_view("home")
        qtbot.mouseClick(home.questions[key], Qt.MouseButton.LeftButton)
        assert window.current_view() is window.views[key]
        assert window.sidebar.currentItem().text() == title
    home.links["launch"].linkActivated.emit("view:launch")
    assert window.current_view() is window.views["launch"]


def test_an_overview_card_opens_compare_with_that_framework(
    window: MainWindow, qtbot: QtBot
) -> None:
    overview = window.show_view("overview")
    assert isinstance(overview, OverviewView)
    card = next(c for c in overview.cards if c.framework.id == "sglang")
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    compare = window.current_view()
    assert isinstance(compare, CompareView)
    assert "sglang" in compare.selected() and compare.tabs.currentIndex() == 0
    headers = [compare.table.horizontalHeaderItem(i).text() for i in range(4)]
    assert any("SGLang" in h for h in headers if h)


def test_menu_bar_has_file_view_help(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&View", "&Help"]
    entries = {
        a.text(): [x.text() for x in a.menu().actions() if x.text()]
        for a in window.menuBar().actions()
    }
    assert "Import data…" in entries["&File"] and "Quit" in entries["&File"]
    assert "Presentation mode" in entries["&View"] and "Theme" in entries["&View"]
    assert entries["&Help"] == [
        "Keyboard shortcuts",
        "Where my data lives",
        "Open the log folder",
        "About Inference Navigator",
    ]


def test_ctrl_numbers_open_views_and_are_listed(window: MainWindow, qtbot: QtBot) -> None:
    by_key = {a.shortcut().toString(): a for a in window.actions() if not a.shortcut().isEmpty()}
    by_key["Ctrl+3"].trigger()
    assert window.current_view() is window.views[VIEWS[2].key]
    assert "F11" in by_key
    text = menus.shortcuts_text()
    for i, spec in enumerate(VIEWS[:10]):
        assert f"{menus.view_shortcut(i)}</b>" in text and spec.title in text
    assert "F11" in text and "Esc" in text


def test_help_dialogs_say_version_licences_and_folders(window: MainWindow) -> None:
    about = menus.show_about(window)
    shortcuts = menus.show_shortcuts(window)
    folders = menus.show_data_folders(window)
    try:
        assert __version__ in about.text() and "Apache License 2.0" in about.text()
        assert "LGPL" in about.text()
        assert str(paths.user_store_path().parent) in folders.text()
        assert QUrl.fromLocalFile(str(paths.log_file().parent)).toString() in folders.text()
        assert "Ctrl+1" in shortcuts.text()
    finally:
        for box in (about, shortcuts, folders):
            box.close()


class FakeBrowser(QObject):
    """Stands in for the system browser: records what it was asked to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_each_web_source_opens_in_the_browser(window: MainWindow, qtbot: QtBot) -> None:
    browser = FakeBrowser()
    opened = browser.opened
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        view = window.show_view("sources")
        assert isinstance(view, SourcesView)
        qtbot.keyClicks(view.search, "bentoml")
        assert view.proxy.rowCount() > 0
        window.resize(1366, 768)
        window.show()
        row = next(
            r
            for r in range(view.proxy.rowCount())
            if "bentoml.com" in view.proxy.index(r, SOURCE_COLUMN).data()
        )
        index = view.proxy.index(row, SOURCE_COLUMN)
        view.table.scrollTo(index)
        QApplication.processEvents()
        rect = view.table.visualRect(index)
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert opened and opened[0].startswith("https://bentoml.com/blog/")
    finally:
        QDesktopServices.unsetUrlHandler("https")
    QApplication.processEvents()


def test_source_urls_are_found_in_plain_source_text() -> None:
    assert source_urls("bentoml.com/blog/x; onlyaistuff.com/y (summary)") == [
        "https://bentoml.com/blog/x",
        "https://onlyaistuff.com/y",
    ]
    assert source_urls("Guide line 367 — Frequently Asked Questions") == []
