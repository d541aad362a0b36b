"""The six built-in templates turn every example into a complete, clean document.

Each example (the full and minimal ones beside this file and the shared reference
examples) goes through the real pipeline: schema → context → engine; the
rendered .docx is opened with python-docx and its content checked.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import importlib.util
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from service.documents import render_loaded, validate_document
from service.rendering import engine
from tests.conftest import EXAMPLES_DIR, PROJECT_ROOT, open_docx

TESTS_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PROJECT_ROOT / "agreement_templates"
TODAY = dt.date(2026, 1, 5)
KINDS = ("agreement", "understanding", "first_contact")
LANGUAGES = ("da", "en")
SIX = [(kind, language) for kind in KINDS for language in LANGUAGES]
SHARED = sorted(path.name for path in EXAMPLES_DIR.glob("*.json"))

#: Every example as (source, kind, language); source is "full", "minimal" or
#: "shared".
EXAMPLES = (
    [("full", kind, language) for kind, language in SIX]
    + [("minimal", kind, language) for kind, language in SIX]
    + [("shared", *name.split(".")[:2]) for name in SHARED]
)
EXAMPLE_IDS = [f"{source}-{kind}.{language}" for source, kind, language in EXAMPLES]

# Words of the other language that must never appear in a document.
ENGLISH_WORDS = ("the", "and", "of", "with", "Parties", "Party", "Date", "Page",
                 "Signatures", "Contributions", "Goals", "Dear", "regards")  # fmt: skip
DANISH_WORDS = ("og", "af", "til", "med", "Parter", "Dato", "Side", "Underskrifter",
                "Bidrag", "Mål", "Kære", "hilsen", "kr")  # fmt: skip

HEADINGS = {
    ("agreement", "da"): [
        "Parter", "Baggrund", "Vision og mission", "Bundlinjer", "Mål", "Effektmål",
        "Relationsmål", "Aktiviteter og tidsplan", "Milepæle", "Roller og ansvar",
        "Organisering og beslutninger", "Budget", "Fordeling på parter",
        "Ekstern finansiering", "Opfølgning og evaluering", "Fælles værdier",
        "Kommunikation", "Kapacitetsopbygning", "Udfasning", "Varighed og fornyelse",
        "Uenigheder og ophør", "Almindelige bestemmelser", "Underskrifter",
    ],
    ("agreement", "en"): [
        "Parties", "Background", "Vision and mission", "Bottom lines", "Goals",
        "Impact goals", "Relationship goals", "Activities and timeline", "Milestones",
        "Roles and responsibilities", "Governance and decision-making", "Budget",
        "Contributions by party", "External funding", "Follow-up and evaluation",
        "Shared values", "Communication", "Capacity building", "Phase-out",
        "Term and renewal", "Disputes and termination", "General provisions",
        "Signatures",
    ],
    ("understanding", "da"): [
        "Parter", "Formål", "Baggrund", "Vision", "Samarbejdsområder",
        "Fælles værdier", "Næste skridt", "Varighed", "Underskrifter",
    ],
    ("understanding", "en"): [
        "Parties", "Purpose", "Background", "Vision", "Areas of cooperation",
        "Shared values", "Next steps", "Term", "Signatures",
    ],
}  # fmt: skip
#: Headings the minimal examples keep: the sections with required data or fixed
#: text, named for what is there (a vision without a mission; one kind of goal
#: needs no subsection; a role that only names its party says nothing).
MINIMAL_HEADINGS = {
    ("agreement", "da"): ["Parter", "Vision", "Mål", "Uenigheder og ophør",
                          "Almindelige bestemmelser", "Underskrifter"],
    ("agreement", "en"): ["Parties", "Vision", "Goals", "Disputes and termination",
                          "General provisions", "Signatures"],
    ("understanding", "da"): ["Parter", "Formål", "Underskrifter"],
    ("understanding", "en"): ["Parties", "Purpose", "Signatures"],
}  # fmt: skip


# ---------------------------------------------------------------- helpers


def example_path(source: str, kind: str, language: str) -> Path:
    """Where an example lives."""
    folder = {
        "full": TESTS_DIR / "full_examples",
        "minimal": TESTS_DIR / "minimal_examples",
        "shared": EXAMPLES_DIR,
    }[source]
    return folder / f"{kind}.{language}.json"


def load(source: str, kind: str, language: str) -> dict[str, Any]:
    """An example payload, fractional numbers as Decimal."""
    path = example_path(source, kind, language)
    payload: dict[str, Any] = json.loads(
        path.read_text(encoding="utf-8"), parse_float=Decimal
    )
    return payload


def render(kind: str, payload: dict[str, Any]) -> bytes:
    """Validate and render ``payload`` with the built-in template for its language."""
    loaded = validate_document(kind, payload)
    language = loaded.data["language"]
    source = (TEMPLATES_DIR / f"{kind}.{language}.docx").read_bytes()
    return render_loaded(loaded, engine.prepare(source), today=TODAY).content


@functools.cache
def rendered(source: str, kind: str, language: str) -> bytes:
    """The rendered bytes of an example (rendered once per test run)."""
    return render(kind, load(source, kind, language))


def document(source: str, kind: str, language: str) -> DocumentObject:
    """The rendered example opened with python-docx."""
    return open_docx(rendered(source, kind, language))


def blocks(doc: DocumentObject) -> Iterator[Paragraph | Table]:
    """The body's paragraphs and tables in document order."""
    yield from doc.iter_inner_content()


