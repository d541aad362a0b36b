"""The limits of ``extra`` at their edges, and the problem paths' own edges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from schemas.problems import Problem, format_path, join_path, sort_problems
from schemas.registry import load_document
from tests.schema_fixtures import messages_by_path, minimal

TOO_MUCH_TEXT = "Too much text: at most 64 KiB in total."
TOO_MANY = "Too many values: at most 1000 in total."
BAD_KEY = (
    "Not a valid key: use letters, digits and '_', not starting with a digit, "
    "at most 64 characters."
)


def with_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """A minimal agreement carrying ``extra``."""
    document = minimal("agreement")
    document["extra"] = extra
    return document


def loaded_extra(extra: dict[str, Any]) -> Any:
    """``extra`` as the agreement loads it."""
    return load_document("agreement", with_extra(extra)).data["extra"]


@pytest.mark.parametrize(
    ("extra", "problems"),
    [
        # 64 KiB exactly (the key's byte included) is allowed; one byte more is not.
        ({"k": "a" * 65535}, None),
        ({"k": "a" * 65536}, {"extra": [TOO_MUCH_TEXT]}),
        # Text is counted in UTF-8 bytes, not characters.
        ({"k": "æ" * 32767}, None),
        ({"k": "æ" * 32768}, {"extra": [TOO_MUCH_TEXT]}),
        ({"k": "æ" * 65536}, {"extra": [TOO_MUCH_TEXT]}),
        # Once over, the walk stops: the limit is reported once.
        ({"a": "x" * 70000, "b": "y" * 70000}, {"extra": [TOO_MUCH_TEXT]}),
        ({"l": list(range(999))}, None),
        ({"l": list(range(1000))}, {"extra": [TOO_MANY]}),
        ({"l": list(range(1002)), "m": [1, 2]}, {"extra": [TOO_MANY]}),
        ({"k" * 64: 1}, None),
        (
            {"k" * 65: 1},
            {"extra." + "k" * 65: [BAD_KEY]},
        ),
        ({"1a": 1, "2b": 2}, {"extra.1a": [BAD_KEY], "extra.2b": [BAD_KEY]}),
    ],
)
def test_extra_limits_at_their_edges(
    extra: dict[str, Any], problems: dict[str, list[str]] | None
) -> None:
    if problems is None:
        assert loaded_extra(extra) == extra
    else:
        assert messages_by_path("agreement", with_extra(extra)) == problems


def test_a_huge_but_finite_decimal_in_extra_is_kept() -> None:
    huge = Decimal("1e400")
    assert loaded_extra({"n": huge}) == {"n": huge}


def test_a_signalling_nan_in_extra_is_refused_as_not_finite() -> None:
    assert messages_by_path("agreement", with_extra({"n": Decimal("sNaN")})) == {
        "extra.n": ["Not a valid number: NaN and Infinity are not allowed."]
    }


def test_a_key_of_80_characters_is_kept_whole_in_a_path() -> None:
    assert join_path("extra", "k" * 80) == "extra." + "k" * 80
    assert join_path("extra", "k" * 81) == "extra." + "k" * 80 + "…"


def test_a_path_may_start_with_an_index() -> None:
    assert format_path([0, "id"]) == "[0].id"


def test_paths_sort_by_their_text_alphabetically_not_by_length() -> None:
    paths = ["goals[1].deadline", "goals[1].kind", "goals[10].kind"]
    ordered = sort_problems(Problem(path, "m") for path in reversed(paths))
    assert [problem.path for problem in ordered] == [
        "goals[1].deadline",
        "goals[1].kind",
        "goals[10].kind",
    ]
