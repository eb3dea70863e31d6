"""Compare: two to four frameworks side by side, with charts a workshop can project."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Slot
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.bench.measured import bench_point
from desktop_app.domain.bench.run import BenchRun
from desktop_app.domain.compare.series import (
    Point,
    benchmark_points,
    figure_points,
    range_bars,
    trial_point,
)
from desktop_app.domain.compare.table import (
    DEFAULT_FRAMEWORKS,
    MAX_FRAMEWORKS,
    MIN_FRAMEWORKS,
    CompareError,
    Comparison,
    Eligibility,
    build_comparison,
    parse_ids,
    runs_on,
)
from desktop_app.domain.hardware.profile import HardwareProfile
from desktop_app.domain.trial.record import Trial
from desktop_app.services.bench.kept import kept_bench_runs
from desktop_app.storage.user.settings import COMPARE_FRAMEWORKS
from desktop_app.ui import theme
from desktop_app.ui.charts.compare import SETUP_TICKS, TTFT_TICKS, CompareChart, RangeChart
from desktop_app.ui.charts.compare_points import ThroughputTtftChart, TokenRateChart
from desktop_app.ui.context import AppContext
from desktop_app.ui.widgets.flow import FlowLayout
from desktop_app.ui.widgets.page import heading, scroll_area

FILTER_TEXT = "Only what runs on my hardware"
CHARTS_TAB = 1
SELECTION_KEY = COMPARE_FRAMEWORKS


def _swatch(colour: str) -> QIcon:
    pix = QPixmap(14, 14)
    pix.fill(QColor(colour))
    return QIcon(pix)


class CompareView(QWidget):
    """Framework picker, side-by-side table, charts and the hardware filter."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.stores.bundled
        self.comparison: Comparison | None = None
        self._focused = False
        self.eligibility: dict[str, Eligibility] = {}
        self.trials: list[Trial] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 12, 16, 8)
        self.title = heading(
            "<h2>Compare frameworks</h2>Hover any value or bar for its source, conditions "
            "and date. ⚠ marks figures that other sources contradict; <i>unknown</i> means "
            "the guide and the sourced data give no value."
        )
        outer.addWidget(self.title)

        self.picker_row = QWidget()
        picker = FlowLayout(self.picker_row)
        picker.setContentsMargins(0, 0, 0, 0)
        picker.addWidget(QLabel("<b>Frameworks (2–4):</b>"))
        self.buttons: dict[str, QPushButton] = {}
        for fw in self.store.frameworks():
            button = QPushButton(fw.name)
            button.setCheckable(True)
            button.setChecked(fw.id in DEFAULT_FRAMEWORKS)
            button.setIcon(_swatch(theme.framework_colour(fw.id)))
            button.setToolTip(fw.summary)
            button.toggled.connect(lambda on, fid=fw.id: self._on_picker_toggled(fid, on))
            self.buttons[fw.id] = button
            picker.addWidget(button)
        outer.addWidget(self.picker_row)

        self.options_row = QWidget()
        options = QHBoxLayout(self.options_row)
        options.setContentsMargins(0, 0, 0, 0)
        self.filter = QCheckBox(FILTER_TEXT)
        self.filter.toggled.connect(self._on_filter_toggled)
        options.addWidget(self.filter)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setProperty("role", "error")
        options.addWidget(self.message, 1)
        self.presentation = QPushButton("Presentation mode (F11)")
        self.presentation.setCheckable(True)
        self.presentation.toggled.connect(self._on_presentation_toggled)
        options.addWidget(self.presentation)
        outer.addWidget(self.options_row)

        self.tabs = QTabWidget()
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.table, "Side by side")

        charts = QWidget()
        grid = QGridLayout(charts)
        grid.setContentsMargins(0, 4, 0, 0)
        self.throughput_chart = RangeChart("Throughput (range per framework)", "requests/s")
        self.ttft_chart = RangeChart(
            "Time to first token",
            "time to first token (log scale)",
            TTFT_TICKS,
            self._thresholds(),
        )
        self.setup_chart = RangeChart(
            "Setup time",
            "setup time (working time, log: 1 day = 8 h, 1 week = 40 h)",
            SETUP_TICKS,
        )
        self.scatter_chart = ThroughputTtftChart()
        self.rate_chart = TokenRateChart()
        self.charts: tuple[CompareChart, ...] = (
            self.throughput_chart,
            self.ttft_chart,
            self.setup_chart,
            self.scatter_chart,
            self.rate_chart,
        )
        self.chart_grid = grid
        self._layout_charts(2)
        self.tabs.addTab(scroll_area(charts), "Charts")
        self._charts_stale = True
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        outer.addWidget(self.tabs, 1)

        ctx.hardware.profile_changed.connect(self._on_hardware_profile_changed)
        ctx.trials.trial_saved.connect(self._on_trials_trial_saved)
        self.bench_runs: list[BenchRun] = []  # the load benchmark's kept runs, shown as measured
        ctx.trials.bench_saved.connect(self._on_trials_bench_saved)
        ctx.runner.submit(kept_bench_runs, self._on_bench_runs_loaded, self._on_trials_failed)
        self._update_filter_state(ctx.hardware.profile)
        self.refresh()
        ctx.runner.submit(ctx.stores.user.trials, self._on_trials_loaded, self._on_trials_failed)
        ctx.runner.submit(
            lambda: ctx.stores.user.get_setting(SELECTION_KEY), self._on_selection_loaded
        )

    def _layout_charts(self, columns: int) -> None:
        """Two charts a row on a desk; one large chart a row on a projector."""
        for chart in self.charts:
            self.chart_grid.removeWidget(chart)
        for i, chart in enumerate(self.charts):
            last = i == len(self.charts) - 1
            span = columns if last and i % columns == 0 else 1
            self.chart_grid.addWidget(chart, i // columns, i % columns, 1, span)
            if columns > 1:
                chart.plot.setFixedHeight(300)
            else:  # a slide: the one chart shown fills the screen
                chart.plot.setMinimumHeight(240)
                chart.plot.setMaximumHeight(16777215)

    def _thresholds(self) -> list[tuple[float, str, str]]:
        out = []
        for fid, words in (("G057", "feels instant"), ("G058", "slow"), ("G059", "frustrating")):
            fig = self.store.figure(fid)
            if fig is not None and fig.low is not None:
                value = f"{fig.low:g} ms" if fig.low < 1000 else f"{fig.low / 1000:g} s"
                out.append((fig.low, f"{value}: {words}", fig.tooltip()))
        return out

    # ---------------------------------------------------------------- state
    def selected(self) -> list[str]:
        """The picked framework ids, in the store's order."""
        return [fid for fid, b in self.buttons.items() if b.isChecked()]

    def set_selection(self, ids: Sequence[str]) -> None:
        """Pick exactly these frameworks (2 to 4)."""
        for fid, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(fid in ids)
            button.blockSignals(False)
        self.refresh()

    def dimmed(self) -> dict[str, str]:
        """Frameworks greyed out by the hardware filter, with the reason."""
        if not self.filter.isChecked():
            return {}
        return {fid: e.reason for fid, e in self.eligibility.items() if not e.runs}

    def refresh(self) -> None:
        """Rebuild the table and charts for the current selection."""
        self.comparison = build_comparison(self.store, self.selected())
        self._fill_table()
        self._charts_stale = True
        if self.tabs.currentIndex() == CHARTS_TAB:
            self._fill_charts()

    # ---------------------------------------------------------------- table
    def _fill_table(self) -> None:
        table = self.comparison
        assert table is not None
        dimmed = self.dimmed()
        has_profile = bool(self.eligibility)
        rows = [*(["runs_here"] if has_profile else []), *(r.key for r in table.rows)]
        self.table.clear()
        self.table.setRowCount(len(rows))
        self.table.setColumnCount(len(table.frameworks))
        for col, fw in enumerate(table.frameworks):
            title = fw.name + ("\n(not on this hardware)" if fw.id in dimmed else "")
            head = QTableWidgetItem(_swatch(theme.framework_colour(fw.id)), title)
            head.setToolTip(dimmed.get(fw.id, fw.summary))
            self.table.setHorizontalHeaderItem(col, head)
        labels = (["Runs on this machine?"] if has_profile else []) + [r.label for r in table.rows]
        self.table.setVerticalHeaderLabels(labels)
        muted = QBrush(QColor("#9CA3AF"))
        italic = QFont()
        italic.setItalic(True)
        offset = 1 if has_profile else 0
        if has_profile:
            for col, fw in enumerate(table.frameworks):
                e = self.eligibility[fw.id]
                item = QTableWidgetItem(("✓ " if e.runs else "✗ ") + e.reason)
                item.setToolTip(f"{fw.name} on this machine: {e.reason}\n(from its platform facts)")
                self.table.setItem(0, col, item)
        for r, row in enumerate(table.rows):
            for col, cell in enumerate(row.cells):
                item = QTableWidgetItem(cell.display)
                item.setToolTip(cell.tooltip)
                if not cell.known:
                    item.setFont(italic)
                    item.setForeground(QBrush(QColor(theme.MUTED_FG)))
                if cell.conflicts:
                    item.setBackground(QBrush(QColor(theme.CONFLICT_BG)))
                self.table.setItem(r + offset, col, item)
        for col, fw in enumerate(table.frameworks):
            if fw.id in dimmed:
                for r in range(len(rows)):
                    grey = self.table.item(r, col)
                    if grey is not None:
                        grey.setForeground(muted)
                        grey.setToolTip(f"Greyed out: {dimmed[fw.id]}\n\n{grey.toolTip()}")
        self.table.resizeRowsToContents()

    # ---------------------------------------------------------------- charts
    def _fill_charts(self) -> None:
        table = self.comparison
        assert table is not None
        frameworks = [(fw.id, fw.name) for fw in table.frameworks]
        dimmed = self.dimmed()
        thr, thr_missing = range_bars(table, ["throughput"])
        ttft, ttft_missing = range_bars(table, ["ttft", "ttft_load"])
        setup, setup_missing = range_bars(table, ["setup_time"], hours=True)
        published = benchmark_points(self.store.benchmarks(), table.ids)
        published += figure_points(table, "decode")
        self.ttft_chart.trials = self.trial_series("ttft_ms")
        self.rate_chart.trials = self.trial_series("decode_tokens_per_s")
        general = self.store.figure("G067")
        # The charts keep their items and update them in place: all five at once is cheap.
        self.throughput_chart.set_content(frameworks, thr, thr_missing, dimmed)
        self.ttft_chart.set_content(frameworks, ttft, ttft_missing, dimmed)
        self.setup_chart.set_content(frameworks, setup, setup_missing, dimmed)
        self.scatter_chart.set_content(frameworks, thr, ttft, dimmed)
        self.rate_chart.set_content(frameworks, published, general, dimmed)
        self._charts_stale = False

    def trial_series(self, metric: str) -> list[Point]:
        """Measured trials as chart points for `metric` ("ttft_ms", "decode_tokens_per_s")."""
        points = []
        for t in self.trials:
            point = trial_point(t, metric)
            if point is not None:
                points.append(point)
        points += [p for r in self.bench_runs if (p := bench_point(r, metric)) is not None]
        return points

    def _show_trials(self) -> None:
        if self._charts_stale:
            return  # drawn with the trials when the Charts tab is opened
        self.ttft_chart.trials = self.trial_series("ttft_ms")
        self.rate_chart.trials = self.trial_series("decode_tokens_per_s")
        self.ttft_chart.redraw()
        self.rate_chart.redraw()

    # ---------------------------------------------------------------- slots
    def _on_picker_toggled(self, framework_id: str, on: bool) -> None:
        count = len(self.selected())
        if count > MAX_FRAMEWORKS or count < MIN_FRAMEWORKS:
            button = self.buttons[framework_id]
            button.blockSignals(True)
            button.setChecked(not on)
            button.blockSignals(False)
            self.message.setText(
                f"Pick at most {MAX_FRAMEWORKS} frameworks: untick one first."
                if on
                else f"Keep at least {MIN_FRAMEWORKS} frameworks to compare."
            )
            return
        self.message.clear()
        self.refresh()
        chosen = self.selected()
        user = self.ctx.stores.user
        self.ctx.runner.submit(lambda: user.set_setting(SELECTION_KEY, chosen), lambda _r: None)

    def show_charts(self) -> None:
        """Switch to the Charts tab (drawing the charts if the selection changed)."""
        self.tabs.setCurrentIndex(CHARTS_TAB)

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if index == CHARTS_TAB and self._charts_stale:
            self._fill_charts()

    @Slot(bool)
    def _on_filter_toggled(self, _on: bool) -> None:
        self.refresh()

    @Slot(bool)
    def _on_presentation_toggled(self, on: bool) -> None:
        window = self.window()
        setter = getattr(window, "set_presentation_mode", None)
        if callable(setter):
            setter(on)
        else:
            self.set_presentation_mode(on)

    @Slot(object)
    def _on_hardware_profile_changed(self, profile: HardwareProfile) -> None:
        self._update_filter_state(profile)
        self.refresh()

    def _update_filter_state(self, profile: HardwareProfile | None) -> None:
        if profile is None:
            self.eligibility = {}
            self.filter.setEnabled(False)
            self.filter.setText(f"{FILTER_TEXT} (detecting hardware…)")
            self.filter.setToolTip("The hardware is still being detected.")
            return
        self.eligibility = {fw.id: runs_on(fw, profile) for fw in self.store.frameworks()}
        self.filter.setEnabled(True)
        kind = "planned" if profile.planned else "detected"
        self.filter.setText(f"{FILTER_TEXT} ({profile.label}, {kind})")
        self.filter.setToolTip("Greys out frameworks whose documented platforms exclude it.")

    @Slot(object)
    def _on_trials_trial_saved(self, record: Trial) -> None:
        self.trials.insert(0, record)
        self._show_trials()

    @Slot(object)
    def _on_trials_bench_saved(self, run: BenchRun) -> None:
        self.bench_runs.insert(0, run)
        self._show_trials()

    def _on_bench_runs_loaded(self, runs: list[BenchRun]) -> None:
        self.bench_runs = runs
        self._show_trials()

    def _on_trials_loaded(self, records: list[Trial]) -> None:
        known = {t.id for t in self.trials}
        self.trials += [r for r in records if r.id not in known]
        self._show_trials()

    def _on_selection_loaded(self, saved: object) -> None:
        """Restore the frameworks picked last time (ignored unless still 2-4 known ids)."""
        if self._focused:
            return
        if isinstance(saved, list) and all(isinstance(s, str) for s in saved):
            try:
                ids = parse_ids(saved)
            except CompareError:
                return
            if list(ids) != self.selected():
                self.set_selection(ids)

    def _on_trials_failed(self, exc: BaseException) -> None:
        self.message.setText(f"Your measured trials could not be read: {exc}")

    # ---------------------------------------------------------------- modes
    def set_presentation_mode(self, on: bool) -> None:
        """Bigger chart fonts and lines; called by the main window for the whole app."""
        self.presentation.blockSignals(True)
        self.presentation.setChecked(on)
        self.presentation.blockSignals(False)
        for chart in self.charts:
            chart.set_presentation(on, redraw=False)
            chart.setVisible(True)
            for button in chart.export_buttons:
                button.setVisible(not on)
        for widget in (self.title, self.picker_row, self.options_row):
            widget.setVisible(not on)
        self.tabs.tabBar().setVisible(not on)
        self._layout_charts(1 if on else 2)
        if not self._charts_stale:  # stale charts are drawn, at the new size, when opened
            for chart in self.charts:
                chart.redraw()
        self.table.resizeRowsToContents()

    def slide_titles(self) -> list[str]:
        """The side-by-side table, then one slide per chart."""
        return ["Side by side", *(chart.title for chart in self.charts)]

    def show_slide(self, index: int) -> None:
        """Only this slide: the table, or one chart filling the screen."""
        if index == 0:
            self.tabs.setCurrentIndex(0)
            return
        self.tabs.setCurrentIndex(CHARTS_TAB)
        for i, chart in enumerate(self.charts, start=1):
            chart.setVisible(i == index)

    def focus_framework(self, framework_id: str) -> None:
        """Compare this framework with the others picked (it replaces the last if full)."""
        if framework_id not in self.buttons or framework_id in self.selected():
            self.tabs.setCurrentIndex(0)
            return
        self._focused = True  # the saved selection, read later, must not undo this
        chosen = self.selected()
        if len(chosen) >= MAX_FRAMEWORKS:
            chosen = chosen[: MAX_FRAMEWORKS - 1]
        self.set_selection([framework_id, *chosen])
        self.tabs.setCurrentIndex(0)

    def apply_theme(self) -> None:
        """Cell colours (conflicts, dimmed rows) follow the new theme."""
        self._fill_table()

    def settle_for_screenshot(self) -> None:
        """Lay the table out for a screenshot."""
        self.table.resizeRowsToContents()