def table_paragraphs(table: Table) -> Iterator[Paragraph]:
    """Every paragraph in a table's cells (each cell once)."""
    for row in table.rows:
        for cell in dict.fromkeys(row.cells):
            yield from cell.paragraphs


def all_text(doc: DocumentObject) -> str:
    """Every text of the body, tables, all headers and footers, spaces normalised."""
    chunks: list[str] = []
    for block in blocks(doc):
        if isinstance(block, Paragraph):
            chunks.append(block.text)
        else:
            chunks.extend(p.text for p in table_paragraphs(block))
    for section in doc.sections:
        for part in (
            section.header, section.first_page_header, section.even_page_header,
            section.footer, section.first_page_footer, section.even_page_footer,
        ):  # fmt: skip
            chunks.extend(p.text for p in part.paragraphs)
    return "\n".join(chunks).replace("\xa0", " ")


def table_text(doc: DocumentObject) -> str:
    """The text of every table cell, one cell per line."""
    cells = []
    for table in doc.tables:
        for row in table.rows:
            cells.extend(cell.text for cell in dict.fromkeys(row.cells))
    return "\n".join(cells).replace("\xa0", " ")


def heading_level(paragraph: Paragraph) -> int | None:
    """1 or 2 for a heading paragraph, None otherwise."""
    name = paragraph.style.name if paragraph.style is not None else ""
    match = re.fullmatch(r"Heading (\d)", name)
    return int(match.group(1)) if match else None


def headings(doc: DocumentObject) -> list[str]:
    """The texts of the body's headings in order."""
    return [
        block.text
        for block in blocks(doc)
        if isinstance(block, Paragraph) and heading_level(block)
    ]


def xml_parts(content: bytes) -> dict[str, str]:
    """The XML parts of a .docx by name."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        }


# ---------------------------------------------------------------- every example


@pytest.mark.parametrize(("source", "kind", "language"), EXAMPLES, ids=EXAMPLE_IDS)
def test_rendered_document_has_no_tags_or_none(source, kind, language):
    content = rendered(source, kind, language)
    text = all_text(open_docx(content))
    for leftover in ("{{", "}}", "{%", "%}", "{#", "None", "Undefined"):
        assert leftover not in text
    for name, xml in xml_parts(content).items():
        assert "{%" not in xml and "{{" not in xml, name


@pytest.mark.parametrize(("source", "kind", "language"), EXAMPLES, ids=EXAMPLE_IDS)
def test_every_heading_is_followed_by_content(source, kind, language):
    body = list(blocks(document(source, kind, language)))
    for index, block in enumerate(body):
        if not isinstance(block, Paragraph) or not heading_level(block):
            continue
        assert block.text.strip(), "empty heading"
        following = body[index + 1] if index + 1 < len(body) else None
        assert following is not None, f"{block.text!r} ends the document"
        if isinstance(following, Paragraph):
            assert following.text.strip(), f"{block.text!r} is followed by nothing"
            level = heading_level(following)
            assert not level or level > heading_level(block), (
                f"{block.text!r} has no content before {following.text!r}"
            )


@pytest.mark.parametrize(("source", "kind", "language"), EXAMPLES, ids=EXAMPLE_IDS)
def test_document_has_no_words_of_the_other_language(source, kind, language):
    text = all_text(document(source, kind, language))
    foreign = ENGLISH_WORDS if language == "da" else DANISH_WORDS
    found = [word for word in foreign if re.search(rf"\b{word}\b", text)]
    assert found == []


@pytest.mark.parametrize(("source", "kind", "language"), EXAMPLES, ids=EXAMPLE_IDS)
def test_tables_repeat_header_rows_and_keep_rows_whole(source, kind, language):
    for table in document(source, kind, language).tables:
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None and look.get(qn("w:firstRow")) == "1":
            first = table.rows[0]._tr.trPr
            assert first.find(qn("w:tblHeader")) is not None


# ---------------------------------------------------------------- sections


@pytest.mark.parametrize(("kind", "language"), list(HEADINGS))
def test_full_example_shows_every_section(kind, language):
    found = headings(document("full", kind, language))
    expected = HEADINGS[kind, language]
    assert [h for h in found if h in expected] == expected


@pytest.mark.parametrize(("kind", "language"), list(HEADINGS))
def test_minimal_example_leaves_optional_sections_out(kind, language):
    found = [h for h in headings(document("minimal", kind, language))]
    assert found == MINIMAL_HEADINGS[kind, language]


def test_headings_are_numbered_by_word_not_by_text():
    doc = document("full", "agreement", "da")
    for level, name in ((0, "Heading 1"), (1, "Heading 2")):
        num_pr = doc.styles[name].element.pPr.find(qn("w:numPr"))
        assert num_pr is not None
        ilvl = num_pr.find(qn("w:ilvl"))
        assert (0 if ilvl is None else int(ilvl.get(qn("w:val")))) == level
    numbering = doc.part.numbering_part.element.xml
    assert '<w:lvlText w:val="%1."/>' in numbering
    assert '<w:lvlText w:val="%1.%2."/>' in numbering
    assert not any(re.match(r"\d", text) for text in headings(doc))


# ---------------------------------------------------------------- the agreement


def paragraph_texts(doc: DocumentObject) -> list[str]:
    """The body's own paragraphs (not those in tables), spaces normalised."""
    return [p.text.replace("\xa0", " ") for p in doc.paragraphs]


