"""The upload check: what an uploaded template uses, and why it cannot be used.

A funder's template is written by someone who knows Word, not Jinja. Before it
is stored, :func:`inspect_template` reads the parts docxtpl renders (the body,
headers, footers, footnotes and the core document properties), turns each into
Jinja exactly as docxtpl does (its own ``patch_xml``), parses it in the
service's sandboxed environment and walks the syntax tree. It refuses, with
every problem found, each located by part, paragraph (and table cell), tag and
surrounding text:

- Jinja syntax errors; an unclosed block is reported where it opens;
- tags Word's formatting split in a way ``patch_xml`` cannot repair, and tags
  that start in one paragraph and end in another;
- unknown filters and tests, calls of functions templates do not have,
  ``{% include %}`` and friends, and ``{% autoescape %}`` (escaping is what
  keeps "Teater Vest & Co." from breaking the document);
- any reach into Python internals (``__class__``, ``mro``, names starting
  with "_"), which the sandbox would stop at render time anyway;
- ``{%p``/``{%tr``/``{%tc``/``{%r`` blocks that do not pair up with the
  document's structure: a skeleton of the template (its literal XML and its
  ``for``/``if`` blocks, every expression removed, so it cannot run away) is
  rendered with every loop running twice and every condition true, then with
  every loop empty and every condition false; the output must be well-formed
  XML, else the block nearest the break is named.

It reports every variable path the template uses (``parties[].name``), with
loop variables and ``{% set %}`` aliases resolved to their source, the paths the
kind's data contract (:mod:`service.rendering.contract`) does not provide, and
the ``extra.`` paths. Unknown paths are findings, not errors: they render empty.
"""

from __future__ import annotations

import difflib
import functools
import io
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateSyntaxError, nodes
from jinja2.visitor import NodeTransformer
from lxml import etree

from service.rendering.contract import (
    ITEM,
    LOOP_ATTRIBUTES,
    Contract,
    Path,
    contract_for,
    format_path,
)
from service.rendering.environment import ENVIRONMENT
from service.rendering.errors import EXCERPT_CHARS, TemplateError, TemplateProblem
from service.rendering.package import Package, parse_part
from service.rendering.package_limits import (
    DEFAULT_LIMITS,
    PackageLimits,
    check_package,
)

_DOCXTPL = DocxTemplate(io.BytesIO())  # only its patch_xml is used: a pure method
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _T, _TBL, _TR, _TC = (_W + name for name in ("p", "t", "tbl", "tr", "tc"))
_W_BODY = _W + "body"
_P_STAMP = "inspect-p"  # paragraph number, set on every w:p before patching
_TC_STAMP = "inspect-tc"  # "table.row.cell", set on every w:tc

_OUTPUT_STAMP = re.compile(r'inspect-p="(\d+)"')
_STAMP_AT_START = re.compile(r'<w:p [^>]*?inspect-p="(\d+)"')
_CELL_STAMP = re.compile(r'inspect-tc="(\d+)\.(\d+)\.(\d+)"')
_LINE_BREAKS = re.compile(r"(?=<w:p[ >]|\{[{%#])")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_DELIMITER = re.compile(r"\{[{%#]|[}%#]\}")
_NEAR_MISS = re.compile(r"\{\s+[{%]|[%}]\s+\}")
_MARKUP = re.compile(r"</?[A-Za-z][\w.-]*:[A-Za-z][\w.-]*[\s/>]")
_STRUCTURAL = re.compile(r"^(\{%|\{\{|\{#)(p|tr|tc|r)\s")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})

