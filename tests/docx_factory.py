"""Build small .docx templates in tests, and read rendered documents back.

python-docx writes the body, tables, headers, footers and core properties; it
cannot create footnotes, so :func:`build_docx` writes ``word/footnotes.xml`` by
hand and relates it to the document. :func:`read_docx` opens a document with
python-docx and returns everything a template can change, for comparisons.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.shared import Emu
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class Runs:
    """A paragraph written as several runs (Word often splits a tag like this)."""

    parts: tuple[str, ...]

    def __init__(self, *parts: str) -> None:
        object.__setattr__(self, "parts", parts)


@dataclass(frozen=True)
class Table:
    """A table of cell texts; ``merges`` joins cells ((row, col), (row, col))."""

    rows: Sequence[Sequence[str]]
    merges: Sequence[tuple[tuple[int, int], tuple[int, int]]] = ()


@dataclass(frozen=True)
class Image:
    """A paragraph holding a tiny picture (to test drawing ids in loops)."""

    text: str = ""


@dataclass(frozen=True)
class PageBreak:
    """A page break between blocks."""


Block = str | Runs | Table | Image | PageBreak


def tiny_png() -> bytes:
    """A valid 1×1 white PNG, made without any image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        crc = zlib.crc32(body) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def _add_block(document: Document, block: Block) -> None:
    if isinstance(block, str):
        document.add_paragraph(block)
    elif isinstance(block, Runs):
        paragraph = document.add_paragraph()
        for index, text in enumerate(block.parts):
            run = paragraph.add_run(text)
            run.bold = index % 2 == 1  # different formatting keeps runs apart
    elif isinstance(block, Table):
        _add_table(document, block)
    elif isinstance(block, Image):
        paragraph = document.add_paragraph(block.text)
        paragraph.add_run().add_picture(io.BytesIO(tiny_png()), width=Emu(91440))
    elif isinstance(block, PageBreak):
        document.add_page_break()
    else:  # pragma: no cover - guarded by the type
        raise TypeError(f"unknown block {block!r}")


def _add_table(document: Document, spec: Table) -> None:
    columns = max(len(row) for row in spec.rows)
    table = document.add_table(rows=len(spec.rows), cols=columns)
    table.style = "Table Grid"
    for (top, left), (bottom, right) in spec.merges:
        table.cell(top, left).merge(table.cell(bottom, right))
    for row_index, row in enumerate(spec.rows):
        for col_index, text in enumerate(row):
            if text:
                table.cell(row_index, col_index).paragraphs[0].text = text


def _footnotes_xml(texts: Sequence[str]) -> bytes:
    notes = [
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r>'
        "</w:p></w:footnote>",
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r>'
        "<w:continuationSeparator/></w:r></w:p></w:footnote>",
    ]
    for number, text in enumerate(texts, start=1):
        notes.append(
            f'<w:footnote w:id="{number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/>'
            '</w:pPr><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            '<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
            f"{escape(text)}</w:t></w:r></w:p></w:footnote>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<w:footnotes xmlns:w="{W_NS}">{"".join(notes)}</w:footnotes>'
    ).encode()


def _add_footnotes(document: Document, texts: Sequence[str]) -> None:
    part = Part(
        PackURI("/word/footnotes.xml"),
        CT.WML_FOOTNOTES,
        _footnotes_xml(texts),
        document.part.package,
    )
    document.part.relate_to(part, RT.FOOTNOTES)
    paragraph = document.add_paragraph("Noter:")
    for number in range(1, len(texts) + 1):
        run = paragraph.add_run()._r
        reference = etree.SubElement(run, qn("w:footnoteReference"))
        reference.set(qn("w:id"), str(number))


def build_docx(
    blocks: Iterable[Block] = (),
    *,
    header: Sequence[Block] = (),
    footer: Sequence[Block] = (),
    footnotes: Sequence[str] = (),
    properties: Mapping[str, str] | None = None,
) -> bytes:
    """Write a .docx with these body blocks, header, footer, footnotes, properties."""
    document = docx.Document()
    for block in blocks:
        _add_block(document, block)
    section = document.sections[0]
    for target, lines in ((section.header, header), (section.footer, footer)):
        for index, line in enumerate(lines):
            if index == 0 and isinstance(line, str):
                target.paragraphs[0].text = line
            elif isinstance(line, str):
                target.add_paragraph(line)
            elif isinstance(line, Table):
                table = target.add_table(len(line.rows), len(line.rows[0]), Emu(5e6))
                for r, row in enumerate(line.rows):
                    for c, text in enumerate(row):
                        table.cell(r, c).text = text
            else:
                raise TypeError(f"headers take text or tables, not {line!r}")
    if footnotes:
        _add_footnotes(document, footnotes)
    for name, value in (properties or {}).items():
        setattr(document.core_properties, name, value)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