def rows(table: Table) -> list[list[str]]:
    """A table's cell texts row by row (a merged cell once)."""
    return [
        [cell.text.replace("\xa0", " ") for cell in dict.fromkeys(row.cells)]
        for row in table.rows
    ]


def table_after(doc: DocumentObject, text: str) -> Table:
    """The first table after the body paragraph whose text is ``text``."""
    seen = False
    for block in blocks(doc):
        if isinstance(block, Paragraph) and block.text == text:
            seen = True
        elif seen and isinstance(block, Table):
            return block
    raise AssertionError(f"no table after {text!r}")


def test_agreement_opens_with_a_title_block():
    doc = document("full", "agreement", "da")
    kicker, title = doc.paragraphs[:2]
    assert (kicker.text, kicker.style.name) == ("Partnerskabsaftale", "Dokumenttype")
    assert (title.text, title.style.name) == ("Musik i Gården", "Title")
    assert rows(doc.tables[0]) == [
        ["Reference", "KF-2026-027"],
        # Not "Samarbejdsform: Samarbejde": the label names the degree.
        ["Tilknytningsgrad", "Partnerskab"],
        # One party a line: a name with a comma cannot blur into the next.
        ["Parter", "Skovby Kommune, Kultur og Fritid\nLund & Søn ApS\n"
                   "Foreningen Gårdmusik"],
        ["Periode", "1. februar 2026 – 31. december 2027"],
    ]  # fmt: skip


def test_agreement_describes_each_party():
    doc = document("full", "agreement", "da")
    assert rows(table_after(doc, "Skovby Kommune, Kultur og Fritid")) == [
        ["Sektor", "Offentlig"],
        ["CVR-nr.", "29189927"],
        ["Adresse", "Rådhustorvet 4, 8600 Silkeborg"],
        ["Land", "Danmark"],
        ["Hjemmeside", "https://kultur.skovby.example.dk"],
        ["Repræsentant", "Hanne Vestergaard, Kulturchef\n"
                         "hanne.vestergaard@skovby.example.dk · +45 87 12 34 00"],
        ["Kontaktperson", "Rasmus Iversen, Kulturkonsulent\n"
                          "rasmus.iversen@skovby.example.dk · +45 87 12 34 17"],
    ]  # fmt: skip
    lines = paragraph_texts(doc)
    # The name opens the list of parties, then heads the party's subsection.
    first = lines.index("Skovby Kommune, Kultur og Fritid")
    start = lines.index("Skovby Kommune, Kultur og Fritid", first + 1)
    assert lines[start + 1 : start + 7] == [
        "Bidrag",
        "Tilskud til musikerhonorarer",
        "Adgang til kommunens gårdmiljøer og parker",
        "Sparring om fondsansøgninger og regnskab",
        "Forventninger",
        "At flere borgere i de nye boligområder oplever levende musik tæt på, hvor de "
        "bor.",
    ]
    bullet = doc.paragraphs[start + 2]
    assert bullet.style.name == "List Bullet"


@pytest.mark.parametrize(
    ("language", "country", "expected"),
    [("da", "SE", ["Registreringsnr.", "Sverige"]), ("en", "SE", ["Sweden"])],
)
def test_party_country_is_named_not_coded(language, country, expected):
    full = document("full", "agreement", language)
    cells = table_text(full).splitlines()
    assert "DK" not in cells and "KE" not in cells
    assert ("Danmark" if language == "da" else "Denmark") in cells
    payload = load("full", "agreement", language)
    payload["parties"][0]["country"] = country
    cells = table_text(open_docx(render("agreement", payload))).splitlines()
    for word in expected:
        assert word in cells


