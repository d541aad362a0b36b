"""The understanding paper: example, defaults, required fields, rules, warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from schemas import load_document
from schemas.warnings import WARNING_CODES
from tests.schema_fixtures import (
    load_example,
    messages_by_path,
    minimal,
    warning_codes,
)

Document = dict[str, Any]


def example() -> Document:
    return load_example("understanding.en.json")


def test_example_loads_without_warnings() -> None:
    loaded = load_document("understanding", example())
    assert loaded.kind == "understanding"
    assert loaded.warnings == []


def test_example_loads_with_expected_types() -> None:
    data = load_document("understanding", example()).data
    assert data["language"] == "en"
    assert data["binding"] is False
    assert data["next_steps"][1] == {
        "description": "Recruit ten mentors",
        "responsible": "club",
        "date": dt.date(2026, 8, 15),
    }
    assert data["term"] == {
        "start_date": dt.date(2026, 6, 1),
        "end_date": dt.date(2027, 5, 31),
    }
    assert data["parties"][1]["contributions"] == ["Volunteer reading mentors"]


def test_defaults_are_filled_in() -> None:
    data = load_document("understanding", minimal("understanding")).data
    assert data["partnership_type"] == "cooperation"
    assert data["binding"] is False
    assert data["language"] == "da"


@pytest.mark.parametrize("field", ["title", "parties", "purpose"])
def test_required_field_is_reported_when_missing(field: str) -> None:
    document = minimal("understanding")
    del document[field]
    assert messages_by_path("understanding", document) == {
        field: ["Missing data for required field."]
    }


def test_vision_is_optional() -> None:
    document = example()
    del document["vision"]
    assert "vision" not in load_document("understanding", document).data


def test_fields_of_an_agreement_are_unknown_here() -> None:
    document = minimal("understanding")
    document["goals"] = [{"description": "G"}]
    assert messages_by_path("understanding", document) == {"goals": ["Unknown field."]}


def test_duplicate_party_id_is_reported() -> None:
    document = example()
    document["parties"].append({"id": "club", "name": "Another club"})
    assert messages_by_path("understanding", document) == {
        "parties[2].id": ["Duplicate party id 'club': parties[1] has it too."]
    }


def test_next_step_must_name_a_declared_party() -> None:
    document = example()
    document["next_steps"][0]["responsible"] = "school"
    assert messages_by_path("understanding", document) == {
        "next_steps[0].responsible": [
            "Unknown party 'school'. Declared parties: library, club."
        ]
    }


def test_next_step_needs_a_description() -> None:
    document = example()
    del document["next_steps"][1]["description"]
    assert messages_by_path("understanding", document) == {
        "next_steps[1].description": ["Missing data for required field."]
    }


def test_term_must_end_after_it_starts() -> None:
    document = example()
    document["term"]["end_date"] = "2026-05-31"
    assert messages_by_path("understanding", document) == {
        "term.end_date": ["Must be after start_date (2026-06-01)."]
    }


WARNING_CASES: list[tuple[Callable[[Document], Any], str, str]] = [
    (lambda d: d.pop("next_steps"), "next_steps", "no_next_steps"),
    (lambda d: d.update(next_steps=[]), "next_steps", "no_next_steps"),
    (lambda d: d.update(binding=True), "binding", "binding_understanding"),
    (
        lambda d: d["parties"][0].pop("representative"),
        "parties[0].representative",
        "party_without_representative",
    ),
]


@pytest.mark.parametrize(("change", "path", "code"), WARNING_CASES)
def test_warning(change: Callable[[Document], Any], path: str, code: str) -> None:
    document = example()
    change(document)
    assert warning_codes("understanding", document) == {(path, code)}


def test_every_warning_code_is_tested() -> None:
    tested = {code for _, _, code in WARNING_CASES} | set()
    assert tested == set(WARNING_CODES["understanding"])
