"""The warnings' words, and where their conditions start and stop.

Each case is a small change to a minimal document and every warning the
result gets: path, message and code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from schemas.registry import load_document
from tests.schema_fixtures import minimal

Document = dict[str, Any]
Warning = tuple[str, str, str]

NO_NEXT_STEPS = (
    "next_steps",
    "No next steps: say what the parties do next, who and when.",
    "no_next_steps",
)
BINDING = (
    "binding",
    "The paper is marked binding: an understanding paper usually is not; a "
    "binding document is better written as an agreement.",
    "binding_understanding",
)
NO_ATTACHMENTS = (
    "attachments",
    "Attach or link information about your organisation.",
    "no_attachments_or_links",
)
NO_PROPOSALS = (
    "meeting.proposals",
    "No proposed meeting times: suggest two or three.",
    "no_meeting_proposals",
)
NO_OFFER = (
    "offer",
    "Say what you can offer the partner, not only what you need.",
    "no_offer",
)
NO_SENDER_REPRESENTATIVE = (
    "sender.representative",
    "The sender has no representative: the letter needs someone to sign it.",
    "sender_without_representative",
)
NO_WHY_YOU = (
    "why_you",
    "Say why exactly this partner: it shows you have done your homework.",
    "no_why_you",
)
NO_TIME_ZONE = (
    "meeting.time_zone",
    "Sender and recipient are in different countries: say which time zone the "
    "proposed times are in.",
    "meeting_without_time_zone",
)


def representative_missing(index: int, party: str) -> Warning:
    """The warning for a party of an understanding paper without a representative."""
    return (
        f"parties[{index}].representative",
        f"Party '{party}' has no representative: the signature block needs a name.",
        "party_without_representative",
    )


def warnings_of(kind: str, change: Callable[[Document], Any]) -> list[Warning]:
    """Every warning, sorted, for the minimal document of ``kind`` after ``change``."""
    document = minimal(kind)
    change(document)
    found = load_document(kind, document).warnings
    return sorted((w.path, w.message, w.code or "") for w in found)


def represented(document: Document) -> None:
    """Give both parties of a minimal partnership document a representative."""
    for party in document["parties"]:
        party["representative"] = {"name": "N"}


def understanding_binding(document: Document) -> None:
    """A complete understanding paper marked binding."""
    represented(document)
    document["next_steps"] = [{"description": "Meet"}]
    document["binding"] = True


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: None,
            [
                NO_NEXT_STEPS,
                representative_missing(0, "a"),
                representative_missing(1, "b"),
            ],
        ),
        (understanding_binding, [BINDING]),
    ],
)
def test_understanding_warnings_in_words(
    change: Callable[[Document], Any], expected: list[Warning]
) -> None:
    assert warnings_of("understanding", change) == sorted(expected)


def complete_letter(document: Document) -> None:
    """A first-contact letter that gets no warning (a DK letter, no times yet)."""
    document["sender"]["representative"] = {"name": "N"}
    document["why_you"] = "W"
    document["offer"] = ["O"]
    document["attachments"] = ["A"]
    document["meeting"]["proposals"] = ["2026-02-02T10:00"]
    document["date"] = "2026-02-02"


def letter(**changes: Any) -> Callable[[Document], None]:
    """A complete letter, then ``changes`` to its top level, sender, recipient
    and meeting (``sender_country=...``, ``meeting_time_zone=...``)."""

    def change(document: Document) -> None:
        complete_letter(document)
        for name, value in changes.items():
            part, _, key = name.partition("_")
            if part in ("sender", "recipient", "meeting") and key:
                if value is None:
                    document[part].pop(key, None)
                else:
                    document[part][key] = value
            elif value is None:
                document.pop(name, None)
            else:
                document[name] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: None,
            [
                NO_ATTACHMENTS,
                NO_PROPOSALS,
                NO_OFFER,
                NO_SENDER_REPRESENTATIVE,
                NO_WHY_YOU,
            ],
        ),
        (letter(), []),
        (letter(attachments=None), [NO_ATTACHMENTS]),
        (letter(attachments=None, links=["https://example.org"]), []),
        (letter(attachments=None, sender_website="https://example.org"), []),
        (
            letter(meeting_duration_minutes=90),
            [
                (
                    "meeting.duration_minutes",
                    "A first meeting of 90 minutes is long: about 30 minutes is usual.",
                    "long_meeting",
                )
            ],
        ),
        (letter(sender_country="DK", recipient_country="SE"), [NO_TIME_ZONE]),
        (letter(sender_country="DK", recipient_country="DK"), []),
        (letter(sender_country="DK"), []),
        (
            letter(meeting_proposals=None, sender_country="DK", recipient_country="SE"),
            [NO_PROPOSALS],
        ),
        (
            letter(meeting_proposals=["2026-02-02T10:00", "2026-02-01T23:59"]),
            [
                (
                    "meeting.proposals[1]",
                    "The proposed time is before the date of the letter.",
                    "meeting_proposal_before_letter",
                )
            ],
        ),
    ],
)
def test_first_contact_warnings_in_words(
    change: Callable[[Document], Any], expected: list[Warning]
) -> None:
    assert warnings_of("first_contact", change) == sorted(expected)


def contributions_missing(index: int, party: str) -> Warning:
    """The warning for an agreement's party that lists no contributions."""
    return (
        f"parties[{index}].contributions",
        f"Party '{party}' lists no contributions: say what each party brings.",
        "party_without_contributions",
    )