def test_english_agreement_names_a_kenyan_party_s_country():
    cells = table_text(document("full", "agreement", "en")).splitlines()
    assert "Kenya" in cells
    assert "Registration no." in cells


def test_agreement_states_background_vision_mission_and_bottom_lines():
    lines = paragraph_texts(document("full", "agreement", "da"))
    for label, text in (
        ("Vision", "Et Skovby, hvor musikken kommer ud"),
        ("Mission", "Sammen gennemfører vi otte gårdkoncerter"),
    ):
        assert lines[lines.index(label) + 1].startswith(text)
    assert (
        "Partnerskabet skaber værdi på disse bundlinjer: kunstnerisk, social og "
        "kulturel." in lines
    )
    assert lines[lines.index("Baggrund") + 1].startswith("Foreningen Gårdmusik har")


def test_agreement_goals_are_tables_of_goal_indicator_and_deadline():
    doc = document("full", "agreement", "en")
    assert rows(table_after(doc, "Impact goals")) == [
        ["Goal", "Indicator", "Deadline"],
        ["Run weekly coding clubs for at least 160 girls",
         "Attendance lists from the clubs", "30 June 2027"],
        ["The Initiative covers 40% of its costs from other sources",
         "Audited accounts", "31 December 2028"],
    ]  # fmt: skip
    relationship = rows(table_after(doc, "Relationship goals"))
    assert relationship[1][0] == "Hold an online partner meeting every month"


def test_agreement_lists_milestones_roles_and_governance():
    doc = document("full", "agreement", "da")
    assert rows(table_after(doc, "Milepæle"))[1] == [
        "30. april 2026",
        "Program og gårde på plads",
    ]
    lines = paragraph_texts(doc)
    role = lines.index("Skovby Kommune, Kultur og Fritid – Koordinator")
    assert lines[role + 1 : role + 3] == [
        "Indkalder til møder og skriver referat",
        "Forvalter tilskuddet til honorarer",
    ]
    for line in (
        "Organisering: En styregruppe med én repræsentant fra hver part",
        "Møder: Første tirsdag i hver måned",
        "Referater: Koordinatoren skriver referat og sender det til alle parter "
        "inden for fem arbejdsdage.",
    ):
        assert line in lines
    assert any(line.startswith("Beslutninger: Styregruppen træffer") for line in lines)


def test_agreement_budget_table_has_a_row_per_line_and_totals():
    doc = document("full", "agreement", "da")
    budget = rows(table_after(doc, "Budget"))
    assert budget[0] == ["Post", "Part", "Form", "Beløb"]
    assert budget[1] == ["Honorarer til musikere", "Skovby Kommune, Kultur og Fritid",
                         "Kontant", "85.000,50 kr."]  # fmt: skip
    assert budget[3][2] == "Naturalier"
    assert budget[-1] == ["Budget i alt", "169.500,50 kr."]
    shares = rows(table_after(doc, "Fordeling på parter"))
    assert shares[0] == ["Part", "Kontant", "Naturalier", "I alt"]
    assert shares[-1] == ["I alt", "97.500,50 kr.", "72.000,00 kr.", "169.500,50 kr."]
    funding = rows(table_after(doc, "Ekstern finansiering"))
    assert funding[1:] == [
        ["Statens Kunstfonds projektstøtte", "Foreningen Gårdmusik", "Ansøgt",
         "120.000,00 kr."],
        ["Sparekassens lokale fond", "Skovby Kommune, Kultur og Fritid", "Bevilget",
         "25.000,00 kr."],
        # Subtotals by status, firm money first: applied and granted never add up.
        ["Bevilget i alt", "25.000,00 kr."],
        ["Ansøgt i alt", "120.000,00 kr."],
    ]  # fmt: skip


def test_agreement_follow_up_values_and_communication():
    lines = paragraph_texts(document("full", "agreement", "da"))
    assert "Hyppighed: Hvert kvartal" in lines
    assert "Statusmøde i styregruppen" in lines
    assert (
        "Datoer for opfølgning: 1. april 2026, 1. juli 2026 og 15. oktober 2026."
        in lines
    )
    values = lines.index("Fælles værdier")
    assert lines[values + 2 : values + 5] == [
        "Nærvær og respekt for beboerne",
        "Åbenhed om økonomi og beslutninger",
        "Alle bidrag tæller, uanset størrelse",
    ]
    assert lines[lines.index("Kommunikation") + 1].startswith("Parterne optræder")


def test_agreement_capacity_building_says_who_builds_whose_capacity_and_how():
    doc = document("full", "agreement", "da")
    assert rows(table_after(doc, "Kapacitetsopbygning"))[:2] == [
        ["Område", "Hvem styrkes", "Tiltag", "Ansvarlig"],
        ["Fondsansøgninger og budget", "Foreningen Gårdmusik",
         "Kommunens kulturkonsulent skriver den første ansøgning sammen med "
         "foreningen og giver feedback på den næste.",
         "Skovby Kommune, Kultur og Fritid"],
    ]  # fmt: skip


