"""The partnership agreement: the full, signed document of a partnership."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from schemas.common import BaseSchema, PartnershipSchema
from schemas.fields import (
    ID_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Amount,
    Choice,
    Count,
    Currency,
    Date,
    Flag,
    Text,
    count_between,
    doc,
    nested_list,
    text_list,
    unique_items,
)
from schemas.references import (
    ErrorCollector,
    PartyIndex,
    check_references,
    raw_items,
    raw_text,
)

BOTTOM_LINES: tuple[str, ...] = (
    "artistic",
    "cultural",
    "economic",
    "social",
    "green",
    "educational",
    "health",
)
GOAL_KINDS: tuple[str, ...] = ("impact", "relationship")
FUNDING_STATUSES: tuple[str, ...] = ("planned", "applied", "granted", "rejected")


class GoalSchema(BaseSchema):
    """A goal with its indicator and deadline."""

    description = Text(
        required=True, max_length=TEXT_MAX, metadata=doc("What is to be achieved.")
    )
    kind = Choice(
        GOAL_KINDS,
        load_default="impact",
        metadata=doc(
            "impact: did we reach our mission? relationship: how we tend the "
            "partnership itself."
        ),
    )
    indicator = Text(
        max_length=SHORT_MAX, metadata=doc("How we see that the goal is reached.")
    )
    deadline = Date(metadata=doc("When the goal should be reached."))


class ActivitySchema(BaseSchema):
    """An activity with responsible parties and a period."""

    title = Text(required=True, metadata=doc("Name of the activity."))
    description = Text(max_length=TEXT_MAX, metadata=doc("What the activity is."))
    responsible = text_list(
        max_length=ID_MAX, metadata=doc("Ids of the parties responsible.")
    )
    start = Date(metadata=doc("First day of the activity."))
    end = Date(metadata=doc("Last day of the activity; not before start."))

    @ma.validates_schema(skip_on_field_errors=False)
    def _ends_after_start(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end < start:
            raise ma.ValidationError(
                f"Must not be before start ({start.isoformat()}).", "end"
            )


class MilestoneSchema(BaseSchema):
    """A dated milestone."""

    date = Date(required=True, metadata=doc("When the milestone is due."))
    description = Text(
        required=True, max_length=SHORT_MAX, metadata=doc("What is reached.")
    )


class RoleSchema(BaseSchema):
    """What one party does in the partnership."""

    party = Text(max_length=ID_MAX, required=True, metadata=doc("Id of the party."))
    title = Text(metadata=doc("Name of the role, such as project lead."))
    responsibilities = text_list(metadata=doc("What the party is responsible for."))


class GovernanceSchema(BaseSchema):
    """How the partnership is steered."""

    structure = Text(
        max_length=TEXT_MAX, metadata=doc("Steering group, secretariat or the like.")
    )
    meeting_frequency = Text(metadata=doc("How often the partners meet."))
    decision_making = Text(max_length=TEXT_MAX, metadata=doc("How decisions are made."))
    minutes = Text(
        max_length=TEXT_MAX, metadata=doc("Who writes minutes and how they are shared.")
    )


class BudgetLineSchema(BaseSchema):
    """One party's contribution, in cash or in kind."""

    description = Text(required=True, metadata=doc("What the money is for."))
    party = Text(max_length=ID_MAX, required=True, metadata=doc("Id of the party."))
    amount = Amount(required=True, metadata=doc("Amount in the budget's currency."))
    in_kind = Flag(load_default=False, metadata=doc("True for a contribution in kind."))


class ExternalFundingSchema(BaseSchema):
    """Funding sought from outside the partnership."""

    source = Text(required=True, metadata=doc("Fund, foundation or programme."))
    responsible = Text(
        max_length=ID_MAX, metadata=doc("Id of the party that applies for it.")
    )
    amount = Amount(metadata=doc("Amount in the budget's currency."))
    status = Choice(
        FUNDING_STATUSES,
        load_default="planned",
        metadata=doc("Where the application stands."),
    )


class BudgetSchema(BaseSchema):
    """The budget: contributions and external funding."""

    currency = Currency(
        load_default="DKK", metadata=doc("ISO 4217 currency code of every amount.")
    )
    lines = nested_list(BudgetLineSchema, metadata=doc("Each party's contributions."))
    external_funding = nested_list(
        ExternalFundingSchema, metadata=doc("Funding sought from outside.")
    )


class FollowUpSchema(BaseSchema):
    """How progress and the partnership's health are reviewed."""

    frequency = Text(metadata=doc("How often progress is reviewed."))
    methods = text_list(metadata=doc("How progress is followed."))
    evaluation = Text(
        max_length=TEXT_MAX, metadata=doc("How the partnership is evaluated.")
    )
    review_dates = ma.fields.List(
        Date(),
        validate=count_between(),
        metadata=doc("Dates of planned reviews."),
    )


class PhaseOutStepSchema(BaseSchema):
    """One step of the phase-out."""

    date = Date(metadata=doc("When the step happens."))
    description = Text(
        required=True, max_length=SHORT_MAX, metadata=doc("What happens.")
    )


