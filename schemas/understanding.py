"""The understanding paper: a usually non-binding memorandum before the agreement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from schemas.common import PARTNERSHIP_TYPES, BaseSchema, PartnershipSchema
from schemas.fields import (
    ID_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Choice,
    Date,
    Flag,
    Text,
    doc,
    nested_list,
    text_list,
)
from schemas.references import ErrorCollector, PartyIndex, check_references


class NextStepSchema(BaseSchema):
    """A step the partners agree to take next."""

    description = Text(
        required=True,
        max_length=SHORT_MAX,
        metadata=doc(
            "What is to be done.",
            da="Hvad der skal gøres.",
            label="Step",
            label_da="Skridt",
        ),
    )
    responsible = Text(
        max_length=ID_MAX,
        metadata=doc(
            "Id of the party that does it.",
            da="Den part, der gør det.",
            label="Responsible",
            label_da="Ansvarlig",
        ),
    )
    date = Date(
        metadata=doc(
            "When it should be done.",
            da="Hvornår det skal være gjort.",
            label="Date",
            label_da="Dato",
        )
    )


class UnderstandingSchema(PartnershipSchema):
    """An understanding paper (memorandum of understanding)."""

    partnership_type = Choice(
        PARTNERSHIP_TYPES,
        load_default="cooperation",
        metadata=doc(
            "How tightly the parties work together, loosest first.",
            da="Hvor tæt parterne arbejder sammen, løsest først.",
            label="Type of partnership",
            label_da="Samarbejdsform",
        ),
    )
    purpose = Text(
        required=True,
        max_length=TEXT_MAX,
        metadata=doc(
            "What the parties want to explore or achieve together.",
            da="Hvad parterne vil undersøge eller opnå sammen.",
            label="Purpose",
            label_da="Formål",
        ),
    )
    areas_of_cooperation = text_list(
        metadata=doc(
            "What the parties work together on.",
            da="Hvad parterne samarbejder om.",
            label="Areas of cooperation",
            label_da="Samarbejdsområder",
        )
    )
    next_steps = nested_list(
        NextStepSchema,
        metadata=doc(
            "Agreed next steps.",
            da="Aftalte næste skridt.",
            label="Next steps",
            label_da="Næste skridt",
        ),
    )
    binding = Flag(
        load_default=False,
        metadata=doc(
            "True if the paper binds the parties; usually it does not.",
            da="Sæt kryds, hvis papiret binder parterne; det gør det som regel ikke.",
            label="Binding",
            label_da="Bindende",
        ),
    )

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _party_references(
        self, data: Mapping[str, Any], original: Any, **kwargs: Any
    ) -> None:
        check_references(original, _check_understanding_references)


def _check_understanding_references(
    parties: PartyIndex, errors: ErrorCollector
) -> None:
    steps = parties.document.get("next_steps")
    parties.check_fields(errors, ("next_steps",), steps, ("responsible",))


UNDERSTANDING_SCHEMA = UnderstandingSchema()
