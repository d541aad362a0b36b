"""The field types of schemas/fields.py, each built inside its test.

The schemas build their fields once, when the module is imported; these tests
build them again so that what the constructors set up (limits, validators,
messages, the JSON Schema description) is checked by a test that runs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import marshmallow as ma
import pytest
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from schemas.agreement import _legal_doc
from schemas.extra import Extra
from schemas.fields import (
    DATE_TIME_PATTERN,
    ID_PATTERN,
    Amount,
    Choice,
    Count,
    Country,
    Currency,
    Date,
    DateTime,
    Email,
    Identifier,
    Text,
    Url,
    count_between,
    doc,
    nested_list,
    text_list,
)

MISSING = "Missing data for required field."
BAD_ID = (
    "Not a valid id: use up to 64 letters, digits, '_', '.' or '-', "
    "starting with a letter or digit."
)


def schema_with(field: ma.fields.Field[Any]) -> ma.Schema:
    """A schema whose one field, ``value``, is ``field``."""
    return ma.Schema.from_dict({"value": field})()


def loaded(field: ma.fields.Field[Any], value: Any) -> Any:
    """What ``field`` loads ``value`` as (the test fails if it refuses it)."""
    return schema_with(field).load({"value": value})["value"]


def refusal(field: ma.fields.Field[Any], *body: Any) -> list[str]:
    """The messages ``field`` gives for ``value`` (or for no value at all)."""
    payload = {"value": body[0]} if body else {}
    with pytest.raises(ma.ValidationError) as caught:
        schema_with(field).load(payload)
    messages: list[str] = caught.value.messages["value"]  # type: ignore[call-overload,index]
    return messages


class Refused(NamedTuple):
    """The messages a field is expected to refuse a value with."""

    messages: Any


def described(field: ma.fields.Field[Any]) -> dict[str, Any]:
    """The field's JSON Schema property, as apispec writes it."""
    plugin = MarshmallowPlugin()
    APISpec(title="t", version="1", openapi_version="3.1.0", plugins=[plugin])
    assert plugin.converter is not None
    return plugin.converter.field2property(field)


def test_doc_gives_every_label_and_description_under_its_key() -> None:
    metadata = doc("D", da="DA", label="L", label_da="LDA")
    assert metadata == {
        "description": "D",
        "title": "L",
        "x-title-da": "LDA",
        "x-description-da": "DA",
    }


def test_doc_without_labels_is_only_the_description() -> None:
    assert doc("D") == {"description": "D"}


def test_legal_doc_is_doc_with_every_part() -> None:
    assert _legal_doc("D", "DA", "L", "LDA") == {
        "description": "D",
        "title": "L",
        "x-title-da": "LDA",
        "x-description-da": "DA",
    }


def test_text_refuses_text_longer_than_its_maximum() -> None:
    assert refusal(Text(max_length=3), "abcd") == ["Too long: at most 3 characters."]
    assert loaded(Text(max_length=3), "abc") == "abc"


def test_text_describes_its_length_for_the_json_schema() -> None:
    assert described(Text(max_length=3)) == {
        "type": "string",
        "minLength": 1,
        "maxLength": 3,
    }


@pytest.mark.parametrize(
    ("value", "messages"),
    [
        ("a" * 65, ["Too long: at most 64 characters."]),
        ("-a", [BAD_ID]),
        ("a b", [BAD_ID]),
    ],
)
def test_identifier_refuses_with_its_own_messages(
    value: str, messages: list[str]
) -> None:
    assert refusal(Identifier(), value) == messages


def test_identifier_reports_its_format_before_other_validators() -> None:
    field = Identifier(validate=ma.validate.OneOf(["x"]))
    assert refusal(field, "-a") == [BAD_ID, "Must be one of: x."]


def test_identifier_keeps_its_other_options() -> None:
    field = Identifier(required=True, metadata={"description": "D"})
    assert refusal(field) == [MISSING]
    assert described(field) == {
        "type": "string",
        "minLength": 1,
        "maxLength": 64,
        "pattern": ID_PATTERN,
        "description": "D",
    }


def test_choice_names_the_choices_and_caps_the_length() -> None:
    assert refusal(Choice(["a", "b"]), "c") == ["Must be one of: a, b."]
    assert refusal(Choice(["a"]), "x" * 101) == ["Too long: at most 100 characters."]
    assert loaded(Choice(["a", "b"]), " b ") == "b"


def test_choice_reports_its_choices_before_other_validators() -> None:
    field = Choice(["a"], validate=ma.validate.Length(max=2, error="Short."))
    assert refusal(field, "abc") == ["Must be one of: a.", "Short."]


