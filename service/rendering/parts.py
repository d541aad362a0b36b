"""One templated part of a .docx: made into Jinja by docxtpl once, rendered to XML.

docxtpl stays the authority on template syntax: a part's XML is serialised as
docxtpl serialises it, run through docxtpl's own ``patch_xml``, and given the
newline before each ``<w:p`` that ``render_xml_part`` adds (Jinja line numbers
are then paragraph numbers). After rendering, docxtpl's post-processing is
applied: the newlines come out again, ``{_{`` and friends are unescaped in the
template's own text (never in the data: docxtpl does it there too, and
"{_{" typed by a person came out as "{{"), ``resolve_listing`` turns "\\n",
"\\t", "\\a" and "\\f" in the data into Word breaks, tabs, paragraphs and
page breaks, ``fix_tables`` runs on tables whose columns can change, and
drawing ids are renumbered when pictures can repeat (see
:mod:`service.rendering.fixups`).

The cheap parts of that are moved to prepare time: the literal text of the
template already has its inserted newlines removed and ``{_{`` unescaped (the
syntax tree is edited before it is compiled, line numbers intact), and each
rendering only scans its output for what the data itself might have brought.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import Template, nodes
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError
from lxml import etree
from markupsafe import escape

from service.rendering.environment import ENVIRONMENT
from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
    describe,
)
from service.rendering.fixups import (
    DOCXTPL,
    DrawingIds,
    TableFix,
    fix_marked_tables,
    fix_tables,
    is_well_formed,
    renumber_drawing_tree,
    renumber_drawings,
    resolve_listing,
    unmark_tables,
)
from service.rendering.wellformed import analyse, apply_edits, escape_properties
from service.rendering.zipwriter import Stamp

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'

#: What a template expression can raise while rendering: Jinja's own errors
#: (undefined values, the sandbox's SecurityError) and the errors of Python
#: operations and filters on the wrong kind of value, and a macro, block or
#: ``recursive`` loop that calls itself without end. Anything else is a bug.
RENDER_ERRORS: tuple[type[Exception], ...] = (
    JinjaTemplateError,
    SecurityError,
    TypeError,
    ValueError,
    ArithmeticError,
    LookupError,
    AttributeError,
    RecursionError,
)
#: What compiling a template can raise besides Jinja's syntax errors, each the
#: template's fault: Python's own limits on the generated code (too many nested
#: blocks is a SyntaxError), nesting too deep for the parser, and literals
#: Python refuses (a number of more than 4,300 digits).
COMPILE_LIMIT_ERRORS: tuple[type[Exception], ...] = (
    SyntaxError,
    RecursionError,
    ValueError,
    OverflowError,
)

_PARAGRAPH_START = re.compile(r"<w:p([ >])")
_NEWLINE_PARAGRAPH = re.compile(r"\n<w:p([ >])")
_COLUMN_TAGS = re.compile(r"{[%{]\s*tc\s|{%\s*(?:colspan|hm)\b", re.DOTALL)
_CELL_COMMENTS = re.compile(r"{#\s*tc\s", re.DOTALL)
_XML_TAG = re.compile(r"<[^>]*>")
_UNESCAPES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_BATCH = 256  # rendered chunks between two size checks
_TOO_LARGE = "The rendered document is larger than the limit allows."


def docxtpl_source(xml: str) -> str:
    """The Jinja source docxtpl makes of a part's serialised XML."""
    return _PARAGRAPH_START.sub(r"\n<w:p\1", DOCXTPL.patch_xml(xml))


def pack(source: str) -> bytes:
    """A part's Jinja source, compressed (it is kept only for error messages)."""
    return zlib.compress(source.encode("utf-8"), 6)


def has_tags(source: str) -> bool:
    """Whether the (patched) source holds any Jinja tag at all."""
    return "{{" in source or "{%" in source or "{#" in source


