"""The built-in documents say only what the data holds, with any number of parties.

Each test renders a real body through schema, context and the built-in template
and reads the opened .docx: thin data must not produce sentences that are not
true, many parties must not break the signature block, and the clauses a lawyer
adds are there in both languages.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import open_docx
from tests.test_builtin_templates import (
    all_text,
    headings,
    load,
    paragraph_texts,
    render,
    rows,
    table_after,
    xml_parts,
)


def agreement(source: str, language: str, **changes: Any) -> dict[str, Any]:
    """An example agreement body with top-level ``changes`` applied."""
    body = copy.deepcopy(load(source, "agreement", language))
    body.update(changes)
    return body


def text_of(kind: str, body: dict[str, Any]) -> str:
    """All text of the rendered document, no-break spaces as spaces."""
    return all_text(open_docx(render(kind, body)))


# ---------------------------------------------------------------- thin data


@pytest.mark.parametrize(
    ("language", "intro"),
    [
        ("da", "Denne aftale beskriver, hvad parterne vil skabe sammen og hvordan "
               "aftalen ophører."),
        ("en", "This agreement sets out what the parties will create together and "
               "how the agreement ends."),
    ],
)  # fmt: skip
def test_minimal_agreement_intro_promises_only_what_is_there(language, intro):
    lines = paragraph_texts(
        open_docx(render("agreement", agreement("minimal", language)))
    )
    assert intro in lines


def test_full_agreement_intro_names_every_part_it_has():
    lines = paragraph_texts(open_docx(render("agreement", agreement("full", "en"))))
    assert (
        "This agreement sets out what the parties will create together, what each "
        "party contributes, what the parties expect, who does what, how the "
        "cooperation is run, how progress is reviewed and how the agreement ends."
    ) in lines


def test_minimal_agreement_has_no_empty_goal_columns_or_claims():
    doc = open_docx(render("agreement", agreement("minimal", "da")))
    assert rows(table_after(doc, "Mål")) == [
        ["Mål"],
        ["Starte en læseklub for 3. klasse"],
    ]
    text = all_text(doc)
    assert "indikator" not in text.lower()
    assert "frist" not in text.lower()
    assert "mission" not in text.lower()  # there is a vision, no mission
    assert "fælles værdier" not in text  # no values were agreed


def test_goal_columns_follow_the_data():
    body = agreement("minimal", "en")
    body["goals"] = [
        {"description": "Start a club", "deadline": "2026-09-01"},
        {"description": "Grow it", "indicator": "Members"},
    ]
    doc = open_docx(render("agreement", body))
    assert rows(table_after(doc, "Goals"))[0] == ["Goal", "Indicator", "Deadline"]
    lines = paragraph_texts(doc)
    assert not any(line.startswith("Each goal has") for line in lines)
    body["goals"] = [{"description": "Start a club", "deadline": "2026-09-01"}]
    doc = open_docx(render("agreement", body))
    assert rows(table_after(doc, "Goals"))[0] == ["Goal", "Deadline"]
    assert "Each goal has a deadline." in paragraph_texts(doc)


def test_one_kind_of_goal_gets_no_lone_subsection():
    found = headings(open_docx(render("agreement", agreement("minimal", "en"))))
    assert "Impact goals" not in found
    body = agreement("minimal", "en")
    body["goals"].append({"description": "Meet monthly", "kind": "relationship"})
    found = headings(open_docx(render("agreement", body)))
    assert ["Impact goals", "Relationship goals"] == [
        h for h in found if h.endswith("goals")
    ]


def test_roles_that_only_name_a_party_are_not_a_section():
    doc = open_docx(render("agreement", agreement("minimal", "da")))
    assert "Roller og ansvar" not in headings(doc)
    body = agreement("minimal", "da")
    body["roles"] = [
        {"party": "bibliotek", "title": "Tovholder"},
        {"party": "skole"},
    ]
    lines = paragraph_texts(open_docx(render("agreement", body)))
    assert "Byens Bibliotek – Tovholder" in lines
    assert "Nørre Skole" not in lines[lines.index("Byens Bibliotek – Tovholder") :]
    assert "Hver part har en klar rolle i partnerskabet:" not in lines


@pytest.mark.parametrize(
    ("fields", "heading"),
    [({"mission": "M"}, "Vision og mission"), ({}, "Vision")],
)
def test_vision_heading_names_what_is_there(fields, heading):
    body = agreement("minimal", "da", **fields)
    found = headings(open_docx(render("agreement", body)))
    assert heading in found
    assert {"Vision", "Vision og mission"} - {heading} - set(found)


def test_term_heading_mentions_renewal_only_with_renewal_text():
    body = agreement("minimal", "en", term={"start_date": "2026-01-01"})
    assert "Term" in headings(open_docx(render("agreement", body)))
    assert "Term and renewal" not in headings(open_docx(render("agreement", body)))


# ---------------------------------------------------------------- names


def test_names_with_commas_are_listed_not_joined():
    body = agreement("minimal", "da")
    body["parties"][0]["name"] = "Skovby Kommune, Kultur og Fritid"
    lines = paragraph_texts(open_docx(render("agreement", body)))
    start = lines.index("Aftalen er indgået mellem disse parter:")
    assert lines[start + 1 : start + 3] == [
        "Skovby Kommune, Kultur og Fritid",
        "Nørre Skole",
    ]


def test_a_name_ending_in_a_full_stop_gets_no_second_one():
    body = agreement("minimal", "da")
    body["parties"][1]["name"] = "Teater Vest & Co."
    text = text_of("agreement", body)
    assert "Aftalen er indgået mellem Byens Bibliotek og Teater Vest & Co." in text
    assert ".." not in text


# ---------------------------------------------------------------- signatures


def test_each_signer_gets_own_place_and_date_or_a_blank_line():
    body = agreement("minimal", "en")
    body["parties"][0]["signing"] = {"place": "Aarhus", "date": "2026-02-20"}
    doc = open_docx(render("agreement", body))
    library, school = doc.tables[-1].rows[0].cells
    assert library.text.startswith("For City Library\nAarhus, 20\xa0February\xa02026\n")
    assert school.text.startswith("For North School\n\nPlace and date\nName and title")


def test_signature_grid_holds_any_number_of_parties_two_a_row():
    body = agreement("minimal", "da")
    body["parties"] = [
        {"id": f"p{index}", "name": f"Forening nummer {index}"} for index in range(7)
    ]
    body["roles"] = [{"party": "p0"}]
    doc = open_docx(render("agreement", body))
    grid = doc.tables[-1]
    assert len(grid.columns) == 2
    assert len(grid.rows) == 4
    signers = [cell.text.split("\n")[0] for row in grid.rows for cell in row.cells]
    assert signers == [f"For Forening nummer {i}" for i in range(7)] + [""]


# ---------------------------------------------------------------- money and time


def test_budget_states_its_period_and_commits_each_party():
    lines = paragraph_texts(open_docx(render("agreement", agreement("full", "da"))))
    assert (
        "Budgettet viser, hvad hver part bidrager med, både kontant og i naturalier "
        "som lokaler, udstyr og arbejdstid. Beløbene gælder for hele aftaleperioden "
        "(1. februar 2026 – 31. december 2027)."
    ) in lines
    assert (
        "Hver part forpligter sig til at levere de bidrag, der står ud for partens "
        "navn i budgettet."
    ) in lines
    assert (
        "Bliver en ansøgning afslået, aftaler parterne sammen, hvordan aktiviteterne "
        "tilpasses. Ingen part skal dække det manglende beløb, medmindre den "
        "skriftligt har påtaget sig det."
    ) in lines


def test_refused_funding_is_shown_and_subtotalled_apart():
    body = agreement("full", "en")
    body["budget"]["external_funding"].append(
        {"source": "Old fund", "amount": 5000, "status": "rejected"}
    )
    body["budget"]["if_refused"] = "The clubs then open one term later."
    doc = open_docx(render("agreement", body))
    funding = rows(table_after(doc, "External funding"))
    assert funding[-3:] == [
        ["Total applied for", "DKK 250,000.00"],
        ["Total planned", "DKK 30,000.00"],
        ["Total rejected", "DKK 5,000.00"],
    ]
    assert "The clubs then open one term later." in paragraph_texts(doc)


def test_all_cash_budget_drops_the_in_kind_columns():
    body = agreement("full", "da")
    for line in body["budget"]["lines"]:
        line["in_kind"] = False
    doc = open_docx(render("agreement", body))
    assert rows(table_after(doc, "Budget"))[0] == ["Post", "Part", "Beløb"]
    assert rows(table_after(doc, "Fordeling på parter"))[0] == ["Part", "I alt"]


def test_termination_uses_opsigelse_and_ophaevelse_once_each():
    lines = paragraph_texts(open_docx(render("agreement", agreement("minimal", "da"))))
    section = lines[
        lines.index("Uenigheder og ophør") + 1 : lines.index("Almindelige bestemmelser")
    ]
    text = " ".join(section)
    assert text.count("opsige") == 1
    assert text.count("ophæve") == 1
    assert "med et rimeligt varsel" in text


# ---------------------------------------------------------------- the lawyer's clauses


def test_general_provisions_have_defaults_in_a_minimal_agreement():
    lines = paragraph_texts(open_docx(render("agreement", agreement("minimal", "en"))))
    assert (
        "Amendments and additions to this agreement are valid only if made in "
        "writing and signed by all parties."
    ) in lines
    assert "Liability and insurance" in lines
    assert "When a party leaves" not in lines  # two parties: leaving ends it


def test_international_agreement_names_law_language_and_chosen_clauses():
    lines = paragraph_texts(open_docx(render("agreement", agreement("full", "en"))))
    assert (
        "This agreement is governed by the law of Denmark. Disputes the parties "
        "cannot settle themselves are decided by the Danish courts, starting with "
        "the District Court of Aarhus."
    ) in lines
    assert (
        "This agreement is made in Danish and English. If the two versions differ, "
        "the English version prevails."
    ) in lines
    assert "Annex 1: Detailed budget 2026–2028" in lines
    assert lines[lines.index("Personal data") + 1].startswith(
        "Youth & Tech Denmark is the data controller"
    )
    for label in ("Safeguarding", "Anti-corruption", "When a party leaves"):
        assert label in lines


def test_danish_agreement_states_law_and_language_in_danish():
    body = agreement("full", "da")
    body["legal"] = {"governing_law": "DK", "venue": "Retten i Viborg",
                     "prevailing_language": "da"}  # fmt: skip
    lines = paragraph_texts(open_docx(render("agreement", body)))
    assert (
        "Aftalen er underlagt lovgivningen i Danmark. Tvister, som parterne ikke "
        "selv kan løse, afgøres ved Retten i Viborg."
    ) in lines
    assert (
        "Aftalen er udfærdiget på dansk og engelsk. Er de to udgaver forskellige, "
        "går den danske udgave forud."
    ) in lines


def test_personal_data_controller_must_be_a_party():
    from schemas.registry import DocumentInvalid
    from service.documents import validate_document

    body = agreement("full", "en")
    body["legal"]["personal_data"]["controller"] = "nobody"
    with pytest.raises(DocumentInvalid) as caught:
        validate_document("agreement", body)
    assert [p.path for p in caught.value.problems] == ["legal.personal_data.controller"]


# ---------------------------------------------------------------- understanding, letter


def test_next_steps_are_sorted_and_unassigned_ones_are_joint():
    body = copy.deepcopy(load("minimal", "understanding", "da"))
    body["next_steps"] = [
        {"description": "Senere", "date": "2026-05-01"},
        {"description": "Uden dato"},
        {"description": "Først", "date": "2026-03-01"},
    ]
    doc = open_docx(render("understanding", body))
    assert rows(table_after(doc, "Næste skridt")) == [
        ["Skridt", "Ansvarlig", "Dato"],
        ["Først", "Parterne i fællesskab", "1. marts 2026"],
        ["Senere", "Parterne i fællesskab", "1. maj 2026"],
        ["Uden dato", "Parterne i fællesskab", ""],
    ]


def test_english_letter_greets_by_salutation_and_surname():
    body = copy.deepcopy(load("full", "first_contact", "en"))
    body["recipient"]["person"] = {"name": "Grace Wambui Mushi", "salutation": "Ms"}
    assert "Dear Ms Mushi," in text_of("first_contact", body)


def test_kicker_is_left_out_when_the_title_says_it():
    body = copy.deepcopy(load("minimal", "understanding", "en"))
    body["title"] = "Memorandum of understanding on reading clubs"
    lines = paragraph_texts(open_docx(render("understanding", body)))
    assert lines[0] == "Memorandum of understanding on reading clubs"


@pytest.mark.parametrize(
    ("kind", "heading"), [("agreement", "Signatures"), ("understanding", "Signatures")]
)
def test_signatures_keep_with_text_of_the_document(kind, heading):
    body = copy.deepcopy(load("full", kind, "en"))
    doc = open_docx(render(kind, body))
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    at = next(i for i, p in enumerate(paragraphs) if p.text == heading)
    before = paragraphs[at - 1]
    assert before.style.name == "Normal"  # a clause of the document, not a label
    assert before.paragraph_format.keep_with_next


def test_meeting_times_carry_the_time_zone_given():
    body = copy.deepcopy(load("full", "first_contact", "en"))
    lines = paragraph_texts(open_docx(render("first_contact", body)))
    assert (
        "We suggest one of these times (Danish time, CET; 10:00 CET is 12:00 in Moshi):"
    ) in lines


@pytest.mark.parametrize("kind", ["agreement", "understanding", "first_contact"])
def test_document_properties_come_from_the_data_and_the_render(kind):
    body = copy.deepcopy(load("full", kind, "en"))
    doc = open_docx(render(kind, body))  # rendered with today = 5 January 2026
    properties = doc.core_properties
    assert properties.created == properties.modified
    assert properties.created.isoformat().startswith("2026-01-05T00:00:00")
    if kind == "first_contact":
        assert properties.author == body["sender"]["name"]
    else:
        assert properties.author == "; ".join(p["name"] for p in body["parties"])
    app = xml_parts(render(kind, body))["docProps/app.xml"]
    assert "<Application>Partnership documents</Application>" in app
    assert "Macintosh" not in app