def test_choice_keeps_its_other_options() -> None:
    assert schema_with(Choice(["a"], load_default="a")).load({}) == {"value": "a"}


@pytest.mark.parametrize(
    ("make", "value", "message", "good"),
    [
        (
            Country,
            "XX",
            "Not a known ISO 3166-1 alpha-2 country code (such as DK).",
            ("se", "SE"),
        ),
        (
            Currency,
            "XXX1",
            "Not a known ISO 4217 currency code (such as DKK or EUR).",
            ("eur", "EUR"),
        ),
    ],
)
def test_codes_refuse_unknown_codes_with_their_message(
    make: Callable[..., Choice], value: str, message: str, good: tuple[str, str]
) -> None:
    assert refusal(make(), value) == [message]
    assert loaded(make(), good[0]) == good[1]
    assert refusal(make(required=True)) == [MISSING]


def test_email_is_capped_at_254_characters_not_a_names_200() -> None:
    address = "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".dk"
    assert len(address) == 246
    assert loaded(Email(), address) == address
    assert refusal(Email(), "a" * 255) == ["Too long: at most 254 characters."]
    assert refusal(Email(required=True)) == [MISSING]


def test_url_is_an_absolute_http_or_https_address() -> None:
    long_url = "https://example.org/" + "a" * 480
    assert loaded(Url(), "http://example.org") == "http://example.org"
    assert loaded(Url(), "https://example.org") == "https://example.org"
    assert loaded(Url(), long_url) == long_url
    assert refusal(Url(), "ftp://example.org") == [
        "Not a valid web address: use a full http:// or https:// URL."
    ]
    assert refusal(Url(), "https://example.org/" + "a" * 1981) == [
        "Too long: at most 2000 characters."
    ]


def test_url_is_described_as_a_uri_keeping_its_metadata() -> None:
    assert described(Url(metadata={"description": "D"})) == {
        "type": "string",
        "format": "uri",
        "minLength": 1,
        "maxLength": 2000,
        "description": "D",
    }
    assert described(Url())["format"] == "uri"
    assert refusal(Url(required=True)) == [MISSING]


def test_date_time_is_described_with_its_pattern_keeping_its_metadata() -> None:
    assert described(DateTime(metadata={"description": "D"})) == {
        "type": "string",
        "format": "date-time",
        "pattern": DATE_TIME_PATTERN,
        "description": "D",
    }
    assert described(DateTime())["pattern"] == DATE_TIME_PATTERN
    assert refusal(DateTime(required=True)) == [MISSING]


def test_amount_is_described_with_its_bounds_keeping_its_metadata() -> None:
    assert described(Amount(metadata={"description": "D"})) == {
        "type": "number",
        "minimum": 0,
        "maximum": 10**15,
        "description": "D",
    }
    assert loaded(Amount(), "12.5") == Decimal("12.5")


def test_extra_is_described_as_an_object_keeping_its_metadata() -> None:
    assert described(Extra(metadata={"description": "D"})) == {
        "type": "object",
        "description": "D",
    }
    assert described(Extra()) == {"type": "object"}


@pytest.mark.parametrize(
    ("value", "result"),
    [
        (0, ["Must be between 1 and 5."]),
        (6, ["Must be between 1 and 5."]),
        ("3", ["Not a valid whole number."]),
        (3.0, ["Not a valid whole number."]),
        (1, 1),
        (5, 5),
    ],
)
def test_count_is_a_json_integer_within_its_bounds(value: Any, result: Any) -> None:
    field = Count(minimum=1, maximum=5)
    if isinstance(result, list):
        assert refusal(field, value) == result
    else:
        assert loaded(field, value) == result


def test_count_keeps_its_other_options() -> None:
    assert refusal(Count(minimum=1, maximum=5, required=True)) == [MISSING]


def list_of(validators: list[ma.validate.Length]) -> ma.fields.List[str]:
    """A list of texts checked by ``validators``."""
    return ma.fields.List(Text(), validate=validators)


@pytest.mark.parametrize(
    ("make", "value", "result"),
    [
        (lambda: count_between(), [], []),
        (lambda: count_between(maximum=2), ["a", "b", "c"], ["At most 2 items."]),
        (lambda: count_between(maximum=2), ["a", "b"], ["a", "b"]),
        (lambda: count_between(1, 3, "parties"), ["a"] * 4, ["At most 3 parties."]),
        (lambda: count_between(2, 3, "parties"), ["a"], ["At least 2 parties needed."]),
        (lambda: count_between(2, 3, too_few="Two."), ["a"], ["Two."]),
        (lambda: count_between(2, 3, too_few="Two."), ["a", "b"], ["a", "b"]),
    ],
)
def test_count_between_limits_a_list_with_clear_messages(
    make: Callable[[], list[ma.validate.Length]], value: list[str], result: Any
) -> None:
    field = list_of(make())
    if result == value:
        assert loaded(field, value) == value
    else:
        assert refusal(field, value) == result


