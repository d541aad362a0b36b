"""Read a part's Jinja syntax tree once: is every rendering well-formed XML, and
which tables can a rendering give a different number of cells?

docxtpl re-parses each rendered body with lxml's recovering parser, which costs
a parse per render, silently repairs a broken structure, and lets ``fix_tables``
adjust table grids after column loops. The compiled engine writes rendered XML
straight into the zip instead, so it must know the XML is sound and which
tables need fixing.

:func:`analyse` walks the tree and tracks the XML open-element stack through
the literal text: if every block body (each branch of an ``if``, the body and
``else`` of a ``for``) leaves the stack and the tokenizer state exactly as it
found them, and the whole template ends balanced, then any number of loop
iterations and any choice of branches gives well-formed XML, because values
print as escaped text (autoescape).

Anything the walk cannot follow (macros, ``{% set %}`` and filter blocks, which
print markup; recursive loops; ``{% autoescape false %}``; a tag name split by
a Jinja tag; a value printed between attributes) makes the template
"unverified": the engine then checks each rendering instead.

On the way it notes every table whose cells a block body opens or closes while
the row itself lies outside that body (a column loop, ``{% hm %}``), or whose
``w:gridSpan`` prints a value (``{% colspan %}``): only those tables can need
docxtpl's ``fix_tables``, and :func:`apply_edits` tags their start so a
rendering finds them without parsing the rest. It also notes each "\\n" in a
run's literal text, which docxtpl turns into a line break after every
rendering: :func:`apply_edits` makes that change once, in the template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jinja2 import nodes

#: An attribute put on the start tag of each table that needs fixing; the
#: engine removes it again. Data cannot forge it: printed values are escaped.
TABLE_MARK = "docxtpl-fix-tables"

_LINE_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_NAME = re.compile(r"[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?")
_IN_TAG = re.compile(r"[^\"'>]*")
_ENTITY = re.compile(r"&(?:[A-Za-z_][\w.\-]*|#[0-9]+|#x[0-9A-Fa-f]+);")
_SPECIAL_STARTS = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))

#: Where a start tag begins: the literal-text node and the offset in its data.
Origin = tuple[nodes.TemplateData, int]


class _Unverifiable(Exception):
    """The walk met something it cannot follow."""


@dataclass
class Analysis:
    """What the walk found."""

    problem: str | None = None  # why renderings might not be well-formed
    tables: dict[tuple[int, int], Origin] = field(default_factory=dict)
    nested_paragraphs: bool = False  # a paragraph inside a paragraph (text box)
    newlines: list[Origin] = field(default_factory=list)  # "\n" in a run's text

    @property
    def well_formed(self) -> bool:
        """Every rendering is well-formed XML."""
        return self.problem is None


@dataclass
class _State:
    """The XML tokenizer's state between pieces of literal template text."""

    analysis: Analysis
    stack: list[str] = field(default_factory=list)
    origins: list[Origin | None] = field(default_factory=list)
    floor: int = 0  # the stack depth where the innermost block body began
    tag: str | None = None  # "open" or "close" while inside a tag
    name: str = ""
    quote: str | None = None
    last: str = ""  # the last significant character inside the current tag
    origin: Origin | None = None  # where the current tag began
    node: nodes.TemplateData | None = None  # the literal text being fed

    def key(self) -> tuple[tuple[str, ...], str | None, str, str | None, str]:
        """Everything that must match for two states to continue alike."""
        return (tuple(self.stack), self.tag, self.name, self.quote, self.last)

    def branch(self) -> _State:
        """A copy for walking one block body, which starts at the current depth."""
        return _State(
            self.analysis, list(self.stack), list(self.origins), len(self.stack),
            self.tag, self.name, self.quote, self.last, self.origin,
        )  # fmt: skip

    def value(self) -> None:
        """A printed value: escaped text, fine in content or a quoted attribute."""
        if self.tag is not None and self.quote is None:
            raise _Unverifiable("value printed between attributes")
        if self.tag == "open" and self.name == "w:gridSpan":
            self._cells_change()

    def feed(self, node: nodes.TemplateData) -> None:
        """Advance through a piece of literal text."""
        self.node = node
        data = node.data
        pos, end = 0, len(data)
        while pos < end:
            pos = self._in_tag(data, pos) if self.tag else self._in_text(data, pos)

    def _in_text(self, data: str, pos: int) -> int:
        lt = data.find("<", pos)
        text = data[pos:] if lt < 0 else data[pos:lt]
        if "&" in text:
            _check_entities(text)
        if "\n" in text and self.node is not None and self._in_run_text():
            newline = text.find("\n")
            while newline >= 0:
                self.analysis.newlines.append((self.node, pos + newline))
                newline = text.find("\n", newline + 1)
        if lt < 0:
            return len(data)
        for start, stop in _SPECIAL_STARTS:
            if data.startswith(start, lt):
                close = data.find(stop, lt + len(start))
                if close < 0:
                    raise _Unverifiable("comment or instruction split by a tag")
                return close + len(stop)
        closing = data.startswith("</", lt)
        match = _NAME.match(data, lt + (2 if closing else 1))
        if match is None or match.end() >= len(data):
            raise _Unverifiable("tag name not followed by its tag")
        self.tag = "close" if closing else "open"
        self.name = match.group(0)
        self.last = ""
        self.origin = (self.node, lt) if self.node is not None else None
        return match.end()

    def _in_tag(self, data: str, pos: int) -> int:
        if self.quote is not None:
            close = data.find(self.quote, pos)
            value = data[pos:] if close < 0 else data[pos:close]
            if "<" in value:
                raise _Unverifiable("'<' in an attribute value")
            if "&" in value:
                _check_entities(value)
            if close < 0:
                return len(data)
            self.quote, self.last = None, data[close]
            return close + 1
        match = _IN_TAG.match(data, pos)
        assert match is not None  # the pattern matches the empty string
        stripped = match.group(0).rstrip()
        if stripped:
            self.last = stripped[-1]
        if "<" in stripped:
            raise _Unverifiable("'<' inside a tag")
        pos = match.end()
        if pos == len(data):
            return pos
        if data[pos] == ">":
            self._end_tag()
        else:
            self.quote = data[pos]
        return pos + 1

    def _end_tag(self) -> None:
        if self.tag == "close":
            if not self.stack or self.stack[-1] != self.name:
                raise _Unverifiable(f"</{self.name}> does not close the open element")
            self.stack.pop()
            self.origins.pop()
            if self.name == "w:tc":
                self._cell_boundary()
        else:
            if self.name == "w:tc":
                self._cell_boundary()
            if self.name == "w:p" and "w:p" in self.stack:
                self.analysis.nested_paragraphs = True
            if self.last != "/":
                self.stack.append(self.name)
                self.origins.append(self.origin)
        self.tag, self.name, self.last, self.origin = None, "", "", None

    def _in_run_text(self) -> bool:
        """Inside the text of a run of a paragraph (what resolve_listing rewrites)."""
        stack = self.stack
        return (
            len(stack) >= 3
            and stack[-1] == "w:t"
            and stack[-2] == "w:r"
            and ("w:p" in stack)
        )

    def _cell_boundary(self) -> None:
        """A cell starts or ends: does its row lie outside the current body?"""
        rows = [depth for depth, name in enumerate(self.stack) if name == "w:tr"]
        if rows and rows[-1] < self.floor:
            self._cells_change()

    def _cells_change(self) -> None:
        """Note the outermost table on the stack as one that may need fixing."""
        for depth, name in enumerate(self.stack):
            if name == "w:tbl":
                origin = self.origins[depth]
                if origin is None:
                    raise _Unverifiable("a table started outside literal text")
                self.analysis.tables[(id(origin[0]), origin[1])] = origin
                return


