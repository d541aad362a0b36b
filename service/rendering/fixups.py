"""docxtpl's fixes after rendering, applied only where a rendering needs them.

docxtpl runs ``resolve_listing`` over the whole rendered body, re-parses all of
it for ``fix_tables`` and renumbers every drawing id. The same functions run
here (docxtpl's own, on a never-loaded :data:`DOCXTPL`), but on the paragraphs
that hold a listing character, on the tables marked when the template was
prepared (:mod:`service.rendering.wellformed`), and with a regular expression
for drawing ids when the XML allows it.
"""

from __future__ import annotations

import io
import itertools
import re
from enum import Enum
from xml.parsers import expat

from docxtpl import DocxTemplate
from lxml import etree

from service.rendering.wellformed import TABLE_MARK

#: A DocxTemplate that is never loaded: only its stateless methods are used
#: (patch_xml, resolve_listing, fix_tables), so one instance serves all threads.
DOCXTPL = DocxTemplate(io.BytesIO())

LISTING_CHARACTERS = ("\n", "\t", "\a", "\f")
FIRST_DRAWING_ID = 1001  # docxtpl's fix_docpr_ids counts on from 1000

_WORD_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_DRAWING_ID = re.compile(r'(<wp:docPr(?:\s+(?!id=)[\w:.\-]+="[^"]*")*\s+id=")[^"]*"')
_DRAWING = re.compile(r"<wp:docPr[\s/>]")
_TABLE_TAG = re.compile(r"<w:tbl[ >]|</w:tbl>")
_TABLE_START = re.compile(r"<w:tbl[ >]")
_ROW_START = re.compile(r"<w:tr[ >]")
_CELL_START = re.compile(r"<w:tc[ >]")
_GRID_COLUMN = re.compile(r"<w:gridCol[ />]")
_GRID_SPAN = re.compile(r'<w:gridSpan w:val="(\d+)"/>')
_ANY_GRID_SPAN = re.compile(r"<w:gridSpan[ />]")
_MARK = f' {TABLE_MARK}=""'
_WRAPPER = "w:fixTables"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


class DrawingIds(Enum):
    """How a rendering renumbers ``wp:docPr`` ids (docxtpl's ``fix_docpr_ids``)."""

    KEEP = "keep"  # no picture can repeat
    TEXT = "text"  # each docPr is written ``<wp:docPr ... id="..."``: a regex does it
    TREE = "tree"  # anything else: parse and renumber as docxtpl does


class TableFix(Enum):
    """Which tables a rendering passes through docxtpl's ``fix_tables``."""

    NONE = "none"  # no table can change its number of cells
    MARKED = "marked"  # the tables marked at prepare time
    ALL = "all"  # the whole part (templates the analysis could not follow)


def resolve_listing(text: str, *, nested_paragraphs: bool = True) -> str:
    """docxtpl's resolve_listing, applied only to the paragraphs that need it.

    docxtpl's function rewrites each match of ``<w:p ...>.*?</w:p>`` on its own,
    so running it on just the matches that hold a listing character gives
    exactly its result. Without nested paragraphs (text boxes) every
    ``<w:p`` starts a match, so those are found from the characters' positions
    instead of by matching every paragraph.
    """
    if nested_paragraphs:
        return _WORD_PARAGRAPH.sub(_resolve_paragraph, text)
    positions = sorted(
        position
        for character in LISTING_CHARACTERS
        for position in _positions(text, character)
    )
    pieces: list[str] = []
    done = 0
    for position in positions:
        if position < done:
            continue  # in a paragraph already resolved
        start = max(
            text.rfind("<w:p>", done, position), text.rfind("<w:p ", done, position)
        )
        end = text.find("</w:p>", start) if start >= 0 else -1
        if end < position:
            continue  # not inside a paragraph: docxtpl leaves it alone too
        end += len("</w:p>")
        pieces.append(text[done:start])
        pieces.append(str(DOCXTPL.resolve_listing(text[start:end])))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _resolve_paragraph(match: re.Match[str]) -> str:
    xml = match.group(0)
    if any(character in xml for character in LISTING_CHARACTERS):
        return str(DOCXTPL.resolve_listing(xml))
    return xml


def _positions(text: str, character: str) -> list[int]:
    found = []
    position = text.find(character)
    while position >= 0:
        found.append(position)
        position = text.find(character, position + 1)
    return found


