"""Prepare a .docx template once, render it many times to .docx bytes.

The narrow interface the rest of the service uses: :func:`prepare` and
:func:`render`. Preparing opens the zip once, turns every part that holds tags
into a compiled Jinja template (docxtpl's own preprocessing, see
:mod:`service.rendering.parts`) and lays out the untouched members' bytes;
rendering runs the compiled parts and writes the zip around them. Templates the
compiled engine cannot take render with plain docxtpl instead
(:mod:`service.rendering.docxtpl_engine`); ``engine`` and ``fallback_reason``
say which. See docs/engine.md.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from service.rendering import docxtpl_engine
from service.rendering.environment import PRINTABLE_TYPES
from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
)
from service.rendering.fixups import (
    DrawingIds,
    TableFix,
    drawing_ids,
    namespace_declarations,
)
from service.rendering.links import (
    R_NAMESPACE,
    Relationships,
    collecting,
    placed_in_text,
)
from service.rendering.package import (
    CONTENT_TYPES,
    Candidate,
    Package,
    parse_part,
    relationships_part,
)
from service.rendering.parts import (
    CompiledPart,
    compile_source,
    docxtpl_source,
    has_tags,
    pack,
    removes_cells,
    uses_column_tags,
)
from service.rendering.zipwriter import (
    CopiedMembers,
    Stamp,
    UnsupportedZip,
    assemble,
    copy_members,
)

#: The most a rendering may produce, counted as the uncompressed XML of the
#: rendered parts (the copied members are not counted).
DEFAULT_MAX_OUTPUT_BYTES = 50 * 1024 * 1024

#: Why a funder's template the compiled engine cannot take is refused.
UNSUPPORTED = (
    "The template cannot be used: its Word XML is unusual in a way the "
    "service cannot render safely. Open it in Word, save it as a new .docx and "
    "upload that."
)

COMPILED = "compiled"
DOCXTPL = "docxtpl"

logger = logging.getLogger(__name__)

_W_BODY = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}body"
_MAX_DEPTH = 32
_PLAIN_TYPES = PRINTABLE_TYPES | {type(None)}


class _Unsupported(Exception):
    """The compiled engine cannot take this template; the message says why."""


@dataclass(frozen=True, eq=False)
class CompiledDocument:
    """Everything a rendering needs: the copied members and the compiled parts."""

    copied: CopiedMembers
    parts: tuple[CompiledPart, ...]
    #: The body's relationships (the last copied member), when it can print links.
    links: Relationships | None = None
    links_part: str = ""  # the name of the part that prints links

    def weight(self) -> int:
        """A rough estimate of the bytes held in memory."""
        links = len(self.links.head) + 256 if self.links is not None else 0
        return (
            len(self.copied.local)
            + len(self.copied.central)
            + sum(part.weight() for part in self.parts)
            + links
        )


@dataclass(frozen=True, eq=False)
class PreparedTemplate:
    """A template ready to render; identified by the SHA-256 of its bytes."""

    digest: str
    source: bytes = field(repr=False)
    engine: str = COMPILED
    fallback_reason: str | None = None
    compiled: CompiledDocument | None = field(default=None, repr=False)

    @property
    def weight(self) -> int:
        """A rough estimate of the bytes this prepared template holds in memory."""
        compiled = self.compiled.weight() if self.compiled is not None else 0
        return len(self.source) + compiled + 1024


def prepare(source: bytes, *, compiled_only: bool = False) -> PreparedTemplate:
    """Prepare template bytes for rendering.

    Raises :class:`TemplateError` for a file that is not a .docx or a template
    with a syntax error (naming the part, paragraph and tag). With
    ``compiled_only`` (funders' templates), a template the compiled engine
    cannot take is refused rather than left to docxtpl, whose rendering can
    turn the caller's data into template code (see :func:`render`).
    """
    digest = hashlib.sha256(source).hexdigest()
    try:
        compiled = _compile(source)
    except _Unsupported as exc:
        if compiled_only:
            raise TemplateError(
                UNSUPPORTED, [TemplateProblem(message=f"{exc}.")]
            ) from exc
        docxtpl_engine.check_opens(source)
        reason = str(exc)
        logger.info("template %s renders with docxtpl: %s", digest[:12], reason)
        return PreparedTemplate(
            digest=digest, source=source, engine=DOCXTPL, fallback_reason=reason
        )
    return PreparedTemplate(digest=digest, source=source, compiled=compiled)


def render(
    template: PreparedTemplate,
    context: Mapping[str, Any],
    *,
    max_output_bytes: int | None = None,
    compiled_only: bool = False,
) -> bytes:
    """Render a prepared template with ``context`` to the bytes of a .docx file.

    Raises :class:`TemplateError` when the template fails on this data (an
    undefined value, a sandbox violation, a filter given the wrong type) and
    :class:`TemplateLimitExceeded` when the output would exceed
    ``max_output_bytes`` (default :data:`DEFAULT_MAX_OUTPUT_BYTES`).

    With ``compiled_only`` (funders' templates) docxtpl never renders: it
    renders some parts more than once (footnotes once per section), so what
    the data printed the first time would run as template code the second.
    """
    limit = DEFAULT_MAX_OUTPUT_BYTES if max_output_bytes is None else max_output_bytes
    compiled = template.compiled
    if compiled is None or _holds_markup(context):
        if compiled_only:
            reason = template.fallback_reason or "the data holds Word markup"
            raise TemplateError(UNSUPPORTED, [TemplateProblem(message=reason)])
        # docxtpl's RichText, Listing, InlineImage and Subdoc print their own
        # XML (through __html__): only docxtpl can place them.
        return docxtpl_engine.render(template.source, context, max_output_bytes=limit)
    if not isinstance(context, dict):
        context = dict(context)
    budget = limit
    members: list[tuple[Stamp, bytes]] = []
    copied = compiled.copied
    for part in compiled.parts:
        if compiled.links is not None and part.name == compiled.links_part:
            with collecting(compiled.links.prefix) as targets:
                data = part.render(context, budget)
            if targets.ids:
                if not placed_in_text(data, compiled.links.prefix):
                    raise TemplateError(
                        "The template could not be rendered.", [_misplaced(part.name)]
                    )
                rels = compiled.links.render(targets)
                members.append((compiled.links.stamp, rels))
                budget -= len(rels)
                copied = copied.without_last()
        else:
            data = part.render(context, budget)
        budget -= len(data)
        if budget < 0:
            raise TemplateLimitExceeded(
                "The rendered document is larger than the limit allows."
            )
        members.append((part.stamp, data))
    return assemble(copied, members)


def _misplaced(part: str) -> TemplateProblem:
    """A ``link`` or ``mailto`` printed where a run's text cannot be split."""
    return TemplateProblem(
        part=part,
        message=(
            "A link (the link or mailto filter) is printed where Word cannot hold "
            "one: print it as {{ value|link }} in the text of a paragraph, not "
            "with {{r }}, in an attribute or inside another link or field."
        ),
    )


def _holds_markup(value: Any, depth: int = 0) -> bool:
    """Whether a value in the context prints its own markup (has ``__html__``).

    That is docxtpl's RichText, Listing, InlineImage and Subdoc (and Markup).
    Nesting deeper than any document's (or a cycle) answers True: docxtpl then
    renders, which is slow but never wrong.
    """
    kind = type(value)
    items: Iterable[Any]
    if kind is dict:
        items = value.values()
    elif kind is list or kind is tuple:
        items = value
    elif kind in _PLAIN_TYPES:
        return False
    elif isinstance(value, Mapping):
        items = value.values()
    elif isinstance(value, list | tuple | set | frozenset):
        items = value
    else:
        return hasattr(value, "__html__")
    if depth > _MAX_DEPTH:
        return True
    for item in items:
        if type(item) in _PLAIN_TYPES:
            continue
        if _holds_markup(item, depth + 1):
            return True
    return False


def _compile(source: bytes) -> CompiledDocument:
    """Compile every templated part; raises ``_Unsupported`` to fall back."""
    package = Package(source)
    parts: list[CompiledPart] = []
    unsupported: list[str] = []
    for candidate in package.candidates():
        try:
            part = _compile_part(package, candidate)
        except _Unsupported as exc:
            unsupported.append(str(exc))
            continue  # still compile the others: their syntax errors are reported
        if part is not None:
            parts.append(part)
    if unsupported:
        raise _Unsupported("; ".join(unsupported))
    templated = {part.name for part in parts}
    copied = [info for info in package.infos if info.filename not in templated]
    body = next((part for part in parts if part.body), None)
    rels = relationships_part(body.name) if body is not None else ""
    # Content types first, as Word expects; the body's relationships last, so
    # that a rendering with links can leave them out and write them anew.
    copied.sort(key=lambda info: _copy_order(info.filename, rels))
    try:
        members = copy_members(source, copied)
    except UnsupportedZip as exc:
        raise _Unsupported(str(exc)) from exc
    links = None
    if (
        body is not None
        and rels in package.by_name
        and f'xmlns:r="{R_NAMESPACE}"' in body.namespaces
    ):
        links = Relationships.of(package.read(rels), Stamp.of(package.by_name[rels]))
    return CompiledDocument(
        copied=members,
        parts=tuple(parts),
        links=links,
        links_part=body.name if links is not None and body is not None else "",
    )


def _copy_order(name: str, rels: str) -> tuple[bool, bool]:
    return name != CONTENT_TYPES, name == rels


def _compile_part(package: Package, candidate: Candidate) -> CompiledPart | None:
    """The compiled part, or ``None`` when the part holds no tags."""
    name = candidate.name
    try:
        root = parse_part(package.read(name))
    except etree.XMLSyntaxError as exc:
        raise _Unsupported(f"{name} is not well-formed XML ({exc})") from exc
    xml = etree.tostring(root, encoding="unicode")
    head, text, tail = "", xml, ""
    if candidate.kind == "body":
        body = root.find(_W_BODY)
        if body is None:
            raise _Unsupported(f"{name} has no body")
        if len(body) == 0:
            return None
        head, text, tail = _split_body(xml, body, name)
    source = docxtpl_source(text)
    if not has_tags(source):
        return None
    word_xml = candidate.kind != "properties"
    compiled = compile_source(source, name, word_xml=word_xml)
    is_body = candidate.kind == "body"
    tables = TableFix.NONE  # docxtpl fixes table grids in the body only
    if is_body and removes_cells(text):
        tables = TableFix.ALL
    elif is_body and compiled.well_formed:
        tables = TableFix.MARKED if compiled.marked_tables else TableFix.NONE
    elif is_body and uses_column_tags(text):
        tables = TableFix.ALL
    return CompiledPart(
        name=name,
        stamp=Stamp.of(package.by_name[name]),
        packed_source=pack(source),
        source_length=len(source),
        template=compiled.template,
        head=head,
        tail=tail,
        namespaces=namespace_declarations(root),
        word_xml=word_xml,
        well_formed=compiled.well_formed,
        flat_paragraphs=compiled.flat_paragraphs,
        body=is_body,
        tables=tables,
        drawing_ids=(
            drawing_ids(text, root, compiled.has_loops) if is_body else DrawingIds.KEEP
        ),
    )


def _split_body(xml: str, body: etree._Element, name: str) -> tuple[str, str, str]:
    """(before, body, after): docxtpl renders only the document's body."""
    tag = f"{body.prefix}:body" if body.prefix else "body"
    starts = [m.start() for m in re.finditer(rf"<{re.escape(tag)}[\s>]", xml)]
    end_tag = f"</{tag}>"
    if len(starts) != 1 or xml.count(end_tag) != 1:
        raise _Unsupported(f"the body of {name} cannot be told apart")
    end = xml.index(end_tag) + len(end_tag)
    return xml[: starts[0]], xml[starts[0] : end], xml[end:]


__all__ = [
    "COMPILED",
    "DEFAULT_MAX_OUTPUT_BYTES",
    "DOCXTPL",
    "PreparedTemplate",
    "TemplateError",
    "TemplateLimitExceeded",
    "prepare",
    "render",
]