def _check_entities(text: str) -> None:
    pos = text.find("&")
    while pos >= 0:
        if _ENTITY.match(text, pos) is None:
            raise _Unverifiable("'&' that does not start an entity")
        pos = text.find("&", pos + 1)


def _neutral(body: list[nodes.Node], state: _State) -> None:
    """Require ``body`` to leave ``state`` as it found it (so it may repeat)."""
    branch = state.branch()
    _walk(body, branch)
    if branch.key() != state.key():
        raise _Unverifiable("a block body is not balanced")


def _escapes(node: nodes.ScopedEvalContextModifier) -> bool:
    """Whether the scope only switches autoescaping on."""
    return all(
        option.key == "autoescape"
        and isinstance(option.value, nodes.Const)
        and option.value.value is True
        for option in node.options
    )


def _walk(body: list[nodes.Node], state: _State) -> None:
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    state.feed(child)
                else:
                    state.value()
        elif isinstance(node, nodes.If):
            _neutral(node.body, state)
            for branch in node.elif_:
                _neutral(branch.body, state)
            _neutral(node.else_, state)
        elif isinstance(node, nodes.For):
            if node.recursive:
                raise _Unverifiable("recursive loop")
            _neutral(node.body, state)
            _neutral(node.else_, state)
        elif isinstance(node, nodes.Assign):
            continue
        elif isinstance(node, nodes.With | nodes.Scope):
            _walk(node.body, state)
        elif isinstance(node, nodes.ScopedEvalContextModifier) and _escapes(node):
            _walk(node.body, state)
        else:
            raise _Unverifiable(f"{type(node).__name__} is not followed")