def test_agreement_phase_out_has_horizon_plan_steps_and_notice():
    doc = document("full", "agreement", "en")
    lines = paragraph_texts(doc)
    assert (
        "Time horizon: Danish funding for the clubs ends on 31 December 2028." in lines
    )
    assert any(line.startswith("Phase-out plan: From 2027") for line in lines)
    assert rows(table_after(doc, "Phase-out"))[1] == [
        "1 January 2027",
        "The Initiative pays for club venues itself",
    ]
    assert (
        "A party that wishes to phase out the partnership earlier than planned, or "
        "outside the plan, gives the other parties written notice of at least "
        "6 months." in lines
    )


def test_agreement_term_and_renewal():
    lines = paragraph_texts(document("full", "agreement", "da"))
    assert (
        "Aftalen træder i kraft den 1. februar 2026 og gælder til og med den "
        "31. december 2027." in lines
    )
    assert (
        "Fornyelse: Parterne drøfter senest 1. oktober 2027, om samarbejdet skal "
        "fortsætte i en ny form." in lines
    )


def test_agreement_names_parties_in_tables():
    doc = document("shared", "agreement", "da")
    cells = table_text(doc)
    assert "Teater Vest & Co." in cells.splitlines()
    assert "Teater Vest & Co.\nByens Bibliotek" in cells  # responsible, a line each
    assert "For Teater Vest & Co." in cells
    assert "Byens Bibliotek\nMessecenter Vest A/S\nTeater Vest & Co." in cells


def test_agreement_formats_dates_and_amounts_in_danish():
    text = all_text(document("shared", "agreement", "da"))
    assert "15. januar 2026 – 31. december 2026" in text
    assert "85.000,00 kr." in text
    assert "25.000,50 kr." in text
    assert "170.000,50 kr." in text
    assert "1. april 2026, 1. juli 2026 og 1. november 2026." in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("da", ["85.000,50 kr.", "97.500,50 kr.", "72.000,00 kr.",
                "169.500,50 kr.", "120.000,00 kr."]),
        ("en", ["DKK 85,000.50", "DKK 105,000.00", "DKK 123,000.50",
                "DKK 228,000.50", "DKK 250,000.00"]),
    ],
)  # fmt: skip
def test_agreement_budget_shows_lines_and_totals(language, expected):
    cells = table_text(document("full", "agreement", language))
    for amount in expected:
        assert amount in cells


def test_agreement_budget_amounts_are_right_aligned():
    doc = document("full", "agreement", "da")
    amount_cells = [
        paragraph
        for table in doc.tables
        for paragraph in table_paragraphs(table)
        if paragraph.text.endswith("kr.")
    ]
    assert len(amount_cells) >= 10
    for paragraph in amount_cells:
        alignment = paragraph.alignment or paragraph.style.paragraph_format.alignment
        assert alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_agreement_tells_impact_and_relationship_goals_apart():
    doc = document("full", "agreement", "da")
    found = headings(doc)
    assert found.index("Effektmål") < found.index("Relationsmål")
    cells = table_text(doc)
    assert "Gennemføre otte gårdkoncerter i 2026" in cells
    assert "Afstemme forventninger på et fast møde hver måned" in cells
    assert "30. september 2026" in cells


def test_agreement_activities_name_responsible_parties():
    cells = table_text(document("full", "agreement", "en"))
    assert "Nordic Byte A/S\nYouth & Tech Denmark" in cells
    assert "1 March 2026 –\n31 December 2028" in cells or (
        "1 March 2026 –" in cells and "30 September 2028" in cells
    )
    assert "From 1 May 2026" in cells


def test_agreement_explains_dependency_phase_out_and_capacity_building():
    text = all_text(document("full", "agreement", "da"))
    # The dependency is said once, and as what the agreement does about it.
    assert (
        "Partnerskabet bærer i dag en stor del af arbejdet hos Foreningen "
        "Gårdmusik. Aftalen lægger derfor vægt på at styrke partens egen kapacitet "
        "og på at udfase partnerskabet i god tid." in text
    )
    assert "Det gælder især Foreningen Gårdmusik." in text
    assert "afhængig" not in text
    assert (
        "Vil en part udfase partnerskabet tidligere end planlagt eller uden for "
        "planen, giver den de øvrige parter skriftligt varsel på mindst 6 måneder."
        in text
    )
    assert "Fondsansøgninger og budget" in text
    assert "15. januar 2027" in text


