"""Soft findings about a valid document: worth a look, never blocking.

Each warning is a `Problem` with a stable ``code``. They read the loaded
document, so every value has its final type.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from schemas.problems import Problem

Document = Mapping[str, Any]
LONG_MEETING_MINUTES = 60

# Every code a warning can carry, per kind (documented in docs/data-contract.md).
WARNING_CODES: dict[str, tuple[str, ...]] = {
    "agreement": (
        "party_without_representative",
        "party_without_contributions",
        "party_without_role",
        "no_relationship_goal",
        "goal_deadline_after_term",
        "activity_outside_term",
        "milestone_outside_term",
        "no_term_end",
        "no_follow_up",
        "no_values",
        "no_termination",
        "no_time_horizon",
        "phase_out_notice_contradicts",
        "budget_without_period",
        "no_governing_law",
        "no_prevailing_language",
    ),
    "understanding": (
        "party_without_representative",
        "no_next_steps",
        "binding_understanding",
    ),
    "first_contact": (
        "sender_without_representative",
        "no_why_you",
        "no_offer",
        "long_meeting",
        "no_meeting_proposals",
        "meeting_proposal_before_letter",
        "meeting_without_time_zone",
        "no_attachments_or_links",
    ),
}


# Sections the guides expect in an agreement: (field, code, message).
_AGREEMENT_SECTIONS = (
    (
        "follow_up",
        "no_follow_up",
        "No follow-up: say how and how often progress and the partnership are "
        "reviewed.",
    ),
    (
        "values",
        "no_values",
        "No shared values: written values help when disagreements arise.",
    ),
    (
        "termination",
        "no_termination",
        "No termination clause: say how the agreement can be ended as a last resort.",
    ),
)


def agreement_warnings(document: Document) -> list[Problem]:
    """Return the warnings for a loaded agreement."""
    found = _representatives(document)
    parties = document["parties"]
    roles = {role["party"] for role in document["roles"]}
    for index, party in enumerate(parties):
        if not party.get("contributions"):
            found.append(
                Problem(
                    f"parties[{index}].contributions",
                    f"Party '{party['id']}' lists no contributions: say what each "
                    "party brings.",
                    "party_without_contributions",
                )
            )
        if party["id"] not in roles:
            found.append(
                Problem(
                    "roles",
                    f"Party '{party['id']}' has no role: say what each party does.",
                    "party_without_role",
                )
            )
    if not any(goal["kind"] == "relationship" for goal in document["goals"]):
        found.append(
            Problem(
                "goals",
                "No relationship goal: say how the partners will tend the "
                "partnership (meetings, minutes, talking about what does not work).",
                "no_relationship_goal",
            )
        )
    found += _outside_term(document)
    for key, code, message in _AGREEMENT_SECTIONS:
        if not document.get(key):
            found.append(Problem(key, message, code))
    dependent = any(party["dependent"] for party in parties)
    if dependent and not document.get("phase_out", {}).get("horizon"):
        found.append(
            Problem(
                "phase_out.horizon",
                "A party is dependent on its partners: state the partnership's "
                "time horizon.",
                "no_time_horizon",
            )
        )
    found += _phase_out_notice(document)
    budget = document.get("budget", {})
    if budget.get("lines") and "period" not in budget:
        found.append(
            Problem(
                "budget.period",
                "The budget does not say whether its amounts cover the whole term "
                "or each year: give budget.period.",
                "budget_without_period",
            )
        )
    found += _international(document)
    return found


def _add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` ahead, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _phase_out_notice(document: Document) -> list[Problem]:
    """Warn when the phase-out plan starts before notice could be given."""
    phase_out = document.get("phase_out", {})
    start: dt.date | None = document.get("term", {}).get("start_date")
    months = phase_out.get("notice_months")
    dates = [step["date"] for step in phase_out.get("steps", []) if "date" in step]
    if start is None or not months or not dates:
        return []
    first = min(dates)
    earliest = _add_months(start, months)
    if first >= earliest:
        return []
    return [
        Problem(
            "phase_out.notice_months",
            f"The phase-out plan begins on {first.isoformat()}, less than "
            f"{months} months after the agreement starts ({start.isoformat()}): "
            "the notice cannot be given in time. Shorten the notice or move the "
            "steps.",
            "phase_out_notice_contradicts",
        )
    ]


def _international(document: Document) -> list[Problem]:
    """Warn when parties from different countries leave law or language open."""
    parties = document["parties"]
    countries = {party["country"] for party in parties if "country" in party}
    if not (len(countries) > 1 or countries - {"DK"}):
        return []
    legal = document.get("legal", {})
    found: list[Problem] = []
    if "governing_law" not in legal:
        found.append(
            Problem(
                "legal.governing_law",
                "The parties are in different countries: say which country's law "
                "governs the agreement and where disputes are decided.",
                "no_governing_law",
            )
        )
    if "prevailing_language" not in legal:
        found.append(
            Problem(
                "legal.prevailing_language",
                "The parties are in different countries: say which language "
                "version prevails if the Danish and English texts differ.",
                "no_prevailing_language",
            )
        )
    return found


def _outside_term(document: Document) -> list[Problem]:
    term = document.get("term", {})
    start: dt.date | None = term.get("start_date")
    end: dt.date | None = term.get("end_date")
    found: list[Problem] = []
    if end is None:
        found.append(
            Problem(
                "term.end_date",
                "The agreement does not say when it ends: give term.end_date.",
                "no_term_end",
            )
        )

    def outside(when: dt.date) -> bool:
        return (start is not None and when < start) or (end is not None and when > end)

    for index, goal in enumerate(document["goals"]):
        deadline = goal.get("deadline")
        if deadline is not None and end is not None and deadline > end:
            found.append(
                Problem(
                    f"goals[{index}].deadline",
                    f"The deadline is after the term ends ({end.isoformat()}).",
                    "goal_deadline_after_term",
                )
            )
    for index, activity in enumerate(document.get("activities", [])):
        for key in ("start", "end"):
            if key in activity and outside(activity[key]):
                found.append(
                    Problem(
                        f"activities[{index}].{key}",
                        "The activity is outside the partnership's term.",
                        "activity_outside_term",
                    )
                )
    for index, milestone in enumerate(document.get("milestones", [])):
        if outside(milestone["date"]):
            found.append(
                Problem(
                    f"milestones[{index}].date",
                    "The milestone is outside the partnership's term.",
                    "milestone_outside_term",
                )
            )
    return found


def _representatives(document: Document) -> list[Problem]:
    return [
        Problem(
            f"parties[{index}].representative",
            f"Party '{party['id']}' has no representative: the signature block "
            "needs a name.",
            "party_without_representative",
        )
        for index, party in enumerate(document["parties"])
        if "representative" not in party
    ]


def understanding_warnings(document: Document) -> list[Problem]:
    """Return the warnings for a loaded understanding paper."""
    found = _representatives(document)
    if not document.get("next_steps"):
        found.append(
            Problem(
                "next_steps",
                "No next steps: say what the parties do next, who and when.",
                "no_next_steps",
            )
        )
    if document["binding"]:
        found.append(
            Problem(
                "binding",
                "The paper is marked binding: an understanding paper usually is "
                "not; a binding document is better written as an agreement.",
                "binding_understanding",
            )
        )
    return found


def first_contact_warnings(document: Document) -> list[Problem]:
    """Return the warnings for a loaded first-contact letter."""
    found: list[Problem] = []
    sender = document["sender"]
    if "representative" not in sender:
        found.append(
            Problem(
                "sender.representative",
                "The sender has no representative: the letter needs someone to "
                "sign it.",
                "sender_without_representative",
            )
        )
    if not document.get("why_you"):
        found.append(
            Problem(
                "why_you",
                "Say why exactly this partner: it shows you have done your homework.",
                "no_why_you",
            )
        )
    if not document.get("offer"):
        found.append(
            Problem(
                "offer",
                "Say what you can offer the partner, not only what you need.",
                "no_offer",
            )
        )
    found += _meeting_warnings(document)
    if not (
        document.get("attachments") or document.get("links") or "website" in sender
    ):
        found.append(
            Problem(
                "attachments",
                "Attach or link information about your organisation.",
                "no_attachments_or_links",
            )
        )
    return found


def _meeting_warnings(document: Document) -> list[Problem]:
    meeting = document["meeting"]
    found: list[Problem] = []
    minutes = meeting["duration_minutes"]
    if minutes > LONG_MEETING_MINUTES:
        found.append(
            Problem(
                "meeting.duration_minutes",
                f"A first meeting of {minutes} minutes is long: about 30 minutes "
                "is usual.",
                "long_meeting",
            )
        )
    proposals: list[dt.datetime] = meeting.get("proposals", [])
    if not proposals:
        found.append(
            Problem(
                "meeting.proposals",
                "No proposed meeting times: suggest two or three.",
                "no_meeting_proposals",
            )
        )
    countries = {
        document["sender"].get("country"),
        document["recipient"].get("country"),
    }
    if proposals and None not in countries and len(countries) > 1:
        if "time_zone" not in meeting:
            found.append(
                Problem(
                    "meeting.time_zone",
                    "Sender and recipient are in different countries: say which "
                    "time zone the proposed times are in.",
                    "meeting_without_time_zone",
                )
            )
    letter_date: dt.date | None = document.get("date")
    for index, when in enumerate(proposals):
        if letter_date is not None and when.date() < letter_date:
            found.append(
                Problem(
                    f"meeting.proposals[{index}]",
                    "The proposed time is before the date of the letter.",
                    "meeting_proposal_before_letter",
                )
            )
    return found


WARNINGS: dict[str, Callable[[Document], list[Problem]]] = {
    "agreement": agreement_warnings,
    "understanding": understanding_warnings,
    "first_contact": first_contact_warnings,
}
