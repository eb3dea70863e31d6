"""Sources: every figure in the store, searchable and sortable, with conflicts side by side."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
)
from PySide6.QtGui import QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.sources.figures import Conflict, Figure, format_range
from desktop_app.domain.sources.links import source_urls
from desktop_app.domain.units import UNKNOWN
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.page import heading

COLUMNS = (
    "What",
    "Value or range",
    "Unit",
    "Region",
    "Conditions",
    "Source",
    "Source type",
    "Retrieved",
    "Conflict",
)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SOURCE_COLUMN = 5
_ROOT = QModelIndex()
_Index = QModelIndex | QPersistentModelIndex


def _value(fig: Figure) -> str:
    if fig.low is None and fig.high is None:
        return fig.text or UNKNOWN
    return format_range(fig.low, fig.high)


class FigureTableModel(QAbstractTableModel):
    """Figures as table rows; the tooltip of every cell is the figure's provenance."""

    def __init__(self, figures: list[Figure], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figures = figures

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.figures)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def cell_text(self, fig: Figure, column: int) -> str:
        """The display text of one cell."""
        match column:
            case 0:
                return f"{fig.entity} — {fig.metric}"
            case 1:
                return _value(fig)
            case 2:
                return fig.unit
            case 3:
                return fig.region
            case 4:
                return fig.conditions
            case 5:
                return fig.provenance.source
            case 6:
                return fig.provenance.source_type
            case 7:
                return fig.provenance.retrieved or UNKNOWN
            case _:
                return ("⚠ " + ", ".join(fig.conflicts)) if fig.conflicts else ""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        fig = self.figures[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(fig, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return fig.tooltip()
        linked = col == SOURCE_COLUMN and bool(source_urls(fig.provenance.source))
        if role == Qt.ItemDataRole.ForegroundRole:
            if linked:
                return QColor(theme.current().link)
            return QColor(theme.current().tint_fg) if fig.conflicts else None
        if role == Qt.ItemDataRole.FontRole and linked:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and fig.conflicts:
            return QColor(theme.current().conflict_bg)
        if role == SORT_ROLE:
            if col == 1:
                # Numbers sort numerically; "unknown" and words sort after every number.
                return (
                    fig.low
                    if fig.low is not None
                    else (fig.high if fig.high is not None else float("inf"))
                )
            return self.cell_text(fig, col).lower()
        return None


class FigureFilter(QSortFilterProxyModel):
    """Filters by free text over every column, by topic and by "conflicts only"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.topic = ""
        self.conflicts_only = False
        self.setSortRole(SORT_ROLE)

    def set_filters(self, text: str, topic: str, conflicts_only: bool) -> None:
        """Apply new filter settings."""
        self.beginFilterChange()
        self.text, self.topic, self.conflicts_only = text.lower().strip(), topic, conflicts_only
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: _Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, FigureTableModel)
        fig = model.figures[row]
        if self.topic and fig.topic != self.topic:
            return False
        if self.conflicts_only and not fig.conflicts:
            return False
        if not self.text:
            return True
        hay = " ".join(model.cell_text(fig, c) for c in range(len(COLUMNS))) + " " + fig.id
        return all(word in hay.lower() for word in self.text.split())


class SourcesView(QWidget):
    """The Sources screen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        store = ctx.stores.bundled
        self._store = store
        figures = store.figures()
        layout = QVBoxLayout(self)
        layout.addWidget(
            heading(
                f"<h2>Sources</h2>Every figure in the store ({len(figures)}), with where it comes "
                "from and when it was looked up. Click an underlined source to open it. Rows "
                "marked ⚠ disagree with other figures: pick a "
                'conflict below to see them side by side. "Guide" is <i>Choosing an LLM '
                "inference framework</i> (2025), the guide this app is built from."
            )
        )
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search figures, sources, conditions…")
        self.search.setClearButtonEnabled(True)
        self.topic = QComboBox()
        self.topic.addItem("All topics", "")
        for topic in sorted({f.topic for f in figures}):
            self.topic.addItem(topic.replace("_", " "), topic)
        self.conflicts_only = QCheckBox("Only figures in conflict")
        bar.addWidget(self.search, 3)
        bar.addWidget(self.topic, 1)
        bar.addWidget(self.conflicts_only)
        layout.addLayout(bar)

        self.model = FigureTableModel(figures, self)
        self.proxy = FigureFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        # No sort column yet: enabling sorting sorts by the header's indicator, and sorting
        # every figure through Python's data() held the GUI thread ~150 ms on opening.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((300, 120, 110, 90, 220, 260, 120, 90, 80)):
            self.table.setColumnWidth(col, width)
        self.table.verticalHeader().setVisible(False)
        self.count = QLabel()

        self.conflict_list = QListWidget()
        for conflict in store.conflicts():
            item = QListWidgetItem(f"⚠ {conflict.id}: {conflict.title}")
            item.setData(Qt.ItemDataRole.UserRole, conflict.id)
            item.setToolTip(conflict.description)
            self.conflict_list.addItem(item)
        self.conflict_text = QLabel("Pick a conflict to compare its figures.")
        self.conflict_text.setWordWrap(True)
        self.conflict_model = FigureTableModel([], self)
        self.conflict_table = QTableView()
        self.conflict_table.setModel(self.conflict_model)
        self.conflict_table.verticalHeader().setVisible(False)
        for col, width in enumerate((300, 120, 110, 90, 200, 260, 120, 90, 80)):
            self.conflict_table.setColumnWidth(col, width)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.count)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.conflict_list)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.conflict_text)
        right_layout.addWidget(self.conflict_table, 1)
        bottom.addWidget(right)
        bottom.setSizes([360, 900])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([520, 300])
        layout.addWidget(split, 1)

        self.search.textChanged.connect(self._on_filter_changed)
        self.topic.currentIndexChanged.connect(self._on_filter_changed)
        self.conflicts_only.toggled.connect(self._on_filter_changed)
        self.conflict_list.currentRowChanged.connect(self._on_conflict_selected)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.clicked.connect(self._on_table_clicked)
        self.conflict_table.clicked.connect(self._on_conflict_table_clicked)
        self._update_count()
        if self.conflict_list.count():
            self.conflict_list.setCurrentRow(0)

    def _update_count(self) -> None:
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} figures shown")

    def _on_filter_changed(self, *_args: object) -> None:
        self.proxy.set_filters(
            self.search.text(), self.topic.currentData() or "", self.conflicts_only.isChecked()
        )
        self._update_count()

    def show_conflict(self, conflict: Conflict) -> None:
        """Show one conflict's figures side by side."""
        figures = [f for f in (self._store.figure(i) for i in conflict.figure_ids) if f]
        self.conflict_text.setText(f"<b>{conflict.title}</b><br>{conflict.description}")
        self.conflict_model.beginResetModel()
        self.conflict_model.figures = figures
        self.conflict_model.endResetModel()

    def _on_conflict_selected(self, row: int) -> None:
        if row < 0:
            return
        item = self.conflict_list.item(row)
        cid = item.data(Qt.ItemDataRole.UserRole)
        conflict = next(c for c in self._store.conflicts() if c.id == cid)
        self.show_conflict(conflict)

    def open_source(self, fig: Figure) -> bool:
        """Open the figure's source in the browser (False when it names no web page)."""
        urls = source_urls(fig.provenance.source)
        return bool(urls) and QDesktopServices.openUrl(QUrl(urls[0]))

    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.column() == SOURCE_COLUMN:
            self.open_source(self.model.figures[self.proxy.mapToSource(index).row()])

    def _on_conflict_table_clicked(self, index: QModelIndex) -> None:
        if index.column() == SOURCE_COLUMN:
            self.open_source(self.conflict_model.figures[index.row()])

    def apply_theme(self) -> None:
        """Conflict rows and links in the new theme's colours."""
        for model in (self.model, self.conflict_model):
            model.beginResetModel()
            model.endResetModel()

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        fig = self.model.figures[self.proxy.mapToSource(index).row()]
        if fig.conflicts:
            ids = [
                self.conflict_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.conflict_list.count())
            ]
            self.conflict_list.setCurrentRow(ids.index(fig.conflicts[0]))
