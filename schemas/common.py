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

    name = Text(
        required=True,
        metadata=doc("Full name.", da="Fulde navn.", label="Name", label_da="Navn"),
    )
    title = Text(
        metadata=doc(
            "Job title or role in the organisation.",
            da="Stilling eller rolle i organisationen.",
            label="Job title",
            label_da="Stilling",
        )
    )
    email = Email(
        metadata=doc(
            "E-mail address.", da="E-mailadresse.", label="E-mail", label_da="E-mail"
        )
    )
    phone = Text(
        max_length=PHONE_MAX,
        metadata=doc(
            "Phone number, as written.",
            da="Telefonnummer, som det skal stå.",
            label="Phone",
            label_da="Telefon",
        ),
    )
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

    place = Text(
        metadata=doc(
            "Where the document is signed.",
            da="Hvor dokumentet underskrives.",
            label="Place",
            label_da="Sted",
        )
    )
    date = Date(
        metadata=doc(
            "When the document is signed.",
            da="Hvornår dokumentet underskrives.",
            label="Date",
            label_da="Dato",
        )
    )


class PartySchema(BaseSchema):
    """An organisation taking part in the partnership."""

    id = Identifier(
        required=True,
        metadata=doc(
            "Short id other fields use to refer to this party.",
            da="Kort id, som andre felter bruger til at henvise til parten.",
            label="Id",
            label_da="Id",
        ),
    )
    name = Text(
        required=True,
        metadata=doc(
            "The organisation's name.",
            da="Organisationens navn.",
            label="Name of the organisation",
            label_da="Organisationens navn",
        ),
    )
    sector = Choice(
        SECTORS,
        metadata=doc(
            "Public, private or voluntary sector.",
            da="Offentlig, privat eller frivillig sektor.",
            label="Sector",
            label_da="Sektor",
        ),
    )
    registration_number = Text(
        max_length=CODE_MAX,
        metadata=doc(
            "Company or registration number (CVR).",
            da="CVR- eller registreringsnummer.",
            label="Registration number (CVR)",
            label_da="CVR-nummer",
        ),
    )
    address = Text(
        max_length=SHORT_MAX,
        metadata=doc(
            "Postal address, one line.",
            da="Postadresse på én linje.",
            label="Address",
            label_da="Adresse",
        ),
    )
    country = Country(
        metadata=doc(
            "ISO 3166-1 alpha-2 country code, such as DK.",
            da="Landekode efter ISO 3166-1 alpha-2, fx DK.",
            label="Country",
            label_da="Land",
        )
    )
    website = Url(
        metadata=doc(
            "The organisation's website (http or https).",
            da="Organisationens hjemmeside (http eller https).",
            label="Website",
            label_da="Hjemmeside",
        )
    )
    representative = ma.fields.Nested(
        PersonSchema,
        metadata=doc(
            "The person who signs for the party.",
            da="Den person, der skriver under for parten.",
            label="Representative",
            label_da="Repræsentant",
        ),
    )
    contact_person = ma.fields.Nested(
        PersonSchema,
        metadata=doc(
            "Day-to-day contact person.",
            da="Kontaktperson i det daglige.",
            label="Contact person",
            label_da="Kontaktperson",
        ),
    )
    contributions = text_list(
        metadata=doc(
            "What the party brings: money, rooms, skills, networks …",
            da="Hvad parten bidrager med: penge, lokaler, kompetencer, netværk …",
            label="Contributions",
            label_da="Bidrag",
        )
    )
    expectations = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "What the party expects to get out of it.",
            da="Hvad parten forventer at få ud af partnerskabet.",
            label="Expectations",
            label_da="Forventninger",
        ),
    )
    dependent = Flag(
        load_default=False,
        metadata=doc(
            "True when the party depends heavily on its partners (no other "
            "significant funding, its work centred on what they send). The "
            "agreement then needs capacity building for it and a phase-out plan "
            "that starts well before the partnership ends, so the end does not "
            "leave it stranded.",
            da=(
                "Sæt kryds, hvis parten er stærkt afhængig af sine partnere (ingen "
                "anden væsentlig finansiering, aktiviteterne centreret om det, de "
                "andre sender). Så skal aftalen opbygge partens kapacitet og have en "
                "udfasningsplan, der begynder i god tid før partnerskabet slutter, så"
                " parten ikke står alene tilbage."
            ),
            label="Depends on its partners",
            label_da="Afhængig af partnerne",
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

    start_date = Date(
        metadata=doc(
            "First day of the partnership.",
            da="Partnerskabets første dag.",
            label="Start date",
            label_da="Startdato",
        )
    )
    end_date = Date(
        metadata=doc(
            "Last day of the partnership; after start_date.",
            da="Partnerskabets sidste dag; efter startdatoen.",
            label="End date",
            label_da="Slutdato",
        )
    )
    renewal = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "How and when to renew.",
            da="Hvordan og hvornår aftalen kan fornyes.",
            label="Renewal",
            label_da="Fornyelse",
        ),
    )

    @ma.validates_schema(skip_on_field_errors=False)
    def _ends_after_start(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        start, end = data.get("start_date"), data.get("end_date")
        if start is not None and end is not None and end <= start:
            message = f"Must be after start_date ({start.isoformat()})."
            raise ma.ValidationError(message, "end_date")


class DocumentSchema(BaseSchema):
    """Fields every kind of document has."""

    language = Choice(
        LANGUAGES,
        load_default="da",
        metadata=doc(
            "Language of the document.",
            da="Dokumentets sprog.",
            label="Language",
            label_da="Sprog",
        ),
    )
    extra = Extra(
        metadata=doc(
            "Free-form values for custom templates: identifier keys, any JSON "
            "values, at most 5 levels deep, 1000 values and 64 KiB of text.",
            da=(
                "Frie værdier til egne skabeloner: nøgler som id'er, alle JSON-"
                "værdier, højst 5 niveauer, 1000 værdier og 64 KiB tekst."
            ),
            label="Extra values",
            label_da="Ekstra værdier",
        )
    )


class PartnershipSchema(DocumentSchema):
    """Fields shared by the agreement and the understanding paper."""

    title = Text(
        required=True,
        metadata=doc(
            "Title of the document.",
            da="Dokumentets titel.",
            label="Title",
            label_da="Titel",
        ),
    )
    reference = Text(
        max_length=CODE_MAX,
        metadata=doc(
            "Your own reference or case number.",
            da="Jeres egen reference eller journalnummer.",
            label="Reference",
            label_da="Reference",
        ),
    )
    partnership_type = Choice(
        PARTNERSHIP_TYPES,
        load_default="partnership",
        metadata=doc(
            "How tightly the parties work together, loosest first.",
            da="Hvor tæt parterne arbejder sammen, løsest først.",
            label="Type of partnership",
            label_da="Samarbejdsform",
        ),
    )
    parties = nested_list(
        PartySchema,
        minimum=2,
        noun="parties",
        too_few="A partnership needs at least two parties.",
        required=True,
        metadata=doc(
            "The organisations taking part; at least two, unique ids.",
            da="De organisationer, der er med; mindst to.",
            label="Parties",
            label_da="Parter",
        ),
    )
    background = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "Why the partnership came about.",
            da="Hvorfor partnerskabet er opstået.",
            label="Background",
            label_da="Baggrund",
        ),
    )
    vision = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "The world the partners want to see.",
            da="Den verden, partnerne gerne vil se.",
            label="Vision",
            label_da="Vision",
        ),
    )
    values = text_list(
        metadata=doc(
            "Shared values to return to when disagreements arise.",
            da="Fælles værdier at vende tilbage til, når der opstår uenighed.",
            label="Shared values",
            label_da="Fælles værdier",
        )
    )
    term = ma.fields.Nested(
        TermSchema,
        metadata=doc(
            "Start, end and renewal.",
            da="Start, slut og fornyelse.",
            label="Term",
            label_da="Periode",
        ),
    )
    signing = ma.fields.Nested(
        SigningSchema,
        metadata=doc(
            "Place and date of signing.",
            da="Sted og dato for underskrift.",
            label="Signing",
            label_da="Underskrift",
        ),
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