def complete_agreement(document: Document) -> None:
    """An agreement of two Danish parties that gets no warning."""
    represented(document)
    for party in document["parties"]:
        party["contributions"] = ["C"]
    document["roles"].append({"party": "b"})
    document["goals"].append({"description": "Meet", "kind": "relationship"})
    document["term"] = {"start_date": "2026-01-01", "end_date": "2026-12-31"}
    document["follow_up"] = {"frequency": "F"}
    document["values"] = ["V"]
    document["termination"] = {"notice_period": "N"}


def dependent_agreement(horizon: str | None) -> Callable[[Document], None]:
    """A complete agreement whose party 'a' depends on its partners."""

    def change(document: Document) -> None:
        complete_agreement(document)
        document["parties"][0]["dependent"] = True
        document["phase_out"] = {"plan": "P"}
        if horizon is not None:
            document["phase_out"]["horizon"] = horizon
        document["capacity_building"] = [{"beneficiary": "a", "area": "A"}]

    return change


def agreement_with(
    parties: tuple[str, str] | None = None, **fields: Any
) -> Callable[[Document], None]:
    """A complete agreement with ``fields`` set, its parties in ``parties``."""

    def change(document: Document) -> None:
        complete_agreement(document)
        if parties is not None:
            for party, country in zip(document["parties"], parties, strict=True):
                party["country"] = country
        document.update(fields)

    return change


INTERNATIONAL = [
    (
        "legal.governing_law",
        "The parties are in different countries: say which country's law governs "
        "the agreement and where disputes are decided.",
        "no_governing_law",
    ),
    (
        "legal.prevailing_language",
        "The parties are in different countries: say which language version "
        "prevails if the Danish and English texts differ.",
        "no_prevailing_language",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: None,
            [
                (
                    "follow_up",
                    "No follow-up: say how and how often progress and the "
                    "partnership are reviewed.",
                    "no_follow_up",
                ),
                (
                    "goals",
                    "No relationship goal: say how the partners will tend the "
                    "partnership (meetings, minutes, talking about what does not "
                    "work).",
                    "no_relationship_goal",
                ),
                contributions_missing(0, "a"),
                representative_missing(0, "a"),
                contributions_missing(1, "b"),
                representative_missing(1, "b"),
                (
                    "roles",
                    "Party 'b' has no role: say what each party does.",
                    "party_without_role",
                ),
                (
                    "term.end_date",
                    "The agreement does not say when it ends: give term.end_date.",
                    "no_term_end",
                ),
                (
                    "termination",
                    "No termination clause: say how the agreement can be ended as "
                    "a last resort.",
                    "no_termination",
                ),
                (
                    "values",
                    "No shared values: written values help when disagreements arise.",
                    "no_values",
                ),
            ],
        ),
        (complete_agreement, []),
        (agreement_with(parties=("DK", "DK")), []),
        (agreement_with(parties=("SE", "SE")), INTERNATIONAL),
        (agreement_with(parties=("DK", "SE")), INTERNATIONAL),
        (
            agreement_with(
                budget={"lines": [{"description": "D", "party": "a", "amount": 1}]}
            ),
            [
                (
                    "budget.period",
                    "The budget does not say whether its amounts cover the whole "
                    "term or each year: give budget.period.",
                    "budget_without_period",
                )
            ],
        ),
        (
            agreement_with(
                goals=[
                    {"description": "G", "kind": "relationship"},
                    {"description": "H", "deadline": "2027-01-01"},
                ],
                activities=[{"title": "A", "start": "2025-12-31"}],
                milestones=[{"date": "2027-01-01", "description": "M"}],
            ),
            [
                (
                    "goals[1].deadline",
                    "The deadline is after the term ends (2026-12-31).",
                    "goal_deadline_after_term",
                ),
                (
                    "activities[0].start",
                    "The activity is outside the partnership's term.",
                    "activity_outside_term",
                ),
                (
                    "milestones[0].date",
                    "The milestone is outside the partnership's term.",
                    "milestone_outside_term",
                ),
            ],
        ),
        (agreement_with(phase_out={"plan": "P", "notice_months": 3}), []),
        (
            agreement_with(
                phase_out={
                    "plan": "P",
                    "steps": [{"date": "2026-02-01", "description": "S"}],
                }
            ),
            [],
        ),
        (
            agreement_with(
                phase_out={
                    "plan": "P",
                    "notice_months": 3,
                    "steps": [{"date": "2026-03-31", "description": "S"}],
                }
            ),
            [
                (
                    "phase_out.notice_months",
                    "The phase-out plan begins on 2026-03-31, less than 3 months "
                    "after the agreement starts (2026-01-01): the notice cannot be "
                    "given in time. Shorten the notice or move the steps.",
                    "phase_out_notice_contradicts",
                )
            ],
        ),
        (dependent_agreement("Five years"), []),
        (
            dependent_agreement(None),
            [
                (
                    "phase_out.horizon",
                    "A party is dependent on its partners: state the "
                    "partnership's time horizon.",
                    "no_time_horizon",
                )
            ],
        ),
    ],
)
def test_agreement_warnings_in_words(
    change: Callable[[Document], Any], expected: list[Warning]
) -> None:
    assert warnings_of("agreement", change) == sorted(expected)
