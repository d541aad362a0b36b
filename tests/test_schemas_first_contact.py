"""The first-contact letter: example, defaults, formats, warnings."""

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
    return load_example("first_contact.da.json")


def test_example_loads_without_warnings() -> None:
    loaded = load_document("first_contact", example())
    assert loaded.kind == "first_contact"
    assert loaded.warnings == []


def test_example_loads_with_expected_types() -> None:
    data = load_document("first_contact", example()).data
    assert data["date"] == dt.date(2026, 1, 5)
    assert data["meeting"] == {
        "duration_minutes": 30,
        "proposals": [
            dt.datetime(2026, 1, 12, 10, 0),
            dt.datetime(2026, 1, 14, 13, 30),
        ],
        "location": "Byens Bibliotek eller online",
        "online": False,
    }
    assert data["sender"]["representative"]["name"] == "Jonas Krogh"
    assert data["recipient"]["person"] == {
        "name": "Ida Sørensen",
        "title": "Kunstnerisk leder",
    }


def test_proposals_are_naive_local_times() -> None:
    data = load_document("first_contact", example()).data
    assert all(when.tzinfo is None for when in data["meeting"]["proposals"])


def test_letter_date_stays_absent_when_not_given() -> None:
    document = example()
    del document["date"]
    assert "date" not in load_document("first_contact", document).data


def test_defaults_are_filled_in() -> None:
    data = load_document("first_contact", minimal("first_contact")).data
    assert data["language"] == "da"
    assert data["meeting"] == {"duration_minutes": 30, "online": False}


def test_sender_id_is_optional() -> None:
    data = load_document("first_contact", minimal("first_contact")).data
    assert data["sender"] == {"name": "S", "dependent": False}


@pytest.mark.parametrize("field", ["sender", "recipient", "idea", "meeting"])
def test_required_field_is_reported_when_missing(field: str) -> None:
    document = minimal("first_contact")
    del document[field]
    assert messages_by_path("first_contact", document) == {
        field: ["Missing data for required field."]
    }


def test_recipient_needs_an_organisation() -> None:
    document = example()
    del document["recipient"]["organisation"]
    assert messages_by_path("first_contact", document) == {
        "recipient.organisation": ["Missing data for required field."]
    }


def test_recipient_person_needs_a_name() -> None:
    document = example()
    del document["recipient"]["person"]["name"]
    assert messages_by_path("first_contact", document) == {
        "recipient.person.name": ["Missing data for required field."]
    }


def test_recipient_email_must_be_valid() -> None:
    document = example()
    document["recipient"]["email"] = "ida(at)teater.dk"
    assert messages_by_path("first_contact", document) == {
        "recipient.email": ["Not a valid e-mail address."]
    }


@pytest.mark.parametrize("minutes", [9, 241, 0, 30.5, "30", True])
def test_meeting_duration_must_be_whole_minutes_from_10_to_240(minutes: Any) -> None:
    document = example()
    document["meeting"]["duration_minutes"] = minutes
    assert list(messages_by_path("first_contact", document)) == [
        "meeting.duration_minutes"
    ]


@pytest.mark.parametrize(
    "when",
    [
        "2026-01-12",
        "12-01-2026 10:00",
        "2026-01-12T10:00+01:00",
        "2026-01-12T10:00Z",
        "2026-01-12T25:00",
        "2026-01-12 10:00",
        1736676000,
    ],
)
def test_meeting_proposal_must_be_a_local_date_and_time(when: Any) -> None:
    document = example()
    document["meeting"]["proposals"][1] = when
    assert messages_by_path("first_contact", document) == {
        "meeting.proposals[1]": [
            "Not a valid date and time. "
            "Use YYYY-MM-DDTHH:MM (local time, no time zone)."
        ]
    }


def test_meeting_proposal_may_have_seconds() -> None:
    document = example()
    document["meeting"]["proposals"] = ["2026-01-12T10:00:30"]
    data = load_document("first_contact", document).data
    assert data["meeting"]["proposals"] == [dt.datetime(2026, 1, 12, 10, 0, 30)]


def test_links_must_be_web_addresses() -> None:
    document = example()
    document["links"] = ["https://bibliotek.example.dk/om", "bibliotek.dk"]
    assert messages_by_path("first_contact", document) == {
        "links[1]": ["Not a valid web address: use a full http:// or https:// URL."]
    }


WARNING_CASES: list[tuple[Callable[[Document], Any], str, str]] = [
    (
        lambda d: d["meeting"].update(duration_minutes=90),
        "meeting.duration_minutes",
        "long_meeting",
    ),
    (
        lambda d: d["meeting"].pop("proposals"),
        "meeting.proposals",
        "no_meeting_proposals",
    ),
    (
        lambda d: d["meeting"]["proposals"].append("2026-01-02T09:00"),
        "meeting.proposals[2]",
        "meeting_proposal_before_letter",
    ),
    (lambda d: d.pop("why_you"), "why_you", "no_why_you"),
    (lambda d: d.pop("offer"), "offer", "no_offer"),
    (lambda d: d.update(offer=[]), "offer", "no_offer"),
    (
        lambda d: d["sender"].pop("representative"),
        "sender.representative",
        "sender_without_representative",
    ),
    (
        lambda d: [d.pop("attachments"), d["sender"].pop("website")],
        "attachments",
        "no_attachments_or_links",
    ),
    (
        lambda d: [
            d["sender"].update(country="DK"),
            d["recipient"].update(country="KE"),
        ],
        "meeting.time_zone",
        "meeting_without_time_zone",
    ),
]


@pytest.mark.parametrize(("change", "path", "code"), WARNING_CASES)
def test_warning(change: Callable[[Document], Any], path: str, code: str) -> None:
    document = example()
    change(document)
    assert warning_codes("first_contact", document) == {(path, code)}


def test_sixty_minutes_is_not_a_long_meeting() -> None:
    document = example()
    document["meeting"]["duration_minutes"] = 60
    assert load_document("first_contact", document).warnings == []


def test_links_count_as_information_about_us() -> None:
    document = example()
    del document["attachments"], document["sender"]["website"]
    document["links"] = ["https://bibliotek.example.dk/om"]
    assert load_document("first_contact", document).warnings == []


def test_times_across_borders_with_a_time_zone_are_fine() -> None:
    document = example()
    document["sender"]["country"] = "DK"
    document["recipient"]["country"] = "KE"
    document["meeting"]["time_zone"] = "dansk tid (CET)"
    assert load_document("first_contact", document).warnings == []


def test_every_warning_code_is_tested() -> None:
    tested = {code for _, _, code in WARNING_CASES} | set()
    assert tested == set(WARNING_CODES["first_contact"])
