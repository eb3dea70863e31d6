"""Money formatting through Babel with a region's locale, and the Indian lakh/crore reading."""

from __future__ import annotations

import math
import re

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, format_decimal, get_currency_symbol, is_currency

# Anything beyond this is a typo, not a budget: refusing it keeps strings short and finite.
MAX_AMOUNT = 1e13

LAKH = 100_000
CRORE = 10_000_000

# CLDR gives SGD the bare "$" in en_SG (it is the local dollar there); next to US dollars in
# the same app that reads wrong, so Singapore dollars always carry the "S$" the guide uses.
_SYMBOL_OVERRIDES: dict[tuple[str, str], str] = {("SGD", "en_SG"): "S$"}


class MoneyError(ValueError):
    """An amount, currency or locale that cannot be shown as money."""


def check_amount(amount: float) -> float:
    """Return `amount` as a float, or raise MoneyError if it is not finite or absurdly large."""
    try:
        value = float(amount)
    except (TypeError, ValueError, OverflowError) as exc:
        raise MoneyError(f"{amount!r} is not a number") from exc
    if not math.isfinite(value):
        raise MoneyError("the amount is not a finite number")
    if abs(value) > MAX_AMOUNT:
        raise MoneyError("the amount is too large to be a real price")
    return value


def check_currency(code: str) -> str:
    """Return the ISO 4217 code upper-cased, or raise MoneyError."""
    cur = (code or "").strip().upper()
    if len(cur) != 3 or not is_currency(cur):
        raise MoneyError(f"{code!r} is not an ISO 4217 currency code (e.g. USD, EUR)")
    return cur


def check_locale(name: str) -> str:
    """Return a Babel locale name (e.g. en_GB), or raise MoneyError."""
    try:
        return str(Locale.parse((name or "").strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise MoneyError(f"{name!r} is not a known locale (e.g. en_GB, de_DE)") from exc


def _pattern(currency: str, locale: str, digits: int) -> str:
    standard = Locale.parse(locale).currency_formats["standard"].pattern
    positive = standard.split(";", 1)[0]
    # Keep the locale's grouping (en_IN groups by two after the thousands) but choose the
    # number of decimals: whole units for budgets, cents for hourly prices.
    decimals = "." + "0" * digits if digits > 0 else ""
    body = re.sub(r"\.[0#]+", decimals, positive, count=1)
    symbol = _SYMBOL_OVERRIDES.get((currency, locale))
    if symbol is not None:
        body = body.replace("¤", f"'{symbol}'")
    return body


def currency_symbol(currency: str, locale: str) -> str:
    """The symbol the locale writes for the currency ("₹", "$"; "S$" for SGD in en_SG)."""
    cur, loc = check_currency(currency), check_locale(locale)
    override = _SYMBOL_OVERRIDES.get((cur, loc))
    return override if override is not None else str(get_currency_symbol(cur, locale=loc))


def format_money(amount: float, currency: str, locale: str, digits: int = 0) -> str:
    """`$2,500`, `S$2,700`, `₹1,50,000`: the amount in the locale's currency format."""
    value = check_amount(amount)
    cur = check_currency(currency)
    loc = check_locale(locale)
    digits = max(0, min(int(digits), 2))
    text: str = format_currency(
        round(value, digits), cur, _pattern(cur, loc, digits), locale=loc, currency_digits=False
    )
    return text


def money_scale(max_value: float, currency: str, lakh: bool) -> tuple[float, str]:
    """Divide plotted amounts by this, and say so on the axis (lakh, thousands, millions).

    Rupee charts read in lakh, and in crore once the top of the axis passes ten crore.
    """
    if lakh and currency == "INR":
        if max_value >= 10 * CRORE:
            return CRORE, f"{currency}, crore"
        return LAKH, f"{currency}, lakh"
    if max_value >= 1e6:
        return 1e6, f"{currency}, millions"
    if max_value >= 1e4:
        return 1e3, f"{currency}, thousands"
    return 1.0, currency


def lakh_parts(amount: float) -> tuple[float, str]:
    """Split an amount into (number, word) for the Indian reading: (1.5, "lakh")."""
    value = check_amount(amount)
    if abs(value) >= CRORE:
        return value / CRORE, "crore"
    if abs(value) >= LAKH:
        return value / LAKH, "lakh"
    return value, ""


def format_lakh(amount: float, currency: str = "INR", locale: str = "en_IN") -> str:
    """ "₹1.5 lakh", "₹1.2 crore"; amounts under a lakh read as plain money ("₹15,000")."""
    number, word = lakh_parts(amount)
    if not word:
        return format_money(amount, currency, locale)
    sign = "-" if number < 0 else ""
    shown = format_decimal(abs(number), format="#,##0.##", locale=locale)
    return f"{sign}{currency_symbol(currency, locale)}{shown} {word}"


def format_amount(amount: float, currency: str, locale: str, lakh: bool = False) -> str:
    """One amount, in lakh/crore when asked and the currency is rupees."""
    if lakh and currency.upper() == "INR":
        return format_lakh(amount, currency, locale)
    return format_money(amount, currency, locale)


def format_money_range(
    low: float | None,
    high: float | None,
    currency: str,
    locale: str,
    lakh: bool = False,
) -> str:
    """`$12,000–15,000`, `₹4–5 lakh`; "unknown" when a bound is missing."""
    if low is None or high is None:
        return "unknown"
    lo, hi = check_amount(low), check_amount(high)
    if round(lo) == round(hi):
        return format_amount(lo, currency, locale, lakh)
    if lakh and currency.upper() == "INR":
        (n_lo, w_lo), (n_hi, w_hi) = lakh_parts(lo), lakh_parts(hi)
        if w_lo == w_hi and w_lo and lo >= 0:
            a = format_decimal(n_lo, format="#,##0.##", locale=locale)
            b = format_decimal(n_hi, format="#,##0.##", locale=locale)
            return f"{currency_symbol(currency, locale)}{a}–{b} {w_lo}"
        if w_lo or w_hi:
            return f"{format_lakh(lo, currency, locale)}–{format_lakh(hi, currency, locale)}"
    left = format_money(lo, currency, locale)
    right = format_money(hi, currency, locale)
    symbol = currency_symbol(currency, locale)
    if lo >= 0 and right.startswith(symbol):
        right = right[len(symbol) :]
    return f"{left}–{right}"


def format_span(
    span: tuple[float, float] | None, currency: str, locale: str, lakh: bool = False
) -> str:
    """A (low, high) pair as money, or "unknown" when the pair is missing or unpriceable."""
    if span is None:
        return "unknown"
    try:
        return format_money_range(span[0], span[1], currency, locale, lakh)
    except MoneyError:
        return "too large to price"


def format_small_span(span: tuple[float, float] | None, currency: str, locale: str) -> str:
    """A (low, high) pair of small amounts (e.g. per million tokens) to the cent or paisa."""
    if span is None:
        return "unknown"
    try:
        lo, hi = (format_money(v, currency, locale, digits=2) for v in span)
    except MoneyError:
        return "too large to price"
    return lo if lo == hi else f"{lo}–{hi}"