def uses_column_tags(xml: str) -> bool:
    """Whether a part's XML uses docxtpl's column loops or cell merges."""
    return _COLUMN_TAGS.search(_XML_TAG.sub("", xml)) is not None


def removes_cells(xml: str) -> bool:
    """Whether a part's XML has ``{#tc …#}`` comments, which remove their cell.

    The cell goes when docxtpl patches the XML, before anything renders, so
    no tag marks the table: its grid must be fixed after every rendering.
    """
    return _CELL_COMMENTS.search(_XML_TAG.sub("", xml)) is not None


def _finish_literal_text(tree: nodes.Template) -> None:
    """Apply docxtpl's output post-processing to the template's literal text.

    Printed string constants such as ``{{ '\\n' }}`` count as literal text:
    Jinja folds them into the template escaped, and so does this.
    """
    for output in tree.find_all(nodes.Output):
        output.nodes = [
            nodes.TemplateData(str(escape(child.value)), lineno=child.lineno)
            if isinstance(child, nodes.Const) and type(child.value) is str
            else child
            for child in output.nodes
        ]
    for data in tree.find_all(nodes.TemplateData):
        text = _NEWLINE_PARAGRAPH.sub(r"<w:p\1", data.data)
        for escaped, plain in _UNESCAPES:
            text = text.replace(escaped, plain)
        data.data = text


@dataclass(frozen=True)
class CompiledSource:
    """A part's compiled template and what its syntax tree tells about it."""

    template: Template
    well_formed: bool  # every rendering is well-formed XML (see wellformed.py)
    marked_tables: bool  # tables that can change their cells carry a mark
    flat_paragraphs: bool  # known to hold no paragraph inside a paragraph
    has_loops: bool


def compile_source(source: str, part: str, *, word_xml: bool) -> CompiledSource:
    """Compile a part's Jinja source once, with the shared sandboxed environment.

    A syntax error (or an unknown filter) is a :class:`TemplateError` locating
    the paragraph and tag.
    """
    try:
        tree = ENVIRONMENT.parse(source)
        if word_xml:
            _finish_literal_text(tree)
        else:
            escape_properties(tree)
        analysis = analyse(tree)
        if analysis.well_formed:
            apply_edits(analysis, word_xml=word_xml)
        return CompiledSource(
            template=ENVIRONMENT.from_string(tree),
            well_formed=analysis.well_formed,
            marked_tables=bool(analysis.tables),
            flat_paragraphs=analysis.well_formed and not analysis.nested_paragraphs,
            has_loops=tree.find(nodes.For) is not None,
        )
    except JinjaTemplateError as exc:
        raise TemplateError(
            "The template has a syntax error.", [describe(exc, source, part)]
        ) from exc
    except COMPILE_LIMIT_ERRORS as exc:
        raise TemplateError(
            "The template is too complex to prepare.",
            [TemplateProblem(message=too_complex(exc), part=part)],
        ) from exc


def too_complex(exc: BaseException) -> str:
    """What a compile-time limit error means for the person writing the template."""
    if isinstance(exc, RecursionError):
        return "Expressions or blocks are nested too deeply."
    if isinstance(exc, SyntaxError):
        return f"Blocks or expressions are nested too deeply ({exc.msg})."
    return f"A value in the template is too large ({exc})."