def test_agreement_makes_termination_the_last_resort():
    for source in ("full", "minimal"):
        text = all_text(document(source, "agreement", "da"))
        assert "At bringe aftalen til ophør er sidste udvej." in text
        assert "fælles fodslag" in text
    lines = paragraph_texts(document("full", "agreement", "en"))
    section = lines[lines.index("Disputes and termination") + 1 :]
    assert section[0].startswith("If disagreements or problems arise")
    assert section[2].startswith("Ending the agreement is the last resort.")
    assert "find common ground again" in section[2]
    assert section[3] == (
        "If this does not succeed, each party may terminate the agreement by "
        "written notice of 12 months."
    )


def test_agreement_signature_block_is_a_grid_of_whole_signer_blocks():
    doc = document("full", "agreement", "da")
    table = doc.tables[-1]
    assert len(table.columns) == 2  # two signers a row, whatever their number
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        [
            "For Skovby Kommune, Kultur og Fritid\n"
            # The date never breaks over two lines.
            "Silkeborg, 20.\xa0januar\xa02026\nSted og dato\n"
            "Hanne Vestergaard\nKulturchef\n",
            "For Lund & Søn ApS\nSilkeborg, 20.\xa0januar\xa02026\nSted og dato\n"
            "Mikkel Lund\nDirektør\n",
        ],
        [
            "For Foreningen Gårdmusik\nSilkeborg, 20.\xa0januar\xa02026\n"
            "Sted og dato\nYasmin Haddad\nFormand\n",
            "",
        ],
    ]
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None  # a block is whole
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid]
    assert sum(widths) <= 9070


def test_agreement_keeps_user_line_breaks():
    doc = document("full", "agreement", "da")
    background = next(
        p for p in doc.paragraphs if p.text.startswith("Foreningen Gårdmusik har")
    )
    assert "\n" in background.text


@pytest.mark.parametrize(
    ("kind", "language", "header", "page"),
    [
        ("agreement", "da", "Musik i Gården\tKF-2026-027", "Side 1 af 1"),
        ("agreement", "en", "Code Clubs for Girls\tDYT-KE-2026-01", "Page 1 of 1"),
        ("understanding", "da", "Forståelsespapir om bevægelse i bibliotekerne\t"
                                "FP-2026-008", "Side 1 af 1"),
        ("understanding", "en", "Memorandum of understanding on green school "
                                "gardens\tMOU-2026-12", "Page 1 of 1"),
    ],
)  # fmt: skip
def test_header_shows_title_and_reference_and_footer_page_x_of_y(
    kind, language, header, page
):
    section = document("full", kind, language).sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == header
    assert all(not p.text for p in section.first_page_header.paragraphs)
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element.xml
        # The field results say 1 until Word or LibreOffice updates them.
        assert footer.paragraphs[0].text == page
        assert xml.count('w:fldCharType="begin"') == 2
        assert " PAGE " in xml and " NUMPAGES " in xml


def test_agreement_core_title_is_plain_text():
    payload = load("full", "agreement", "en")
    payload["title"] = "Stages & Towers"
    doc = open_docx(render("agreement", payload))
    assert doc.core_properties.title == "Stages & Towers"
    assert doc.core_properties.language == "en-GB"


@pytest.mark.parametrize(("kind", "language"), SIX)
def test_page_is_a4_with_arial(kind, language):
    doc = document("full", kind, language)
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert 1100 <= section.top_margin.twips <= 1450
    assert 1300 <= section.left_margin.twips == section.right_margin.twips <= 1450
    run_defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = run_defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Arial"


# ---------------------------------------------------------------- the understanding


@pytest.mark.parametrize(
    ("source", "language", "statement"),
    [
        ("full", "da", "Dette forståelsespapir er ikke juridisk bindende."),
        ("minimal", "da", "Dette forståelsespapir er ikke juridisk bindende."),
        ("full", "en", "This memorandum of understanding is not legally binding."),
        ("shared", "en", "This memorandum of understanding is not legally binding."),
    ],
)
def test_understanding_says_it_is_not_binding(source, language, statement):
    assert statement in all_text(document(source, "understanding", language))


def test_understanding_holds_purpose_vision_areas_values_and_term():
    lines = paragraph_texts(document("full", "understanding", "en"))
    expected = {
        "Purpose": "To explore how the school and the association can build and run "
                   "a school garden together.",
        "Vision": "Every pupil grows, harvests and cooks vegetables at least once a "
                  "year.",
        "Areas of cooperation": "The parties will explore and develop their "
                                "cooperation in these areas:",
        "Shared values": "The cooperation rests on these shared values:",
        "Term": "This memorandum applies from 1 March 2026 until 28 February 2027 "
                "inclusive.",
    }  # fmt: skip
    for heading, text in expected.items():
        assert lines[lines.index(heading) + 1] == text
    areas = lines.index("Areas of cooperation")
    assert lines[areas + 2] == "Designing and building raised beds"
    assert (
        "Renewal: The partners decide in January 2027 whether to sign a cooperation "
        "agreement." in lines
    )