def analyse(template: nodes.Template) -> Analysis:
    """Walk ``template`` once (see the module's documentation)."""
    analysis = Analysis()
    state = _State(analysis)
    try:
        _walk(template.body, state)
    except _Unverifiable as exc:
        return Analysis(problem=str(exc))
    if state.stack or state.tag is not None:
        return Analysis(problem=f"elements left open at the end: {state.stack}")
    return analysis


def apply_edits(analysis: Analysis, *, word_xml: bool) -> None:
    """Edit the literal text of a well-formed template before it is compiled.

    Each table that needs fixing gets :data:`TABLE_MARK` on its start tag.
    In WordprocessingML without nested paragraphs, each "\\n" in a run's text
    becomes the line break docxtpl's ``resolve_listing`` would make of it
    after every rendering (``</w:t><w:br/><w:t xml:space="preserve">``).
    """
    edits: dict[int, tuple[nodes.TemplateData, list[tuple[int, str, int]]]] = {}

    def edit(origin: Origin, insert: str, remove: int) -> None:
        node, offset = origin
        edits.setdefault(id(node), (node, []))[1].append((offset, insert, remove))

    for node, offset in analysis.tables.values():
        assert node.data.startswith("<w:tbl", offset)
        edit((node, offset + len("<w:tbl")), f' {TABLE_MARK}=""', 0)
    if word_xml and not analysis.nested_paragraphs:
        for origin in analysis.newlines:
            edit(origin, _LINE_BREAK, 1)
    for node, changes in edits.values():
        data = node.data
        for offset, insert, remove in sorted(changes, reverse=True):
            data = data[:offset] + insert + data[offset + remove :]
        node.data = data


def escape_properties(template: nodes.Template) -> None:
    """Turn ``{% autoescape false %}`` into ``true`` in a core-properties part.

    docxtpl renders each property as a string that python-docx escapes once
    more, so templates switch autoescaping off there to avoid "&amp;amp;". The
    compiled engine renders the XML itself, where escaping is what gives the
    literal text: the switch would break the XML, and on it gives the same
    text docxtpl gives with it off.
    """
    for scope in template.find_all(nodes.ScopedEvalContextModifier):
        for option in scope.options:
            if option.key == "autoescape":
                option.value = nodes.Const(True, lineno=option.value.lineno)
