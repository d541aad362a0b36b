"""Any valid body gives documents a user can send: checked on LibreOffice's PDF.

Hypothesis draws bodies from the JSON Schema (``tests/document_bodies.py``):
2–8 parties with long names, names with commas or ending in a full stop, every
optional field present or absent. Each body is rendered with its built-in
template; a batch is converted to PDF in one LibreOffice call
(``scripts/review.py``) and read back with ``pdftotext``. The rules:

* no heading without body, and none left alone at the foot of a page;
* no sentence announcing a section or column the document does not have;
* no table column that no row fills (read from the .docx, where columns are
  columns);
* no "..";
* every signer's block whole on one page, and the signature heading not alone;
* no date broken over two lines.

Bounded: three batches of five documents, so three LibreOffice runs.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from docx.table import Table
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from service.rendering.filters import _formatted_date
from tests.conftest import PROJECT_ROOT, open_docx
from tests.document_bodies import bodies
from tests.test_builtin_templates import render

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        shutil.which("soffice") is None or shutil.which("pdftotext") is None,
        reason="needs LibreOffice (soffice) and poppler (pdftotext)",
    ),
]

BATCH = ("agreement", "agreement", "understanding", "understanding", "first_contact")
FOOTER = re.compile(r"^(Side|Page) \d+ (af|of) \d+$")
#: A heading's number (Word numbers headings; pdftotext may print the number on
#: a line of its own, and not always next to its heading).
NUMBER = re.compile(r"^\d+\.(\d+\.)?\s*")
SIGNATURES = {"da": "Underskrifter", "en": "Signatures"}
PLACE_AND_DATE = {"da": "Sted og dato", "en": "Place and date"}
#: A sentence the template writes (pattern), and what must then be in the text.
ANNOUNCED = {
    "da": (
        (r"Hvert mål har en indikator", r"\bIndikator\b"),
        (r"og en frist|Hvert mål har en frist", r"\bFrist\b"),
        (
            r"fælles værdier som udgangspunkt|og de fælles værdier",
            r"Fælles værdier",
        ),
        (r"hvad hver part bidrager med", r"\bBidrag\b|\d\. Budget"),
        (r"hvad parterne forventer", r"\bForventninger\b"),
        (r"hvem der gør hvad", r"Roller og ansvar"),
        (r"hvordan samarbejdet ledes", r"Organisering og beslutninger"),
        (r"hvordan der følges op", r"Opfølgning og evaluering"),
        (r"når sin mission", r"\bMission\b"),
        (r"Disse bilag er en del", r"Bilag 1:"),
        (r"medmindre planen for udfasning", r"Plan for udfasning:"),
    ),
    "en": (
        (r"Each goal has an indicator", r"\bIndicator\b"),
        (r"and a deadline|Each goal has a deadline", r"\bDeadline\b"),
        (r"taking the shared values|and the shared values", r"Shared values"),
        (r"what each party contributes", r"\bContributions\b|\d\. Budget"),
        (r"what the parties expect", r"\bExpectations\b"),
        (r"who does what", r"Roles and responsibilities"),
        (r"how the cooperation is run", r"Governance and decision-making"),
        (r"how progress is reviewed", r"Follow-up and evaluation"),
        (r"achieves its mission", r"\bMission\b"),
        (r"These annexes form part", r"Annex 1:"),
        (r"unless the phase-out plan", r"Phase-out plan:"),
    ),
}


def _review() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "review", PROJECT_ROOT / "scripts" / "review.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("review", module)
    spec.loader.exec_module(module)
    return module


REVIEW = _review()


def pages(pdf: Path) -> list[list[str]]:
    """The lines of each page, no-break spaces as spaces, footers and running
    headers (the first line from page 2 on) left out."""
    result = []
    for number, page in enumerate(REVIEW.page_text(pdf).split("\f")):
        lines = [line.replace("\xa0", " ").strip() for line in page.splitlines()]
        lines = [line for line in lines if line and not FOOTER.match(line)]
        if number and lines:
            lines = lines[1:]
        lines = [NUMBER.sub("", line) for line in lines]
        lines = [line for line in lines if line]
        if lines:
            result.append(lines)
    return result


def _dates(value: Any) -> Iterator[dt.date]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dates(item)
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        yield dt.date.fromisoformat(value)


def empty_columns(content: bytes) -> list[str]:
    """Headers of data-table columns that no body row fills."""
    found = []
    for table in open_docx(content).tables:
        header = table.rows[0]
        if (
            header._tr.trPr is None
            or header._tr.trPr.find(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader"
            )
            is None
        ):
            continue
        width = len(header.cells)
        body = [row for row in table.rows[1:] if len(set(row.cells)) == width]
        for index, cell in enumerate(header.cells):
            if body and not any(row.cells[index].text.strip() for row in body):
                found.append(cell.text)
    return found


def problems(kind: str, body: dict[str, Any], content: bytes, pdf: Path) -> list[str]:
    """Every rule the laid-out document breaks."""
    language = body["language"]
    laid_out = pages(pdf)
    lines = [line for page in laid_out for line in page]
    text = " ".join(lines)
    found = [f"empty column {header!r}" for header in empty_columns(content)]
    if ".." in text:
        found.append("'..' in the text")
    if kind != "first_contact":
        found += _heading_problems(content, laid_out)
        for pattern, needed in ANNOUNCED[language]:
            if re.search(pattern, text) and not re.search(needed, text):
                found.append(f"{pattern!r} announced, {needed!r} absent")
        found += _signature_problems(language, laid_out, len(body["parties"]))
    joined = "\n".join(lines)
    for day in set(_dates(body)):
        written = _formatted_date(day, language)
        split = re.escape(written).replace(r"\ ", r"\s")
        if len(re.findall(split, joined)) != joined.count(written):
            found.append(f"date {written!r} broken over two lines")
    return found


def _blocks(content: bytes) -> list[tuple[int, str]]:
    """The body in order: (heading level or 0, text), a table as its cells."""
    doc = open_docx(content)
    found = []
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[1]
        if tag == "p":
            paragraph = Paragraph(element, doc)
            style = paragraph.style.name if paragraph.style is not None else ""
            level = int(style[-1]) if style in ("Heading 1", "Heading 2") else 0
            if paragraph.text.strip():
                found.append((level, paragraph.text))
        elif tag == "tbl":
            cells = [c for row in Table(element, doc).rows for c in row.cells]
            found += [(0, c.text) for c in dict.fromkeys(cells) if c.text.strip()]
    return found


def _normal(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _heading_problems(content: bytes, laid_out: list[list[str]]) -> list[str]:
    """A heading must have body before the next heading of its level or above,
    and that body must start on the heading's page."""
    blocks = _blocks(content)
    texts = [_normal(" ".join(page)) for page in laid_out]
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 1
    whole = " ".join(texts)

    def page_at(position: int) -> int:
        return max(i for i, start in enumerate(starts) if start <= position)

    found, cursor = [], 0
    for index, (level, text) in enumerate(blocks):
        where = whole.find(_normal(text), cursor)
        if not level:
            # Body text moves the cursor on, so a heading is looked for after
            # what precedes it; short texts ("Total") would jump too far.
            if where >= 0 and len(text) >= 12:
                cursor = where
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following is None or 0 < following[0] <= level:
            found.append(f"heading {text!r} without body")
            continue
        if where < 0:
            continue  # laid out in an order pdftotext does not keep
        cursor = where
        body = _normal(following[1])[:40]
        after = whole.find(body, where + len(_normal(text)))
        if after >= 0 and page_at(after) != page_at(where):
            found.append(f"heading {text!r} alone at the foot of a page")
    return found