@dataclass(frozen=True, eq=False)
class CompiledPart:
    """A templated part, compiled; :meth:`render` gives the part's new bytes."""

    name: str
    stamp: Stamp
    packed_source: bytes  # the Jinja source, deflated: read only to locate errors
    source_length: int  # in characters
    template: Template
    head: str  # the XML before the rendered text (the document's start tag)
    tail: str
    namespaces: str  # the part's xmlns declarations, for parsing fragments
    word_xml: bool  # WordprocessingML (docxtpl's post-processing) or properties
    well_formed: bool  # every rendering is known to be well-formed XML
    flat_paragraphs: bool  # no paragraph inside a paragraph (no text boxes)
    body: bool  # docxtpl re-parses (recovering) and fixes only the body
    tables: TableFix
    drawing_ids: DrawingIds

    def weight(self) -> int:
        """A rough estimate of the bytes this compiled part holds in memory."""
        # The generated Python code and its constants take about three times
        # the template's characters (measured with tracemalloc).
        return (
            3 * self.source_length
            + len(self.packed_source)
            + 2 * (len(self.head) + len(self.tail))
            + 2048
        )

    @property
    def source(self) -> str:
        """The Jinja source docxtpl made of the part (for error locations)."""
        return zlib.decompress(self.packed_source).decode("utf-8")

    def render(self, context: Mapping[str, Any], budget: int) -> bytes:
        """The part rendered with ``context``, at most ``budget`` characters."""
        text = self._text(context, budget)
        check = not self.well_formed
        # Only what the data brought is left to do (see _finish_literal_text).
        # Single characters first: searching for one is a memchr, for two a loop.
        if self.word_xml:
            if "\n" in text and "\n<w:p" in text:
                text = _NEWLINE_PARAGRAPH.sub(r"<w:p\1", text)
            if "\n" in text or "\t" in text or "\a" in text or "\f" in text:
                # "\a" and "\f" end the paragraph: wrong inside a hyperlink
                check = check or "\a" in text or "\f" in text
                text = resolve_listing(text, nested_paragraphs=not self.flat_paragraphs)
        if len(text) > budget:
            raise TemplateLimitExceeded(_TOO_LARGE)
        if self.tables is TableFix.ALL or self.drawing_ids is DrawingIds.TREE:
            return self._through_tree(text)
        if self.tables is TableFix.MARKED and not check:
            try:
                text = fix_marked_tables(text, self.namespaces)
            except ValueError as exc:
                raise self._broken(exc) from exc
        if self.drawing_ids is DrawingIds.TEXT:
            text = renumber_drawings(text)
        data = (XML_DECLARATION + self.head + text + self.tail).encode("utf-8")
        if check and (self.tables is TableFix.MARKED or not is_well_formed(data)):
            return self._through_tree(text)
        return data

    def _text(self, context: Mapping[str, Any], budget: int) -> str:
        """Render the template's text, stopping once it passes ``budget``."""
        chunks: list[str] = []
        size = 0
        try:
            output = self.template.generate(context)
            # Batches keep the size check off the per-chunk path (islice, list,
            # sum and map all loop in C); a runaway loop still stops early.
            while batch := list(itertools.islice(output, _BATCH)):
                size += sum(map(len, batch))
                if size > budget:
                    raise TemplateLimitExceeded(_TOO_LARGE)
                chunks += batch
        except RENDER_ERRORS as exc:
            raise TemplateError(
                "The template could not be rendered.",
                [describe(exc, self.source, self.name)],
            ) from exc
        return "".join(chunks)

    def _through_tree(self, text: str) -> bytes:
        """Parse as docxtpl does (recovering), fix tables and ids, serialise."""
        xml = self.head + text + self.tail
        try:
            if not self.body:
                raise ValueError("docxtpl's strict parse of this part would fail")
            if self.tables is not TableFix.NONE:
                tree = fix_tables(xml)
            else:
                tree = etree.fromstring(xml, etree.XMLParser(recover=True))
                if tree is None:
                    raise ValueError("nothing could be recovered")
                unmark_tables(tree)
        except ValueError as exc:
            raise self._broken(exc) from exc
        if self.drawing_ids is not DrawingIds.KEEP:
            renumber_drawing_tree(tree)
        body: str = etree.tostring(tree, encoding="unicode")
        return (XML_DECLARATION + body).encode("utf-8")

    def _broken(self, exc: Exception) -> TemplateError:
        """The error for a rendering whose XML cannot be read or repaired."""
        return TemplateError(
            "The template produced XML Word cannot read.",
            [
                TemplateProblem(
                    message=f"The tags leave the part's XML broken ({exc}).",
                    part=self.name,
                )
            ],
        )
