"""The keys the user's own prices are kept under: typed, and the stored strings unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.domain.cost.inputs import REGIONS, CostInputs
from desktop_app.domain.cost.overrides import PriceKey, PriceKind, price_entries, with_typed_rates
from desktop_app.domain.cost.prices import fx_quote
from desktop_app.services.cost import cost_overrides, forget_cost_override, set_cost_override
from desktop_app.storage.user.store import UserStore

A100 = "A100 80GB (SXM4)"


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (PriceKey.fx("INR"), "fx:INR"),
        (PriceKey.engineering_rate("in"), "eng_rate:in"),
        (PriceKey.gpu_month("us", A100), f"gpu_month:us:{A100}"),
        (PriceKey.purchase("sg", "H100:NVL"), "purchase:sg:H100:NVL"),  # a colon in a GPU
    ],
)
def test_keys_read_as_the_strings_users_prices_are_saved_under(key: PriceKey, text: str) -> None:
    assert str(key) == text
    assert PriceKey.parse(text) == key
    assert key.store_key() == "cost:" + text


@pytest.mark.parametrize(
    "text", ["", "fx", "fx:", "gpu_month:us", "gpu_month::A100", "eng_rate:in:x", "other:thing"]
)
def test_strings_that_name_no_price_parse_to_none(text: str) -> None:
    assert PriceKey.parse(text) is None


_scope = st.text(st.characters(blacklist_characters=":"), min_size=1, max_size=12)


@given(st.sampled_from(list(PriceKind)), _scope, _scope | st.just("with:colon"))
def test_every_key_round_trips_through_its_string(kind: PriceKind, scope: str, gpu: str) -> None:
    key = PriceKey(kind, scope, gpu if kind in (PriceKind.GPU_MONTH, PriceKind.PURCHASE) else "")
    assert PriceKey.parse(str(key)) == key
    assert PriceKey.from_store_key(key.store_key()) == key


def test_prices_saved_under_the_old_strings_still_load_and_apply(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "user.sqlite")
    # What an earlier version wrote, by hand: the strings, not the new classes.
    store.set_user_price("cost:fx:INR", 90, "INR per USD", "entered in the Costs view")
    store.set_user_price(f"cost:gpu_month:in:{A100}", 150000, "INR/GPU-month")
    store.set_user_price("cost:not-a-price", 1, "x")
    store.set_user_price("other:thing", 1, "x")
    loaded = cost_overrides(UserStore(tmp_path / "user.sqlite"))
    assert loaded == {PriceKey.fx("INR"): 90, PriceKey.gpu_month("in", A100): 150000}
    fx = fx_quote(None, REGIONS["in"], CostInputs(region="in"), loaded)  # type: ignore[arg-type]
    assert fx is not None and fx.low == 90 and "your rate" in fx.label


def test_forgetting_one_price_keeps_the_others(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "user.sqlite")
    set_cost_override(store, PriceKey.fx("INR"), 90, "INR per USD")
    set_cost_override(store, PriceKey.engineering_rate("in"), 6000, "INR/hour")
    forget_cost_override(store, PriceKey.fx("INR"))
    assert cost_overrides(store) == {PriceKey.engineering_rate("in"): 6000}
    assert set(store.user_prices()) == {"cost:eng_rate:in"}


def test_forgetting_a_gpus_price_keeps_a_gpu_whose_name_it_begins(tmp_path: Path) -> None:
    # "gpu_month:us:L4" is a prefix of "gpu_month:us:L40S": forgetting L4 must keep L40S.
    store = UserStore(tmp_path / "user.sqlite")
    set_cost_override(store, PriceKey.gpu_month("us", "L4"), 500, "USD/GPU-month")
    set_cost_override(store, PriceKey.gpu_month("us", "L40S"), 1200, "USD/GPU-month")
    forget_cost_override(store, PriceKey.gpu_month("us", "L4"))
    assert cost_overrides(store) == {PriceKey.gpu_month("us", "L40S"): 1200}


def test_entries_for_a_region_and_gpu_carry_their_units() -> None:
    entries = price_entries(REGIONS["sg"], A100)
    assert str(entries.fx.key) == "fx:SGD" and entries.fx.unit == "SGD per USD"
    assert str(entries.purchase.key) == f"purchase:sg:{A100}" and entries.purchase.unit == "SGD"
    assert entries.gpu_month.unit == "SGD/GPU-month"
    assert entries.engineering_rate.unit == "SGD/hour"


def test_the_rate_being_typed_wins_and_an_empty_field_means_bundled() -> None:
    saved = {PriceKey.fx("INR"): 90.0, PriceKey.engineering_rate("in"): 6000.0}
    typed = with_typed_rates(saved, REGIONS["in"], fx=85.0, engineering_rate=None)
    assert typed == {PriceKey.fx("INR"): 85.0}
    assert saved[PriceKey.fx("INR")] == 90.0  # what is saved is left alone
    dollars = with_typed_rates({PriceKey.fx("USD"): 2.0}, REGIONS["us"], 3.0, None)
    assert dollars == {}  # a dollar is always one dollar