def _signature_problems(
    language: str, laid_out: list[list[str]], parties: int
) -> list[str]:
    heading = re.compile(rf"^{SIGNATURES[language]}$")
    start = max(
        (p for p, page in enumerate(laid_out) if any(heading.match(x) for x in page)),
        default=None,
    )
    if start is None:
        return ["no signature heading"]
    found = []
    signers_seen = 0
    for number, page in enumerate(laid_out[start:]):
        if number == 0:
            page = page[next(i for i, x in enumerate(page) if heading.match(x)) :]
        signers = sum(line.startswith("For ") for line in page)
        labels = sum(line == PLACE_AND_DATE[language] for line in page)
        if signers != labels:
            found.append(f"a signer's block split over pages ({signers} ≠ {labels})")
        if number == 0 and not signers:
            found.append("the signature heading is alone on its page")
        signers_seen += signers
    if signers_seen != parties:
        found.append(f"{signers_seen} signer blocks for {parties} parties")
    return found


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    phases=(Phase.explicit, Phase.generate),  # shrinking would re-run LibreOffice
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(batch=st.tuples(*(bodies(kind) for kind in BATCH)))
def test_generated_documents_hold_on_paper(
    batch: tuple[dict[str, Any], ...], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    documents = []
    for index, (kind, body) in enumerate(zip(BATCH, batch, strict=True)):
        path = folder / f"{index}-{kind}.docx"
        content = render(kind, body)
        path.write_bytes(content)
        documents.append((kind, body, content, path))
    pdfs = REVIEW.to_pdf([path for *_, path in documents], folder / "pdf")
    report = {
        f"{kind} #{index} ({len(body.get('parties', []))} parties)": found
        for index, ((kind, body, content, _), pdf) in enumerate(
            zip(documents, pdfs, strict=True)
        )
        if (found := problems(kind, body, content, pdf))
    }
    assert report == {}