@pytest.mark.parametrize(
    ("make", "value", "result"),
    [
        (lambda: text_list(), [], []),
        (lambda: text_list(), ["a"] * 101, Refused(["At most 100 items."])),
        (lambda: text_list(), ["a"] * 100, ["a"] * 100),
        (lambda: text_list(minimum=1), [], Refused(["At least 1 items needed."])),
        (lambda: text_list(minimum=1), ["a"], ["a"]),
        (
            lambda: text_list(max_length=2),
            ["abc"],
            Refused({0: ["Too long: at most 2 characters."]}),
        ),
        (
            lambda: text_list(),
            ["x" * 501],
            Refused({0: ["Too long: at most 500 characters."]}),
        ),
    ],
)
def test_text_list_limits_the_list_and_its_texts(
    make: Callable[[], ma.fields.List[str]], value: list[str], result: Any
) -> None:
    list_outcome(make(), value, result)


class _Thing(ma.Schema):
    name = ma.fields.String(required=True)


def things(count: int) -> list[dict[str, str]]:
    """``count`` valid objects for `_Thing`."""
    return [{"name": "n"}] * count


@pytest.mark.parametrize(
    ("make", "value", "result"),
    [
        (lambda: nested_list(_Thing), [], []),
        (lambda: nested_list(_Thing), things(101), Refused(["At most 100 items."])),
        (lambda: nested_list(_Thing), things(100), things(100)),
        (
            lambda: nested_list(_Thing, minimum=2, noun="things"),
            things(1),
            Refused(["At least 2 things needed."]),
        ),
        (
            lambda: nested_list(_Thing, noun="things"),
            things(101),
            Refused(["At most 100 things."]),
        ),
        (
            lambda: nested_list(_Thing, minimum=2, too_few="Two things."),
            things(1),
            Refused(["Two things."]),
        ),
        (lambda: nested_list(_Thing, minimum=2), things(2), things(2)),
        (lambda: nested_list(_Thing), [{}], Refused({0: {"name": [MISSING]}})),
    ],
)
def test_nested_list_limits_the_list_and_loads_its_objects(
    make: Callable[[], ma.fields.List[Any]], value: list[Any], result: Any
) -> None:
    list_outcome(make(), value, result)


def test_list_helpers_keep_their_other_options() -> None:
    assert refusal(text_list(required=True)) == [MISSING]
    assert refusal(nested_list(_Thing, required=True)) == [MISSING]


def list_outcome(field: ma.fields.List[Any], value: list[Any], result: Any) -> None:
    """Check that ``field`` loads ``value`` as ``result``, or refuses it with it."""
    if isinstance(result, Refused):
        with pytest.raises(ma.ValidationError) as caught:
            schema_with(field).load({"value": value})
        assert caught.value.messages == {"value": result.messages}
    else:
        assert loaded(field, value) == result


AMOUNT_INVALID = "Not a valid amount: use a number such as 25000.5."


@pytest.mark.parametrize(
    ("value", "result"),
    [
        (True, Refused([AMOUNT_INVALID])),
        ("0" * 99 + "5", "5"),
        ("0" * 100 + "5", Refused([AMOUNT_INVALID])),
        (10**15, "1000000000000000"),
        (10**15 + 1, Refused(["Too large: at most 1,000,000,000,000,000."])),
        ("1." + "0" * 40, "1." + "0" * 40),
        ("25000.50", "25000.50"),
        ("-0", "0"),
        (Decimal("-0.00"), "0.00"),
    ],
)
def test_amount_is_kept_exactly_as_given_within_its_limits(
    value: Any, result: Any
) -> None:
    if isinstance(result, Refused):
        assert refusal(Amount(), value) == result.messages
    else:
        assert str(loaded(Amount(), value)) == result


def test_date_time_accepts_a_naive_datetime_object_only() -> None:
    naive = dt.datetime(2026, 2, 2, 10, 0)
    assert loaded(DateTime(), naive) == naive
    assert refusal(DateTime(), naive.replace(tzinfo=dt.UTC)) == [
        "Not a valid date and time. Use YYYY-MM-DDTHH:MM (local time, no time zone)."
    ]


def test_date_accepts_a_date_object_but_not_a_datetime() -> None:
    day = dt.date(2026, 2, 2)
    assert loaded(Date(), day) == day
    assert refusal(Date(), dt.datetime(2026, 2, 2, 10, 0)) == [
        "Not a valid date. Use YYYY-MM-DD."
    ]