@pytest.mark.parametrize(
    ("language", "statement"),
    [
        ("da", "Underskrifterne forpligter ikke parterne juridisk."),
        ("en", "Signing it creates no legal obligations."),
    ],
)
def test_understanding_signatures_repeat_that_it_does_not_bind(language, statement):
    doc = document("full", "understanding", language)
    lines = paragraph_texts(doc)
    heading = "Underskrifter" if language == "da" else "Signatures"
    assert lines[lines.index(heading) + 1].endswith(statement)
    signatures = rows(doc.tables[-1])
    assert len(signatures[0]) == 2  # one column per party
    payload = load("full", "understanding", language)
    payload["binding"] = True
    assert statement not in all_text(open_docx(render("understanding", payload)))


def test_binding_understanding_says_so():
    payload = copy.deepcopy(load("full", "understanding", "da"))
    payload["binding"] = True
    text = all_text(open_docx(render("understanding", payload)))
    assert "forståelsespapir er juridisk bindende for dem" in text
    assert "ikke juridisk bindende" not in text


def test_understanding_next_steps_name_parties_and_dates():
    cells = table_text(document("shared", "understanding", "en"))
    assert "Pilot reading club in the main library\nCity Library\n1 September 2026" in (
        cells
    )
    assert "Young Readers' Club" in cells
    text = all_text(document("shared", "understanding", "en"))
    assert "This memorandum applies from 1 June 2026 until 31 May 2027 inclusive." in (
        text
    )


# ---------------------------------------------------------------- the letter


def test_letter_reads_like_a_danish_business_letter():
    doc = document("shared", "first_contact", "da")
    lines = [p.text for p in doc.paragraphs]
    assert lines[0] == "Byens Bibliotek"
    assert "Att.: Ida Sørensen, Kunstnerisk leder" in lines
    assert "5.\xa0januar\xa02026" in lines  # a date never breaks
    assert "Kære Ida Sørensen" in lines
    subject = next(p for p in doc.paragraphs if p.text.startswith("Idé til"))
    assert subject.style.font.bold
    text = all_text(doc)
    assert "et første uforpligtende møde på 30 minutter" in text
    assert "mandag den 12. januar 2026 kl. 10.00" in text
    assert "onsdag den 14. januar 2026 kl. 13.30" in text
    assert "Sted: Byens Bibliotek eller online" in text
    assert "Kort præsentation af Byens Bibliotek" in text
    assert lines.index("Med venlig hilsen") < lines.index("Jonas Krogh")
    assert "jonas.krogh@bibliotek.example.dk  ·  +45 23 45 67 89" in text


def test_letter_in_english_uses_english_conventions():
    text = all_text(document("full", "first_contact", "en"))
    assert "Dear Ms Mushi," in text  # the salutation and surname
    assert "9 March 2026" in text
    assert "a first, informal meeting of 45 minutes" in text
    assert "Tuesday 17 March 2026 at 10:00" in text
    assert "We are also happy to meet online if that suits you better." in text
    assert (
        "You can also read more about us at https://recycle.example.org/about and "
        "https://recycle.example.org/projects." in text
    )
    assert "Kind regards," in text


def test_letter_has_letterhead_recipient_date_subject_and_signature():
    doc = document("full", "first_contact", "da")
    styled = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styled[:8] == [
        ("Brevhoved", "Egnsmuseet Bakkely"),
        ("Brevhoved detaljer", "Bakkevej 12, 6950 Ringkøbing  ·  "
                               "https://bakkely.example.dk"),
        ("Modtager", "Fjordens Ungdomsskole & Klub"),
        ("Modtager", "Att.: Morten Skov, Ungdomsskoleleder"),
        ("Modtager", "Fjordvej 8, 6950 Ringkøbing"),
        ("Modtager", "morten.skov@fjordung.example.dk"),
        ("Brevdato", "2.\xa0februar\xa02026"),
        ("Emne", "Forslag om et fælles projekt om egnens historie"),
    ]  # fmt: skip
    assert styled[8] == ("Normal", "Kære Morten Skov")
    assert styled[-4:] == [
        ("Hilsen", "Med venlig hilsen"),
        ("Modtager", "Karin Dam"),
        ("Modtager", "Museumsinspektør, Egnsmuseet Bakkely"),
        ("Modtager", "kd@bakkely.example.dk  ·  +45 97 32 10 10"),
    ]


def test_letter_tells_the_idea_why_this_partner_and_the_offer():
    lines = paragraph_texts(document("full", "first_contact", "da"))
    assert any(line.endswith("laver korte podcasts om livet ved fjorden før og nu.")
               for line in lines)  # fmt: skip
    assert any("forme den sammen med jer" in line for line in lines)
    assert any(line.startswith("Vi henvender os netop til jer") for line in lines)
    offer = lines.index("Vi kan blandt andet bidrage med:")
    assert lines[offer + 1] == "Adgang til museets arkiv og fotosamling"