# -- reading documents back ---------------------------------------------------

CORE_PROPERTIES = (
    "author", "category", "comments", "content_status", "identifier", "keywords",
    "language", "last_modified_by", "subject", "title", "version",
)  # fmt: skip


def _cell_signature(cell: etree._Element) -> tuple[str, str, str]:
    span = cell.find(f"{{{W_NS}}}tcPr/{{{W_NS}}}gridSpan")
    merge = cell.find(f"{{{W_NS}}}tcPr/{{{W_NS}}}vMerge")
    texts = ["".join(t.itertext()) for t in cell.iter(f"{{{W_NS}}}p")]
    return (
        span.get(f"{{{W_NS}}}val", "") if span is not None else "",
        (merge.get(f"{{{W_NS}}}val", "continue") if merge is not None else ""),
        "\n".join(texts),
    )


def table_structure(table: DocxTable) -> dict[str, Any]:
    """Rows of (gridSpan, vMerge, text) per cell, and the number of grid columns."""
    element = table._tbl
    grid = element.find(f"{{{W_NS}}}tblGrid")
    return {
        "grid_columns": 0 if grid is None else len(grid),
        "rows": [
            [_cell_signature(tc) for tc in tr.findall(f"{{{W_NS}}}tc")]
            for tr in element.findall(f"{{{W_NS}}}tr")
        ],
    }


def _blocks_text(container: Any) -> list[Any]:
    items: list[Any] = []
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            items.append(item.text)
        else:
            items.append(
                {
                    "cells": [[cell.text for cell in row.cells] for row in item.rows],
                    "structure": table_structure(item),
                }
            )
    return items


