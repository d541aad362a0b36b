"""Field types shared by every kind: text, ids, codes, dates, money, counts, lists.

Every text field follows the text rule (`schemas.text`), strips surrounding
whitespace, rejects empty text and caps its length.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import marshmallow as ma
from babel import Locale
from babel.numbers import list_currencies

from schemas.text import normalise_line_breaks, text_problem

# Limits that keep a hostile body from producing a huge document.
NAME_MAX = 200
SHORT_MAX = 500
TEXT_MAX = 5000
LIST_MAX = 100
ID_MAX = 64
CODE_MAX = 100
URL_MAX = 2000
EMAIL_MAX = 254
PHONE_MAX = 50
MAX_AMOUNT = Decimal(10) ** 15
AMOUNT_PLACES = 6

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
DATE_TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$"

# CLDR regions that are not ISO 3166-1 countries (Kosovo's XK is kept: widely used).
_NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN"}
_NOT_COUNTRIES |= {"XA", "XB", "ZZ"}
COUNTRIES: tuple[str, ...] = tuple(
    sorted(
        code
        for code in map(str, Locale("en").territories)
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )
)
CURRENCIES: tuple[str, ...] = tuple(sorted(list_currencies()))


def doc(
    description: str,
    *,
    da: str | None = None,
    label: str | None = None,
    label_da: str | None = None,
) -> dict[str, str]:
    """Return field metadata for the JSON Schema: the description, and for forms
    a label and the Danish label and description (``title``, ``x-title-da``,
    ``x-description-da``)."""
    metadata = {"description": description}
    if label is not None:
        metadata["title"] = label
    if label_da is not None:
        metadata["x-title-da"] = label_da
    if da is not None:
        metadata["x-description-da"] = da
    return metadata


def count_between(
    minimum: int = 0,
    maximum: int = LIST_MAX,
    noun: str = "items",
    *,
    too_few: str | None = None,
) -> list[ma.validate.Length]:
    """Return length validators for a list with clear messages."""
    validators = [ma.validate.Length(max=maximum, error=f"At most {maximum} {noun}.")]
    if minimum:
        error = too_few or f"At least {minimum} {noun} needed."
        validators.insert(0, ma.validate.Length(min=minimum, error=error))
    return validators


# ---------------------------------------------------------------- fields


class Text(ma.fields.String):
    """A string that follows the text rule, stripped of surrounding whitespace,
    non-empty, at most max_length."""

    default_error_messages = {
        "invalid": "Not a valid string.",
        "blank": "Must not be empty.",
        "too_long": "Too long: at most {max} characters.",
    }
    describe_length = True

    def __init__(self, *, max_length: int = NAME_MAX, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length
        # Checked in clean(); a validator only for the JSON Schema.
        self._described_length = ma.validate.Length(min=1, max=max_length)
        if self.describe_length:
            self.validators.append(self._described_length)

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> str:
        return self.clean(str(super()._deserialize(value, attr, data, **kwargs)))

    def load_text(self, text: str) -> str:
        """What ``deserialize`` gives for the string ``text``, raising at the
        first problem: the compiled load's way past marshmallow's per-field
        steps (schemas/compiled.py), which for a string add nothing."""
        text = self.clean(text)
        for validator in self.validators:  # marshmallow 4: a validator raises
            if validator is not self._described_length:
                validator(text)
        return text

    def clean(self, text: str) -> str:
        """The stored form of ``text``: checked by the text rule, line breaks
        normalised, stripped, not blank, at most ``max_length``."""
        problem = text_problem(text)  # before strip(), which drops some controls
        if problem is not None:
            raise ma.ValidationError(problem)
        text = normalise_line_breaks(text).strip()
        if not text:
            raise self.make_error("blank")
        if len(text) > self.max_length:  # before any regex validator runs
            raise self.make_error("too_long", max=self.max_length)
        return self.normalise(text)

    def normalise(self, text: str) -> str:
        """Return the stored form of valid text (unchanged by default)."""
        return text


class Identifier(Text):
    """A short id: letters, digits, '_', '.', '-', starting with a letter or digit."""

    default_error_messages = {
        "bad_id": (
            "Not a valid id: use up to 64 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit."
        )
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=ID_MAX, **kwargs)
        error = str(self.error_messages["bad_id"])
        self.validators.insert(0, ma.validate.Regexp(ID_PATTERN, error=error))


class Choice(Text):
    """Text that must be one of a fixed list of values."""

    describe_length = False

    def __init__(
        self,
        choices: Sequence[str],
        *,
        error: str = "Must be one of: {choices}.",
        **kwargs: Any,
    ) -> None:
        super().__init__(max_length=CODE_MAX, **kwargs)
        self.validators.insert(0, ma.validate.OneOf(choices, error=error))


class Country(Choice):
    """An ISO 3166-1 alpha-2 country code; lower case is accepted and upper-cased."""

    def __init__(self, **kwargs: Any) -> None:
        error = "Not a known ISO 3166-1 alpha-2 country code (such as DK)."
        super().__init__(COUNTRIES, error=error, **kwargs)

    def normalise(self, text: str) -> str:
        """Return the code in upper case."""
        return text.upper()


class Currency(Choice):
    """An ISO 4217 currency code; lower case is accepted and upper-cased."""

    def __init__(self, **kwargs: Any) -> None:
        error = "Not a known ISO 4217 currency code (such as DKK or EUR)."
        super().__init__(CURRENCIES, error=error, **kwargs)

    def normalise(self, text: str) -> str:
        """Return the code in upper case."""
        return text.upper()


class Email(Text, ma.fields.Email):
    """An e-mail address."""

    default_error_messages = {"invalid": "Not a valid e-mail address."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=EMAIL_MAX, **kwargs)


class Url(Text, ma.fields.Url):
    """An absolute http(s) web address."""

    default_error_messages = {
        "invalid": "Not a valid web address: use a full http:// or https:// URL."
    }

    def __init__(self, **kwargs: Any) -> None:
        # JSON Schema calls it "uri" (apispec's default says "url").
        kwargs["metadata"] = {"format": "uri", **(kwargs.get("metadata") or {})}
        super().__init__(max_length=URL_MAX, schemes={"http", "https"}, **kwargs)


class Date(ma.fields.Date):
    """A calendar date written YYYY-MM-DD; loads as `datetime.date`."""

    default_error_messages = {"invalid": "Not a valid date. Use YYYY-MM-DD."}
    _FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and self._FORMAT.fullmatch(value.strip()):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.make_error("invalid")


class DateTime(ma.fields.DateTime):
    """A local date and time written YYYY-MM-DDTHH:MM[:SS], without a time zone;
    loads as a naive `datetime.datetime`."""

    default_error_messages = {
        "invalid": (
            "Not a valid date and time. Use YYYY-MM-DDTHH:MM "
            "(local time, no time zone)."
        )
    }
    _FORMAT = re.compile(DATE_TIME_PATTERN[1:-1])

    def __init__(self, **kwargs: Any) -> None:
        metadata = {
            "pattern": DATE_TIME_PATTERN,
            **(kwargs.pop("metadata", None) or {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> dt.datetime:
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            return value
        if isinstance(value, str) and self._FORMAT.fullmatch(value.strip()):
            try:
                return dt.datetime.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.make_error("invalid")


class Amount(ma.fields.Decimal):
    """A money amount >= 0, loaded exactly as `decimal.Decimal` (25000.5 stays 25000.5).

    Accepts JSON numbers (int, float or Decimal when parsed with
    ``parse_float=Decimal``) and numeric strings.
    """

    default_error_messages = {
        "invalid": "Not a valid amount: use a number such as 25000.5.",
        "special": "Not a valid amount: NaN and Infinity are not allowed.",
        "negative": "Must not be negative.",
        "too_large": f"Too large: at most {MAX_AMOUNT:,}.",
        "too_precise": f"Use at most {AMOUNT_PLACES} decimal places.",
    }
    _PLACES = Decimal(1).scaleb(-AMOUNT_PLACES)

    def __init__(self, **kwargs: Any) -> None:
        # Checked in _deserialize; given as plain numbers for the JSON Schema (a
        # Range validator would be rendered through Decimal, as strings).
        bounds = {"minimum": 0, "maximum": int(MAX_AMOUNT)}
        kwargs["metadata"] = {**bounds, **(kwargs.get("metadata") or {})}
        super().__init__(**kwargs)

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> Decimal:
        if isinstance(value, bool) or not isinstance(
            value, int | float | Decimal | str
        ):
            raise self.make_error("invalid")
        if isinstance(value, str) and len(value) > CODE_MAX:
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kwargs)
        if number < 0:
            raise self.make_error("negative")
        if number > MAX_AMOUNT:
            raise self.make_error("too_large")
        if number.quantize(self._PLACES) != number:
            raise self.make_error("too_precise")
        return number if number else abs(number)  # "-0" -> "0"


class Count(ma.fields.Integer):
    """A whole number (JSON integer) within ``minimum`` and ``maximum``."""

    default_error_messages = {"invalid": "Not a valid whole number."}

    def __init__(self, *, minimum: int, maximum: int, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)
        error = f"Must be between {minimum} and {maximum}."
        self.validators.append(ma.validate.Range(min=minimum, max=maximum, error=error))


class Flag(ma.fields.Boolean):
    """A JSON boolean; only ``true`` and ``false`` are accepted."""

    default_error_messages = {"invalid": "Not a valid boolean: use true or false."}

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> bool:
        if value is True or value is False:
            return value
        raise self.make_error("invalid")


def text_list(
    *, max_length: int = SHORT_MAX, minimum: int = 0, **kwargs: Any
) -> ma.fields.List[str]:
    """Return a list field of non-empty strings, at most `LIST_MAX` of them."""
    validate = count_between(minimum, LIST_MAX)
    return ma.fields.List(Text(max_length=max_length), validate=validate, **kwargs)


def nested_list(
    schema: type[ma.Schema],
    *,
    minimum: int = 0,
    noun: str = "items",
    too_few: str | None = None,
    **kwargs: Any,
) -> ma.fields.List[Any]:
    """Return a list field of objects of ``schema``, at most `LIST_MAX` of them."""
    validate = count_between(minimum, LIST_MAX, noun, too_few=too_few)
    return ma.fields.List(ma.fields.Nested(schema), validate=validate, **kwargs)


def unique_items(values: Sequence[Any]) -> None:
    """Validate that no value occurs twice in a list."""
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ma.ValidationError(f"'{value}' is listed more than once.")
        seen.add(value)