def test_letter_proposes_meeting_times_as_a_numbered_list():
    doc = document("full", "first_contact", "da")
    times = [p.text for p in doc.paragraphs if p.style.name == "List Number"]
    assert times == [
        "mandag den 16. februar 2026 kl. 14.00",
        "onsdag den 18. februar 2026 kl. 9.30",
        "mandag den 23. februar 2026 kl. 15.00",
    ]
    lines = paragraph_texts(doc)
    assert "Sted: Egnsmuseet Bakkely, Bakkevej 12" in lines
    assert "Mødet kan også holdes online, hvis det passer jer bedre." in lines
    attachments = lines.index("Vedlagt finder I mere om os:")
    assert lines[attachments + 1] == "Kort præsentation af museet"


def test_minimal_letter_greets_the_organisation_and_is_dated_today():
    text = all_text(document("minimal", "first_contact", "da"))
    assert "Kære Nørre Skole" in text
    assert "5. januar 2026" in text
    assert "møde på 30 minutter" in text
    assert "Att.:" not in text


def test_letter_has_no_running_header_or_page_numbers():
    section = document("full", "first_contact", "da").sections[0]
    for part in (section.header, section.footer):
        assert all(not p.text for p in part.paragraphs)


# ---------------------------------------------------------------- form


@pytest.mark.parametrize(("kind", "language"), SIX)
def test_documents_use_real_word_styles(kind, language):
    doc = document("full", kind, language)
    used = {p.style.name for p in doc.paragraphs}
    expected = {"List Bullet"}
    if kind == "first_contact":
        expected |= {"List Number"}
    else:
        expected |= {"Title", "Heading 1", "Heading 2"}
    assert expected <= used
    for table in doc.tables:
        assert table._tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) == (
            "PartnerTable"
        )


@pytest.mark.parametrize(("kind", "language"), SIX)
def test_documents_have_no_text_boxes_or_empty_paragraphs(kind, language):
    content = rendered("full", kind, language)
    document_xml = xml_parts(content)["word/document.xml"]
    for marker in ("txbxContent", "<v:textbox", "<wps:txbx", "<w:framePr"):
        assert marker not in document_xml
    paragraphs = document("full", kind, language).paragraphs
    # Only the tiny paragraph Word needs after a final table may be empty.
    assert [p for p in paragraphs[:-1] if not p.text.strip()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_agreement_amounts_are_right_aligned_in_every_table(language):
    doc = document("full", "agreement", language)
    amount = re.compile(r"(^DKK [\d,]+\.\d\d$)|(^[\d.]+,\d\d kr\.$)")
    found = 0
    for table in doc.tables:
        for paragraph in table_paragraphs(table):
            if amount.match(paragraph.text.replace("\xa0", " ")):
                found += 1
                assert paragraph.style.paragraph_format.alignment == (
                    WD_ALIGN_PARAGRAPH.RIGHT
                )
    assert found >= 20


# ---------------------------------------------------------------- the templates


def test_templates_match_the_build_script(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "build_templates", PROJECT_ROOT / "scripts" / "build_templates.py"
    )
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, build)  # dataclasses look it up
    spec.loader.exec_module(build)
    for kind, language in SIX:
        target = tmp_path / f"{kind}.{language}.docx"
        build.BUILDERS[kind](language).save(target)
        committed = TEMPLATES_DIR / f"{kind}.{language}.docx"
        assert target.read_bytes() == committed.read_bytes(), (
            f"{committed.name} is stale: run scripts/build_templates.py"
        )


@pytest.mark.parametrize(("kind", "language"), SIX)
def test_docs_show_a_small_preview_of_each_document(kind, language):
    name = f"{kind}.{language}.png"
    preview = PROJECT_ROOT / "docs" / "previews" / name
    header = preview.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(header[16:20], "big")
    assert 600 <= width <= 850  # A4 at 75-100 dpi
    assert preview.stat().st_size < 80_000, "run scripts/previews.sh (pngquant)"
    guide = (PROJECT_ROOT / "docs" / "documents.md").read_text(encoding="utf-8")
    assert f"](previews/{name})" in guide


@pytest.mark.parametrize("kind", ["agreement", "understanding"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_docs_show_the_page_each_document_is_signed_on(kind, language):
    name = f"{kind}.{language}.signatures.png"
    preview = PROJECT_ROOT / "docs" / "previews" / name
    assert preview.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert preview.stat().st_size < 80_000, "run scripts/previews.sh (pngquant)"
    guide = (PROJECT_ROOT / "docs" / "documents.md").read_text(encoding="utf-8")
    assert f"](previews/{name})" in guide
