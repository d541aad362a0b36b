"""Reading the parts: each part docxtpl renders, stamped and made into Jinja.

Every paragraph and table cell is numbered before docxtpl's ``patch_xml`` runs,
so each line of a part's Jinja source maps back to the paragraph (and cell) the
author sees.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from service.rendering.errors import TemplateError, TemplateProblem
from service.rendering.fixups import DOCXTPL
from service.rendering.inspection.bounds import check_tag_bounds
from service.rendering.package import Package, parse_part

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
P, _T, TBL, _TR, TC = (_W + name for name in ("p", "t", "tbl", "tr", "tc"))
_W_BODY = _W + "body"
_P_STAMP = "inspect-p"  # paragraph number, set on every w:p before patching
TC_STAMP = "inspect-tc"  # "table.row.cell", set on every w:tc

_STAMP_AT_START = re.compile(r'<w:p [^>]*?inspect-p="(\d+)"')
_LINE_BREAKS = re.compile(r"(?=<w:p[ >]|\{[{%#])")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the original part, as the author sees it."""

    number: int
    text: str
    table: int | None = None
    row: int | None = None
    cell: int | None = None

    @property
    def where(self) -> str | None:
        """Where a paragraph in a table is: "table 2, row 3, cell 1"."""
        if self.table is None:
            return None
        return f"table {self.table}, row {self.row}, cell {self.cell}"


@dataclass
class Source:
    """The Jinja source of one part (or one document property) and its map."""

    part: str
    text: str
    paragraphs: dict[int, Paragraph] = field(default_factory=dict)
    lines: list[int | None] = field(default_factory=list)
    inside: list[bool] = field(default_factory=list)  # line starts in a paragraph
    label: str | None = None  # "document property 'title'"
    word_xml: bool = True

    @functools.cached_property
    def line_texts(self) -> list[str]:
        """The source's lines (Jinja's line ``n`` is ``line_texts[n - 1]``)."""
        return self.text.split("\n")


def sources(source: bytes) -> Iterator[Source]:
    """The parts docxtpl renders, made into Jinja as docxtpl makes them."""
    package = Package(source)
    for candidate in package.candidates():
        data = package.read(candidate.name)
        check_tag_bounds(candidate.name, data.decode("utf-8", "replace"))
        try:
            root = parse_part(data)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                "The file is not a Word document (.docx).",
                [
                    TemplateProblem(
                        message="The part is not valid XML.", part=candidate.name
                    )
                ],
            ) from exc
        if candidate.kind == "properties":
            yield from _property_sources(candidate.name, root)
            continue
        element = root.find(_W_BODY) if candidate.kind == "body" else root
        if element is None:
            continue
        yield _xml_source(candidate.name, element)


def _xml_source(name: str, element: etree._Element) -> Source:
    paragraphs = _stamp(element)
    patched = DOCXTPL.patch_xml(etree.tostring(element, encoding="unicode"))
    # A line for every paragraph and every tag: Jinja's line numbers then name
    # the tag, and the stamps name its paragraph.
    text = _LINE_BREAKS.sub("\n", patched)
    lines, inside = _line_paragraphs(text)
    return Source(name, text, paragraphs, lines, inside)


def _property_sources(name: str, root: etree._Element) -> Iterator[Source]:
    for element in root:
        if not isinstance(element.tag, str) or "{" not in (element.text or ""):
            continue
        text = _LINE_BREAKS.sub("\n", element.text or "")
        label = f"document property '{etree.QName(element).localname}'"
        paragraph = Paragraph(0, " ".join((element.text or "").split()))
        lines: list[int | None] = [0] * (text.count("\n") + 1)
        yield Source(
            name, text, {0: paragraph}, lines, [False] * len(lines), label, False
        )


def _stamp(element: etree._Element) -> dict[int, Paragraph]:
    """Number every paragraph (and cell) in document order; read their text."""
    paragraphs: dict[int, Paragraph] = {}
    texts: dict[int, list[str]] = {}
    where: dict[int, tuple[int, int, int]] = {}
    tables = 0
    count = 0

    def walk(node: etree._Element, cell: list[int] | None, paragraph: int) -> None:
        nonlocal tables, count
        for child in node:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == TBL:
                tables += 1
                walk(child, [tables, 0, 0], paragraph)
            elif tag == _TR and cell is not None:
                cell[1] += 1
                cell[2] = 0
                walk(child, cell, paragraph)
            elif tag == TC and cell is not None:
                cell[2] += 1
                child.set(TC_STAMP, f"{cell[0]}.{cell[1]}.{cell[2]}")
                walk(child, cell, paragraph)
            elif tag == P:
                count += 1
                child.set(_P_STAMP, str(count))
                texts[count] = []
                if cell is not None and cell[2]:
                    where[count] = (cell[0], cell[1], cell[2])
                walk(child, cell, count)
            elif tag == _T:
                if paragraph:
                    texts[paragraph].append(child.text or "")
            else:
                walk(child, cell, paragraph)

    walk(element, None, 0)
    for number, parts in texts.items():
        table, row, column = where.get(number, (None, None, None))
        paragraphs[number] = Paragraph(number, "".join(parts), table, row, column)
    return paragraphs


def _line_paragraphs(text: str) -> tuple[list[int | None], list[bool]]:
    """The paragraph each line of a part's Jinja source belongs to, and whether
    the line starts inside that paragraph.

    A line starts at a paragraph (its stamp names it) or at a tag. A tag inside
    an open paragraph belongs to it; a tag outside every paragraph replaced the
    paragraph, row or cell that held it (``{%p``, ``{%tr``, ``{%tc``), so it
    belongs to the paragraphs missing between the stamps around it.
    """
    result: list[int | None] = []
    inside: list[bool] = []
    open_paragraphs: list[int] = []
    last = 0
    gap: list[int] = []  # lines of tags outside paragraphs since ``last``
    for index, line in enumerate(text.split("\n")):
        stamp = _STAMP_AT_START.match(line)
        paragraph: int | None
        if stamp:
            number = int(stamp.group(1))
            _close_gap(result, gap, last, number)
            open_paragraphs.append(number)
            last, paragraph = number, number
        elif line.startswith(("{{", "{%", "{#")) and not open_paragraphs:
            gap.append(index)
            paragraph = last + len(gap)
        else:
            paragraph = open_paragraphs[-1] if open_paragraphs else (last or None)
        result.append(paragraph)
        inside.append(bool(open_paragraphs))
        closes = line.count("</w:p>")
        if closes:
            del open_paragraphs[max(0, len(open_paragraphs) - closes) :]
    return result, inside


def _close_gap(result: list[int | None], gap: list[int], last: int, after: int) -> None:
    """Spread the tags of a gap over the paragraphs missing from it."""
    size = len(gap)
    for position, index in enumerate(gap, start=1):
        result[index] = max(
            last + 1, min(last + position, after - 1 - (size - position))
        )
    gap.clear()