def footnote_texts(document: Document) -> list[str]:
    """The text of each footnote, separators left out."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            root = etree.fromstring(rel.target_part.blob)
            return [
                "".join(note.itertext())
                for note in root.findall(f"{{{W_NS}}}footnote")
                if note.get(f"{{{W_NS}}}type") is None
            ]
    return []


def read_docx(data: bytes) -> dict[str, Any]:
    """Everything a template can change, read with python-docx, for comparing."""
    document = docx.Document(io.BytesIO(data))
    sections = []
    for section in document.sections:
        sections.append(
            {
                "header": _blocks_text(section.header),
                "footer": _blocks_text(section.footer),
            }
        )
    core = document.core_properties
    return {
        "body": _blocks_text(document),
        "sections": sections,
        "footnotes": footnote_texts(document),
        "properties": {name: getattr(core, name) for name in CORE_PROPERTIES},
        "drawing_ids": [
            element.get("id")
            for element in document.element.body.iter(
                "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
            )
        ],
    }


def body_text(data: bytes) -> str:
    """All paragraph text of a document (tables included), one line a paragraph."""
    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


# -- a realistic agreement ----------------------------------------------------


@dataclass
class _Agreement:
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


def agreement_template(*, marker: str = "") -> bytes:
    """A five-page partnership agreement with about 80 tags, like the built-in one.

    It reads the fields of agreement_templates/examples/agreement.*.json; ``marker``
    adds a distinct paragraph (for making many distinct templates).
    """
    doc = _Agreement()
    doc.add(
        "Partnerskabsaftale: {{ title }}",
        "Reference: {{ reference }} · Type: {{ partnership_type|label }}",
    )
    if marker:
        doc.add(marker)
    doc.add(
        "1. Parterne",
        "{%p for party in parties %}",
        "{{ loop.index }}. {{ party.name }} ({{ party.sector|label }})",
        "Adresse: {{ party.address }}, {{ party.country }}",
        "{%p if party.registration_number %}",
        "CVR-nummer: {{ party.registration_number }}",
        "{%p endif %}",
        "{%p if party.website %}",
        "Hjemmeside: {{ party.website }}",
        "{%p endif %}",
        "Repræsentant: {{ party.representative.name }}, "
        "{{ party.representative.title }} ({{ party.representative.email }})",
        "{%p if party.contact_person %}",
        "Kontaktperson: {{ party.contact_person.name }}, "
        "{{ party.contact_person.email }}",
        "{%p endif %}",
        "Bidrag:",
        "{%p for item in party.contributions %}",
        "• {{ item }}",
        "{%p endfor %}",
        "Forventninger: {{ party.expectations }}",
        "{%p endfor %}",
        "2. Baggrund",
        "{{ background }}",
        "3. Vision og mission",
        "Vision: {{ vision }}",
        "Mission: {{ mission }}",
        "Bundlinjer: {{ bottom_lines|map('label')|join_and }}",
        PageBreak(),
        "4. Mål",
        Table(
            [
                ["Mål", "Indikator", "Frist"],
                ["{%tr for goal in impact_goals %}", "", ""],
                [
                    "{{ goal.description }}",
                    "{{ goal.indicator }}",
                    "{{ goal.deadline|date }}",
                ],
                ["{%tr endfor %}", "", ""],
            ]
        ),
        "Relationsmål:",
        "{%p for goal in relationship_goals %}",
        "• {{ goal.description }} — {{ goal.indicator }} "
        "(senest {{ goal.deadline|date }})",
        "{%p endfor %}",
        "5. Aktiviteter",
        Table(
            [
                ["Aktivitet", "Ansvarlig", "Periode"],
                ["{%tr for activity in activities %}", "", ""],
                [
                    "{{ activity.title }}: {{ activity.description }}",
                    "{{ activity.responsible|party_names|join_and }}",
                    "{{ activity.start|date }} – {{ activity.end|date }}",
                ],
                ["{%tr endfor %}", "", ""],
            ]
        ),
        "6. Roller og ansvar",
        "{%p for role in roles %}",
        "{{ role.party|party_name }}: {{ role.title }}",
        "{%p for task in role.responsibilities %}",
        "– {{ task }}",
        "{%p endfor %}",
        "{%p endfor %}",
        PageBreak(),
        "7. Organisering",
        "Struktur: {{ governance.structure }}",
        "Møder: {{ governance.meeting_frequency }}",
        "Beslutninger: {{ governance.decision_making }}",
        "Referat: {{ governance.minutes }}",
        "8. Varighed",
        "Aftalen gælder fra {{ term.start_date|date }} til {{ term.end_date|date }}.",
        "{{ term.renewal }}",
        "Milepæle:",
        "{%p for milestone in milestones %}",
        "{{ milestone.date|date }}: {{ milestone.description }}",
        "{%p endfor %}",
        "9. Budget",
        Table(
            [
                ["Post", "Part", "Beløb"],
                ["{%tr for line in budget.lines %}", "", ""],
                [
                    "{{ line.description }}"
                    "{% if line.in_kind %} (naturalier){% endif %}",
                    "{{ line.party|party_name }}",
                    "{{ line.amount|money }}",
                ],
                ["{%tr endfor %}", "", ""],
                ["I alt", "", "{{ budget.totals.total|money }}"],
            ]
        ),
        "{%p for funding in budget.external_funding %}",
        "Ekstern finansiering: {{ funding.source }}, {{ funding.amount|money }} "
        "({{ funding.responsible|party_name }})",
        "{%p endfor %}",
        PageBreak(),
        "10. Opfølgning",
        "{{ follow_up.frequency }}: {{ follow_up.methods|join_and }}",
        "{{ follow_up.evaluation }}",
        "11. Udfasning",
        "{%p if phase_out %}",
        "{{ phase_out.horizon }}",
        "{{ phase_out.plan }}",
        "{%p for step in phase_out.steps %}",
        "{{ step.date|date }}: {{ step.description }}",
        "{%p endfor %}",
        "Varsel: {{ phase_out.notice_months|months }}",
        "{%p endif %}",
        "12. Kapacitetsopbygning",
        "{%p for item in capacity_building %}",
        "{{ item.beneficiary|party_name }}: {{ item.area }} — {{ item.measures }}",
        "{%p endfor %}",
        "13. Værdier",
        "{%p for value in values %}",
        "• {{ value }}",
        "{%p endfor %}",
        "14. Kommunikation",
        "{{ communication }}",
        "15. Ophør",
        "Varsel: {{ termination.notice_period }}. {{ termination.conditions }}",
        "16. Uenigheder",
        "{{ disputes }}",
        PageBreak(),
        "Underskrifter",
        "{{ signing.place }}, {{ signing.date|date }}",
        Table(
            [
                ["{%tr for party in parties %}", ""],
                ["{{ party.name }}", "{{ party.representative.name }}"],
                ["{%tr endfor %}", ""],
            ]
        ),
    )
    # pad the text to about five pages, as a real agreement's prose would
    prose = (
        "Parterne forpligter sig til at samarbejde loyalt og åbent om aftalens "
        "formål og til at informere hinanden om forhold af betydning for det "
        "fælles arbejde. "
    )
    for chapter in range(12):
        doc.add(f"Bemærkning {chapter + 1}. " + prose * 3)
    return build_docx(
        doc.blocks,
        header=["{{ title }} — {{ reference }}"],
        footer=[
            "Partnerskabsaftale mellem {{ parties|map(attribute='name')|join_and }}"
        ],
        properties={"title": "{{ title }}", "subject": "Partnerskabsaftale"},
    )
