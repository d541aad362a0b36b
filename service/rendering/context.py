"""Derived values templates need, computed once in Python from the loaded document.

The loaded (validated) document is the context; this module adds what a
template should not have to compute itself. Every key added here is documented
in docs/templates.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

ZERO = Decimal("0")


def build_context(
    kind: str, data: Mapping[str, Any], *, today: dt.date | None = None
) -> dict[str, Any]:
    """Return the template context for a loaded document of ``kind``."""
    context: dict[str, Any] = dict(data)
    context["kind"] = kind
    context["rendered_at"] = _rendered_at(today)
    context.setdefault("language", "da")
    context.setdefault("extra", {})
    if kind == "agreement":
        _add_agreement_values(context)
    elif kind == "understanding":
        context["next_steps"] = _by_date(context.get("next_steps") or [])
    elif kind == "first_contact":
        context.setdefault("date", today or dt.date.today())
    return context


def _rendered_at(today: dt.date | None) -> str:
    """The render time for the document properties (W3CDTF, UTC); the start of
    ``today`` when a caller fixes the day, so such renders are reproducible."""
    if today is not None:
        return f"{today.isoformat()}T00:00:00Z"
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_agreement_values(context: dict[str, Any]) -> None:
    goals = context.get("goals") or []
    context["impact_goals"] = [g for g in goals if g.get("kind", "impact") == "impact"]
    context["relationship_goals"] = [
        g for g in goals if g.get("kind") == "relationship"
    ]
    context["dependent_parties"] = [
        p for p in context.get("parties") or [] if p.get("dependent")
    ]
    if "budget" in context:
        context["budget"] = budget_with_totals(
            context["budget"], context.get("parties") or []
        )
    context["agreement_topics"] = agreement_topics(context)


def _by_date(items: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Dated items first, earliest first; undated ones after, in their order."""
    return sorted(
        items,
        key=lambda item: (item.get("date") is None, item.get("date") or dt.date.min),
    )


def agreement_topics(context: Mapping[str, Any]) -> list[str]:
    """Codes (see labels.py) of what this agreement really sets out, in order.

    The introduction names only these, so it never promises a section that the
    data leaves out.
    """
    parties = context.get("parties") or []
    budget = context.get("budget") or {}
    topics = ["topic_aims"]
    if any(p.get("contributions") for p in parties) or budget.get("lines"):
        topics.append("topic_contributions")
    if any(p.get("expectations") for p in parties):
        topics.append("topic_expectations")
    roles = context.get("roles") or []
    if any(r.get("title") or r.get("responsibilities") for r in roles):
        topics.append("topic_roles")
    if context.get("governance"):
        topics.append("topic_governance")
    if context.get("follow_up"):
        topics.append("topic_follow_up")
    topics.append("topic_ending")
    return topics


def _amount(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _cash_and_in_kind(lines: list[Mapping[str, Any]]) -> tuple[Decimal, Decimal]:
    cash = in_kind = ZERO
    for line in lines:
        if line.get("in_kind"):
            in_kind += _amount(line["amount"])
        else:
            cash += _amount(line["amount"])
    return cash, in_kind


def budget_with_totals(
    budget: Mapping[str, Any], parties: list[Mapping[str, Any]]
) -> dict[str, Any]:
    """Add ``totals`` (cash, in kind, overall, external) and ``party_totals``.

    ``totals.external`` counts the external funding that is planned, applied
    for or granted: a rejected application is no longer money to plan with.
    """
    lines = budget.get("lines") or []
    cash, in_kind = _cash_and_in_kind(lines)
    external = sum(
        (
            _amount(funding["amount"])
            for funding in budget.get("external_funding") or []
            if funding.get("amount") is not None and funding.get("status") != "rejected"
        ),
        ZERO,
    )
    party_totals = []
    for party in parties:
        own = [line for line in lines if line.get("party") == party.get("id")]
        if own:
            party_cash, party_in_kind = _cash_and_in_kind(own)
            party_totals.append(
                {
                    "party": party.get("id"),
                    "name": party.get("name"),
                    "cash": party_cash,
                    "in_kind": party_in_kind,
                    "total": party_cash + party_in_kind,
                }
            )
    result = dict(budget)
    result.setdefault("currency", "DKK")
    result["totals"] = {
        "cash": cash,
        "in_kind": in_kind,
        "total": cash + in_kind,
        "external": external,
    }
    result["party_totals"] = party_totals
    result["external_by_status"] = [
        {"status": status, "amount": amount}
        for status, amount in _by_status(budget.get("external_funding") or [])
    ]
    return result


#: Order of the external-funding subtotals: firm money first.
STATUS_ORDER = ("granted", "applied", "planned", "rejected")


def _by_status(funding: list[Mapping[str, Any]]) -> list[tuple[str, Decimal]]:
    """Sum of the amounts per status, for the statuses that have an amount."""
    sums: dict[str, Decimal] = {}
    for item in funding:
        if item.get("amount") is not None:
            status = item.get("status", "planned")
            sums[status] = sums.get(status, ZERO) + _amount(item["amount"])
    return [(status, sums[status]) for status in STATUS_ORDER if status in sums]
