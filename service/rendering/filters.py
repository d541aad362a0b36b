"""Jinja filters for the documents: dates, money, lists and parties, per language.

Every filter reads the document's ``language`` from the template context, so one
template environment serves Danish and English documents alike.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.numbers import format_currency
from jinja2 import Undefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from service.rendering.labels import label
from service.rendering.links import hyperlink, mail_target, web_target

#: Babel locale for each document language. English uses British conventions
#: ("15 January 2026", "A, B and C") which read naturally in Danish organisations.
LOCALES: dict[str, str] = {"da": "da_DK", "en": "en_GB"}
DEFAULT_LANGUAGE = "da"
DEFAULT_CURRENCY = "DKK"

_DATE_FORMATS = {"da": "d. MMMM y", "en": "d MMMM y"}
_DATETIME_FORMATS = {
    "da": "EEEE 'den' d. MMMM y 'kl.' H.mm",
    "en": "EEEE d MMMM y 'at' HH:mm",
}
#: Babel number pattern for amounts, or None for the locale's own. Danish
#: writes "85.000,50 kr." / "85.000,50 €" (a no-break space before the
#: currency). English writes the ISO code and a no-break space before the
#: number for every currency ("EUR 85,000.50"), as it must for DKK, which has
#: no English symbol: one style in a document whatever its currency.
_MONEY_PATTERNS: dict[str, str | None] = {"da": None, "en": "¤¤\xa0#,##0.00"}
_MONTHS = {"da": ("måned", "måneder"), "en": ("month", "months")}


def _language(context: Context) -> str:
    language = context.get("language")
    return language if language in LOCALES else DEFAULT_LANGUAGE


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


# Babel parses its locale data on every call given a locale name; documents
# repeat the same few dates, amounts and lists, so formatting is memoised per
# process (bounded) with the locales parsed once.
_BABEL_LOCALES = {language: Locale.parse(code) for language, code in LOCALES.items()}


@functools.lru_cache(maxsize=4096)
def _formatted_date(day: dt.date, language: str) -> str:
    return format_date(day, _DATE_FORMATS[language], locale=_BABEL_LOCALES[language])


@functools.lru_cache(maxsize=4096)
def _formatted_datetime(moment: dt.datetime, language: str) -> str:
    return format_datetime(
        moment, _DATETIME_FORMATS[language], locale=_BABEL_LOCALES[language]
    )


@functools.lru_cache(maxsize=4096)
def _formatted_money(amount: Decimal, currency: str, language: str) -> str:
    return format_currency(
        amount,
        currency,
        format=_MONEY_PATTERNS[language],
        locale=_BABEL_LOCALES[language],
    )


_AND = {"da": "og", "en": "and"}


@functools.lru_cache(maxsize=1024)
def _formatted_list(items: tuple[str, ...], language: str) -> str:
    if len(items) > 2 and any("," in item for item in items):
        # "Skovby Kommune, Kultur og Fritid, Nørre Skole og …" reads as more
        # names than there are: semicolons keep each name whole.
        return f"{'; '.join(items[:-1])} {_AND[language]} {items[-1]}"
    return format_list(list(items), locale=_BABEL_LOCALES[language])


def _absent(value: Any) -> bool:
    """Undefined, None or empty text: filters render nothing for it."""
    return isinstance(value, Undefined) or value is None or value == ""


@pass_context
def date_filter(context: Context, value: Any) -> str:
    """Format a date the language's way: "15. januar 2026" / "15 January 2026"."""
    if _absent(value):
        return ""
    day = _as_date(value)
    return str(value) if day is None else _formatted_date(day, _language(context))


@pass_context
def datetime_filter(context: Context, value: Any) -> str:
    """Format a date and time: "mandag den 12. januar 2026 kl. 10.00"."""
    if _absent(value):
        return ""
    moment = _as_datetime(value)
    if moment is None:
        return str(value)
    return _formatted_datetime(moment, _language(context))


@pass_context
def money_filter(context: Context, value: Any, currency: str | None = None) -> str:
    """Format an amount in the budget's currency: "85.000,50 kr." / "DKK 85,000.50"."""
    if _absent(value):
        return ""
    if currency is None:
        budget = context.get("budget")
        currency = (
            budget.get("currency") if isinstance(budget, Mapping) else None
        ) or DEFAULT_CURRENCY
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return _formatted_money(amount, currency, _language(context))


