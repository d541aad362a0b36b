"""Which fields of each kind name a party by its id.

The form turns each of these into a dropdown of the parties already entered,
by name. A path is dotted keys, ``*`` for each item of a list; the tests check
that every path is in the kind's JSON Schema and that the API reports an
unknown party there.
"""

from __future__ import annotations

PARTY_REFERENCES: dict[str, tuple[str, ...]] = {
    "agreement": (
        "roles.*.party",
        "activities.*.responsible.*",
        "budget.lines.*.party",
        "budget.external_funding.*.responsible",
        "capacity_building.*.beneficiary",
        "capacity_building.*.responsible",
    ),
    "understanding": ("next_steps.*.responsible",),
    "first_contact": (),
}
