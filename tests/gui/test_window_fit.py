"""The window fits a 1024×700 screen after any view, presentation fits 1280×720, state is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QScrollArea, QTableView

from desktop_app.storage.user.settings import WINDOW_GEOMETRY, WINDOW_MAXIMISED
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views import VIEWS
from desktop_app.ui.views.compare.view import CompareView
from desktop_app.ui.views.launch.view import LaunchView

pytestmark = pytest.mark.gui


def visit_all(window: MainWindow) -> None:
    for spec in VIEWS:
        window.show_view(spec.key)
        QApplication.processEvents()


def test_every_view_leaves_the_window_usable_at_1024_by_700(window: MainWindow) -> None:
    window.show()
    for spec in VIEWS:
        window.show_view(spec.key)
        QApplication.processEvents()
        hint = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert hint.width() <= 1024 and hint.height() <= 700, (spec.key, hint)
    window.resize(1024, 700)
    QApplication.processEvents()
    assert (window.width(), window.height()) == (1024, 700)


def test_nothing_is_cut_off_at_1366_by_768(window: MainWindow, qtbot: QtBot) -> None:
    """Maximised on a 1366×768 laptop, no column's content is wider than the column."""
    window.show()
    window.resize(1366, 738)  # the screen less a taskbar
    cut = []
    for spec in VIEWS:
        view = window.show_view(spec.key)
        if isinstance(view, LaunchView):  # its longest texts: an engine ready, no figure
            view.chat.set_published("llama.cpp", None)
        qtbot.wait(50)
        for area in window.views[spec.key].findChildren(QScrollArea):
            inner = area.widget()
            if area.isVisible() and inner is not None:
                need, have = inner.minimumSizeHint().width(), area.viewport().width()
                if need > have:
                    cut.append(f"{spec.key}: {type(inner).__name__} needs {need} px of {have}")
    assert not cut, cut


def test_no_stretched_table_header_is_cut_at_1366_by_768(window: MainWindow, qtbot: QtBot) -> None:
    """Column headers of tables that share the width equally show every word at 1366×768."""
    window.show()
    window.resize(1366, 738)
    cut = []
    for spec in VIEWS:
        window.show_view(spec.key)
        qtbot.wait(50)
        for table in window.views[spec.key].findChildren(QTableView):
            header = table.horizontalHeader()
            if not table.isVisible() or header.isHidden():
                continue
            metrics = header.fontMetrics()
            model = table.model()
            for col in range(header.count()):
                if header.sectionResizeMode(col) != QHeaderView.ResizeMode.Stretch:
                    continue
                text = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
                widest = max(
                    (metrics.horizontalAdvance(line) for line in text.split("\n")), default=0
                )
                if widest + 8 > header.sectionSize(col):  # 8: the header's own padding
                    cut.append(
                        f"{spec.key}: {text!r} needs {widest + 8} px of {header.sectionSize(col)}"
                    )
    assert not cut, cut


def test_the_first_window_fits_the_screen(window: MainWindow) -> None:
    free = window.screen().availableGeometry()
    assert window.width() <= free.width() and window.height() <= free.height()


def test_presentation_is_slides_that_fit_1280_by_720(window: MainWindow, qtbot: QtBot) -> None:
    window.show()
    visit_all(window)  # Sources and Launch once made the projector window 2652 px wide
    window.show_view("home")
    window.showMaximized()
    window.set_presentation_mode(True)
    try:
        assert window.isFullScreen()
        assert not window.sidebar.isVisible() and not window.statusBar().isVisible()
        assert not window.menuBar().isVisible()
        hint = window.minimumSizeHint().expandedTo(window.minimumSize())
        assert hint.width() <= 1280 and hint.height() <= 720, hint
        view = window.current_view()
        assert isinstance(view, CompareView)
        assert window.slide_counter.text().startswith("Slide 1 of 6")
        qtbot.keyClick(window, Qt.Key.Key_Right)
        assert window.slide_counter.text().startswith("Slide 2 of 6: Throughput")
        shown = [c for c in view.charts if c.isVisibleTo(view)]
        assert shown == [view.throughput_chart]  # one chart a slide
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
        assert window.slide_counter.text().startswith("Slide 3 of 6")
        qtbot.keyClick(window, Qt.Key.Key_PageUp)
        assert window.slide_counter.text().startswith("Slide 2 of 6")
    finally:
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presentation
    assert window.isMaximized()  # exactly the state it had before
    assert window.sidebar.isVisible() and window.menuBar().isVisible()
    assert window.current_view() is window.views["home"]


def test_geometry_and_maximised_state_are_restored(
    make_window: Callable[..., MainWindow],
) -> None:
    first = make_window()
    first.show()
    first.resize(760, 560)  # the offscreen screen is 800×600
    first.move(12, 10)
    QApplication.processEvents()
    first.close()
    assert first.ctx is not None
    user = first.ctx.stores.user
    assert user.get_setting(WINDOW_GEOMETRY) and user.get_setting(WINDOW_MAXIMISED) is False
    second = make_window()
    assert (second.width(), second.height()) == (760, 560)
    second.show()
    second.showMaximized()
    QApplication.processEvents()
    second.close()
    third = make_window()
    third.show()
    QApplication.processEvents()
    assert third.isMaximized()


def test_typing_in_the_sidebar_does_not_switch_views(window: MainWindow, qtbot: QtBot) -> None:
    window.show_view("home")
    row = window.sidebar.currentRow()
    qtbot.keyClicks(window.sidebar, "sdl")
    assert window.sidebar.currentRow() == row


def test_status_bar_shows_no_path(window: MainWindow) -> None:
    assert window.ctx is not None
    folder = str(window.ctx.stores.user.path.parent)
    assert folder not in window.statusBar().currentMessage()
    assert "sourced figures" in window.statusBar().currentMessage()
