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
        "Uenigheder og opsigelse", "Underskrifter",
    ],
    ("agreement", "en"): [
        "Parties", "Background", "Vision and mission", "Bottom lines", "Goals",
        "Impact goals", "Relationship goals", "Activities and timeline", "Milestones",
        "Roles and responsibilities", "Governance and decision-making", "Budget",
        "Contributions by party", "External funding", "Follow-up and evaluation",
        "Shared values", "Communication", "Capacity building", "Phase-out",
        "Term and renewal", "Disputes and termination", "Signatures",
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
#: Headings the minimal examples keep: the sections with required data or fixed text.
MINIMAL_HEADINGS = {
    ("agreement", "da"): ["Parter", "Vision og mission", "Mål", "Effektmål",
                          "Roller og ansvar", "Uenigheder og opsigelse",
                          "Underskrifter"],
    ("agreement", "en"): ["Parties", "Vision and mission", "Goals", "Impact goals",
                          "Roles and responsibilities", "Disputes and termination",
                          "Signatures"],
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


def test_agreement_names_parties_in_tables():
    doc = document("shared", "agreement", "da")
    cells = table_text(doc)
    assert "Teater Vest & Co." in cells.splitlines()
    assert "Teater Vest & Co. og Byens Bibliotek" in cells
    assert "For Teater Vest & Co." in cells
    assert "Byens Bibliotek, Messecenter Vest A/S og Teater Vest & Co." in cells


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
                "169.500,50 kr.", "145.000,00 kr."]),
        ("en", ["DKK 85,000.50", "DKK 105,000.00", "DKK 123,000.50",
                "DKK 228,000.50", "DKK 280,000.00"]),
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
    assert "Nordic Byte A/S and Youth & Tech Denmark" in cells
    assert "1 March 2026 –\n31 December 2028" in cells or (
        "1 March 2026 –" in cells and "30 September 2028" in cells
    )
    assert "From 1 May 2026" in cells


def test_agreement_explains_dependency_phase_out_and_capacity_building():
    text = all_text(document("full", "agreement", "da"))
    assert "Foreningen Gårdmusik er i høj grad afhængig af partnerskabet." in text
    assert "Det gælder især Foreningen Gårdmusik" in text
    assert "mindst 6 måneder i forvejen" in text
    assert "Fondsansøgninger og budget" in text
    assert "15. januar 2027" in text


def test_agreement_makes_termination_the_last_resort():
    for source in ("full", "minimal"):
        text = all_text(document(source, "agreement", "da"))
        assert "Opsigelse er sidste udvej." in text
        assert "fælles fodslag" in text
    text = all_text(document("full", "agreement", "en"))
    assert "Termination is the last resort." in text
    assert "with a notice period of 12 months." in text


def test_agreement_signature_block_has_a_column_per_party_on_one_page():
    doc = document("full", "agreement", "da")
    table = doc.tables[-1]
    assert len(table.columns) == 3
    names = ["Skovby Kommune, Kultur og Fritid", "Lund & Søn ApS",
             "Foreningen Gårdmusik"]  # fmt: skip
    assert [cell.text for cell in table.rows[0].cells] == [f"For {n}" for n in names]
    assert "Sted og dato: Silkeborg, 20. januar 2026" in table.rows[1].cells[0].text
    assert "Hanne Vestergaard\nKulturchef" in table.rows[2].cells[0].text
    for row in table.rows[:-1]:
        for cell in row.cells:
            assert all(p.paragraph_format.keep_with_next for p in cell.paragraphs)
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid]
    assert sum(widths) <= 9070


def test_agreement_keeps_user_line_breaks():
    doc = document("full", "agreement", "da")
    background = next(
        p for p in doc.paragraphs if p.text.startswith("Foreningen Gårdmusik har")
    )
    assert "\n" in background.text


def test_agreement_header_and_footer():
    content = rendered("full", "agreement", "da")
    section = open_docx(content).sections[0]
    assert section.header.paragraphs[0].text == ("Musik i Gården\tKF-2026-027")
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element.xml
        assert footer.paragraphs[0].text.startswith("Side ")
        assert " PAGE " in xml and " NUMPAGES " in xml
        assert 'w:fldCharType="begin"' in xml


def test_agreement_core_title_is_plain_text():
    payload = load("full", "agreement", "en")
    payload["title"] = "Stages & Towers"
    doc = open_docx(render("agreement", payload))
    assert doc.core_properties.title == "Stages & Towers"
    assert doc.core_properties.language == "en-GB"


def test_page_is_a4_with_arial():
    doc = document("full", "agreement", "en")
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert 1300 <= section.left_margin.twips <= 1450
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
    assert "5. januar 2026" in lines
    assert "Kære Ida Sørensen" in lines
    subject = next(p for p in doc.paragraphs if p.text.startswith("Idé til"))
    assert subject.style.font.bold
    text = all_text(doc)
    assert "et første, uforpligtende møde på 30 minutter" in text
    assert "mandag den 12. januar 2026 kl. 10.00" in text
    assert "onsdag den 14. januar 2026 kl. 13.30" in text
    assert "Sted: Byens Bibliotek eller online" in text
    assert "Kort præsentation af Byens Bibliotek" in text
    assert lines.index("Med venlig hilsen") < lines.index("Jonas Krogh")
    assert "jonas.krogh@bibliotek.example.dk  ·  +45 23 45 67 89" in text


def test_letter_in_english_uses_english_conventions():
    text = all_text(document("full", "first_contact", "en"))
    assert "Dear Grace Mushi," in text
    assert "9 March 2026" in text
    assert "a first, informal meeting of 45 minutes" in text
    assert "Tuesday 17 March 2026 at 10:00" in text
    assert "We are also happy to meet online if that suits you better." in text
    assert (
        "You can also read more about us at https://recycle.example.org/about and "
        "https://recycle.example.org/projects." in text
    )
    assert "Kind regards," in text


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
