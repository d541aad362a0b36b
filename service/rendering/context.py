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
    context.setdefault("language", "da")
    context.setdefault("extra", {})
    if kind == "agreement":
        _add_agreement_values(context)
    elif kind == "first_contact":
        context.setdefault("date", today or dt.date.today())
    return context


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
    return result
