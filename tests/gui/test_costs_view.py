"""The Costs view as a user drives it: regions, bad input at the field, scenarios, charts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.storage.user.store import UserStore
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.views.cost.view import CostsView
from desktop_app.ui.workers import BackgroundRunner

pytestmark = pytest.mark.gui

COL = {"gpus": 1, "rent": 2, "monthly": 3, "hours": 4, "setup": 5, "total": 6, "break_even": 7}


def cell(view: CostsView, framework: str, column: str) -> str:
    table = view.results.table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == framework:
            return table.item(row, COL[column]).text().replace("\u200b", "")
    raise AssertionError(f"{framework} not in the table")


def tip(view: CostsView, framework: str, column: str) -> str:
    table = view.results.table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == framework)
    return table.item(row, COL[column]).toolTip()


def choose(combo, data: str) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


@pytest.fixture
def view(window: MainWindow) -> CostsView:
    v = window.show_view("costs")
    assert isinstance(v, CostsView)
    return v


def test_defaults_show_gpus_setup_and_sources(view: CostsView) -> None:
    assert cell(view, "vLLM", "gpus") == "5 / 4"
    assert cell(view, "TensorRT-LLM", "gpus") == "3 / 3"
    assert cell(view, "vLLM", "setup") == "$2,400"
    assert cell(view, "TensorRT-LLM", "setup") == "$12,000–15,000"
    assert "G020" in tip(view, "vLLM", "gpus") and "540.00 req/s ÷ 120" in tip(view, "vLLM", "gpus")
    rent = tip(view, "vLLM", "rent")
    assert "P031" in rent and "Copied into the app: 2026-11-29" in rent
    assert "Observed at source: unknown" in rent and "PCIe card" in rent
    assert "The guide says: $2,400" in tip(view, "vLLM", "setup")
    assert "not a straight product" in tip(view, "TensorRT-LLM", "setup")


def test_india_in_rupees_with_the_lakh_toggle(view: CostsView) -> None:
    choose(view.region, "in")
    assert cell(view, "vLLM", "setup") == "₹80,000"
    assert cell(view, "TensorRT-LLM", "setup") == "₹4,00,000–5,00,000"
    assert cell(view, "vLLM", "rent") == "₹6,00,000–12,50,000"
    view.lakh.setChecked(True)
    assert cell(view, "TensorRT-LLM", "setup") == "₹4–5 lakh"
    assert cell(view, "vLLM", "rent") == "₹6–12.5 lakh"
    assert "lakh" in view.results.cumulative.plot.getAxis("left").labelText
    assert cell(view, "vLLM", "break_even") == "3.2–8.0 months"


def test_singapore_in_singapore_dollars(view: CostsView) -> None:
    choose(view.region, "sg")
    assert cell(view, "vLLM", "setup") == "S$1,600"
    assert cell(view, "TensorRT-LLM", "setup") == "S$8,000–10,000"
    assert "No sourced on-demand price" in view.results.notes.text()


def test_guide_and_sourced_rent_both_shown_when_they_disagree(view: CostsView) -> None:
    prices = view.results.prices
    rows = {
        prices.item(r, 2).text().replace("\u200b", ""): prices.item(r, 0).text()
        for r in range(prices.rowCount())
    }
    assert rows["P031"].startswith("⚠") and rows["G072"].startswith("⚠")
    assert "(used)" in rows["P031"]
    conflicts = view.results.conflicts
    assert "C4" in conflicts.toolTip() and "C5" in conflicts.toolTip()  # IDs on hover only
    assert "C4" not in conflicts.text() and "vs the guide's own A100 prices" in conflicts.text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a number."),
        ("abc", "is not a number"),
        ("0", "Must be more than 0."),
        ("-4", "Must be more than 0."),
        ("nan", "Enter a finite number."),
        ("1e30", "Too large"),
    ],
)
def test_bad_load_gets_a_message_at_the_field_and_keeps_the_last_result(
    view: CostsView,
    qtbot,
    text: str,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    before = cell(view, "vLLM", "gpus")
    view.load_rps.edit.setText(text)
    assert message in view.load_rps.error.text()
    assert view.load_rps.error.isVisibleTo(view)
    assert view.message.isVisibleTo(view) and message in view.message.text()
    assert cell(view, "vLLM", "gpus") == before
    view.load_rps.edit.setText("1200")
    assert not view.load_rps.error.isVisibleTo(view)
    assert cell(view, "vLLM", "gpus") == "10 / 8"


def test_absurd_price_never_shows_an_overflowed_amount(view: CostsView) -> None:
    choose(view.basis, "user")
    view.gpu_month.edit.setText("999999999")
    view.load_rps.edit.setText("999999")
    view.framework_boxes["ollama"].setChecked(True)
    shown = cell(view, "Ollama", "total")
    assert shown == "too large to price"
    assert cell(view, "vLLM", "gpus") == "8334 / 6250"
    table = view.results.table
    texts = [
        table.item(r, c).text().replace("\u200b", "")
        for r in range(table.rowCount())
        for c in range(8)
    ]
    assert not any(bad in t.lower() for t in texts for bad in ("e+", "inf", "nan"))


def test_workload_as_users_and_unknown_throughput(view: CostsView) -> None:
    choose(view.workload_kind, "users")
    view.users.edit.setText("1200")
    view.rpm.edit.setText("27")
    assert cell(view, "vLLM", "gpus") == "5 / 4"
    view.framework_boxes["sglang"].setChecked(True)
    assert cell(view, "SGLang", "gpus") == "unknown"
    assert cell(view, "SGLang", "monthly") == "unknown"


def test_custom_region_in_euros(view: CostsView) -> None:
    choose(view.region, "custom")
    view.custom_currency.setText("EUR")
    view.custom_locale.setText("de_DE")
    view.fx.edit.setText("0.9")
    view.eng_rate.edit.setText("120")
    assert cell(view, "vLLM", "setup") == "1.920\xa0€"  # de_DE: non-breaking space
    view.custom_currency.setText("EURO")
    assert "ISO 4217" in view.custom_error.text()


def test_scenario_round_trip_and_bad_files(view: CostsView, tmp_path: Path) -> None:
    choose(view.region, "sg")
    view.load_rps.edit.setText("300")
    view.months.edit.setText("24")
    path = tmp_path / "workshop.json"
    view.save_scenario_to(path)
    assert json.loads(path.read_text())["inputs"]["months"] == 24
    choose(view.region, "us")
    view.months.edit.setText("6")
    view.open_scenario_from(path)
    assert view.region.currentData() == "sg" and view.months.edit.text() == "24"
    assert "Opened" in view.file_message.text()
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format": "infernav-cost-scenario", "version": 7, "inputs": {}}))
    view.open_scenario_from(newer)
    assert "newer version" in view.file_message.text()
    assert view.months.edit.text() == "24"  # nothing lost
    damaged = tmp_path / "damaged.json"
    damaged.write_text("{not json")
    view.open_scenario_from(damaged)
    assert "damaged" in view.file_message.text()


def test_edited_exchange_rate_is_kept_and_reset_to_bundled(
    window: MainWindow, view: CostsView
) -> None:
    choose(view.region, "in")
    before = cell(view, "vLLM", "monthly")
    view.fx.edit.setText("90")
    view.fx.edit.editingFinished.emit()
    user = window.ctx.stores.user  # type: ignore[union-attr]
    assert user.user_prices()["cost:fx:INR"].value == 90
    view.eng_rate.edit.setText("6000")
    view.eng_rate.edit.editingFinished.emit()
    assert cell(view, "vLLM", "setup") == "₹96,000"
    view.reset_button.click()
    assert "cost:fx:INR" not in user.user_prices()
    assert view.eng_rate.edit.text() == ""
    assert cell(view, "vLLM", "setup") == "₹80,000" and cell(view, "vLLM", "monthly") == before


def test_prices_saved_by_an_earlier_version_fill_the_fields_and_apply(qtbot) -> None:  # type: ignore[no-untyped-def]
    user = UserStore(paths.user_store_path())  # written as the strings earlier versions used
    user.set_user_price("cost:fx:INR", 90, "INR per USD", "entered in the Costs view")
    user.set_user_price("cost:eng_rate:in", 6000, "INR/hour", "entered in the Costs view")
    user.close()
    win = MainWindow(runner=BackgroundRunner(immediate=True), show_errors_in_dialog=False)
    qtbot.addWidget(win)
    win.start_loading()
    view = win.show_view("costs")
    assert isinstance(view, CostsView)
    choose(view.region, "in")
    assert view.fx.edit.text() == "90" and view.eng_rate.edit.text() == "6000"
    assert cell(view, "vLLM", "setup") == "₹96,000"  # 16 hours at the saved ₹6,000
    win.close()


def test_charts_show_break_even_and_export_data(view: CostsView) -> None:
    cumulative = view.results.cumulative
    assert cumulative.break_even_region.isVisible()
    lo, hi = cumulative.break_even_region.getRegion()
    assert round(lo, 1) == 3.7 and round(hi, 1) == 5.6  # $10-15k / $2,681 (P031)
    assert "vLLM — rent" in cumulative.legend_names and "vLLM — buy" in cumulative.legend_names
    csv_text = cumulative.csv_text().splitlines()
    assert csv_text[0].startswith("month,vLLM rent (low) (USD)")
    assert len(csv_text) == 1 + 13
    monthly = view.results.monthly
    assert monthly.labels[:2] == ["vLLM", "TensorRT-LLM"]
    assert "CPU llama.cpp (guide)" in monthly.labels
    assert "P031" in monthly.csv_text()


def test_my_monthly_price_is_asked_for_kept_per_region_and_gpu(
    window: MainWindow, view: CostsView
) -> None:
    choose(view.basis, "user")
    assert view.gpu_month.isVisibleTo(view) and not view.purchase.isVisibleTo(view)
    assert "Enter your monthly price per GPU." in view.gpu_month.error.text()
    view.gpu_month.edit.setText("2500")
    view.gpu_month.edit.editingFinished.emit()
    assert cell(view, "vLLM", "rent") == "$10,000–12,500"
    user = window.ctx.stores.user  # type: ignore[union-attr]
    assert user.user_prices()["cost:gpu_month:us:A100 80GB (SXM4)"].value == 2500
    choose(view.region, "sg")
    assert view.gpu_month.edit.text() == ""  # a US dollar price is not a Singapore one
    choose(view.region, "us")
    assert view.gpu_month.edit.text() == "2500"


def test_buying_totals_the_purchase_and_reserved_discounts_the_rent(view: CostsView) -> None:
    choose(view.basis, "buy")
    assert cell(view, "vLLM", "total") == "$42,400–77,400"  # 4-5 x $10-15k + $2,400 setup
    assert "not included" in tip(view, "vLLM", "total")
    choose(view.basis, "reserved")
    view.discount.edit.setText("50")
    assert cell(view, "TensorRT-LLM", "rent") == "$4,022"  # 3 x $2,681 / 2
    view.discount.edit.setText("120")
    assert "Too large" in view.discount.error.text()


def test_cpu_server_guide_and_on_demand_prices_both_flagged(view: CostsView) -> None:
    choose(view.region, "in")
    prices = view.results.prices
    rows = {prices.item(r, 2).text(): prices.item(r, 0).text() for r in range(prices.rowCount())}
    assert rows["G153"].startswith("⚠") and rows["P021, P030"].startswith("⚠")
    assert "C8" in view.results.conflicts.toolTip()


def test_rate_field_is_editable_for_a_custom_region_after_us(view: CostsView) -> None:
    assert not view.fx.isEnabled()  # US dollars need no rate
    choose(view.region, "custom")
    assert view.fx.isEnabled()
    view.fx.edit.setText("0.92")
    assert "€" in cell(view, "vLLM", "rent")


def test_the_combo_box_slot_is_a_slot_and_the_field_list_is_not(view: CostsView) -> None:
    meta = view.metaObject()
    assert meta.indexOfSlot("_on_combo_index_changed(int)") >= 0
    assert meta.indexOfSlot("_workload_fields(int)") < 0
    choose(view.region, "in")  # the connection still drives the costs
    assert cell(view, "vLLM", "setup") == "₹80,000"


def test_the_bottom_line_for_the_chosen_model_comes_first(view: CostsView) -> None:
    assert not view.results.bottom_line.isHidden()
    assert view.results.bottom_line.text().startswith("For 540.0 requests/s in United States")
    assert "Llama-3.1-8B" not in view.results.bottom_line.text()  # one sentence, no jargon
    assert "the guide's per-framework figure" in view.results.model_notes.text()
    choose(view.model_box.model, "")
    assert view.results.bottom_line.isHidden()
