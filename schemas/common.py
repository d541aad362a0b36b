"""The base schema and the schemas every kind shares: people, parties and dates.

Optional fields that are ``null`` or blank count as absent, so the loaded
document (the template context) holds only what was really given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma

from schemas.extra import Extra
from schemas.fields import (
    CODE_MAX,
    PHONE_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Choice,
    Country,
    Date,
    Email,
    Flag,
    Identifier,
    Text,
    Url,
    doc,
    nested_list,
    text_list,
)
from schemas.references import ErrorCollector, PartyIndex
from schemas.text import text_problem

LANGUAGES: tuple[str, ...] = ("da", "en")
SECTORS: tuple[str, ...] = ("public", "private", "voluntary")
PARTNERSHIP_TYPES: tuple[str, ...] = (
    "network",
    "coordination",
    "cooperation",
    "partnership",
)


class BaseSchema(ma.Schema):
    """Base of every schema: unknown fields are errors; null or blank optional
    fields count as absent."""

    error_messages = {
        "type": "Must be a JSON object.",
        "unknown": "Unknown field.",
    }

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _drop_empty_optional(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (_is_empty(value) and self._is_optional(key))
        }

    def _is_optional(self, key: Any) -> bool:
        field = self.load_fields.get(key) if isinstance(key, str) else None
        return field is not None and not field.required


def _is_empty(value: Any) -> bool:
    # Blank text counts as absent, unless what strip() would drop includes
    # characters the text rule refuses: those are reported, not dropped.
    if isinstance(value, str):
        return not value.strip() and text_problem(value) is None
    return value is None


class PersonSchema(BaseSchema):
    """A person: representative, contact person or recipient."""

    name = Text(required=True, metadata=doc("Full name."))
    title = Text(metadata=doc("Job title or role in the organisation."))
    email = Email(metadata=doc("E-mail address."))
    phone = Text(max_length=PHONE_MAX, metadata=doc("Phone number, as written."))
    salutation = Text(
        max_length=CODE_MAX,
        metadata=doc(
            "Form of address for an English letter, such as Ms or Dr: the letter "
            'then opens "Dear Ms Mushi".',
            da="Tiltaleform i et engelsk brev, fx Ms eller Dr: brevet indledes så "
            'med "Dear Ms Mushi".',
            label="Salutation",
            label_da="Tiltale",
        ),
    )


class SigningSchema(BaseSchema):
    """Place and date of signing."""

    place = Text(metadata=doc("Where the document is signed."))
    date = Date(metadata=doc("When the document is signed."))


class PartySchema(BaseSchema):
    """An organisation taking part in the partnership."""

    id = Identifier(
        required=True,
        metadata=doc("Short id other fields use to refer to this party."),
    )
    name = Text(required=True, metadata=doc("The organisation's name."))
    sector = Choice(SECTORS, metadata=doc("Public, private or voluntary sector."))
    registration_number = Text(
        max_length=CODE_MAX, metadata=doc("Company or registration number (CVR).")
    )
    address = Text(max_length=SHORT_MAX, metadata=doc("Postal address, one line."))
    country = Country(metadata=doc("ISO 3166-1 alpha-2 country code, such as DK."))
    website = Url(metadata=doc("The organisation's website (http or https)."))
    representative = ma.fields.Nested(
        PersonSchema, metadata=doc("The person who signs for the party.")
    )
    contact_person = ma.fields.Nested(
        PersonSchema, metadata=doc("Day-to-day contact person.")
    )
    contributions = text_list(
        metadata=doc("What the party brings: money, rooms, skills, networks …")
    )
    expectations = Text(
        max_length=TEXT_MAX, metadata=doc("What the party expects to get out of it.")
    )
    dependent = Flag(
        load_default=False,
        metadata=doc(
            "True when the party depends heavily on its partners; the agreement "
            "then needs a phase-out plan and capacity building for it."
        ),
    )
    signing = ma.fields.Nested(
        SigningSchema,
        metadata=doc(
            "Where and when this party signs; without it the party's signature "
            "block has a blank place-and-date line to fill in by hand.",
            da="Hvor og hvornår parten skriver under; uden det får partens "
            "underskriftsfelt en tom linje til sted og dato.",
            label="Place and date of signing",
            label_da="Sted og dato for underskrift",
        ),
    )


class TermSchema(BaseSchema):
    """When the partnership starts and ends, and how it may be renewed."""

    start_date = Date(metadata=doc("First day of the partnership."))
    end_date = Date(metadata=doc("Last day of the partnership; after start_date."))
    renewal = Text(max_length=TEXT_MAX, metadata=doc("How and when to renew."))

    @ma.validates_schema(skip_on_field_errors=False)
    def _ends_after_start(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        if start is not None and end is not None and end <= start:
            message = f"Must be after start_date ({start.isoformat()})."
            raise ma.ValidationError(message, "end_date")


class DocumentSchema(BaseSchema):
    """Fields every kind of document has."""

    language = Choice(
        LANGUAGES, load_default="da", metadata=doc("Language of the document.")
    )
    extra = Extra(
        metadata=doc(
            "Free-form values for custom templates: identifier keys, any JSON "
            "values, at most 5 levels deep, 1000 values and 64 KiB of text."
        )
    )


class PartnershipSchema(DocumentSchema):
    """Fields shared by the agreement and the understanding paper."""

    title = Text(required=True, metadata=doc("Title of the document."))
    reference = Text(
        max_length=CODE_MAX, metadata=doc("Your own reference or case number.")
    )
    partnership_type = Choice(
        PARTNERSHIP_TYPES,
        load_default="partnership",
        metadata=doc("How tightly the parties work together, loosest first."),
    )
    parties = nested_list(
        PartySchema,
        minimum=2,
        noun="parties",
        too_few="A partnership needs at least two parties.",
        required=True,
        metadata=doc("The organisations taking part; at least two, unique ids."),
    )
    background = Text(
        max_length=TEXT_MAX, metadata=doc("Why the partnership came about.")
    )
    vision = Text(
        max_length=TEXT_MAX, metadata=doc("The world the partners want to see.")
    )
    values = text_list(
        metadata=doc("Shared values to return to when disagreements arise.")
    )
    term = ma.fields.Nested(TermSchema, metadata=doc("Start, end and renewal."))
    signing = ma.fields.Nested(
        SigningSchema, metadata=doc("Place and date of signing.")
    )

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _party_ids_unique(
        self, data: Mapping[str, Any], original: Any, **kwargs: Any
    ) -> None:
        errors = ErrorCollector()
        for index, party_id, first in PartyIndex(original).duplicates:
            message = f"Duplicate party id '{party_id}': parties[{first}] has it too."
            errors.add(("parties", index, "id"), message)
        errors.raise_if_any()