@pass_context
def join_and_filter(context: Context, values: Any) -> str:
    """Join a list the language's way: "A, B og C" / "A, B and C"."""
    if isinstance(values, Undefined) or not values:
        return ""
    if isinstance(values, str):
        return values
    kept = [item for item in values if item not in (None, "")]
    if not kept:
        return ""
    if any(hasattr(item, "__html__") for item in kept):
        # Links (Markup) stay markup; the other items are escaped to join them.
        escaped = tuple(str(escape(item)) for item in kept)
        return Markup(_formatted_list(escaped, _language(context)))
    return _formatted_list(tuple(str(item) for item in kept), _language(context))


def full_stop_filter(value: Any) -> str:
    """End a sentence that ends in data: add "." unless the text ends in one.

    "Teater Vest & Co." stays one full stop; "?" and "!" end a sentence too.
    After a link (markup) the full stop follows the link.
    """
    if _absent(value):
        return ""
    if hasattr(value, "__html__"):
        markup = Markup(value)
        ended = markup.rstrip().endswith((".", "?", "!", "…"))
        return markup if ended else markup + "."
    text = str(value)
    return text if text.rstrip().endswith((".", "?", "!", "…")) else f"{text}."


def link_filter(value: Any, text: Any = None) -> str:
    """A web (http, https) or mailto address as a Word hyperlink.

    ``{{ party.website|link }}`` shows the address; ``link('our site')`` shows
    other text. Any other value prints as plain text, never as a link.
    """
    if _absent(value):
        return ""
    address = str(value)
    shown = address if _absent(text) else str(text)
    return hyperlink(shown, web_target(address))


def mailto_filter(value: Any, text: Any = None) -> str:
    """An e-mail address as a Word hyperlink (mailto:) showing the address."""
    if _absent(value):
        return ""
    address = str(value)
    shown = address if _absent(text) else str(text)
    return hyperlink(shown, mail_target(address))


def _parties(context: Context) -> Iterable[Mapping[str, Any]]:
    parties = context.get("parties")
    if isinstance(parties, list):
        yield from (party for party in parties if isinstance(party, Mapping))
    sender = context.get("sender")
    if isinstance(sender, Mapping):
        yield sender


@pass_context
def party_filter(context: Context, party_id: Any) -> Mapping[str, Any] | None:
    """Look a party up by its id: ``{{ role.party|party }}`` gives the party object."""
    for party in _parties(context):
        if party.get("id") == party_id:
            return party
    return None


@pass_context
def party_name_filter(context: Context, party_id: Any) -> str:
    """The name of the party with this id (the id itself if no party has it)."""
    if _absent(party_id):
        return ""
    party = party_filter(context, party_id)
    return str(party.get("name", party_id)) if party else str(party_id)


@pass_context
def party_names_filter(context: Context, party_ids: Any) -> list[str]:
    """Names for a list of party ids, in order: pipe into ``join_and``."""
    if isinstance(party_ids, Undefined) or not party_ids:
        return []
    if isinstance(party_ids, str):
        party_ids = [party_ids]
    return [party_name_filter(context, party_id) for party_id in party_ids]


@pass_context
def label_filter(context: Context, code: Any) -> str:
    """The word for an enumerated code: ``{{ party.sector|label }}`` → "offentlig"."""
    if _absent(code):
        return ""
    return label(str(code), _language(context))


@pass_context
def country_filter(context: Context, code: Any) -> str:
    """A country's name from its ISO code: "DK" → "Danmark" / "Denmark"."""
    if _absent(code):
        return ""
    territories = _BABEL_LOCALES[_language(context)].territories
    return str(territories.get(str(code).upper(), code))


@pass_context
def months_filter(context: Context, count: Any) -> str:
    """A number of months in words: "3 måneder" / "1 month"."""
    if _absent(count):
        return ""
    singular, plural = _MONTHS[_language(context)]
    number = int(count)
    return f"{number} {singular if number == 1 else plural}"


PROJECT_FILTERS: dict[str, Callable[..., Any]] = {
    "date": date_filter,
    "datetime": datetime_filter,
    "money": money_filter,
    "join_and": join_and_filter,
    "full_stop": full_stop_filter,
    "link": link_filter,
    "mailto": mailto_filter,
    "party": party_filter,
    "party_name": party_name_filter,
    "party_names": party_names_filter,
    "label": label_filter,
    "months": months_filter,
    "country": country_filter,
}
