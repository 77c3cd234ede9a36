"""Numbers, dates, times and money written the way the guide's locale writes them, with
the locale's form (from babel's CLDR data, installed with the package) as the suggestion.

Only forms that are unambiguously the other convention are flagged: "11/25/2026" under
en-GB (no 25th month), "November 25, 2026" under en-GB, "25 November 2026" under en-US,
"1.234,56" in English, "10£" or "GBP 10", "14:30pm". "03/04/2026" is left alone: it is a
valid date both ways."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from .rules import Alert

_MONTHS = ("january february march april may june july august september october november december").split()
_MONTH = "|".join(m.capitalize() for m in _MONTHS)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MONTH_FIRST = re.compile(rf"\b({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)?, (\d{{4}})\b")
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH}),? (\d{{4}})\b")
_EURO_NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+,\d{1,2}(?![\d.,])")
_SYMBOL_AFTER = re.compile(r"(?<![\w.,])(\d[\d,]*(?:\.\d{1,2})?) ?([£€$])")
_CODE_BEFORE = re.compile(r"\b(GBP|EUR|USD) ?(\d[\d,]*(?:\.\d{1,2})?)\b")
_MIXED_TIME = re.compile(r"\b(1[3-9]|2[0-3]):([0-5]\d) ?([ap]m\b|[ap]\.m\.)", re.IGNORECASE)


@cache
def _locale(tag: str) -> Locale | None:
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def _date_alert(start: int, end: int, when: date | None, locale: Locale, why: str) -> Iterator[Alert]:
    if when is None:
        return
    wanted = format_date(when, "long", locale=locale)
    yield Alert(start, end, f"Write dates as '{wanted}' ({why}).", "", (wanted,))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def format_alerts(text: str, locale_tag: str) -> Iterator[Alert]:
    """Alerts on `text` for forms that belong to another locale than `locale_tag`."""
    locale = _locale(locale_tag)
    if locale is None or locale.language != "en":
        return
    month_first = locale.territory == "US"
    for m in _NUMERIC_DATE.finditer(text):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not month_first and b > 12 and a <= 12:  # 11/25/2026: month first
            yield from _date_alert(*m.span(), _safe_date(year, a, b), locale, "day first, month in words")
        elif month_first and a > 12 and b <= 12:  # 25/11/2026: day first
            yield from _date_alert(*m.span(), _safe_date(year, b, a), locale, "month in words, as US readers expect")
    if not month_first:
        for m in _MONTH_FIRST.finditer(text):
            when = _safe_date(int(m.group(3)), _MONTHS.index(m.group(1).lower()) + 1, int(m.group(2)))
            yield from _date_alert(*m.span(), when, locale, "day first")
    else:
        for m in _DAY_FIRST.finditer(text):
            when = _safe_date(int(m.group(3)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))
            yield from _date_alert(*m.span(), when, locale, "month first")
    for m in _EURO_NUMBER.finditer(text):
        value = _amount(m.group().replace(".", "").replace(",", "."))
        if value is not None:
            wanted = format_decimal(value, locale=locale)
            yield Alert(*m.span(), f"Write numbers as '{wanted}': a full stop for decimals.", "", (wanted,))
    symbols = {"£": "GBP", "€": "EUR", "$": "USD"}
    for m in _SYMBOL_AFTER.finditer(text):
        value = _amount(m.group(1))
        if value is not None:
            wanted = format_currency(value, symbols[m.group(2)], locale=locale)
            yield Alert(*m.span(), f"Put the currency symbol first: '{wanted}'.", "", (wanted,))
    for m in _CODE_BEFORE.finditer(text):
        value = _amount(m.group(2))
        if value is not None:
            wanted = format_currency(value, m.group(1), locale=locale)
            yield Alert(*m.span(), f"Write amounts with the symbol: '{wanted}'.", "", (wanted,))
    for m in _MIXED_TIME.finditer(text):
        wanted = f"{m.group(1)}:{m.group(2)}"
        yield Alert(*m.span(), f"'{m.group()}' mixes the 24-hour clock with am/pm: write '{wanted}'.", "", (wanted,))
