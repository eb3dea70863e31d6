"""Costs: what a framework choice costs in the US, Singapore, India or your own region."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.bench.run import BenchRun
from desktop_app.domain.cost.calculator import CostResult, calculate, fx_quote
from desktop_app.domain.cost.inputs import (
    REGIONS,
    CostInputs,
    CustomRegion,
    InputError,
    Workload,
    region_for_locale,
)
from desktop_app.domain.cost.model_cost import (
    ModelCostInputs,
    ModelCostResult,
    cost_model,
    default_frameworks,
    load_curves,
)
from desktop_app.domain.cost.overrides import PriceEntry, PriceKey, price_entries, with_typed_rates
from desktop_app.domain.cost.sizing import DEFAULT_OUTPUT_TOKENS
from desktop_app.domain.fit.estimate import ModelShape
from desktop_app.services import cost as cost_files
from desktop_app.services.bench.kept import kept_bench_runs
from desktop_app.services.cost import CostViewSettings
from desktop_app.services.gguf import read_gguf
from desktop_app.ui import theme
from desktop_app.ui.context import AppContext
from desktop_app.ui.views.cost.model_box import ModelBox
from desktop_app.ui.views.cost.results import CostResults
from desktop_app.ui.widgets.number_field import NumberField

BASIS_LABELS = (
    ("cloud", "Cloud on-demand (sourced prices)"),
    ("user", "My monthly price per GPU"),
    ("reserved", "Reserved / committed discount"),
    ("buy", "Buy the GPUs"),
)
WORKLOAD_LABELS = (
    ("rps", "Peak requests per second"),
    ("users", "Concurrent users"),
    ("daily", "Queries per day"),
)


def system_locale_name() -> str:
    """The system's locale name, e.g. "en_IN" (a function so tests can set it)."""
    return QLocale.system().name()


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class CostsView(QWidget):
    """Inputs on the left; GPUs, monthly, setup and total cost with sources on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.store = ctx.stores.bundled
        self.overrides: dict[PriceKey, float] = {}
        self.result: CostResult | None = None
        self.model_result: ModelCostResult | None = None
        self._loading = True
        # Frameworks follow the scale until the user ticks their own.
        self._auto_frameworks = True
        self._settings_loaded = False
        self._saved: CostViewSettings | None = None
        self._region_chosen = False
        self._locale_region, self._locale_note = region_for_locale(system_locale_name())
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        heading = QLabel(
            "<h2>What will this cost me, here?</h2>GPUs needed from each framework's "
            "throughput range, rent with the guide's 20–30% overhead, setup time × your "
            "region's engineering rate, and buying vs renting. Hover any value for its source."
        )
        heading.setWordWrap(True)
        heading.setContentsMargins(16, 12, 16, 4)
        outer.addWidget(heading)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(_scroll(self._build_inputs()))
        right = QWidget()
        rl = QVBoxLayout(right)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(
            f"background: {theme.WARNING_BG}; color: {theme.WARNING_FG}; padding: 6px;"
        )
        self.message.hide()
        rl.addWidget(self.message)
        self.results = CostResults()
        rl.addWidget(self.results)
        rl.addStretch(1)
        split.addWidget(_scroll(right))
        split.setStretchFactor(1, 1)
        split.setSizes([360, 1000])
        outer.addWidget(split, 1)
        self._loading = False
        self.set_inputs(CostInputs(region=self._locale_region), auto_frameworks=True)
        user = ctx.stores.user
        ctx.runner.submit(
            lambda: (cost_files.cost_overrides(user), cost_files.load_view_settings(user)),
            self._saved_loaded,
            self._job_failed,
        )
        self._load_runs()
        ctx.trials.bench_saved.connect(self._on_bench_saved)
        ctx.data.pack_imported.connect(self._on_pack_imported)

    # building -------------------------------------------------------------------------
    def _build_inputs(self) -> QWidget:
        box = QWidget()
        box.setMinimumWidth(340)
        col = QVBoxLayout(box)
        where = QGroupBox("Where")
        form = QFormLayout(where)
        self.region = QComboBox()
        for code, region in REGIONS.items():
            self.region.addItem(region.name, code)
        self.region.addItem("Custom region…", "custom")
        form.addRow("Region", self.region)
        self.region_note = QLabel()
        self.region_note.setWordWrap(True)
        theme.set_role(self.region_note, "muted")
        form.addRow(self.region_note)
        self.custom_name = QLineEdit("Custom")
        self.custom_currency = QLineEdit("EUR")
        self.custom_locale = QLineEdit("en_IE")
        self.custom_error = QLabel()
        theme.set_role(self.custom_error, "error")
        self.custom_error.setWordWrap(True)
        self.fx = NumberField("fx_rate", optional=True)
        self.eng_rate = NumberField("engineering_rate", optional=True)
        self._custom_rows = [
            ("Name", self.custom_name),
            ("Currency (ISO)", self.custom_currency),
            ("Locale", self.custom_locale),
        ]
        for label, widget in self._custom_rows:
            form.addRow(label, widget)
        form.addRow(self.custom_error)
        form.addRow("Rate per USD", self.fx)
        form.addRow("Engineering / hour", self.eng_rate)
        self.lakh = QCheckBox("Read rupees in lakh / crore")
        form.addRow(self.lakh)
        self.where_form = form
        col.addWidget(where)

        load = QGroupBox("Workload")
        lf = QFormLayout(load)
        self.workload_kind = QComboBox()
        for key, text in WORKLOAD_LABELS:
            self.workload_kind.addItem(text, key)
        lf.addRow("Think in", self.workload_kind)
        self.load_rps = NumberField("load_rps")
        self.users = NumberField("users")
        self.rpm = NumberField("requests_per_user_per_min")
        self.qpd = NumberField("queries_per_day")
        self.peak = NumberField("peak_factor", allow_min=True)
        self._workload_rows: dict[str, list[tuple[str, NumberField]]] = {
            "rps": [("Requests/s at peak", self.load_rps)],
            "users": [("Users at once", self.users), ("Requests/user/min", self.rpm)],
            "daily": [("Queries per day", self.qpd), ("Peak factor", self.peak)],
        }
        for rows in self._workload_rows.values():
            for label, number in rows:
                lf.addRow(label, number)
        self.workload_form = lf
        col.addWidget(load)

        fw_box = QGroupBox("Frameworks")
        grid = QGridLayout(fw_box)
        self.framework_boxes: dict[str, QCheckBox] = {}
        for i, fw in enumerate(self.store.frameworks()):
            check = QCheckBox(fw.name)
            check.setStyleSheet(
                f"QCheckBox {{ border-left: 5px solid "
                f"{theme.framework_colour(fw.id)}; padding-left: 4px; }}"
            )
            self.framework_boxes[fw.id] = check
            grid.addWidget(check, i // 2, i % 2)
        fw_rows = (len(self.framework_boxes) + 1) // 2
        self.framework_note = QLabel()
        self.framework_note.setWordWrap(True)
        theme.set_role(self.framework_note, "muted")
        grid.addWidget(self.framework_note, fw_rows, 0, 1, 2)
        self.scale_button = QPushButton("Choose for the scale")
        self.scale_button.setToolTip("Tick the frameworks worth pricing at this load again.")
        grid.addWidget(self.scale_button, fw_rows + 1, 0, 1, 2)
        col.addWidget(fw_box)

        price = QGroupBox("Hardware and pricing")
        pf = QFormLayout(price)
        self.gpu = QComboBox()
        for g in self.store.gpus():
            if g.vendor != "Apple":
                self.gpu.addItem(g.name, g.name)
        pf.addRow("GPU", self.gpu)
        self.basis = QComboBox()
        for key, text in BASIS_LABELS:
            self.basis.addItem(text, key)
        pf.addRow("Pricing", self.basis)
        self.gpu_month = NumberField(
            "gpu_month_price", optional=True, placeholder="your price per GPU-month"
        )
        self.discount = NumberField("discount_pct", allow_min=True)
        self.purchase = NumberField(
            "purchase_price", optional=True, placeholder="bundled: guide / launch price"
        )
        self.months = NumberField("months", integer=True, allow_min=True)
        pf.addRow("Per GPU-month", self.gpu_month)
        pf.addRow("Discount %", self.discount)
        pf.addRow("Purchase / GPU", self.purchase)
        pf.addRow("Horizon (months)", self.months)
        self.price_form = pf
        col.addWidget(price)
        self.model_box = ModelBox(self.store.model_archs())
        col.addWidget(self.model_box)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save scenario…")
        self.open_button = QPushButton("Open scenario…")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.open_button)
        col.addLayout(buttons)
        self.reset_button = QPushButton("Reset to bundled prices and rates")
        col.addWidget(self.reset_button)
        self.file_message = QLabel()
        self.file_message.setWordWrap(True)
        col.addWidget(self.file_message)
        col.addStretch(1)

        for combo in (
            self.region,
            self.workload_kind,
            self.gpu,
            self.basis,
        ):
            combo.currentIndexChanged.connect(self._on_combo_index_changed)
        for field in (*self._workload_fields(), self.fx, self.eng_rate):
            field.value_changed.connect(self._on_field_value_changed)
        for edit in (self.custom_name, self.custom_currency, self.custom_locale):
            edit.textChanged.connect(self._on_custom_text_changed)
        for check in self.framework_boxes.values():
            check.toggled.connect(self._on_framework_toggled)
        self.lakh.toggled.connect(self._on_check_toggled)
        self.scale_button.clicked.connect(self._on_scale_clicked)
        self.model_box.changed.connect(self._on_model_box_changed)
        self.model_box.gguf_wanted.connect(self._on_model_box_gguf_wanted)
        for priced in (self.fx, self.eng_rate, self.gpu_month, self.purchase):
            priced.edit.editingFinished.connect(self._on_price_editing_finished)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        return box

    # inputs <-> widgets ---------------------------------------------------------------
    def set_inputs(self, inputs: CostInputs, auto_frameworks: bool = False) -> None:
        """Show `inputs` in the fields (a scenario that was opened, or the defaults).

        With `auto_frameworks` the ticks follow the scale instead of `inputs.frameworks`.
        """
        self._loading = True
        self._auto_frameworks = auto_frameworks
        self.region.setCurrentIndex(max(0, self.region.findData(inputs.region)))
        self.custom_name.setText(inputs.custom.name)
        self.custom_currency.setText(inputs.custom.currency)
        self.custom_locale.setText(inputs.custom.locale)
        w = inputs.workload
        self.workload_kind.setCurrentIndex(max(0, self.workload_kind.findData(w.kind)))
        for field, value in (
            (self.load_rps, w.load_rps),
            (self.users, w.users),
            (self.rpm, w.requests_per_user_per_min),
            (self.qpd, w.queries_per_day),
            (self.peak, w.peak_factor),
        ):
            field.set_text(f"{value:g}")
        for fid, check in self.framework_boxes.items():
            check.setChecked(fid in inputs.frameworks)
        self.gpu.setCurrentIndex(max(0, self.gpu.findData(inputs.gpu)))
        self.basis.setCurrentIndex(max(0, self.basis.findData(inputs.basis)))
        self.gpu_month.set_text(
            "" if inputs.gpu_month_price is None else f"{inputs.gpu_month_price:g}"
        )
        self.purchase.set_text(
            "" if inputs.purchase_price is None else f"{inputs.purchase_price:g}"
        )
        self.discount.set_text(f"{inputs.discount_pct:g}")
        self.months.set_text(str(inputs.months))
        if inputs.region == "custom":
            self.fx.set_text(
                "" if inputs.custom.rate_per_usd is None else f"{inputs.custom.rate_per_usd:g}"
            )
            self.eng_rate.set_text(
                ""
                if inputs.custom.engineering_rate is None
                else f"{inputs.custom.engineering_rate:g}"
            )
        self._loading = False
        self.recompute()

    def collect(self) -> CostInputs:
        """The inputs in the fields; raises InputError naming the first bad field."""
        basis = str(self.basis.currentData())
        # Only the fields on screen count: a stale value in a hidden one must not block.
        fields = [
            self.months,
            self.fx,
            self.eng_rate,
            *(w for _, w in self._workload_rows[self._kind()]),
        ]
        fields += {
            "user": [self.gpu_month],
            "reserved": [self.discount],
            "buy": [self.purchase],
        }.get(basis, [])
        bad = [f for f in fields if not f.check()]
        if bad:
            raise InputError(bad[0].field_name, bad[0].error.text())
        region = str(self.region.currentData())
        custom = CustomRegion(
            self.custom_name.text().strip() or "Custom",
            self.custom_currency.text(),
            self.custom_locale.text(),
            self.fx.value() if region == "custom" else None,
            self.eng_rate.value() if region == "custom" else None,
        )
        workload = self.collect_workload()
        frameworks = tuple(f for f, c in self.framework_boxes.items() if c.isChecked())
        if not frameworks:
            raise InputError("frameworks", "Tick at least one framework.")
        return CostInputs(
            region=region,
            custom=custom,
            workload=workload,
            frameworks=frameworks,
            gpu=str(self.gpu.currentData()),
            basis=basis,
            gpu_month_price=self.gpu_month.value() if basis == "user" else None,
            purchase_price=self.purchase.value() if basis == "buy" else None,
            discount_pct=(self.discount.value() or 0.0) if basis == "reserved" else 0.0,
            months=int(self.months.value() or 12),
        )

    def collect_workload(self) -> Workload:
        """The workload in the fields (an unusable field reads as its default)."""
        return Workload(
            kind=self._kind(),
            load_rps=self._num(self.load_rps, 540.0),
            users=self._num(self.users, 200.0),
            requests_per_user_per_min=self._num(self.rpm, 2.0),
            queries_per_day=self._num(self.qpd, 50_000.0),
            peak_factor=self._num(self.peak, 3.0),
        )

    def _kind(self) -> str:
        return str(self.workload_kind.currentData())

    @staticmethod
    def _num(field: NumberField, default: float) -> float:
        try:
            return field.value() or default
        except InputError:
            return default

    # computing ------------------------------------------------------------------------
    def recompute(self) -> None:
        """Validate the fields and show the costs (or say which field to fix)."""
        self._sync_visibility()
        self._tick_for_scale()
        try:
            inputs = self.collect()
            api_usd, kwh, stale = self.model_box.numbers()
            self.result = calculate(self.store, inputs, self._live_overrides(inputs))
        except InputError as exc:
            self._show_field_error(exc)
            return
        self.message.hide()
        self.custom_error.hide()
        lakh = self.lakh.isChecked() and self.lakh.isEnabled()
        self.results.stale_months = stale
        self.results.show_result(self.result, lakh)
        self.model_result = self._model_cost(self.result, api_usd, kwh)
        curves = [] if self.model_result is None else load_curves(self.store, self.model_result)
        self.results.show_model(self.model_result, curves, lakh)
        self._remember()

    def _model_cost(
        self, base: CostResult, api_usd: float | None, kwh: float | None
    ) -> ModelCostResult | None:
        """The costs for the chosen model (pure arithmetic, well under 50 ms)."""
        try:
            shape: ModelShape | None = self.model_box.shape()
        except (InputError, KeyError, ValueError) as exc:
            self.model_box.gguf_failed(f"This model cannot be sized: {exc}.")
            return None
        if shape is None:
            return None
        api = None
        if api_usd is not None:
            fx = base.fx
            rate = 1.0 if base.currency == "USD" or fx is None else (fx.low + fx.high) / 2
            api = api_usd * rate
        try:
            mi = ModelCostInputs(
                shape=shape,
                api_price_per_million=api,
                kwh_price=kwh,
                measured=self.model_box.measured(DEFAULT_OUTPUT_TOKENS),
            )
            return cost_model(self.store, base, mi)
        except InputError as exc:
            self._show_field_error(exc)
            return None

    def _tick_for_scale(self) -> None:
        """While the user has not chosen, tick the frameworks worth pricing at this load."""
        self.scale_button.setVisible(not self._auto_frameworks)
        if not self._auto_frameworks:
            self.framework_note.setText("Your own choice of frameworks (kept).")
            return
        try:
            peak = self.collect_workload().peak_rps()
        except InputError:
            return
        wanted = set(default_frameworks(peak))
        for fid, check in self.framework_boxes.items():
            check.blockSignals(True)
            check.setChecked(fid in wanted)
            check.blockSignals(False)
        self.framework_note.setText(
            f"Chosen for {peak:,.1f} requests/s at peak; tick your own to change them."
        )
        self.framework_note.setToolTip(
            "Below 2 requests/s: llama.cpp and vLLM. Below 100: vLLM, SGLang and llama.cpp. "
            "Above: vLLM, TensorRT-LLM and SGLang (TGI is in maintenance mode since 2025-12)."
        )

    def _live_overrides(self, inputs: CostInputs) -> dict[PriceKey, float]:
        """Saved prices, with what is being typed in the rate fields taking effect at once."""
        if inputs.region not in REGIONS:
            return dict(self.overrides)
        region = REGIONS[inputs.region]
        return with_typed_rates(self.overrides, region, self.fx.value(), self.eng_rate.value())

    def _show_field_error(self, exc: InputError) -> None:
        fields = {f.field_name: f for f in self._workload_fields()}
        if exc.field in fields and not fields[exc.field].error.text():
            fields[exc.field].show_error(exc.message)
        if exc.field in ("custom", "workload"):
            self.custom_error.setText(exc.message if exc.field == "custom" else "")
            self.custom_error.setVisible(exc.field == "custom")
        self.message.setText(f"Fix the highlighted field to update the costs: {exc.message}")
        self.message.show()

    def _sync_visibility(self) -> None:
        region = str(self.region.currentData())
        custom = region == "custom"
        for _, widget in self._custom_rows:
            self.where_form.setRowVisible(widget, custom)
        try:
            currency = self.collect_region_currency()
        except InputError:
            currency = ""
        self.lakh.setEnabled(currency == "INR")
        for kind, rows in self._workload_rows.items():
            for _, number in rows:
                self.workload_form.setRowVisible(number, kind == self._kind())
        basis = str(self.basis.currentData())
        self.price_form.setRowVisible(self.discount, basis == "reserved")
        self.price_form.setRowVisible(self.purchase, basis == "buy")
        self.price_form.setRowVisible(self.gpu_month, basis == "user")
        if custom:
            self.fx.setEnabled(True)
            self.fx.edit.setPlaceholderText("units of your currency per USD")
            self.fx.edit.setToolTip("Needed to convert the sourced US-dollar prices.")
            self.eng_rate.edit.setPlaceholderText("needed for setup cost")
        elif region in REGIONS:
            reg = REGIONS[region]
            fx = fx_quote(self.store, reg, CostInputs(region=region), {})
            if reg.currency == "USD":
                self.fx.edit.setPlaceholderText("1 (US dollars)")
                self.fx.edit.setToolTip("")
            elif fx is not None:
                rate = f"{fx.low:g}" if fx.low == fx.high else f"{fx.low:g}–{fx.high:g}"
                # The rate's source and date are on hover (fx.tooltip), never an ID in the field.
                self.fx.edit.setPlaceholderText(f"bundled {rate} {reg.currency} per USD")
                self.fx.edit.setToolTip(
                    f"{reg.currency} per USD. Type your own rate to use and keep it.\n\n"
                    + fx.tooltip()
                )
            self.fx.setEnabled(reg.currency != "USD")
            self.eng_rate.edit.setPlaceholderText("bundled: the guide's rate")
        self.region_note.setText(self._locale_note)
        self.region_note.setVisible(not self._region_chosen)
        self.model_box.set_currency(currency or "your currency")

    def collect_region_currency(self) -> str:
        """The currency of the chosen region (custom regions validated)."""
        region = str(self.region.currentData())
        if region == "custom":
            return (
                CustomRegion(currency=self.custom_currency.text(), locale=self.custom_locale.text())
                .region()
                .currency
            )
        return REGIONS[region].currency

    # slots ----------------------------------------------------------------------------
    def _workload_fields(self) -> tuple[NumberField, ...]:
        """The number fields the calculator validates (rates are checked on their own)."""
        return (
            self.load_rps, self.users, self.rpm, self.qpd, self.peak, self.gpu_month,
            self.discount, self.purchase, self.months,
        )  # fmt: skip

    @Slot(int)
    def _on_combo_index_changed(self, _index: int) -> None:
        if self.sender() in (self.region, self.gpu) and not self._loading:
            self._refill_user_prices()
        if self.sender() is self.region and not self._loading:
            self._region_chosen = True
        self._recompute_unless_loading()

    @Slot(bool)
    def _on_framework_toggled(self, _checked: bool) -> None:
        if not self._loading:
            self._auto_frameworks = False  # the user's own choice from now on
        self._recompute_unless_loading()

    @Slot()
    def _on_scale_clicked(self) -> None:
        self._auto_frameworks = True
        self.recompute()

    @Slot()
    def _on_model_box_changed(self) -> None:
        self._recompute_unless_loading()

    @Slot()
    def _on_model_box_gguf_wanted(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Pick a GGUF model", "", "GGUF models (*.gguf);;All files (*)"
        )
        if name:
            self.use_gguf(Path(name))

    def use_gguf(self, path: Path) -> None:
        """Read a GGUF file's header in the background and cost it as the model."""
        self.model_box.gguf_failed(f"Reading {path.name}…")
        self.ctx.runner.submit(
            lambda: read_gguf(path),
            lambda model: self._gguf_read(path, model.shape),
            lambda exc: self.model_box.gguf_failed(str(exc)),
        )

    def _gguf_read(self, path: Path, shape: ModelShape | None) -> None:
        if shape is None:  # read_gguf raises instead, but say so rather than assume it
            self.model_box.gguf_failed(f"{path.name} cannot be sized.")
        else:
            self.model_box.add_gguf(path, shape)

    def _load_runs(self) -> None:
        self.ctx.runner.submit(kept_bench_runs, self._runs_loaded, self._job_failed)

    def _runs_loaded(self, runs: list[BenchRun]) -> None:
        self.model_box.set_runs(runs, set(self.framework_boxes))

    @Slot(object)
    def _on_bench_saved(self, _run: object) -> None:
        self._load_runs()

    @Slot(object)
    def _on_pack_imported(self, _pack: object) -> None:
        self.recompute()  # the bundled store now holds the pack's prices and rates

    # remembering ----------------------------------------------------------------------
    def _remembered_fields(self) -> dict[str, NumberField]:
        """The number fields kept between sessions, by their settings name."""
        return {
            "load_rps": self.load_rps, "users": self.users, "rpm": self.rpm,
            "qpd": self.qpd, "peak": self.peak,
            "api_price": self.model_box.api_price, "kwh_price": self.model_box.kwh_price,
            "stale_months": self.model_box.stale_months,
        }  # fmt: skip

    def _chosen(self) -> CostViewSettings:
        numbers: dict[str, float] = {}
        named = self._remembered_fields()
        for key, field in named.items():
            try:
                value = field.value()
            except InputError:
                continue
            if value is not None:
                numbers[key] = value
        frameworks = () if self._auto_frameworks else tuple(
            f for f, c in self.framework_boxes.items() if c.isChecked()
        )  # fmt: skip
        region = str(self.region.currentData()) if self._region_chosen else ""
        return CostViewSettings(region, self._kind(), numbers, frameworks)

    def _remember(self) -> None:
        """Keep the region, workload, frameworks and numbers (once the saved ones are in)."""
        if not self._settings_loaded or self._loading:
            return
        chosen = self._chosen()
        if chosen == self._saved:
            return
        self._saved = chosen
        user = self.ctx.stores.user
        self.ctx.runner.submit(
            lambda: cost_files.save_view_settings(user, chosen),
            lambda _r: None,
            self._job_failed,
            key="cost-settings",
        )

    def _saved_loaded(self, loaded: tuple[dict[PriceKey, float], CostViewSettings]) -> None:
        overrides, chosen = loaded
        self._saved = chosen
        self._loading = True
        if chosen.region and self.region.findData(chosen.region) >= 0:
            self._region_chosen = True
            self.region.setCurrentIndex(self.region.findData(chosen.region))
        if chosen.workload_kind and self.workload_kind.findData(chosen.workload_kind) >= 0:
            self.workload_kind.setCurrentIndex(self.workload_kind.findData(chosen.workload_kind))
        named = self._remembered_fields()
        for key, value in chosen.numbers.items():
            if key in named:
                named[key].set_text(f"{value:g}")
        known = [f for f in chosen.frameworks if f in self.framework_boxes]
        if known:
            self._auto_frameworks = False
            for fid, check in self.framework_boxes.items():
                check.setChecked(fid in known)
        self._loading = False
        self._settings_loaded = True
        self._overrides_loaded(overrides)

    @Slot()
    def _on_field_value_changed(self) -> None:
        self._recompute_unless_loading()

    @Slot(str)
    def _on_custom_text_changed(self, _text: str) -> None:
        self._recompute_unless_loading()

    @Slot(bool)
    def _on_check_toggled(self, _checked: bool) -> None:
        self._recompute_unless_loading()

    def _recompute_unless_loading(self) -> None:
        if not self._loading:
            self.recompute()

    def _override_fields(self) -> list[tuple[NumberField, PriceEntry]]:
        """The fields whose values are the user's own prices, with where each is kept."""
        region = str(self.region.currentData())
        if region not in REGIONS:
            return []
        entries = price_entries(REGIONS[region], str(self.gpu.currentData()))
        return [
            (self.fx, entries.fx),
            (self.eng_rate, entries.engineering_rate),
            (self.gpu_month, entries.gpu_month),
            (self.purchase, entries.purchase),
        ]

    def _refill_user_prices(self) -> None:
        for field, entry in self._override_fields():
            value = self.overrides.get(entry.key)
            field.set_text("" if value is None else f"{value:g}")

    def _overrides_loaded(self, overrides: dict[PriceKey, float]) -> None:
        self.overrides = dict(overrides)
        self._refill_user_prices()
        self.recompute()

    def _job_failed(self, exc: BaseException) -> None:
        self.file_message.setText(f"⚠ {exc}")

    def _save_override(self, field: NumberField, entry: PriceEntry) -> None:
        if str(self.region.currentData()) == "custom" or not field.check():
            return
        value = field.value()
        user, key = self.ctx.stores.user, entry.key
        if value is None:
            self.overrides.pop(key, None)
            self.ctx.runner.submit(
                lambda: cost_files.forget_cost_override(user, key),
                lambda _r: None,
                self._job_failed,
            )
        else:
            self.overrides[key] = value
            self.ctx.runner.submit(
                lambda: cost_files.set_cost_override(user, key, value, entry.unit),
                lambda _r: None,
                self._job_failed,
            )
        self.recompute()

    @Slot()
    def _on_price_editing_finished(self) -> None:
        sender = self.sender()
        for field, entry in self._override_fields():
            if field.edit is sender:
                self._save_override(field, entry)

    @Slot()
    def _on_reset_clicked(self) -> None:
        user = self.ctx.stores.user
        self.overrides = {}
        self.ctx.runner.submit(
            lambda: cost_files.reset_cost_overrides(user),
            lambda _r: self._reset_done(),
            self._job_failed,
        )

    def _reset_done(self) -> None:
        self.file_message.setText("Back to the bundled prices and rates.")
        self._refill_user_prices()
        self.recompute()

    @Slot()
    def _on_save_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save cost scenario", "cost-scenario.json", "Cost scenario (*.json)"
        )
        if name:
            self.save_scenario_to(Path(name))

    @Slot()
    def _on_open_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open cost scenario", "", "Cost scenario (*.json);;All files (*)"
        )
        if name:
            self.open_scenario_from(Path(name))

    def save_scenario_to(self, path: Path) -> None:
        """Write the current inputs to `path` (in the background)."""
        try:
            inputs = self.collect()
        except InputError as exc:
            self.file_message.setText(f"⚠ Not saved: {exc.message}")
            return
        self.ctx.runner.submit(
            lambda: cost_files.save_scenario(path, inputs),
            lambda _r: self.file_message.setText(f"Saved {path.name}."),
            self._job_failed,
        )

    def open_scenario_from(self, path: Path) -> None:
        """Read a scenario from `path` and show it; a bad file gets a message, nothing lost."""
        self.ctx.runner.submit(
            lambda: cost_files.load_scenario(path), self._scenario_loaded, self._job_failed
        )

    def _scenario_loaded(self, inputs: CostInputs) -> None:
        self.open_inputs(inputs)

    def open_inputs(self, inputs: CostInputs) -> None:
        """Show an opened scenario's inputs (its region counts as chosen)."""
        self._region_chosen = True
        self.set_inputs(inputs)
        self.file_message.setText("Opened the scenario.")

    def settle_for_screenshot(self) -> None:
        """Show the Indian costs read in lakh, as a Bangalore team would."""
        self._region_chosen = True
        self.set_inputs(
            CostInputs(region="in", workload=Workload(kind="users", users=50)),
            auto_frameworks=True,
        )
        self.lakh.setChecked(True)

    def shutdown(self) -> None:
        """Drop the chart items while Qt is still up (avoids a PySide6 crash at exit)."""
        for chart in (self.results.cumulative, self.results.monthly, self.results.per_million):
            chart.plot.clear()