class PhaseOutSchema(BaseSchema):
    """The time horizon and how the partnership ends or is handed over."""

    horizon = Text(max_length=TEXT_MAX, metadata=doc("The partnership's time horizon."))
    plan = Text(
        max_length=TEXT_MAX,
        metadata=doc("The phase-out plan; required when a party is dependent."),
    )
    steps = nested_list(PhaseOutStepSchema, metadata=doc("Steps of the phase-out."))
    notice_months = Count(
        minimum=0, maximum=120, metadata=doc("Months of notice before phase-out.")
    )


class CapacityBuildingSchema(BaseSchema):
    """Capacity building for one party."""

    beneficiary = Text(
        max_length=ID_MAX,
        required=True,
        metadata=doc("Id of the party whose capacity grows."),
    )
    area = Text(
        required=True, metadata=doc("Area such as fundraising or administration.")
    )
    measures = Text(max_length=TEXT_MAX, metadata=doc("What is done."))
    responsible = Text(max_length=ID_MAX, metadata=doc("Id of the party that does it."))


class TerminationSchema(BaseSchema):
    """How the agreement can be ended, as a last resort."""

    notice_period = Text(metadata=doc("Notice period, such as 3 months."))
    conditions = Text(
        max_length=TEXT_MAX, metadata=doc("When and how the agreement can be ended.")
    )


class AgreementSchema(PartnershipSchema):
    """A partnership agreement."""

    vision = Text(
        required=True,
        max_length=TEXT_MAX,
        metadata=doc("The world the partners want to see."),
    )
    mission = Text(
        max_length=TEXT_MAX, metadata=doc("What the partnership does to get there.")
    )
    bottom_lines = ma.fields.List(
        Choice(BOTTOM_LINES),
        validate=[*count_between(maximum=len(BOTTOM_LINES)), unique_items],
        metadata={
            **doc("The bottom lines the partnership creates value on."),
            "uniqueItems": True,
        },
    )
    goals = nested_list(
        GoalSchema,
        minimum=1,
        noun="goals",
        too_few="Give at least one goal.",
        required=True,
        metadata=doc("Impact and relationship goals."),
    )
    activities = nested_list(ActivitySchema, metadata=doc("Activities and timeline."))
    milestones = nested_list(MilestoneSchema, metadata=doc("Dated milestones."))
    roles = nested_list(
        RoleSchema,
        minimum=1,
        noun="roles",
        too_few="Give at least one role.",
        required=True,
        metadata=doc("Who does what."),
    )
    governance = ma.fields.Nested(
        GovernanceSchema, metadata=doc("How the partnership is steered.")
    )
    budget = ma.fields.Nested(BudgetSchema, metadata=doc("Contributions and funding."))
    follow_up = ma.fields.Nested(
        FollowUpSchema, metadata=doc("How progress is reviewed.")
    )
    phase_out = ma.fields.Nested(
        PhaseOutSchema, metadata=doc("Time horizon and phase-out plan.")
    )
    capacity_building = nested_list(
        CapacityBuildingSchema,
        metadata=doc("Capacity building, required for each dependent party."),
    )
    communication = Text(
        max_length=TEXT_MAX, metadata=doc("How the partners communicate externally.")
    )
    termination = ma.fields.Nested(
        TerminationSchema, metadata=doc("How the agreement can be ended.")
    )
    disputes = Text(
        max_length=TEXT_MAX, metadata=doc("How disagreements are resolved.")
    )

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _party_references(
        self, data: Mapping[str, Any], original: Any, **kwargs: Any
    ) -> None:
        check_references(original, _check_agreement_references)

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _dependent_parties(
        self, data: Mapping[str, Any], original: Any, **kwargs: Any
    ) -> None:
        errors = ErrorCollector()
        parties = PartyIndex(original)
        document = parties.document
        beneficiaries = {
            raw_text(item.get("beneficiary"))
            for _, item in raw_items(document, "capacity_building")
        }
        phase_out = document.get("phase_out")
        has_plan = isinstance(phase_out, Mapping) and raw_text(phase_out.get("plan"))
        for index, party in raw_items(document, "parties"):
            party_id = raw_text(party.get("id"))
            if party.get("dependent") is not True or party_id is None:
                continue
            if party_id not in parties.ids:
                continue
            who = f"Party '{party_id}' (parties[{index}]) is dependent on its"
            if not has_plan:
                errors.add(
                    ("phase_out",),
                    f"{who} partners: the agreement needs a phase-out plan.",
                )
            if party_id not in beneficiaries:
                errors.add(
                    ("capacity_building",),
                    f"{who} partners: the agreement needs capacity building with "
                    f"'{party_id}' as beneficiary.",
                )
        errors.raise_if_any()


def _check_agreement_references(parties: PartyIndex, errors: ErrorCollector) -> None:
    document = parties.document
    parties.check_fields(errors, ("roles",), document.get("roles"), ("party",))
    for index, activity in raw_items(document, "activities"):
        responsible = activity.get("responsible")
        parties.check_list(errors, ("activities", index, "responsible"), responsible)
    budget = document.get("budget")
    if isinstance(budget, Mapping):
        lines, funding = budget.get("lines"), budget.get("external_funding")
        parties.check_fields(errors, ("budget", "lines"), lines, ("party",))
        funding_path = ("budget", "external_funding")
        parties.check_fields(errors, funding_path, funding, ("responsible",))
    building = document.get("capacity_building")
    fields = ("beneficiary", "responsible")
    parties.check_fields(errors, ("capacity_building",), building, fields)


AGREEMENT_SCHEMA = AgreementSchema()