#: Block tags that need an end tag (``set`` only in its block form).
_BLOCKS = frozenset(
    {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set"}
)
#: Attribute names that lead from a value to Python's internals.
INTERNAL_NAMES = frozenset(
    {
        "mro", "format", "format_map", "gi_frame", "gi_code", "gi_yieldfrom",
        "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code", "f_globals",
        "f_locals", "f_builtins", "f_back", "f_code", "tb_frame", "tb_next",
        "func_globals", "func_code", "co_code", "im_func", "im_self", "im_class",
    }
)  # fmt: skip
#: Filters whose result is the same list (or value) they were given.
_KEEPING_FILTERS = frozenset(
    {"sort", "reverse", "list", "unique", "select", "reject", "selectattr",
     "rejectattr", "default", "d", "dictsort"}
)  # fmt: skip
#: Filters that pick one item of a list.
_ITEM_FILTERS = frozenset({"first", "last", "min", "max"})
#: Filters with an ``attribute`` argument naming a path in each item.
_ATTRIBUTE_FILTERS = frozenset(
    {"map", "sort", "groupby", "sum", "unique", "min", "max", "join",
     "selectattr", "rejectattr"}
)  # fmt: skip

_PROBE = "inspect_probe"
_MAX_PROBED_BLOCKS = 300
_MAX_PROBE_ITERATIONS = 100_000
_MAX_PROBE_CHARS = 32 * 1024 * 1024

REFUSED = "The template cannot be used: fix the problems listed and upload it again."


@dataclass(frozen=True)
class TemplateReport:
    """What a template uses, measured against the data contract of its kind."""

    variables: list[str]
    unknown_variables: list[str]
    extra_variables: list[str]
    problems: list[TemplateProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON."""
        return {
            "variables": list(self.variables),
            "unknown_variables": list(self.unknown_variables),
            "extra_variables": list(self.extra_variables),
            "problems": [problem.as_dict() for problem in self.problems],
        }


def inspect_template(
    source: bytes, kind: str, *, limits: PackageLimits = DEFAULT_LIMITS
) -> TemplateReport:
    """Inspect an uploaded template of ``kind``; raise TemplateError if unusable.

    Raises :class:`TemplateLimitExceeded` or :class:`TemplateError` from
    :func:`check_package` (with ``limits``) first, then :class:`TemplateError`
    listing every problem that makes the template unusable, and KeyError for an
    unknown kind.
    """
    contract = contract_for(kind)
    check_package(source, limits)
    inspection = _Inspection(contract)
    for part in _sources(source):
        inspection.inspect(part)
    if inspection.fatal:
        raise TemplateError(REFUSED, inspection.fatal)
    return inspection.report()


# ---------------------------------------------------------------- the parts


@dataclass(frozen=True)
class _Paragraph:
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
class _Source:
    """The Jinja source of one part (or one document property) and its map."""

    part: str
    text: str
    paragraphs: dict[int, _Paragraph] = field(default_factory=dict)
    lines: list[int | None] = field(default_factory=list)
    inside: list[bool] = field(default_factory=list)  # line starts in a paragraph
    label: str | None = None  # "document property 'title'"
    word_xml: bool = True

    @functools.cached_property
    def line_texts(self) -> list[str]:
        """The source's lines (Jinja's line ``n`` is ``line_texts[n - 1]``)."""
        return self.text.split("\n")


def _sources(source: bytes) -> Iterator[_Source]:
    """The parts docxtpl renders, made into Jinja as docxtpl makes them."""
    package = Package(source)
    for candidate in package.candidates():
        try:
            root = parse_part(package.read(candidate.name))
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


def _xml_source(name: str, element: etree._Element) -> _Source:
    paragraphs = _stamp(element)
    patched = _DOCXTPL.patch_xml(etree.tostring(element, encoding="unicode"))
    # A line for every paragraph and every tag: Jinja's line numbers then name
    # the tag, and the stamps name its paragraph.
    text = _LINE_BREAKS.sub("\n", patched)
    lines, inside = _line_paragraphs(text)
    return _Source(name, text, paragraphs, lines, inside)


def _property_sources(name: str, root: etree._Element) -> Iterator[_Source]:
    for element in root:
        if not isinstance(element.tag, str) or "{" not in (element.text or ""):
            continue
        text = _LINE_BREAKS.sub("\n", element.text or "")
        label = f"document property '{etree.QName(element).localname}'"
        paragraph = _Paragraph(0, " ".join((element.text or "").split()))
        lines: list[int | None] = [0] * (text.count("\n") + 1)
        yield _Source(
            name, text, {0: paragraph}, lines, [False] * len(lines), label, False
        )


def _stamp(element: etree._Element) -> dict[int, _Paragraph]:
    """Number every paragraph (and cell) in document order; read their text."""
    paragraphs: dict[int, _Paragraph] = {}
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
            if tag == _TBL:
                tables += 1
                walk(child, [tables, 0, 0], paragraph)
            elif tag == _TR and cell is not None:
                cell[1] += 1
                cell[2] = 0
                walk(child, cell, paragraph)
            elif tag == _TC and cell is not None:
                cell[2] += 1
                child.set(_TC_STAMP, f"{cell[0]}.{cell[1]}.{cell[2]}")
                walk(child, cell, paragraph)
            elif tag == _P:
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
        paragraphs[number] = _Paragraph(number, "".join(parts), table, row, column)
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


# ---------------------------------------------------------------- locating


def _normal(tag: str) -> str:
    body = tag[2:-2].translate(_QUOTES)
    body = re.sub(r"^(p|tr|tc|r)\s", "", body.strip().lstrip("-"))
    return " ".join(body.rstrip("-").split())


class _Inspection:
    """Everything found in the parts of one template."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.fatal: list[TemplateProblem] = []
        self.notes: list[TemplateProblem] = []
        self.seen: set[TemplateProblem] = set()
        self.uses: dict[Path, tuple[_Source, int | None]] = {}

    # -- problems

    def problem(
        self,
        source: _Source,
        lineno: int | None,
        message: str,
        *,
        needle: str | None = None,
        fatal: bool = True,
        paragraph: int | None = None,
    ) -> TemplateProblem:
        """Record a problem at a line (or paragraph) of ``source``."""
        if (
            paragraph is None
            and lineno is not None
            and 1 <= lineno <= len(source.lines)
        ):
            paragraph = source.lines[lineno - 1]
        info = source.paragraphs.get(paragraph) if paragraph is not None else None
        line_tag = None
        if lineno is not None:
            lines = source.line_texts
            if 1 <= lineno <= len(lines):
                found = _TAG.match(lines[lineno - 1])
                line_tag = found.group(0) if found else None
        tag = _original_tag(info.text if info else "", line_tag, needle)
        excerpt = _excerpt(info.text, tag) if info and info.text else None
        if source.label:
            message = f"{message} (in the {source.label})"
        elif info is not None and info.where:
            message = f"{message} (in {info.where})"
        problem = TemplateProblem(
            message=message,
            part=source.part,
            paragraph=info.number if info and info.number else None,
            tag=tag,
            excerpt=excerpt,
        )
        if problem not in self.seen:
            self.seen.add(problem)
            (self.fatal if fatal else self.notes).append(problem)
        return problem

    # -- one part

    def inspect(self, source: _Source) -> None:
        """Check one part and collect its variables."""
        split = self._check_delimiters(source)
        if source.word_xml:
            self._check_replaced_scopes(source)
        try:
            tree = ENVIRONMENT.parse(source.text)
        except TemplateSyntaxError as exc:
            self._syntax_error(source, exc, split)
            return
        _Analyser(self, source).visit_template(tree)
        if source.word_xml:
            _probe_structure(self, source, tree)

    def _check_delimiters(self, source: _Source) -> set[int]:
        """Tags split across paragraphs, or by formatting patch_xml leaves."""
        flagged: set[int] = set()
        unclosed = False
        for number in sorted(source.paragraphs):
            text = source.paragraphs[number].text
            found = _delimiter_problem(text, after_unclosed=unclosed)
            unclosed = found is not None and found[2]
            if found:
                message, tag, _ = found
                self.problem(source, None, message, needle=tag, paragraph=number)
                flagged.add(number)
        for match in _TAG.finditer(source.text):
            if _MARKUP.search(match.group(0)):
                lineno = source.text.count("\n", 0, match.start()) + 1
                paragraph = _paragraph_of(source, lineno)
                if paragraph in flagged:
                    continue
                self.problem(
                    source,
                    lineno,
                    "Word's formatting splits this tag in a way that cannot be "
                    "repaired: retype the tag in one go, or select it and clear its "
                    "formatting.",
                )
                if paragraph is not None:
                    flagged.add(paragraph)
        self._check_lost_tags(source, flagged)
        return flagged

    def _check_lost_tags(self, source: _Source, flagged: set[int]) -> None:
        """A tag the author sees that Jinja does not: split by text between its
        braces that Word hides (a tracked deletion, a field code)."""
        if not source.word_xml or any(
            "{%-" in info.text or "-%}" in info.text
            for info in source.paragraphs.values()
        ):
            return  # docxtpl's whitespace control moves tags between paragraphs
        seen: dict[int, int] = {}
        for index, line in enumerate(source.line_texts):
            paragraph = source.lines[index]
            if paragraph is not None and source.inside[index] and _TAG.match(line):
                seen[paragraph] = seen.get(paragraph, 0) + 1
        replaced = {
            item.number
            for scope in _replaced_scopes(source)
            for item in scope.paragraphs
        }
        for number, info in source.paragraphs.items():
            tags = _TAG.findall(info.text)
            if number in flagged or number in replaced:
                continue
            if any(_moved_by_docxtpl(tag) for tag in tags):
                continue
            if seen.get(number, 0) < len(tags):
                self.problem(
                    source,
                    None,
                    "A tag here is split by text Word does not show (a tracked "
                    "change or a field code between its characters), so it is not "
                    "read as a tag: accept the changes, then retype the tag.",
                    paragraph=number,
                )
                flagged.add(number)

    def _syntax_error(
        self, source: _Source, exc: TemplateSyntaxError, split: set[int]
    ) -> None:
        _, block_problems = _block_structure(source.text)
        message = exc.message or str(exc)
        structural = (
            "end of template" in message
            or "unknown tag 'end" in message
            or "Unexpected end of" in message
        )
        for lineno, text in block_problems:
            self.problem(source, lineno, text)
        if structural and block_problems:
            return
        if _paragraph_of(source, exc.lineno) in split and split:
            return
        unknown = re.search(r"unknown tag '(p|tr|tc|r)'", message)
        if unknown:
            message = (
                f"'{{%{unknown.group(1)} …%}}' must stand in its own "
                + {"p": "paragraph", "tr": "table row", "tc": "table cell", "r": "run"}[
                    unknown.group(1)
                ]
                + f" for docxtpl to use it ({message})"
            )
        self.problem(source, exc.lineno, f"Template syntax error: {message}")

    def _check_replaced_scopes(self, source: _Source) -> None:
        """docxtpl replaces the whole paragraph, row or cell of a {%p/{%tr/{%tc
        tag by the tag alone: other tags there are lost (an error), other text
        too (a warning)."""
        for scope in _replaced_scopes(source):
            tags = [tag for item in scope.paragraphs for tag in _TAG.findall(item.text)]
            words = " ".join(_TAG.sub(" ", item.text) for item in scope.paragraphs)
            rest = " ".join(words.split())
            if len(tags) > 1:
                others = ", ".join(f"'{tag}'" for tag in tags if tag != scope.tag)
                self.problem(
                    source,
                    None,
                    f"docxtpl replaces the whole {scope.noun} holding '{scope.tag}' "
                    f"by one such tag, so the other tags in it ({others}) are lost: "
                    f"put each '{{%{scope.kind} …%}}' tag in a {scope.noun} of its "
                    "own.",
                    needle=scope.tag,
                    paragraph=scope.number,
                )
            elif rest:
                self.problem(
                    source,
                    None,
                    f"The whole {scope.noun} holding '{scope.tag}' is removed when "
                    f"the document is made, so its other text ('{rest[:40]}') never "
                    "appears.",
                    needle=scope.tag,
                    fatal=False,
                    paragraph=scope.number,
                )

    # -- the report

    def use(self, path: Path, source: _Source, lineno: int | None) -> None:
        """Record that the template reads ``path``."""
        if path and path not in self.uses:
            self.uses[path] = (source, lineno)

    def report(self) -> TemplateReport:
        """The variables, measured against the contract, and the findings."""
        paths = set(self.uses)
        prefixes = {path[:end] for path in paths for end in range(1, len(path))}
        leaves = paths - prefixes
        unknown = sorted(
            (path for path in leaves if not self.contract.is_known(path)),
            key=format_path,
        )
        for path in unknown:
            source, lineno = self.uses[path]
            suggestion = self.contract.suggest(path)
            hint = f" Did you mean '{suggestion}'?" if suggestion else ""
            self.problem(
                source,
                lineno,
                f"'{format_path(path)}' is not in the data of {self.contract.kind} "
                f"documents, so it is always empty.{hint}",
                needle=path[-1] if path[-1] != ITEM else None,
                fatal=False,
            )
        return TemplateReport(
            variables=sorted(format_path(path) for path in leaves),
            unknown_variables=[format_path(path) for path in unknown],
            extra_variables=sorted(
                format_path(path)
                for path in leaves
                if path[0] == "extra" and len(path) > 1
            ),
            problems=list(self.notes),
        )


@dataclass(frozen=True)
class _Scope:
    """The paragraph, row or cell a {%p/{%tr/{%tc tag replaces when rendered."""

    tag: str
    kind: str  # "p", "tr" or "tc"
    noun: str
    number: int  # the paragraph holding the tag
    paragraphs: tuple[_Paragraph, ...]


def _replaced_scopes(source: _Source) -> list[_Scope]:
    """Each paragraph, row and cell a structural tag replaces (once each)."""
    rows: dict[tuple[int, int], list[_Paragraph]] = {}
    cells: dict[tuple[int, int, int], list[_Paragraph]] = {}
    ordered = sorted(source.paragraphs.values(), key=lambda item: item.number)
    for info in ordered:
        if info.table is not None and info.row is not None and info.cell is not None:
            rows.setdefault((info.table, info.row), []).append(info)
            cells.setdefault((info.table, info.row, info.cell), []).append(info)
    scopes: list[_Scope] = []
    seen: set[tuple[str, int]] = set()
    for info in ordered:
        for tag in _TAG.findall(info.text):
            match = _STRUCTURAL.match(tag)
            if match is None or match.group(2) == "r":
                continue
            kind = match.group(2)
            scope, noun = [info], "paragraph"
            if info.table is not None and info.row is not None:
                if kind == "tr":
                    scope, noun = rows[(info.table, info.row)], "table row"
                elif kind == "tc":
                    scope = cells[(info.table, info.row, info.cell or 0)]
                    noun = "table cell"
            key = (noun, scope[0].number)
            if key not in seen:
                seen.add(key)
                scopes.append(_Scope(tag, kind, noun, info.number, tuple(scope)))
    return scopes


def _moved_by_docxtpl(tag: str) -> bool:
    """Tags docxtpl moves out of their paragraph or expands into several."""
    body = tag[2:-2].strip()
    return bool(_STRUCTURAL.match(tag)) or bool(
        re.match(r"^(vm|hm|colspan|cellbg)\b", body)
    )


def _paragraph_of(source: _Source, lineno: int | None) -> int | None:
    if lineno is None or not 1 <= lineno <= len(source.lines):
        return None
    return source.lines[lineno - 1]


def _original_tag(text: str, line_tag: str | None, needle: str | None) -> str | None:
    """The tag as the author wrote it in the paragraph, else as Jinja saw it."""
    tags = _TAG.findall(text)
    if line_tag is not None:
        wanted = _normal(line_tag)
        for tag in tags:
            if _normal(tag) == wanted:
                return str(tag)
    if needle is not None:
        for tag in tags:
            if needle in tag:
                return str(tag)
        if needle.startswith(("{", "}", "%")) or needle in text:
            return needle
    if line_tag is not None:
        return line_tag
    return str(tags[0]) if tags else None


def _excerpt(text: str, tag: str | None) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    start = text.find(" ".join(tag.split())) if tag else 0
    start = max(0, min(start - 20, len(text) - EXCERPT_CHARS + 2))
    window = text[start : start + EXCERPT_CHARS - 2]
    return (
        ("…" if start else "")
        + window
        + ("…" if start + len(window) < len(text) else "")
    )


def _delimiter_problem(
    text: str, *, after_unclosed: bool
) -> tuple[str, str, bool] | None:
    """(message, tag, unclosed) for a tag that does not open and close in this
    paragraph's visible text; ``unclosed`` when one runs on past its end."""
    near = _NEAR_MISS.search(text)
    if near:
        return (
            f"'{near.group(0)}' has a space between the braces: Jinja needs "
            "'{{', '{%', '%}' or '}}' written together.",
            near.group(0),
            False,
        )
    position = 0
    while True:
        found = _DELIMITER.search(text, position)
        if found is None:
            return None
        token = found.group(0)
        if token in _CLOSERS:
            end = text.find(_CLOSERS[token], found.end())
            if end < 0:
                return (
                    f"A tag starts in this paragraph ('{token}') but does not end in "
                    "it: a tag must start and end in the same paragraph.",
                    text[found.start() : found.start() + 30],
                    True,
                )
            position = end + 2
        else:
            if after_unclosed and position == 0:
                position = found.end()  # the end of the previous paragraph's tag
                continue
            return (
                f"'{token}' closes a tag that was not opened in this paragraph.",
                token,
                False,
            )


def _block_structure(text: str) -> tuple[dict[int, int], list[tuple[int, str]]]:
    """Pair block tags by scanning them with a stack: (pairs, problems).

    ``pairs`` maps the line of each opening tag to the line of its end tag;
    problems name an unclosed block where it opens.
    """
    pairs: dict[int, int] = {}
    problems: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []
    for lineno, name, assigns in _block_tags(text):
        if name in _BLOCKS and not (name == "set" and assigns):
            stack.append((name, lineno))
        elif name.startswith("end") and name[3:] in _BLOCKS:
            kind = name[3:]
            if not any(open_name == kind for open_name, _ in stack):
                problems.append(
                    (lineno, f"'{{% {name} %}}' has no '{{% {kind} … %}}' to close.")
                )
                continue
            while stack[-1][0] != kind:
                inner, line = stack.pop()
                problems.append(
                    (
                        line,
                        f"This '{inner}' block is not closed before '{{% {name} %}}': "
                        f"add '{{% end{inner} %}}' (or '{{%p end{inner} %}}') first.",
                    )
                )
            _, line = stack.pop()
            pairs[line] = lineno
        elif name in ("else", "elif") and not (
            stack
            and stack[-1][0] in ("if", "for")
            and (name == "else" or stack[-1][0] == "if")
        ):
            problems.append((lineno, f"'{{% {name} %}}' stands outside an 'if' block."))
    for name, line in stack:
        problems.append(
            (
                line,
                f"This '{name}' block is never closed: add '{{% end{name} %}}' "
                f"(or '{{%p end{name} %}}') where it should end.",
            )
        )
    return pairs, problems


def _block_tags(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line, name, has '=') of each block tag, as far as the lexer gets."""
    tokens = ENVIRONMENT.lexer.tokeniter(text, None)
    current: tuple[int, str] | None = None
    expecting_name = False
    assigns = False
    try:
        for lineno, kind, value in tokens:
            if kind == "whitespace":
                continue
            if kind == "block_begin":
                expecting_name, current, assigns = True, None, False
            elif expecting_name:
                expecting_name = False
                if kind == "name":
                    current = (lineno, value)
            elif kind == "operator" and value == "=" and current is not None:
                assigns = True
            elif kind == "block_end" and current is not None:
                yield current[0], current[1], assigns
                current = None
    except TemplateSyntaxError:
        return


# ---------------------------------------------------------------- variables


@dataclass(frozen=True)
class _Value:
    """What an expression evaluates to, as far as the contract can tell."""

    path: Path | None = None  # where it comes from in the context
    items: Path | None = None  # what iterating it gives, when not path + "[]"
    loop: _Value | None = None  # set for a loop object: the loop's item
    callable: bool = False

    def item(self) -> _Value:
        """The value of one item of this list."""
        if self.items is not None:
            return _Value(path=self.items)
        if self.path is not None:
            return _Value(path=(*self.path, ITEM))
        return _OPAQUE


_OPAQUE = _Value()
_CALLABLE = _Value(callable=True)


class _Analyser:
    """Walks one part's syntax tree: variables, filters, tests, internals."""

    def __init__(self, inspection: _Inspection, source: _Source) -> None:
        self.inspection = inspection
        self.source = source
        self.scopes: list[dict[str, _Value]] = [{}]

    def fail(self, node: nodes.Node, message: str, needle: str | None = None) -> None:
        """A problem that makes the template unusable."""
        self.inspection.problem(self.source, node.lineno, message, needle=needle)

    # -- scopes

    def lookup(self, name: str) -> _Value | None:
        """The local value bound to ``name``, if any."""
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def bind(self, target: nodes.Node, value: _Value) -> None:
        """Bind an assignment or loop target."""
        if isinstance(target, nodes.Name):
            self.scopes[-1][target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, _OPAQUE)

    # -- statements

    def visit_template(self, tree: nodes.Template) -> None:
        """Walk a whole template."""
        self.statements(tree.body)

    def statements(self, body: Sequence[nodes.Node]) -> None:
        """Walk statements in order."""
        for node in body:
            self.statement(node)

    def statement(self, node: nodes.Node) -> None:  # noqa: C901 - one branch a node
        """Walk one statement."""
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.use(child)
        elif isinstance(node, nodes.For):
            items = self.use(node.iter).item()
            self.scopes.append({})
            self.bind(node.target, items)
            self.scopes[-1]["loop"] = _Value(loop=items, callable=node.recursive)
            if node.test is not None:
                self.use(node.test)
            self.statements(node.body)
            self.scopes.pop()
            self.statements(node.else_)
        elif isinstance(node, nodes.If):
            self.use(node.test)
            self.statements(node.body)
            for branch in node.elif_:
                self.statement(branch)
            self.statements(node.else_)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.use(node.node))
        elif isinstance(node, nodes.AssignBlock):
            self.statements(node.body)
            if node.filter is not None:
                self.use(node.filter)
            self.bind(node.target, _OPAQUE)
        elif isinstance(node, nodes.With):
            values = [self.use(value) for value in node.values]
            self.scopes.append({})
            for target, value in zip(node.targets, values, strict=False):
                self.bind(target, value)
            self.statements(node.body)
            self.scopes.pop()
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            if isinstance(node, nodes.Macro):
                self.scopes[-1][node.name] = _CALLABLE
            else:
                self.use(node.call)
            for default in node.defaults:
                self.use(default)
            scope = {arg.name: _OPAQUE for arg in node.args}
            scope.update(caller=_CALLABLE, varargs=_OPAQUE, kwargs=_OPAQUE)
            self.scopes.append(scope)
            self.statements(node.body)
            self.scopes.pop()
        elif isinstance(node, nodes.FilterBlock):
            self.use(node.filter)
            self.statements(node.body)
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport):
            self.fail(node, "Templates cannot include or import other templates.")
        elif isinstance(node, nodes.Extends):
            self.fail(node, "Templates cannot extend other templates.")
        elif isinstance(
            node, nodes.ScopedEvalContextModifier | nodes.EvalContextModifier
        ):
            # Document properties are plain text (escaped when saved), so turning
            # escaping off is right there; in Word's XML it lets data break it.
            if self.source.word_xml:
                self.fail(
                    node,
                    "'{% autoescape %}' is not allowed here: escaping is what keeps "
                    "text such as 'Teater Vest & Co.' from breaking the document.",
                    needle="autoescape",
                )
            for option in node.options:
                self.use(option.value)
            if isinstance(node, nodes.ScopedEvalContextModifier):
                self.statements(node.body)
        else:  # Block, Scope, ExprStmt and the like: walk what they hold
            for inner in node.iter_child_nodes():
                if isinstance(inner, nodes.Expr):
                    self.use(inner)
                else:
                    self.statement(inner)

    # -- expressions

    def use(self, node: nodes.Node) -> _Value:
        """Evaluate an expression whose value the template reads; record its path."""
        value = self.resolve(node)
        if value.path is not None:
            self.inspection.use(value.path, self.source, node.lineno)
        return value

    def resolve(self, node: nodes.Node) -> _Value:  # noqa: C901 - one branch a node
        """What ``node`` evaluates to, without recording it."""
        if isinstance(node, nodes.Name):
            return self.name(node)
        if isinstance(node, nodes.Getattr):
            self.check_attribute(node, node.attr)
            return self.attribute(node, self.resolve(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.resolve(node.node)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                self.check_attribute(node, node.arg.value)
                return self.attribute(node, base, node.arg.value)
            if isinstance(node.arg, nodes.Slice):
                self.use(node.arg)
                return base
            if not isinstance(node.arg, nodes.Const):
                self.use(node.arg)
            return base.item() if base.loop is None else _OPAQUE
        if isinstance(node, nodes.Filter):
            return self.filter(node)
        if isinstance(node, nodes.Test):
            self.check_named(node, node.name, ENVIRONMENT.tests, "test")
            self.use(node.node)
            self.arguments(node)
            return _OPAQUE
        if isinstance(node, nodes.Call):
            return self.call(node)
        if isinstance(node, nodes.Const | nodes.TemplateData):
            return _OPAQUE
        if isinstance(node, nodes.BinExpr | nodes.Concat) and _too_big(node):
            self.fail(
                node,
                "This expression computes a huge text or number from constants; "
                "Jinja would build it while preparing the template.",
            )
            return _OPAQUE
        for child in node.iter_child_nodes():  # operators, literals, conditions
            self.use(child)
        return _OPAQUE

    def name(self, node: nodes.Name) -> _Value:
        """A variable: a local (loop variable, set, macro argument) or the context's."""
        local = self.lookup(node.name)
        if local is not None:
            return local
        if node.name.startswith("_"):
            self.fail(node, _internal(node.name), needle=node.name)
            return _OPAQUE
        return _Value(path=(node.name,))

    def attribute(self, node: nodes.Node, base: _Value, name: str) -> _Value:
        """``base.name``."""
        if base.loop is not None:
            if name in ("previtem", "nextitem"):
                return base.loop
            if name not in LOOP_ATTRIBUTES:
                self.inspection.use(("loop", name), self.source, node.lineno)
            return _OPAQUE
        if base.path is not None:
            return _Value(path=(*base.path, name))
        return _OPAQUE

    def check_attribute(self, node: nodes.Node, name: str) -> None:
        """Refuse any reach into Python internals."""
        if name.startswith("_") or name in INTERNAL_NAMES:
            self.fail(node, _internal(name), needle=name)

    def check_named(self, node: nodes.Node, name: str, known: Any, noun: str) -> bool:
        """Refuse a filter or test the environment does not have."""
        if name in known:
            return True
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        self.fail(node, f"Unknown {noun} '{name}'.{hint}", needle=name)
        return False

    def arguments(self, node: nodes.Filter | nodes.Test | nodes.Call) -> None:
        """Read every argument."""
        for arg in node.args:
            self.use(arg)
        for keyword in node.kwargs:
            self.use(keyword.value)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.use(extra)

    def filter(self, node: nodes.Filter) -> _Value:
        """``value|name(args)``: check the filter; follow lists through it."""
        self.check_named(node, node.name, ENVIRONMENT.filters, "filter")
        base = self.use(node.node) if node.node is not None else _OPAQUE
        self.arguments(node)
        name = node.name
        attribute = _attribute_argument(node)
        if name in _ATTRIBUTE_FILTERS and attribute is not None:
            if attribute.startswith("_") or any(
                part.startswith("_") or part in INTERNAL_NAMES
                for part in attribute.split(".")
            ):
                self.fail(node, _internal(attribute), needle=attribute)
                return _OPAQUE
            item = base.item()
            if item.path is not None:
                path = (*item.path, *(_segment(part) for part in attribute.split(".")))
                self.inspection.use(path, self.source, node.lineno)
                if name == "map":
                    return _Value(items=path)
        if name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
            value = str(node.args[0].value)
            self.check_attribute(node, value)
            return self.attribute(node, base, value)
        self.check_filter_names(node)
        if name in _KEEPING_FILTERS:
            return base
        if name in _ITEM_FILTERS:
            return base.item()
        if name == "party":
            return _Value(path=self.inspection.contract.party)
        return _OPAQUE

    def check_filter_names(self, node: nodes.Filter) -> None:
        """``map('label')`` names a filter; ``select('odd')`` a test."""
        index = {"map": 0, "select": 0, "reject": 0, "selectattr": 1, "rejectattr": 1}
        position = index.get(node.name)
        if position is None or len(node.args) <= position:
            return
        if node.name == "map" and _attribute_argument(node) is not None:
            return
        argument = node.args[position]
        if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
            if node.name == "map":
                self.check_named(node, argument.value, ENVIRONMENT.filters, "filter")
            else:
                self.check_named(node, argument.value, ENVIRONMENT.tests, "test")

    def call(self, node: nodes.Call) -> _Value:
        """A call: of a macro, ``caller``, a loop, or a method of a value."""
        self.arguments(node)
        callee = node.node
        if isinstance(callee, nodes.Name):
            local = self.lookup(callee.name)
            if local is None or not local.callable:
                self.fail(
                    node,
                    f"'{callee.name}()' is not a function templates can use.",
                    needle=callee.name,
                )
            return _OPAQUE
        if isinstance(callee, nodes.Getattr):  # a method: str.upper(), loop.cycle()
            self.check_attribute(callee, callee.attr)
            self.use(callee.node)
            return _OPAQUE
        self.use(callee)
        return _OPAQUE


#: Constant expressions Jinja folds while compiling may not exceed these: text
#: of a million characters, numbers of ten thousand digits.
MAX_CONSTANT_CHARS = 1_000_000
MAX_CONSTANT_DIGITS = 10_000


def _too_big(node: nodes.Node) -> bool:
    """Whether folding this constant expression would build something huge."""
    estimate = _constant_size(node)
    if estimate is None:
        return False
    kind, size = estimate
    limit = MAX_CONSTANT_CHARS if kind == "text" else MAX_CONSTANT_DIGITS
    return size > limit


def _constant_size(node: nodes.Node) -> tuple[str, float] | None:
    """("text", length) or ("number", digits) of a constant expression, or None.

    Estimated without computing it: ``"x" * 300000000`` is 3e8 characters and
    ``9 ** (9 ** 9)`` about 3.7e8 digits.
    """
    if isinstance(node, nodes.Const):
        value = node.value
        if isinstance(value, str):
            return "text", float(len(value))
        if isinstance(value, bool) or value is None:
            return "number", 1.0
        if isinstance(value, int | float):
            return "number", math.log10(abs(value) + 1) + 1
        return None
    if isinstance(node, nodes.List | nodes.Tuple):
        items = [_constant_size(item) for item in node.items]
        if any(item is None for item in items):
            return None
        return "text", float(len(items))
    if isinstance(node, nodes.Neg | nodes.Pos):
        return _constant_size(node.node)
    if isinstance(node, nodes.Concat):
        parts = [_constant_size(item) for item in node.nodes]
        if any(part is None for part in parts):
            return None
        return "text", sum(part[1] for part in parts if part is not None)
    if not isinstance(node, nodes.BinExpr):
        return None
    left, right = _constant_size(node.left), _constant_size(node.right)
    if left is None or right is None:
        return None
    if isinstance(node, nodes.Mul):
        if left[0] == "number" and right[0] == "number":
            return "number", left[1] + right[1]
        text, count = (left, right) if left[0] == "text" else (right, left)
        return "text", text[1] * _magnitude(count[1])
    if isinstance(node, nodes.Pow) and left[0] == right[0] == "number":
        return "number", left[1] * _magnitude(right[1])
    if isinstance(node, nodes.Add):
        if left[0] == right[0] == "text":
            return "text", left[1] + right[1]
        return "number", max(left[1], right[1]) + 1
    return left[0], max(left[1], right[1])


def _magnitude(digits: float) -> float:
    """The value of a number with this many digits (inf when astronomical)."""
    return math.inf if digits > 300 else 10 ** (digits - 1)


def _attribute_argument(node: nodes.Filter) -> str | None:
    for keyword in node.kwargs:
        if keyword.key == "attribute" and isinstance(keyword.value, nodes.Const):
            return str(keyword.value.value)
    if node.name in ("selectattr", "rejectattr", "groupby") and node.args:
        first = node.args[0]
        if isinstance(first, nodes.Const) and isinstance(first.value, str):
            return first.value
    return None


def _segment(part: str) -> str:
    return ITEM if part.isdigit() else part


def _internal(name: str) -> str:
    return (
        f"'{name}' reaches into Python's internals; templates may only read the "
        "document's data."
    )


# ---------------------------------------------------------------- structure


class _ProbeTooBig(Exception):
    """The skeleton would run too long; the structure check is skipped."""


class _Probe:
    """How the skeleton's blocks run: loops (by line) and conditions (by line).

    Every block runs ``count`` times (``truthy`` for conditions) except the one
    at ``line``, which runs ``line_count`` times (``line_truthy``).
    """

    def __init__(
        self,
        count: int,
        truthy: bool,
        line: int | None = None,
        line_count: int = 0,
        line_truthy: bool = False,
    ) -> None:
        self.count, self.truthy = count, truthy
        self.line, self.line_count, self.line_truthy = line, line_count, line_truthy
        self.spent = 0

    def items(self, line: int) -> Iterator[None]:
        """The items the loop at ``line`` iterates."""
        for _ in range(self.line_count if line == self.line else self.count):
            self.spent += 1
            if self.spent > _MAX_PROBE_ITERATIONS:
                raise _ProbeTooBig
            yield None

    def test(self, line: int) -> bool:
        """The outcome of the condition at ``line``."""
        return self.line_truthy if line == self.line else self.truthy


class _Skeleton(NodeTransformer):
    """The template's literal text and its for/if blocks, nothing else.

    Every expression is dropped, so nothing the author wrote runs: each loop
    iterates what the probe gives for its line, each condition is the probe's.
    """

    def __init__(self) -> None:
        self.blocks: list[int] = []

    def _probe_call(self, method: str, lineno: int) -> nodes.Call:
        probe = nodes.Name(_PROBE, "load", lineno=lineno)
        return nodes.Call(
            nodes.Getattr(probe, method, "load", lineno=lineno),
            [nodes.Const(lineno, lineno=lineno)],
            [],
            None,
            None,
            lineno=lineno,
        )

    def _body(self, body: list[nodes.Node]) -> list[nodes.Node]:
        result: list[nodes.Node] = []
        for child in body:
            visited = self.visit(child)
            if isinstance(visited, list):
                result.extend(visited)
            elif visited is not None:
                result.append(visited)
        return result

    def visit_Output(self, node: nodes.Output) -> nodes.Node:  # noqa: N802
        """Keep the literal text only."""
        return nodes.Output(
            [child for child in node.nodes if isinstance(child, nodes.TemplateData)],
            lineno=node.lineno,
        )

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802
        """Loop over what the probe gives for this line."""
        self.blocks.append(node.lineno)
        return nodes.For(
            nodes.Name("_", "store", lineno=node.lineno),
            self._probe_call("items", node.lineno),
            self._body(node.body),
            self._body(node.else_),
            None,
            False,
            lineno=node.lineno,
        )

    def visit_If(self, node: nodes.If) -> nodes.Node:  # noqa: N802
        """Take the branches the probe says."""
        self.blocks.append(node.lineno)
        branches = [
            nodes.If(
                self._probe_call("test", branch.lineno),
                self._body(branch.body),
                [],
                [],
                lineno=branch.lineno,
            )
            for branch in node.elif_
        ]
        return nodes.If(
            self._probe_call("test", node.lineno),
            self._body(node.body),
            branches,
            self._body(node.else_),
            lineno=node.lineno,
        )

    def visit_With(self, node: nodes.With) -> list[nodes.Node]:  # noqa: N802
        """Just the body."""
        return self._body(node.body)

    visit_FilterBlock = visit_With  # noqa: N815
    visit_Block = visit_With  # noqa: N815
    visit_Scope = visit_With  # noqa: N815
    visit_ScopedEvalContextModifier = visit_With  # noqa: N815
    visit_EvalContextModifier = visit_With  # noqa: N815

    def _drop(self, node: nodes.Node) -> None:
        return None

    # set, macros (their bodies print where they are called), calls, includes
    visit_Assign = _drop  # noqa: N815
    visit_AssignBlock = _drop  # noqa: N815
    visit_Macro = _drop  # noqa: N815
    visit_CallBlock = _drop  # noqa: N815
    visit_ExprStmt = _drop  # noqa: N815
    visit_Include = _drop  # noqa: N815
    visit_Import = _drop  # noqa: N815
    visit_FromImport = _drop  # noqa: N815
    visit_Extends = _drop  # noqa: N815

    def skeleton(self, tree: nodes.Template) -> nodes.Template:
        """The skeleton of ``tree``, ready to compile."""
        result = nodes.Template(self._body(tree.body), lineno=1)
        result.set_environment(ENVIRONMENT)
        return result


_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class _Rendering:
    """The skeleton's output for one probe: the root, or the parse error."""

    data: bytes
    root: etree._Element | None = None
    error: etree.XMLSyntaxError | None = None


def _probe_structure(
    inspection: _Inspection, source: _Source, tree: nodes.Template
) -> None:
    """Render the skeleton both ways; the output must be well-formed XML.

    When it is not, the skeleton is rendered flat (every loop once, every first
    branch): broken then, the literal XML is (a tag split across a hyperlink
    or field); else each block is varied alone to find the one that breaks it.
    """
    skeleton = _Skeleton()
    template = ENVIRONMENT.from_string(skeleton.skeleton(tree))
    for probe in (_Probe(2, True), _Probe(0, False)):
        rendering = _render(template, probe)
        if rendering is None:
            return
        if rendering.root is not None:
            _warn_empty_cells(inspection, source, rendering.root)
            continue
        flat = _render(template, _Probe(1, True))
        if flat is None:
            return
        if flat.error is not None:
            _report_broken_text(inspection, source, flat)
            return
        for line in skeleton.blocks[:_MAX_PROBED_BLOCKS]:
            for count, truthy in ((2, True), (0, False)):
                alone = _render(template, _Probe(1, True, line, count, truthy))
                if alone is not None and alone.error is not None:
                    _report_broken_block(inspection, source, line)
                    return
        inspection.problem(
            source,
            None,
            "The blocks of this part do not match the document's structure, so the "
            "document it makes would be broken.",
        )
        return


def _render(template: Any, probe: _Probe) -> _Rendering | None:
    chunks: list[str] = []
    size = 0
    try:
        for chunk in template.generate({_PROBE: probe}):
            size += len(chunk)
            if size > _MAX_PROBE_CHARS:
                return None
            chunks.append(chunk)
    except _ProbeTooBig:
        return None
    data = "".join(chunks).encode("utf-8")
    try:
        return _Rendering(data, root=etree.fromstring(data, _XML_PARSER))
    except etree.XMLSyntaxError as exc:
        return _Rendering(data, error=exc)


def _report_broken_text(
    inspection: _Inspection, source: _Source, rendering: _Rendering
) -> None:
    """The literal XML breaks: name the paragraph the parser stopped in."""
    assert rendering.error is not None
    line, column = rendering.error.position
    data = rendering.data
    starts = [0] + [index + 1 for index, byte in enumerate(data) if byte == 0x0A]
    offset = starts[min(max(line, 1), len(starts)) - 1] + max(column - 1, 0)
    stamps = list(_OUTPUT_STAMP.finditer(data[:offset].decode("utf-8", "ignore")))
    inspection.problem(
        source,
        None,
        "This paragraph would come out as broken XML: a tag in it is split by "
        "Word's formatting across a hyperlink, a field or a tracked change. "
        "Retype the tag in one go, outside the hyperlink or field.",
        paragraph=int(stamps[-1].group(1)) if stamps else None,
    )


def _report_broken_block(inspection: _Inspection, source: _Source, line: int) -> None:
    """The block at ``line`` breaks the XML: name where it opens and closes."""
    pairs, _ = _block_structure(source.text)
    end = pairs.get(line)
    end_at = ""
    if end is not None:
        paragraph = _paragraph_of(source, end)
        info = source.paragraphs.get(paragraph) if paragraph is not None else None
        lines = source.line_texts
        found = _TAG.match(lines[end - 1]) if 1 <= end <= len(lines) else None
        tag = _original_tag(
            info.text if info else "", found.group(0) if found else None, None
        )
        place = f"paragraph {paragraph}" if paragraph else "the same paragraph"
        if info is not None and info.where:
            place += f", {info.where}"
        end_at = f" and closed by '{tag}' ({place})"
    inspection.problem(
        source,
        line,
        f"The block opened here{end_at} cuts across the document's paragraphs, "
        "rows or cells, so the document it makes would be broken: open and close "
        "a '{%tr' block in rows of the same table, a '{%tc' block in cells of the "
        "same row, and a '{%p' block in paragraphs at the same level.",
    )


def _warn_empty_cells(
    inspection: _Inspection, source: _Source, root: etree._Element
) -> None:
    """A cell left without a paragraph is a document Word calls unreadable."""
    for cell in root.iter(_TC):
        if cell.find(_P) is not None or cell.find(_TBL) is not None:
            continue
        where = cell.get(_TC_STAMP, "").split(".")
        place = (
            f"table {where[0]}, row {where[1]}, cell {where[2]}"
            if len(where) == 3
            else "a table cell"
        )
        inspection.problem(
            source,
            None,
            f"In {place}, '{{%p …%}}' blocks can remove every paragraph of the "
            "cell, which Word reports as unreadable content: keep one paragraph "
            "outside the blocks.",
            fatal=False,
        )
        return
