"""The first-contact letter: a short proposal to a preferred partner."""

from __future__ import annotations

import marshmallow as ma

from schemas.common import BaseSchema, DocumentSchema, PartySchema, PersonSchema
from schemas.fields import (
    CODE_MAX,
    LIST_MAX,
    SHORT_MAX,
    TEXT_MAX,
    Count,
    Country,
    Date,
    DateTime,
    Email,
    Flag,
    Identifier,
    Text,
    Url,
    count_between,
    doc,
    text_list,
)

MAX_PROPOSALS = 20
MIN_MEETING_MINUTES = 10
MAX_MEETING_MINUTES = 240


class SenderSchema(PartySchema):
    """The writing organisation; its representative signs the letter."""

    class Meta(PartySchema.Meta):
        exclude = ("signing",)  # a letter has no signature block with places

    id = Identifier(
        metadata=doc(
            "Optional short id of the organisation.",
            da="Valgfrit kort id for organisationen.",
            label="Id",
            label_da="Id",
        )
    )


class RecipientSchema(BaseSchema):
    """The organisation and person the letter is addressed to."""

    organisation = Text(
        required=True,
        metadata=doc(
            "The organisation's name.",
            da="Organisationens navn.",
            label="Name of the organisation",
            label_da="Organisationens navn",
        ),
    )
    person = ma.fields.Nested(
        PersonSchema,
        metadata=doc(
            "The person addressed.",
            da="Den person, brevet er til.",
            label="Person",
            label_da="Person",
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
    email = Email(
        metadata=doc(
            "E-mail address the letter is sent to.",
            da="E-mailadresse, brevet sendes til.",
            label="E-mail",
            label_da="E-mail",
        )
    )
    country = Country(
        metadata=doc(
            "ISO 3166-1 alpha-2 country code of the recipient, such as KE; tells "
            "whether meeting times need a time zone.",
            da="Modtagerens landekode (ISO 3166-1 alpha-2), fx KE; viser, om "
            "mødetidspunkterne skal have en tidszone.",
            label="Country",
            label_da="Land",
        )
    )


class MeetingSchema(BaseSchema):
    """The proposal for a short first meeting."""

    duration_minutes = Count(
        minimum=MIN_MEETING_MINUTES,
        maximum=MAX_MEETING_MINUTES,
        load_default=30,
        metadata=doc(
            "Length of the meeting in minutes; about 30 is usual.",
            da="Mødets længde i minutter; omkring 30 er almindeligt.",
            label="Length (minutes)",
            label_da="Varighed (minutter)",
        ),
    )
    proposals = ma.fields.List(
        DateTime(),
        validate=count_between(maximum=MAX_PROPOSALS, noun="proposals"),
        metadata=doc(
            "Proposed times, local time: YYYY-MM-DDTHH:MM.",
            da="Foreslåede tidspunkter, lokal tid.",
            label="Proposed times",
            label_da="Forslag til tidspunkter",
        ),
    )
    location = Text(
        max_length=SHORT_MAX,
        metadata=doc(
            "Where to meet.", da="Hvor I mødes.", label="Place", label_da="Sted"
        ),
    )
    online = Flag(
        load_default=False,
        metadata=doc(
            "True for an online meeting.",
            da="Sæt kryds for et onlinemøde.",
            label="Online",
            label_da="Online",
        ),
    )
    time_zone = Text(
        max_length=CODE_MAX,
        metadata=doc(
            "The time zone of the proposed times, as the reader should see it, "
            "such as Danish time (CET); printed with the proposals.",
            da="Tidszonen for de foreslåede tidspunkter, som læseren skal se den, "
            "fx dansk tid (CET); skrives ved forslagene.",
            label="Time zone",
            label_da="Tidszone",
        ),
    )


class FirstContactSchema(DocumentSchema):
    """A first-contact letter."""

    date = Date(
        metadata=doc(
            "Date of the letter; today's date when absent.",
            da="Brevets dato; dagens dato, hvis den ikke er udfyldt.",
            label="Date",
            label_da="Dato",
        )
    )
    sender = ma.fields.Nested(
        SenderSchema,
        required=True,
        metadata=doc(
            "The writing organisation; its representative signs.",
            da="Den organisation, der skriver; dens repræsentant skriver under.",
            label="Sender",
            label_da="Afsender",
        ),
    )
    recipient = ma.fields.Nested(
        RecipientSchema,
        required=True,
        metadata=doc(
            "Who the letter is for.",
            da="Hvem brevet er til.",
            label="Recipient",
            label_da="Modtager",
        ),
    )
    subject = Text(
        max_length=SHORT_MAX,
        metadata=doc(
            "Subject line.", da="Emnelinje.", label="Subject", label_da="Emne"
        ),
    )
    idea = Text(
        required=True,
        max_length=TEXT_MAX,
        metadata=doc(
            "The idea in outline; the partner should help shape it.",
            da="Idéen i grove træk; partneren skal kunne være med til at forme den.",
            label="The idea",
            label_da="Idéen",
        ),
    )
    why_you = Text(
        max_length=TEXT_MAX,
        metadata=doc(
            "Why exactly this partner.",
            da="Hvorfor netop denne partner.",
            label="Why you",
            label_da="Hvorfor jer",
        ),
    )
    offer = text_list(
        metadata=doc(
            "What we can offer the partner.",
            da="Hvad vi kan tilbyde partneren.",
            label="What we offer",
            label_da="Hvad vi tilbyder",
        )
    )
    meeting = ma.fields.Nested(
        MeetingSchema,
        required=True,
        metadata=doc(
            "Proposal for a first meeting.",
            da="Forslag til et første møde.",
            label="Meeting",
            label_da="Møde",
        ),
    )
    attachments = text_list(
        metadata=doc(
            "Titles of attached material about us.",
            da="Titler på vedlagt materiale om os.",
            label="Attachments",
            label_da="Bilag",
        )
    )
    links = ma.fields.List(
        Url(),
        validate=count_between(maximum=LIST_MAX, noun="links"),
        metadata=doc(
            "Web addresses with information about us.",
            da="Webadresser med information om os.",
            label="Links",
            label_da="Links",
        ),
    )


FIRST_CONTACT_SCHEMA = FirstContactSchema()
