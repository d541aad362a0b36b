"""Structure: a skeleton of a part rendered to check its blocks fit the document.

The skeleton keeps the literal XML and the ``for``/``if`` blocks, no expression;
its output must be well-formed XML whichever way the blocks run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.visitor import NodeTransformer
from lxml import etree

from service.rendering.environment import ENVIRONMENT
from service.rendering.inspection.findings import Findings
from service.rendering.inspection.locating import (
    TAG,
    block_structure,
    original_tag,
    paragraph_of,
)
from service.rendering.inspection.sources import TBL, TC, TC_STAMP, P, Source

_OUTPUT_STAMP = re.compile(r'inspect-p="(\d+)"')

_PROBE = "inspect_probe"
_MAX_PROBED_BLOCKS = 300
_MAX_PROBE_ITERATIONS = 100_000
_MAX_PROBE_CHARS = 32 * 1024 * 1024


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


def probe_structure(inspection: Findings, source: Source, tree: nodes.Template) -> None:
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
    inspection: Findings, source: Source, rendering: _Rendering
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


def _report_broken_block(inspection: Findings, source: Source, line: int) -> None:
    """The block at ``line`` breaks the XML: name where it opens and closes."""
    pairs, _ = block_structure(source.text)
    end = pairs.get(line)
    end_at = ""
    if end is not None:
        paragraph = paragraph_of(source, end)
        info = source.paragraphs.get(paragraph) if paragraph is not None else None
        lines = source.line_texts
        found = TAG.match(lines[end - 1]) if 1 <= end <= len(lines) else None
        tag = original_tag(
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
    inspection: Findings, source: Source, root: etree._Element
) -> None:
    """A cell left without a paragraph is a document Word calls unreadable."""
    for cell in root.iter(TC):
        if cell.find(P) is not None or cell.find(TBL) is not None:
            continue
        where = cell.get(TC_STAMP, "").split(".")
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
