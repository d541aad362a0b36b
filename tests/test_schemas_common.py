"""Shared building blocks: fields, people, parties, terms, extra, problems, registry."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import marshmallow as ma
import pytest

from schemas import KINDS, LANGUAGES, DocumentInvalid, load_document, schema_for
from schemas.problems import Problem, flatten_errors, nest_errors, sort_problems
from schemas.registry import MAX_PROBLEMS
from schemas.warnings import WARNING_CODES
from tests.schema_fixtures import (
    example_names,
    examples_dir,  # noqa: F401 (fixture)
    load_example,
    messages_by_path,
    minimal,
    problems_of,
)

# ------------------------------------------------------------------ problems


def test_problem_as_dict_leaves_out_missing_code() -> None:
    assert Problem("title", "Bad.").as_dict() == {"path": "title", "message": "Bad."}


def test_problem_as_dict_includes_code() -> None:
    problem = Problem("goals", "No goal.", "no_relationship_goal")
    assert problem.as_dict() == {
        "path": "goals",
        "message": "No goal.",
        "code": "no_relationship_goal",
    }


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ("Bad.", [("", "Bad.")]),
        (["A.", "B."], [("", "A."), ("", "B.")]),
        ({"title": ["Bad."]}, [("title", "Bad.")]),
        ({"parties": {1: {"id": ["Bad."]}}}, [("parties[1].id", "Bad.")]),
        ({"term": {"_schema": ["Bad."]}}, [("term", "Bad.")]),
        ({"_schema": ["Bad."]}, [("", "Bad.")]),
        ({"a": {0: {1: ["Bad."]}}}, [("a[0][1]", "Bad.")]),
    ],
)
def test_flatten_errors_builds_paths(
    messages: Any, expected: list[tuple[str, str]]
) -> None:
    assert [(p.path, p.message) for p in flatten_errors(messages)] == expected


def test_flatten_errors_applies_prefix() -> None:
    assert flatten_errors({"email": ["Bad."]}, "parties[0]")[0].path == (
        "parties[0].email"
    )


def test_flatten_errors_shortens_huge_keys() -> None:
    (problem,) = flatten_errors({"k" * 10_000: ["Unknown field."]})
    assert len(problem.path) < 100


def test_nest_errors_round_trips_through_flatten() -> None:
    pairs = [(("parties", 1, "id"), "Dup."), (("phase_out",), "Plan."), ((), "Doc.")]
    flat = flatten_errors(nest_errors(pairs))
    assert {(p.path, p.message) for p in flat} == {
        ("parties[1].id", "Dup."),
        ("phase_out", "Plan."),
        ("", "Doc."),
    }


def test_sort_problems_orders_indices_numerically() -> None:
    paths = ["parties[10].id", "parties[2].id", "goals", "", "parties"]
    ordered = sort_problems(Problem(path, "x") for path in paths)
    assert [p.path for p in ordered] == [
        "",
        "goals",
        "parties",
        "parties[2].id",
        "parties[10].id",
    ]


# ------------------------------------------------------------------ registry


def test_kinds_and_languages() -> None:
    assert KINDS == ("agreement", "understanding", "first_contact")
    assert LANGUAGES == ("da", "en")


def test_schema_for_unknown_kind_raises_key_error() -> None:
    with pytest.raises(KeyError):
        schema_for("contract")


def test_schema_for_returns_the_same_instance_each_time() -> None:
    assert schema_for("agreement") is schema_for("agreement")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("payload", [None, [], [{}], 1, 1.5, "text", True])
def test_non_object_payload_is_one_problem_for_the_whole_document(
    kind: str, payload: Any
) -> None:
    (problem,) = problems_of(kind, payload)
    assert problem.path == ""
    assert "JSON object" in problem.message


def test_examples_dir_fixture_finds_every_kind(examples_dir: Path) -> None:  # noqa: F811
    kinds = {path.name.split(".")[0] for path in examples_dir.glob("*.json")}
    assert kinds == set(KINDS)


@pytest.mark.parametrize("name", example_names())
def test_example_loads_with_floats_or_decimals_alike(name: str) -> None:
    kind = name.split(".")[0]
    as_float = load_document(kind, load_example(name)).data
    as_decimal = load_document(kind, load_example(name, decimals=True)).data
    assert as_float == as_decimal


def test_problems_are_sorted_by_path() -> None:
    document = minimal("agreement")
    document["vision"] = ""
    document["parties"][1]["name"] = ""
    document["goals"][0]["deadline"] = "soon"
    paths = [p.path for p in problems_of("agreement", document)]
    assert paths == ["goals[0].deadline", "parties[1].name", "vision"]


def test_problem_list_is_capped() -> None:
    document = minimal("understanding")
    document.update({f"unknown_{i}": 1 for i in range(MAX_PROBLEMS + 50)})
    problems = problems_of("understanding", document)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].message == "50 more problems not listed."


def _junk(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(9 if depth < 4 else 6)
    scalars: list[Any] = [
        None,
        True,
        rng.randint(-(10**30), 10**30),
        rng.random() * 1e6,
        "x" * rng.randrange(3),
        rng.choice(["2026-01-01", "NaN", "-1", "a", " ", "DK", "Infinity"]),
    ]
    if choice < 6:
        return scalars[choice]
    if choice == 6:
        return [_junk(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = [
        "id",
        "name",
        "parties",
        "goals",
        "roles",
        "party",
        "extra",
        "amount",
        "date",
        "sender",
        "meeting",
        "term",
        "budget",
        "lines",
        "title",
        "zz",
    ]
    return {rng.choice(keys): _junk(rng, depth + 1) for _ in range(rng.randrange(6))}


@pytest.mark.parametrize("kind", KINDS)
def test_random_junk_only_ever_raises_document_invalid(kind: str) -> None:
    rng = random.Random(kind)
    for _ in range(300):
        payload = _junk(rng)
        try:
            load_document(kind, payload)
        except DocumentInvalid as error:
            assert all(isinstance(p, Problem) for p in error.problems)


@pytest.mark.parametrize("kind", KINDS)
def test_junk_in_every_field_only_ever_raises_document_invalid(kind: str) -> None:
    rng = random.Random(f"{kind}-fields")
    for _ in range(100):
        document = minimal(kind)
        for key in list(document) + ["extra", "term", "budget", "signing"]:
            if rng.random() < 0.5:
                document[key] = _junk(rng, 1)
        try:
            load_document(kind, document)
        except DocumentInvalid:
            pass


def _deep_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize("field", ["title", "parties", "extra", "signing"])
def test_deeply_nested_junk_is_reported_not_crashed_on(field: str) -> None:
    document = minimal("understanding")
    document[field] = _deep_list(50_000)
    paths = messages_by_path("understanding", document)
    assert all(path.startswith(field) for path in paths)


def test_huge_string_is_rejected_as_too_long() -> None:
    document = minimal("understanding")
    document["title"] = "x" * 10_000_000
    assert messages_by_path("understanding", document) == {
        "title": ["Too long: at most 200 characters."]
    }


# ------------------------------------------------------------------ text fields


def test_strings_are_stripped() -> None:
    document = minimal("understanding")
    document["title"] = "  Reading together \n"
    assert load_document("understanding", document).data["title"] == "Reading together"


@pytest.mark.parametrize("value", ["", "   ", "\n\t"])
def test_blank_required_string_is_rejected(value: str) -> None:
    document = minimal("understanding")
    document["purpose"] = value
    assert messages_by_path("understanding", document) == {
        "purpose": ["Must not be empty."]
    }


def test_null_required_field_is_rejected() -> None:
    document = minimal("understanding")
    document["purpose"] = None
    assert "purpose" in messages_by_path("understanding", document)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_null_or_blank_optional_field_is_left_out(value: Any) -> None:
    document = minimal("understanding")
    document["background"] = value
    document["parties"][0]["address"] = value
    data = load_document("understanding", document).data
    assert "background" not in data
    assert "address" not in data["parties"][0]


def test_absent_optional_fields_are_left_out() -> None:
    data = load_document("understanding", minimal("understanding")).data
    assert set(data) == {
        "language",
        "title",
        "partnership_type",
        "parties",
        "purpose",
        "binding",
    }


def test_string_given_a_number_is_rejected() -> None:
    document = minimal("understanding")
    document["title"] = 42
    assert messages_by_path("understanding", document) == {
        "title": ["Not a valid string."]
    }


def test_empty_string_in_a_list_is_rejected() -> None:
    document = minimal("understanding")
    document["values"] = ["Openness", " "]
    assert messages_by_path("understanding", document) == {
        "values[1]": ["Must not be empty."]
    }


def test_list_longer_than_100_items_is_rejected() -> None:
    document = minimal("understanding")
    document["values"] = ["v"] * 101
    assert messages_by_path("understanding", document) == {
        "values": ["At most 100 items."]
    }


# ------------------------------------------------------------------ language


def test_language_defaults_to_danish() -> None:
    assert (
        load_document("understanding", minimal("understanding")).data["language"]
        == "da"
    )


@pytest.mark.parametrize("language", ["de", "DA", "dansk"])
def test_unknown_language_is_rejected(language: str) -> None:
    document = minimal("understanding")
    document["language"] = language
    assert "language" in messages_by_path("understanding", document)


# ------------------------------------------------------------------ person, party


@pytest.mark.parametrize("email", ["nope", "a@", "@b.dk", "a b@c.dk", "a@b@c.dk"])
def test_invalid_email_is_rejected(email: str) -> None:
    document = minimal("understanding")
    document["parties"][1]["representative"] = {"name": "N", "email": email}
    assert messages_by_path("understanding", document) == {
        "parties[1].representative.email": ["Not a valid e-mail address."]
    }


def test_person_needs_a_name() -> None:
    document = minimal("understanding")
    document["parties"][0]["contact_person"] = {"email": "a@b.dk"}
    assert messages_by_path("understanding", document) == {
        "parties[0].contact_person.name": ["Missing data for required field."]
    }


@pytest.mark.parametrize(
    "url", ["ftp://example.dk", "example.dk", "https://", "javascript:x"]
)
def test_invalid_website_is_rejected(url: str) -> None:
    document = minimal("understanding")
    document["parties"][0]["website"] = url
    assert list(messages_by_path("understanding", document)) == ["parties[0].website"]


@pytest.mark.parametrize("country", ["dk", " DK ", "Dk"])
def test_country_code_is_upper_cased(country: str) -> None:
    document = minimal("understanding")
    document["parties"][0]["country"] = country
    data = load_document("understanding", document).data
    assert data["parties"][0]["country"] == "DK"


@pytest.mark.parametrize("country", ["DNK", "Denmark", "XX", "EU", "ZZ", "D"])
def test_unknown_country_code_is_rejected(country: str) -> None:
    document = minimal("understanding")
    document["parties"][0]["country"] = country
    assert messages_by_path("understanding", document) == {
        "parties[0].country": [
            "Not a known ISO 3166-1 alpha-2 country code (such as DK)."
        ]
    }


@pytest.mark.parametrize("party_id", ["a", "A1", "x_y", "x.y", "x-y", "9", "a" * 64])
def test_valid_party_ids_are_accepted(party_id: str) -> None:
    document = minimal("understanding")
    document["parties"][0]["id"] = party_id
    assert load_document("understanding", document).data["parties"][0]["id"] == party_id


@pytest.mark.parametrize("party_id", ["-a", "_a", "a b", "æble", "a/b", "a" * 65])
def test_invalid_party_id_is_rejected(party_id: str) -> None:
    document = minimal("understanding")
    document["parties"][0]["id"] = party_id
    assert list(messages_by_path("understanding", document)) == ["parties[0].id"]


def test_party_needs_id_and_name() -> None:
    document = minimal("understanding")
    document["parties"][0] = {"sector": "public"}
    assert messages_by_path("understanding", document) == {
        "parties[0].id": ["Missing data for required field."],
        "parties[0].name": ["Missing data for required field."],
    }


def test_unknown_sector_is_rejected() -> None:
    document = minimal("understanding")
    document["parties"][0]["sector"] = "church"
    assert messages_by_path("understanding", document) == {
        "parties[0].sector": ["Must be one of: public, private, voluntary."]
    }


def test_party_dependent_defaults_to_false() -> None:
    data = load_document("understanding", minimal("understanding")).data
    assert data["parties"][0]["dependent"] is False


@pytest.mark.parametrize("value", ["true", 1, "yes", 0])
def test_booleans_must_be_real_booleans(value: Any) -> None:
    document = minimal("understanding")
    document["parties"][0]["dependent"] = value
    assert messages_by_path("understanding", document) == {
        "parties[0].dependent": ["Not a valid boolean: use true or false."]
    }


def test_unknown_field_is_reported_at_its_path() -> None:
    document = minimal("understanding")
    document["parties"][1]["representative"] = {"name": "N", "mobile": "1"}
    document["colour"] = "blue"
    assert messages_by_path("understanding", document) == {
        "colour": ["Unknown field."],
        "parties[1].representative.mobile": ["Unknown field."],
    }


def test_nested_object_given_a_string_is_rejected() -> None:
    document = minimal("understanding")
    document["parties"][1] = "Beta"
    assert messages_by_path("understanding", document) == {
        "parties[1]": ["Must be a JSON object."]
    }


# ------------------------------------------------------------------ dates, term


@pytest.mark.parametrize(
    "value",
    ["15/01/2026", "2026-1-5", "2026-02-30", "20260105", "2026-01-05T10:00", 20260105],
)
def test_date_must_be_iso_yyyy_mm_dd(value: Any) -> None:
    document = minimal("understanding")
    document["signing"] = {"date": value}
    assert messages_by_path("understanding", document) == {
        "signing.date": ["Not a valid date. Use YYYY-MM-DD."]
    }


def test_dates_load_as_date_objects() -> None:
    document = minimal("understanding")
    document["signing"] = {"place": "Aarhus", "date": "2026-05-20"}
    data = load_document("understanding", document).data
    assert data["signing"] == {"place": "Aarhus", "date": dt.date(2026, 5, 20)}


@pytest.mark.parametrize("end", ["2026-01-01", "2026-06-01"])
def test_term_must_end_after_it_starts(end: str) -> None:
    document = minimal("understanding")
    document["term"] = {"start_date": "2026-06-01", "end_date": end}
    assert messages_by_path("understanding", document) == {
        "term.end_date": ["Must be after start_date (2026-06-01)."]
    }


def test_term_with_only_a_start_is_valid() -> None:
    document = minimal("understanding")
    document["term"] = {"start_date": "2026-06-01", "renewal": "Yearly"}
    assert load_document("understanding", document).data["term"] == {
        "start_date": dt.date(2026, 6, 1),
        "renewal": "Yearly",
    }


# ------------------------------------------------------------------ extra


def test_extra_is_passed_on_untouched() -> None:
    extra = {
        "grant": {"number": "G-1", "amount": Decimal("1.10"), "years": [2026, 2027]},
        "logo": None,
        "flag": True,
        "_note": " spaced ",
    }
    document = minimal("understanding")
    document["extra"] = extra
    assert load_document("understanding", document).data["extra"] == extra


@pytest.mark.parametrize("kind", KINDS)
def test_extra_is_optional_on_every_kind(kind: str) -> None:
    document = minimal(kind)
    document["extra"] = {"x": 1}
    assert load_document(kind, document).data["extra"] == {"x": 1}


@pytest.mark.parametrize("value", [[], "x", 1])
def test_extra_must_be_an_object(value: Any) -> None:
    document = minimal("understanding")
    document["extra"] = value
    assert messages_by_path("understanding", document) == {
        "extra": ["Must be a JSON object."]
    }


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"1bad": 1}, "extra.1bad"),
        ({"grant": {"1bad": 1}}, "extra.grant.1bad"),
        ({"a-b": 1}, "extra.a-b"),
        ({"a b": 1}, "extra.a b"),
        ({"list": [{"ø": 1}]}, "extra.list[0].ø"),
        ({"k" * 65: 1}, "extra." + "k" * 65),
    ],
)
def test_extra_keys_must_be_identifiers(extra: dict[str, Any], path: str) -> None:
    document = minimal("understanding")
    document["extra"] = extra
    (problem,) = problems_of("understanding", document)
    assert problem.path == path
    assert problem.message.startswith("Not a valid key")


def test_extra_may_nest_five_levels() -> None:
    document = minimal("understanding")
    document["extra"] = {"a": {"b": {"c": {"d": {"e": 1}}}}}
    assert load_document("understanding", document).data["extra"]["a"]["b"]


def test_extra_deeper_than_five_levels_is_rejected() -> None:
    document = minimal("understanding")
    document["extra"] = {"a": {"b": [{"d": {"e": {"f": 1}}}]}}
    (problem,) = problems_of("understanding", document)
    assert problem.path == "extra.a.b[0].d.e"
    assert problem.message.startswith("Nested too deeply")


def test_extra_with_too_many_values_is_rejected() -> None:
    document = minimal("understanding")
    document["extra"] = {"numbers": list(range(1000))}
    assert messages_by_path("understanding", document) == {
        "extra": ["Too many values: at most 1000 in total."]
    }


def test_extra_with_too_much_text_is_rejected() -> None:
    document = minimal("understanding")
    document["extra"] = {"a": "x" * 40_000, "b": "y" * 40_000}
    assert messages_by_path("understanding", document) == {
        "extra": ["Too much text: at most 64 KiB in total."]
    }


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")])
def test_extra_rejects_non_finite_numbers(value: Any) -> None:
    document = minimal("understanding")
    document["extra"] = {"x": [value]}
    assert list(messages_by_path("understanding", document)) == ["extra.x[0]"]


def test_extra_rejects_values_that_are_not_json() -> None:
    document = minimal("understanding")
    document["extra"] = {"when": dt.date(2026, 1, 1)}
    assert messages_by_path("understanding", document) == {
        "extra.when": ["Not a JSON value."]
    }


# ------------------------------------------------------------------ documentation

DATA_CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"


def _schemas_reachable_from(schema: ma.Schema) -> list[ma.Schema]:
    found = [schema]
    for field in schema.fields.values():
        inner = field.inner if isinstance(field, ma.fields.List) else field
        if isinstance(inner, ma.fields.Nested):
            found += _schemas_reachable_from(inner.schema)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_data_contract_documents_every_field(kind: str) -> None:
    text = DATA_CONTRACT.read_text(encoding="utf-8")
    for schema in _schemas_reachable_from(schema_for(kind)):
        for name in schema.fields:
            assert f"| `{name}` |" in text, (type(schema).__name__, name)


@pytest.mark.parametrize("kind", KINDS)
def test_data_contract_documents_every_warning_code(kind: str) -> None:
    text = DATA_CONTRACT.read_text(encoding="utf-8")
    for code in WARNING_CODES[kind]:
        assert f"| `{code}` |" in text, code
