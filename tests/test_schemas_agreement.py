"""The partnership agreement: examples, required fields, cross-field rules, warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from schemas import load_document
from schemas.warnings import WARNING_CODES
from tests.schema_fixtures import (
    load_example,
    messages_by_path,
    minimal,
    problems_of,
    warning_codes,
)

Document = dict[str, Any]


def danish() -> Document:
    return load_example("agreement.da.json")


def english() -> Document:
    return load_example("agreement.en.json")


# ------------------------------------------------------------------ examples


@pytest.mark.parametrize("name", ["agreement.da.json", "agreement.en.json"])
@pytest.mark.parametrize("decimals", [False, True])
def test_example_loads_without_warnings(name: str, decimals: bool) -> None:
    loaded = load_document("agreement", load_example(name, decimals=decimals))
    assert loaded.kind == "agreement"
    assert loaded.warnings == []


@pytest.mark.parametrize("decimals", [False, True])
def test_budget_amounts_load_as_exact_decimals(decimals: bool) -> None:
    data = load_document(
        "agreement", load_example("agreement.da.json", decimals=decimals)
    ).data
    amounts = [line["amount"] for line in data["budget"]["lines"]]
    assert amounts == [Decimal("85000"), Decimal("60000"), Decimal("25000.5")]
    assert all(type(amount) is Decimal for amount in amounts)
    assert str(amounts[2]) == "25000.5"


def test_example_dates_load_as_dates() -> None:
    data = load_document("agreement", danish()).data
    assert data["term"]["start_date"] == dt.date(2026, 1, 15)
    assert data["goals"][0]["deadline"] == dt.date(2026, 9, 30)
    assert data["milestones"][1]["date"] == dt.date(2026, 9, 19)
    assert data["follow_up"]["review_dates"][0] == dt.date(2026, 4, 1)
    assert data["signing"]["date"] == dt.date(2026, 1, 10)
    assert data["phase_out"]["steps"][0]["date"] == dt.date(2026, 11, 15)


def test_example_keeps_values_and_types() -> None:
    data = load_document("agreement", danish()).data
    assert data["language"] == "da"
    assert data["parties"][2]["name"] == "Teater Vest & Co."
    assert data["parties"][0]["dependent"] is False
    assert data["budget"]["lines"][1]["in_kind"] is True
    assert data["budget"]["lines"][0]["in_kind"] is False
    assert data["budget"]["external_funding"][0]["status"] == "planned"
    assert data["phase_out"]["notice_months"] == 3
    assert data["bottom_lines"] == ["artistic", "social", "economic"]
    assert data["activities"][0]["responsible"] == ["teatret", "bibliotek"]


def test_english_example_with_dependent_party_passes() -> None:
    data = load_document("agreement", english()).data
    assert data["parties"][1]["dependent"] is True
    assert data["budget"]["currency"] == "EUR"


# ------------------------------------------------------------------ defaults


def test_defaults_are_filled_in() -> None:
    document = minimal("agreement")
    document["budget"] = {"lines": [{"description": "D", "party": "a", "amount": 1}]}
    document["budget"]["external_funding"] = [{"source": "Fund"}]
    data = load_document("agreement", document).data
    assert data["language"] == "da"
    assert data["partnership_type"] == "partnership"
    assert data["goals"][0]["kind"] == "impact"
    assert data["budget"]["currency"] == "DKK"
    assert data["budget"]["lines"][0]["in_kind"] is False
    assert data["budget"]["external_funding"][0]["status"] == "planned"


# ------------------------------------------------------------------ required


@pytest.mark.parametrize("field", ["title", "parties", "vision", "goals", "roles"])
def test_required_field_is_reported_when_missing(field: str) -> None:
    document = minimal("agreement")
    del document[field]
    assert messages_by_path("agreement", document) == {
        field: ["Missing data for required field."]
    }


@pytest.mark.parametrize(
    ("field", "message"),
    [("goals", "Give at least one goal."), ("roles", "Give at least one role.")],
)
def test_empty_goals_or_roles_are_rejected(field: str, message: str) -> None:
    document = minimal("agreement")
    document[field] = []
    assert messages_by_path("agreement", document) == {field: [message]}


def test_one_party_is_not_a_partnership() -> None:
    document = minimal("agreement")
    document["parties"] = document["parties"][:1]
    document["roles"] = [{"party": "a"}]
    assert messages_by_path("agreement", document) == {
        "parties": ["A partnership needs at least two parties."]
    }


@pytest.mark.parametrize(
    ("key", "item", "path"),
    [
        ("goals", {"kind": "impact"}, "goals[1].description"),
        ("activities", {"description": "D"}, "activities[0].title"),
        ("milestones", {"date": "2026-01-01"}, "milestones[0].description"),
        ("milestones", {"description": "D"}, "milestones[0].date"),
        ("roles", {"title": "Lead"}, "roles[1].party"),
        ("capacity_building", {"beneficiary": "b"}, "capacity_building[0].area"),
        ("capacity_building", {"area": "A"}, "capacity_building[0].beneficiary"),
    ],
)
def test_required_field_of_a_list_item(key: str, item: Document, path: str) -> None:
    document = minimal("agreement")
    document.setdefault(key, []).append(item)
    assert messages_by_path("agreement", document) == {
        path: ["Missing data for required field."]
    }


@pytest.mark.parametrize("field", ["description", "party", "amount"])
def test_budget_line_needs_description_party_and_amount(field: str) -> None:
    document = minimal("agreement")
    line = {"description": "D", "party": "a", "amount": 10}
    del line[field]
    document["budget"] = {"lines": [line]}
    assert messages_by_path("agreement", document) == {
        f"budget.lines[0].{field}": ["Missing data for required field."]
    }


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (25000.5, Decimal("25000.5")),
        (Decimal("25000.50"), Decimal("25000.50")),
        (85000, Decimal("85000")),
        ("1234.56", Decimal("1234.56")),
        (0, Decimal("0")),
        (0.1, Decimal("0.1")),
    ],
)
def test_amount_loads_exactly(amount: Any, expected: Decimal) -> None:
    document = minimal("agreement")
    document["budget"] = {
        "lines": [{"description": "D", "party": "a", "amount": amount}]
    }
    loaded = load_document("agreement", document).data["budget"]["lines"][0]["amount"]
    assert loaded == expected
    assert str(loaded) == str(expected)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-1, "Must not be negative."),
        ("-0.5", "Must not be negative."),
        (float("nan"), "Not a valid amount: NaN and Infinity are not allowed."),
        ("NaN", "Not a valid amount: NaN and Infinity are not allowed."),
        ("Infinity", "Not a valid amount: NaN and Infinity are not allowed."),
        (float("inf"), "Not a valid amount: NaN and Infinity are not allowed."),
        (Decimal("sNaN"), "Not a valid amount: NaN and Infinity are not allowed."),
        (True, "Not a valid amount: use a number such as 25000.5."),
        ("12 kr.", "Not a valid amount: use a number such as 25000.5."),
        ([1], "Not a valid amount: use a number such as 25000.5."),
        (10**16, "Too large: at most 1,000,000,000,000,000."),
        (0.1234567, "Use at most 6 decimal places."),
    ],
)
def test_invalid_amount_is_rejected(amount: Any, message: str) -> None:
    document = minimal("agreement")
    document["budget"] = {
        "lines": [{"description": "D", "party": "a", "amount": amount}]
    }
    assert messages_by_path("agreement", document) == {
        "budget.lines[0].amount": [message]
    }


def test_negative_external_funding_is_rejected() -> None:
    document = minimal("agreement")
    document["budget"] = {"external_funding": [{"source": "F", "amount": -5}]}
    assert messages_by_path("agreement", document) == {
        "budget.external_funding[0].amount": ["Must not be negative."]
    }


@pytest.mark.parametrize("currency", ["dkk", "EUR", "USD", "SEK"])
def test_known_currency_is_accepted_in_upper_case(currency: str) -> None:
    document = minimal("agreement")
    document["budget"] = {"currency": currency}
    data = load_document("agreement", document).data
    assert data["budget"]["currency"] == currency.upper()


@pytest.mark.parametrize("currency", ["XYZ", "kroner", "DK", "€"])
def test_unknown_currency_is_rejected(currency: str) -> None:
    document = minimal("agreement")
    document["budget"] = {"currency": currency}
    assert messages_by_path("agreement", document) == {
        "budget.currency": ["Not a known ISO 4217 currency code (such as DKK or EUR)."]
    }


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("partnership_type",), "alliance"),
        (("goals", 0, "kind"), "financial"),
        (("bottom_lines",), ["spiritual"]),
    ],
)
def test_value_outside_its_enum_is_rejected(path: tuple[Any, ...], value: Any) -> None:
    document = minimal("agreement")
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert len(problems_of("agreement", document)) == 1


def test_funding_status_must_be_known() -> None:
    document = minimal("agreement")
    document["budget"] = {"external_funding": [{"source": "F", "status": "maybe"}]}
    assert messages_by_path("agreement", document) == {
        "budget.external_funding[0].status": [
            "Must be one of: planned, applied, granted, rejected."
        ]
    }


def test_bottom_lines_must_be_unique() -> None:
    document = minimal("agreement")
    document["bottom_lines"] = ["social", "green", "social"]
    assert messages_by_path("agreement", document) == {
        "bottom_lines": ["'social' is listed more than once."]
    }


@pytest.mark.parametrize("months", [-1, 1.5, "3", 121])
def test_notice_months_must_be_a_whole_number_in_range(months: Any) -> None:
    document = minimal("agreement")
    document["phase_out"] = {"notice_months": months}
    assert list(messages_by_path("agreement", document)) == ["phase_out.notice_months"]


# ------------------------------------------------------------------ cross-field


def test_duplicate_party_id_is_reported_at_the_second_party() -> None:
    document = minimal("agreement")
    document["parties"].append({"id": "a", "name": "Alpha again"})
    assert messages_by_path("agreement", document) == {
        "parties[2].id": ["Duplicate party id 'a': parties[0] has it too."]
    }


def _set(document: Document, path: tuple[Any, ...], value: Any) -> None:
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("roles", 0, "party"), "roles[0].party"),
        (("activities", 0, "responsible", 1), "activities[0].responsible[1]"),
        (("budget", "lines", 1, "party"), "budget.lines[1].party"),
        (
            ("budget", "external_funding", 0, "responsible"),
            "budget.external_funding[0].responsible",
        ),
        (("capacity_building", 0, "beneficiary"), "capacity_building[0].beneficiary"),
        (("capacity_building", 0, "responsible"), "capacity_building[0].responsible"),
    ],
)
def test_party_reference_must_name_a_declared_party(
    path: tuple[Any, ...], where: str
) -> None:
    document = danish()
    _set(document, path, "ghost")
    assert messages_by_path("agreement", document) == {
        where: [
            "Unknown party 'ghost'. Declared parties: bibliotek, messecenter, teatret."
        ]
    }


def test_reference_to_a_party_whose_id_is_invalid_is_not_reported_twice() -> None:
    document = minimal("agreement")
    document["parties"][0]["id"] = "a b"
    document["roles"] = [{"party": "a b"}]
    assert list(messages_by_path("agreement", document)) == ["parties[0].id"]


def test_activity_must_not_end_before_it_starts() -> None:
    document = danish()
    document["activities"][1]["end"] = "2026-07-01"
    assert messages_by_path("agreement", document) == {
        "activities[1].end": ["Must not be before start (2026-08-01)."]
    }


def test_one_day_activity_is_valid() -> None:
    document = danish()
    document["activities"][0]["end"] = document["activities"][0]["start"]
    load_document("agreement", document)


def test_term_end_before_start_is_reported_at_end_date() -> None:
    document = danish()
    document["term"]["end_date"] = "2025-12-31"
    assert messages_by_path("agreement", document) == {
        "term.end_date": ["Must be after start_date (2026-01-15)."]
    }


DEPENDENT_PHASE_OUT = (
    "Party 'trust' (parties[1]) is dependent on its partners: the agreement needs "
    "a phase-out plan."
)
DEPENDENT_CAPACITY = (
    "Party 'trust' (parties[1]) is dependent on its partners: the agreement needs "
    "capacity building with 'trust' as beneficiary."
)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("phase_out"),
        lambda d: d["phase_out"].pop("plan"),
        lambda d: d["phase_out"].update(plan="   "),
    ],
    ids=["no phase_out", "no plan", "blank plan"],
)
def test_dependent_party_requires_phase_out_plan(
    change: Callable[[Document], Any],
) -> None:
    document = english()
    change(document)
    assert messages_by_path("agreement", document) == {
        "phase_out": [DEPENDENT_PHASE_OUT]
    }


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("capacity_building"),
        lambda d: d.update(capacity_building=[]),
        lambda d: [c.update(beneficiary="recycle") for c in d["capacity_building"]],
    ],
    ids=["absent", "empty", "for another party"],
)
def test_dependent_party_requires_capacity_building(
    change: Callable[[Document], Any],
) -> None:
    document = english()
    change(document)
    assert messages_by_path("agreement", document) == {
        "capacity_building": [DEPENDENT_CAPACITY]
    }


def test_dependent_rule_reports_both_halves_at_once() -> None:
    document = english()
    del document["phase_out"], document["capacity_building"]
    assert messages_by_path("agreement", document) == {
        "phase_out": [DEPENDENT_PHASE_OUT],
        "capacity_building": [DEPENDENT_CAPACITY],
    }


def test_phase_out_with_an_error_elsewhere_still_counts_as_a_plan() -> None:
    document = english()
    document["phase_out"]["notice_months"] = -1
    assert list(messages_by_path("agreement", document)) == ["phase_out.notice_months"]


def test_independent_parties_need_no_phase_out() -> None:
    document = english()
    document["parties"][1]["dependent"] = False
    del document["phase_out"], document["capacity_building"]
    load_document("agreement", document)


def test_several_problems_are_reported_at_once_with_paths() -> None:
    document = danish()
    document["parties"][1]["representative"]["email"] = "not-an-email"
    document["parties"][2]["website"] = "teater.dk"
    document["goals"][0]["deadline"] = "30-09-2026"
    document["roles"][2]["party"] = "teater"
    document["budget"]["lines"][2]["amount"] = -25000.5
    document["term"]["end_date"] = "2026-01-01"
    document["surprise"] = True
    del document["vision"]
    assert [p.path for p in problems_of("agreement", document)] == [
        "budget.lines[2].amount",
        "goals[0].deadline",
        "parties[1].representative.email",
        "parties[2].website",
        "roles[2].party",
        "surprise",
        "term.end_date",
        "vision",
    ]


# ------------------------------------------------------------------ warnings


WARNING_CASES: list[tuple[Callable[[Document], Any], str, str]] = [
    (
        lambda d: d["parties"][2].pop("representative"),
        "parties[2].representative",
        "party_without_representative",
    ),
    (
        lambda d: d["parties"][1].pop("contributions"),
        "parties[1].contributions",
        "party_without_contributions",
    ),
    (lambda d: d["roles"].pop(), "roles", "party_without_role"),
    (
        lambda d: d["goals"][2].update(kind="impact"),
        "goals",
        "no_relationship_goal",
    ),
    (
        lambda d: d["goals"][0].update(deadline="2027-01-31"),
        "goals[0].deadline",
        "goal_deadline_after_term",
    ),
    (
        lambda d: d["activities"][0].update(start="2026-01-01"),
        "activities[0].start",
        "activity_outside_term",
    ),
    (
        lambda d: d["activities"][2].update(end="2027-02-01"),
        "activities[2].end",
        "activity_outside_term",
    ),
    (
        lambda d: d["milestones"][2].update(date="2027-03-01"),
        "milestones[2].date",
        "milestone_outside_term",
    ),
    (lambda d: d["term"].pop("end_date"), "term.end_date", "no_term_end"),
    (lambda d: d.pop("term"), "term.end_date", "no_term_end"),
    (lambda d: d.pop("follow_up"), "follow_up", "no_follow_up"),
    (lambda d: d.pop("values"), "values", "no_values"),
    (lambda d: d.update(values=[]), "values", "no_values"),
    (lambda d: d.pop("termination"), "termination", "no_termination"),
    (
        # The plan's first step (15 November 2026) comes before twelve months'
        # notice could run from the start (15 January 2026).
        lambda d: d["phase_out"].update(notice_months=12),
        "phase_out.notice_months",
        "phase_out_notice_contradicts",
    ),
    (lambda d: d["budget"].pop("period"), "budget.period", "budget_without_period"),
]


@pytest.mark.parametrize(("change", "path", "code"), WARNING_CASES)
def test_warning(change: Callable[[Document], Any], path: str, code: str) -> None:
    document = danish()
    change(document)
    assert warning_codes("agreement", document) == {(path, code)}


def test_warning_no_time_horizon_for_dependent_party() -> None:
    document = english()
    del document["phase_out"]["horizon"]
    assert warning_codes("agreement", document) == {
        ("phase_out.horizon", "no_time_horizon")
    }


def test_international_agreement_without_law_or_language_is_warned() -> None:
    document = english()  # Denmark and Tanzania
    del document["legal"]
    assert warning_codes("agreement", document) == {
        ("legal.governing_law", "no_governing_law"),
        ("legal.prevailing_language", "no_prevailing_language"),
    }


def test_domestic_agreement_needs_no_law_or_language_clause() -> None:
    document = danish()
    assert "legal" not in document
    assert {party.get("country") for party in document["parties"]} <= {"DK", None}
    assert warning_codes("agreement", document) == set()


def test_phase_out_that_fits_the_notice_is_not_warned() -> None:
    document = english()  # starts 1 March 2026; first step 1 January 2027
    document["phase_out"]["notice_months"] = 10
    assert warning_codes("agreement", document) == set()
    document["phase_out"]["notice_months"] = 11
    assert warning_codes("agreement", document) == {
        ("phase_out.notice_months", "phase_out_notice_contradicts")
    }


def test_warnings_have_messages() -> None:
    document = danish()
    del document["values"]
    (warning,) = load_document("agreement", document).warnings
    assert warning.message.startswith("No shared values")


def test_every_warning_code_is_tested() -> None:
    tested = {code for _, _, code in WARNING_CASES} | {
        "no_time_horizon",
        "no_governing_law",
        "no_prevailing_language",
    }
    assert tested == set(WARNING_CODES["agreement"])


@pytest.mark.parametrize(
    ("controller", "problems"),
    [
        (
            "ghost",
            {
                "legal.personal_data.controller": [
                    "Unknown party 'ghost'. Declared parties: a, b."
                ]
            },
        ),
        ("b", {}),
    ],
)
def test_data_controller_must_be_a_declared_party(
    controller: str, problems: dict[str, list[str]]
) -> None:
    document = minimal("agreement")
    document["legal"] = {"personal_data": {"controller": controller}}
    if problems:
        assert messages_by_path("agreement", document) == problems
    else:
        loaded = load_document("agreement", document).data
        assert loaded["legal"]["personal_data"]["controller"] == "b"


def test_a_reference_of_64_characters_to_no_party_is_reported() -> None:
    document = minimal("agreement")
    document["roles"] = [{"party": "x" * 64}]
    assert messages_by_path("agreement", document) == {
        "roles[0].party": [f"Unknown party '{'x' * 64}'. Declared parties: a, b."]
    }


def test_a_party_id_of_64_characters_can_be_referred_to() -> None:
    document = minimal("agreement")
    document["parties"][0]["id"] = "x" * 64
    document["roles"] = [{"party": "x" * 64}, {"party": "b"}]
    assert load_document("agreement", document).data["roles"][0]["party"] == "x" * 64


def test_parties_after_one_without_an_id_are_still_checked() -> None:
    document = minimal("agreement")
    document["parties"] = [
        {"name": "No id"},
        {"id": "a", "name": "Alpha"},
        {"id": "a", "name": "Alpha again"},
    ]
    document["roles"] = [{"party": "ghost"}]
    assert messages_by_path("agreement", document) == {
        "parties[0].id": ["Missing data for required field."],
        "parties[2].id": ["Duplicate party id 'a': parties[1] has it too."],
        "roles[0].party": ["Unknown party 'ghost'. Declared parties: a."],
    }
