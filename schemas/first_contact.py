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

    id = Identifier(metadata=doc("Optional short id of the organisation."))


class RecipientSchema(BaseSchema):
    """The organisation and person the letter is addressed to."""

    organisation = Text(required=True, metadata=doc("The organisation's name."))
    person = ma.fields.Nested(PersonSchema, metadata=doc("The person addressed."))
    address = Text(max_length=SHORT_MAX, metadata=doc("Postal address, one line."))
    email = Email(metadata=doc("E-mail address the letter is sent to."))
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
        metadata=doc("Length of the meeting in minutes; about 30 is usual."),
    )
    proposals = ma.fields.List(
        DateTime(),
        validate=count_between(maximum=MAX_PROPOSALS, noun="proposals"),
        metadata=doc("Proposed times, local time: YYYY-MM-DDTHH:MM."),
    )
    location = Text(max_length=SHORT_MAX, metadata=doc("Where to meet."))
    online = Flag(load_default=False, metadata=doc("True for an online meeting."))
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

    date = Date(metadata=doc("Date of the letter; today's date when absent."))
    sender = ma.fields.Nested(
        SenderSchema,
        required=True,
        metadata=doc("The writing organisation; its representative signs."),
    )
    recipient = ma.fields.Nested(
        RecipientSchema, required=True, metadata=doc("Who the letter is for.")
    )
    subject = Text(max_length=SHORT_MAX, metadata=doc("Subject line."))
    idea = Text(
        required=True,
        max_length=TEXT_MAX,
        metadata=doc("The idea in outline; the partner should help shape it."),
    )
    why_you = Text(max_length=TEXT_MAX, metadata=doc("Why exactly this partner."))
    offer = text_list(metadata=doc("What we can offer the partner."))
    meeting = ma.fields.Nested(
        MeetingSchema, required=True, metadata=doc("Proposal for a first meeting.")
    )
    attachments = text_list(metadata=doc("Titles of attached material about us."))
    links = ma.fields.List(
        Url(),
        validate=count_between(maximum=LIST_MAX, noun="links"),
        metadata=doc("Web addresses with information about us."),
    )


FIRST_CONTACT_SCHEMA = FirstContactSchema()
