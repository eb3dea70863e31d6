"""Money as a user reads it: Babel locale formats, S$, lakh and crore, no overflow."""

from __future__ import annotations

import math

import pytest

from desktop_app.domain.money import (
    CRORE,
    LAKH,
    MoneyError,
    currency_symbol,
    format_lakh,
    format_money,
    format_money_range,
    money_scale,
)


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (2500, "USD", "en_US", "$2,500"),
        (2700, "SGD", "en_SG", "S$2,700"),
        (150000, "INR", "en_IN", "₹1,50,000"),
        (12000000, "INR", "en_IN", "₹1,20,00,000"),
        (3.673, "USD", "en_US", "$3.67"),
    ],
)
def test_locale_formats(amount: float, currency: str, locale: str, expected: str) -> None:
    digits = 2 if amount < 10 else 0
    assert format_money(amount, currency, locale, digits) == expected


def test_singapore_dollars_read_s_dollar_not_bare_dollar() -> None:
    # CLDR's en_SG symbol for SGD is "$"; next to US dollars that would mislead.
    assert format_money(1600, "SGD", "en_SG").startswith("S$")
    assert format_money_range(8000, 10000, "SGD", "en_SG") == "S$8,000–10,000"


def test_lakh_and_crore_reading() -> None:
    assert format_lakh(150000) == "₹1.5 lakh"
    assert format_lakh(12000000) == "₹1.2 crore"
    assert format_lakh(15000) == "₹15,000"
    assert format_money_range(400000, 500000, "INR", "en_IN", lakh=True) == "₹4–5 lakh"
    assert format_money_range(800000, 1200000, "INR", "en_IN", lakh=True) == "₹8–12 lakh"


def test_ranges_and_unknown() -> None:
    assert format_money_range(12000, 15000, "USD", "en_US") == "$12,000–15,000"
    assert format_money_range(2400, 2400, "USD", "en_US") == "$2,400"
    assert format_money_range(None, 5, "USD", "en_US") == "unknown"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 1e300, 1e14])
def test_non_finite_or_absurd_amounts_are_refused(bad: float) -> None:
    with pytest.raises(MoneyError):
        format_money(bad, "USD", "en_US")


def test_bad_currency_or_locale_is_refused() -> None:
    with pytest.raises(MoneyError, match="currency"):
        format_money(1, "XYZQ", "en_US")
    with pytest.raises(MoneyError, match="locale"):
        format_money(1, "USD", "xx_NOPE")


def test_lakh_mode_leaves_amounts_under_a_lakh_as_plain_rupees() -> None:
    assert format_money_range(10000, 15000, "INR", "en_IN", lakh=True) == "₹10,000–15,000"
    assert format_money_range(80000, 150000, "INR", "en_IN", lakh=True) == "₹80,000–₹1.5 lakh"


@pytest.mark.parametrize(
    ("currency", "locale", "symbol"),
    [("USD", "en_US", "$"), ("SGD", "en_SG", "S$"), ("INR", "en_IN", "₹"), ("EUR", "de_DE", "€")],
)
def test_currency_symbols_come_from_babel_with_the_sgd_override(
    currency: str, locale: str, symbol: str
) -> None:
    assert currency_symbol(currency, locale) == symbol
    assert format_money(1000, currency, locale).count(symbol) == 1


@pytest.mark.parametrize(
    ("top", "lakh", "scale"),
    [
        (5 * CRORE, True, (LAKH, "INR, lakh")),  # under ten crore the axis reads in lakh
        (20 * CRORE, True, (CRORE, "INR, crore")),
        (5 * CRORE, False, (1e6, "INR, millions")),
        (5000, False, (1.0, "INR")),
    ],
)
def test_rupee_charts_use_the_lakh_and_crore_of_money(
    top: float, lakh: bool, scale: tuple[float, str]
) -> None:
    assert money_scale(top, "INR", lakh) == scale