def drawing_ids(xml: str, root: etree._Element, has_loops: bool) -> DrawingIds:
    """How to renumber a body's drawing ids (see :class:`DrawingIds`)."""
    count = sum(1 for _ in root.iter(f"{{{WP_NS}}}docPr"))
    if count == 0 or not has_loops:
        return DrawingIds.KEEP
    if len(_DRAWING.findall(xml)) == count == len(_DRAWING_ID.findall(xml)):
        return DrawingIds.TEXT
    return DrawingIds.TREE


def renumber_drawings(text: str) -> str:
    """Number every ``wp:docPr`` id from 1001 on, in document order."""
    numbers = itertools.count(FIRST_DRAWING_ID)
    return _DRAWING_ID.sub(lambda m: f'{m.group(1)}{next(numbers)}"', text)


def renumber_drawing_tree(tree: etree._Element) -> None:
    """docxtpl's ``fix_docpr_ids`` on a parsed tree."""
    numbers = itertools.count(FIRST_DRAWING_ID)
    for element in tree.iter(f"{{{WP_NS}}}docPr"):
        element.set("id", str(next(numbers)))


def unmark_tables(tree: etree._Element) -> None:
    """Remove the prepare-time marks from every table in ``tree``."""
    for table in tree.iter(f"{{{W_NS}}}tbl"):
        table.attrib.pop(TABLE_MARK, None)


def namespace_declarations(root: etree._Element) -> str:
    """The xmlns attributes of ``root``, for parsing a fragment of its XML."""
    return " ".join(
        f'xmlns:{prefix}="{uri}"' if prefix else f'xmlns="{uri}"'
        for prefix, uri in root.nsmap.items()
    )


def _table_end(text: str, start: int) -> int:
    depth = 0
    for match in _TABLE_TAG.finditer(text, start):
        depth += -1 if match.group(0) == "</w:tbl>" else 1
        if depth == 0:
            return match.end()
    raise ValueError("a marked table is not closed")


def _unchanged_by_fix_tables(table: str) -> bool:
    """Whether docxtpl's ``fix_tables`` would leave this rendered table as it is.

    It adds grid columns when a row has more cells than the grid, and removes
    them when no row spans the whole grid; a table without nested tables can
    be checked for both by counting, without parsing.
    """
    if _TABLE_START.search(table, 1) is not None:
        return False  # a nested table: let docxtpl decide
    columns = len(_GRID_COLUMN.findall(table))
    widest = 0
    for row in _ROW_START.split(table)[1:]:
        cells = len(_CELL_START.findall(row))
        if cells > columns:
            return False
        spans = _GRID_SPAN.findall(row)
        if len(spans) != len(_ANY_GRID_SPAN.findall(row)):
            return False  # written some other way: let docxtpl read it
        widest = max(widest, cells - len(spans) + sum(map(int, spans)))
    return widest >= columns


def fix_marked_tables(text: str, namespaces: str) -> str:
    """Run docxtpl's ``fix_tables`` on each marked table of well-formed ``text``."""
    pieces: list[str] = []
    pos = 0
    while (mark := text.find(_MARK, pos)) >= 0:
        start = mark - len("<w:tbl")
        end = _table_end(text, start)
        pieces.append(text[pos:start])
        table = text[start:end].replace(_MARK, "", 1)
        if _unchanged_by_fix_tables(table):
            pieces.append(table)
        else:
            fragment = f"<{_WRAPPER} {namespaces}>{table}</{_WRAPPER}>"
            tree = fix_tables(fragment)
            fixed = etree.tostring(tree, encoding="unicode")
            pieces.append(fixed[fixed.index(">") + 1 : fixed.rindex("</")])
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def fix_tables(xml: str) -> etree._Element:
    """docxtpl's ``fix_tables`` (a recovering parse, then the grids adjusted).

    Raises ``ValueError`` when nothing could be recovered or a table cannot be
    read (no grid, a span that is not a number).
    """
    try:
        tree: etree._Element | None = DOCXTPL.fix_tables(xml)
    except (AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"docxtpl could not fix the tables: {exc}") from exc
    if tree is None:
        raise ValueError("nothing could be recovered")
    unmark_tables(tree)
    return tree


def is_well_formed(data: bytes) -> bool:
    """Whether ``data`` is well-formed, namespace-correct XML."""
    parser = expat.ParserCreate(namespace_separator="}")
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return False
    return True
