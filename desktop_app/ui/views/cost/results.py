"""The Costs view's results: the per-framework table, the prices used, and the charts."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.cost.age import STALE_AFTER_MONTHS, age_of
from desktop_app.domain.cost.calculator import CostResult, FrameworkCost, Quote
from desktop_app.domain.cost.model_cost import LoadCurve, ModelCostResult
from desktop_app.domain.money import format_money, format_small_span, format_span
from desktop_app.domain.sources.figures import Figure
from desktop_app.ui import theme
from desktop_app.ui.charts.cost import CumulativeCostChart, MonthlyCostChart, PerMillionChart

# Short headers (two lines, each narrow enough for a 1366-pixel laptop's column); the whole
# meaning is on hover.
COLUMNS = (
    ("Framework", "The serving framework"),
    (
        "GPUs\nmost / least",
        "GPUs needed: conservative (the low end of the framework's throughput range) / "
        "optimistic (its high end)",
    ),
    ("GPU rent\nper month", "Rent of those GPUs per month, on demand"),
    ("Monthly\n+20–30%", "Monthly cost including the guide's 20–30% extra (storage, network…)"),
    ("Setup\nhours", "Engineering hours to set the framework up"),
    ("Setup\ncost", "Setup hours × your region's engineering rate"),
    ("Total over\nhorizon", "Monthly cost over the horizon plus the setup cost"),
    ("Break-even\nbuy vs rent", "Months after which buying the GPUs costs less than renting"),
)
PRICE_COLUMNS = ("Price or rate", "Value", "Figures", "Source", "Observed at source")


def _item(text: str, tip: str = "", bold: bool = False) -> QTableWidgetItem:
    # A zero-width space after the dash lets a long range wrap instead of being elided.
    item = QTableWidgetItem(text.replace("–", "–\u200b"))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tip:
        item.setToolTip(tip)
    if bold:
        font = item.font()
        font.setBold(True)
        item.setFont(font)
    return item


def _figure_tip(fig: Figure | None, fallback: str) -> str:
    return f"Figure {fig.id}: {fig.tooltip()}" if fig is not None else fallback


def _disagree(a: Quote, b: Quote) -> bool:
    """True when two quotes for the same thing differ by more than 5% at either end."""
    return abs(a.low - b.low) > 0.05 * abs(b.low) or abs(a.high - b.high) > 0.05 * abs(b.high)


def _months(span: tuple[float, float] | None) -> str:
    if span is None:
        return "unknown"
    return f"{span[0]:.1f}–{span[1]:.1f} months"


class CostResults(QWidget):
    """Shows one CostResult; `lakh` switches rupee amounts to lakh / crore."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stale_months: float = STALE_AFTER_MONTHS
        self.today = date.today()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.bottom_line = QLabel()
        self.bottom_line.setWordWrap(True)
        self.bottom_line.setStyleSheet("font-size: 17px; font-weight: 600;")
        self.bottom_line.hide()
        layout.addWidget(self.bottom_line)
        self.model_notes = QLabel()
        self.model_notes.setWordWrap(True)
        self.model_notes.hide()
        layout.addWidget(self.model_notes)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setStyleSheet("font-size: 15px;")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        for column, (label, tip) in enumerate(COLUMNS):
            header_item = QTableWidgetItem(label)
            header_item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, header_item)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setStyleSheet("font-size: 14px;")
        layout.addWidget(self.table)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        theme.set_role(self.notes, "muted")
        layout.addWidget(self.notes)
        # Stacked, not side by side: each chart keeps a readable width on a projector.
        self.per_million = PerMillionChart()
        self.cumulative = CumulativeCostChart()
        self.monthly = MonthlyCostChart()
        for chart in (self.per_million, self.cumulative, self.monthly):
            chart.setMinimumHeight(360)
            layout.addWidget(chart)
        layout.addWidget(QLabel("<b>Prices and rates used</b> — hover for source and date"))
        self.prices = QTableWidget(0, len(PRICE_COLUMNS))
        self.prices.setHorizontalHeaderLabels(PRICE_COLUMNS)
        self.prices.verticalHeader().hide()
        # One line per price: the long source text is elided here and whole in the tooltip.
        self.prices.setWordWrap(False)
        self.prices.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.prices.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.prices)
        self.conflicts = QLabel()
        self.conflicts.setWordWrap(True)
        self.conflicts.setStyleSheet(
            f"background: {theme.CONFLICT_BG}; padding: 6px; border-radius: 4px;"
        )
        layout.addWidget(self.conflicts)

    def money(
        self, result: CostResult, span: tuple[float, float] | None, lakh: bool, big: bool = False
    ) -> str:
        """A span in the result's currency and locale ("too large to price" when `big`)."""
        if span is None and big:
            return "too large to price"
        return format_span(span, result.currency, result.region.locale, lakh)

    def show_model(
        self,
        model: ModelCostResult | None,
        curves: list[LoadCurve] | None = None,
        lakh: bool = False,
    ) -> None:
        """The bottom line for the chosen model first, then how each row was sized."""
        # A chart only where some load has a price (no rent price: nothing to draw).
        priced = [c for c in curves or [] if any(v is not None for _, v in c.points)]
        self.per_million.show_curves(priced, model, lakh)
        self.per_million.setVisible(bool(priced))
        if model is None:
            self.bottom_line.hide()
            self.model_notes.hide()
            return
        self.bottom_line.setText(model.bottom_line)
        cur, loc = model.base.region.currency, model.base.region.locale
        lines = []
        for r in model.rows:
            tp = r.sizing.throughput
            pm = r.per_million
            util = "unknown" if pm.utilisation is None else f"{pm.utilisation:.1%}"
            lines.append(
                f"• {r.name}: {r.sizing.replica.note}. Speed: "
                f"{tp.label + ' (' + tp.source + ')' if tp else 'unknown'}. "
                f"Per 1M output tokens {format_small_span(pm.output, cur, loc)} at utilisation "
                f"{util} ({pm.utilisation_note})."
                + (f" Caveat: {tp.caveat}." if tp and tp.caveat else "")
                + self._owned_text(model, r.owned_monthly, r.owned_note)
                + self._break_even_text(model, r.break_even_tokens)
            )
        cpu = model.cpu
        lines.append(
            f"• CPU-only llama.cpp: {format_span(cpu.monthly, cur, loc, cur == 'INR')}"
            f" a month on demand; the guide's {format_span(cpu.guide_monthly, cur, loc)};"
            f" {cpu.note}."
        )
        self.model_notes.setText("\n".join(lines))
        self.bottom_line.show()
        self.model_notes.show()

    @staticmethod
    def _owned_text(model: ModelCostResult, owned: tuple[float, float] | None, note: str) -> str:
        if owned is None:
            return f" Owned: unknown ({note})."
        cur, loc = model.base.region.currency, model.base.region.locale
        return f" Owned: {format_span(owned, cur, loc, cur == 'INR')} a month ({note})."

    @staticmethod
    def _break_even_text(model: ModelCostResult, tokens: tuple[float, float] | None) -> str:
        if tokens is None:
            return ""
        used = model.tokens_per_month / 1e6
        return (
            f" Break-even with the API at {tokens[0] / 1e6:,.0f}–{tokens[1] / 1e6:,.0f} "
            f"million tokens a month (your traffic: {used:,.0f} million)."
        )

    def show_result(self, result: CostResult | None, lakh: bool = False) -> None:
        """Fill every part from `result` (None clears)."""
        self.cumulative.show_result(result, lakh)
        self.monthly.show_result(result, lakh)
        if result is None:
            self.table.setRowCount(0)
            self.prices.setRowCount(0)
            self.summary.setText("")
            self.notes.setText("")
            self.conflicts.hide()
            return
        self._summary(result, lakh)
        self.table.setRowCount(len(result.frameworks))
        for row, fc in enumerate(result.frameworks):
            for col, item in enumerate(self._row(result, fc, lakh)):
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        self.table.setFixedHeight(
            self.table.horizontalHeader().height()
            + sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
            + 4
        )
        self._prices(result, lakh)
        notes = [f"• {n}" for n in result.notes]
        for fc in result.frameworks:
            notes += [f"• {fc.name}: {n}" for n in fc.notes]
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        lines = [f"⚠ {c.title}: {c.description}" for c in result.conflicts]  # IDs: Sources
        self.conflicts.setText("\n".join(lines))
        ids = ", ".join(c.id for c in result.conflicts)
        self.conflicts.setToolTip(f"Listed in the Sources view as {ids}." if ids else "")
        self.conflicts.setVisible(bool(lines))

    def _summary(self, result: CostResult, lakh: bool) -> None:
        rent = result.rent
        rent_text = "no price — enter your monthly price per GPU"
        if rent is not None:
            rent_text = (
                f"{self.money(result, (rent.low, rent.high), lakh)} per GPU-month "
                f"({rent.label}{'' if rent.refs else '; your entry'})"
            )
            self.summary.setToolTip(rent.tooltip())
        self.summary.setText(
            f"<b>{result.region.name}</b> · {result.workload_text} · {result.inputs.gpu} · "
            f"{result.inputs.months} months<br>GPU rent used: {rent_text}"
        )
        self.summary.setToolTip(rent.tooltip() if rent else "")

    def _row(self, result: CostResult, fc: FrameworkCost, lakh: bool) -> list[QTableWidgetItem]:
        tp = fc.throughput
        tp_tip = _figure_tip(tp, "No throughput figure in the store: GPUs needed is unknown.")
        if fc.gpus_conservative is None:
            gpus = "unknown"
        else:
            gpus = f"{fc.gpus_conservative} / {fc.gpus_optimistic}"
            assert tp is not None
            tp_tip = (
                f"{result.peak_rps:,.2f} req/s ÷ {tp.low:g} req/s per GPU (low end) = "
                f"{fc.gpus_conservative}; ÷ {tp.high:g} (high end) = {fc.gpus_optimistic}\n\n"
                + tp_tip
            )
        rent_tip = result.rent.tooltip() if result.rent else "No price per GPU-month."
        oh = result.overhead
        oh_tip = (oh.tooltip() if oh else "") + "\n\n" + rent_tip
        hours = (
            "unknown"
            if fc.setup_hours is None
            else (
                f"{fc.setup_hours[0]:g} h"
                if fc.setup_hours[0] == fc.setup_hours[1]
                else f"{fc.setup_hours[0]:g}–{fc.setup_hours[1]:g} h"
            )
        )
        rate = result.engineering_rate
        setup_tip = f"{fc.setup_note}\n× " + (rate.tooltip() if rate else "no engineering rate")
        if fc.guide_setup is not None:
            setup_tip += f"\n\nThe guide says: {self._guide_money(result, fc.guide_setup, lakh)}"
            setup_tip += f"\n{fc.guide_setup.tooltip()}"
        be_tip = (result.purchase.tooltip() if result.purchase else "No purchase price.") + (
            "\n\n" + rent_tip
        )
        if result.guide_break_even is not None and result.guide_break_even_stated is not None:
            be_tip += (
                f"\n\nFrom the guide's own prices: {_months(result.guide_break_even)}; "
                f"the guide states {result.guide_break_even_stated.display_value()} (conflict C5)."
            )
        total_tip = (
            f"Setup + {result.inputs.months} × monthly"
            if result.inputs.basis != "buy"
            else "Setup + purchase of the GPUs (power, hosting and upkeep not included)"
        )
        return [
            _item(fc.name, tp_tip, bold=True),
            _item(gpus, tp_tip),
            _item(self.money(result, fc.gpu_monthly, lakh, fc.too_large), rent_tip),
            _item(self.money(result, fc.monthly, lakh, fc.too_large), oh_tip),
            _item(hours, fc.setup_note),
            _item(self.money(result, fc.setup, lakh), setup_tip),
            _item(self.money(result, fc.total, lakh, fc.too_large), total_tip),
            _item(_months(fc.break_even_months), be_tip),
        ]

    def _guide_money(self, result: CostResult, fig: Figure, lakh: bool) -> str:
        return self.money(result, (fig.low or 0.0, fig.high or 0.0), lakh)

    def _quote_money(self, result: CostResult, q: Quote, lakh: bool) -> str:
        if "per USD" in q.unit or q.unit.startswith("%"):
            return f"{q.low:g}–{q.high:g} {q.unit}" if q.low != q.high else f"{q.low:g} {q.unit}"
        if q.unit.endswith("/hour"):
            return format_money(q.low, result.currency, result.region.locale) + " / hour"
        suffix = " / month" if "month" in q.unit else ""
        return self.money(result, (q.low, q.high), lakh) + suffix

    def _age_text(self, q: Quote) -> str:
        if not q.refs and not q.observed:
            return "your entry"
        age = age_of(q.observed, self.today, self.stale_months)
        return ("⚠ " if age.stale else "") + age.text

    def _prices(self, result: CostResult, lakh: bool) -> None:
        quotes: list[Quote | None] = [result.rent, *result.rent_alternatives]
        quotes += [result.purchase, result.overhead, result.engineering_rate]
        if result.currency != "USD":
            quotes.append(result.fx)
        quotes += [result.cpu_option.guide, result.cpu_option.sourced]
        seen: list[Quote] = []
        for q in quotes:
            if q is not None and q not in seen:
                seen.append(q)
        # Where the guide and a sourced price disagree, both rows carry a warning sign.
        flagged: list[Quote] = []
        pairs = [result.rent_alternatives, (result.cpu_option.guide, result.cpu_option.sourced)]
        for pair in pairs:
            quotes_in = [q for q in pair if q is not None]
            if len(quotes_in) == 2 and _disagree(quotes_in[0], quotes_in[1]):
                flagged += quotes_in
        self.prices.setRowCount(len(seen))
        for row, q in enumerate(seen):
            label = q.label + (" (used)" if q is result.rent else "")
            if q in flagged:
                label = "⚠ " + label
            tip = q.tooltip()
            cells = (
                label,
                self._quote_money(result, q, lakh),
                ", ".join(q.refs) or "yours",
                q.source,
                self._age_text(q),
            )
            for col, text in enumerate(cells):
                self.prices.setItem(row, col, _item(text, tip, bold=q is result.rent))
        self.prices.resizeRowsToContents()
        self.prices.setFixedHeight(
            self.prices.horizontalHeader().height()
            + sum(self.prices.rowHeight(r) for r in range(self.prices.rowCount()))
            + 4
        )
