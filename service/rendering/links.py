"""Web and e-mail links printed as real Word hyperlinks.

A template asks for a link explicitly: ``{{ party.website|link }}``,
``{{ person.email|mailto }}``. The filter closes the run it is printed in, writes
a ``<w:hyperlink r:id="…">`` holding the text (escaped, in Word's "Hyperlink"
character style) and opens a new run for what follows, the way docxtpl's
``resolve_listing`` splits a run at a line break. The link's target is a
relationship of the main document (``TargetMode="External"``), which the engine
adds to the copied ``word/_rels/document.xml.rels`` of that rendering only
(:class:`Relationships`); a field instruction would carry data where Word runs
it, which the package checks rightly refuse.

Only http, https and mailto targets become links; anything else (``javascript:``,
``file:``, a relative path) prints as plain text. So does every link outside the
main document's body (headers, footers, footnotes: their relationships are
parts of their own) and every link rendered by plain docxtpl: the filters link
only while the engine collects targets (:func:`collecting`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from lxml import etree
from markupsafe import Markup, escape

from service.rendering.zipwriter import Stamp

HYPERLINK_TYPE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
)
R_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/relationships"
_RELS_END = "</Relationships>"
#: Ids of the added relationships start with this (made unique per template).
ID_PREFIX = "rIdLink"
#: Whitespace, controls and characters that have no place in a link target.
_NOT_IN_TARGET = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\{}|^]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WEB_SCHEMES = frozenset({"http", "https"})


@dataclass
class LinkTargets:
    """The targets one rendering links to, each with its relationship id."""

    prefix: str
    ids: dict[str, str] = field(default_factory=dict)

    def id_for(self, target: str) -> str:
        """The relationship id for ``target``: one per distinct target."""
        known = self.ids.get(target)
        if known is None:
            known = self.ids[target] = f"{self.prefix}{len(self.ids) + 1}"
        return known


_TARGETS: ContextVar[LinkTargets | None] = ContextVar("link_targets", default=None)


@contextmanager
def collecting(prefix: str) -> Iterator[LinkTargets]:
    """Let the filters print links while rendering one part; yields the targets."""
    targets = LinkTargets(prefix)
    token = _TARGETS.set(targets)
    try:
        yield targets
    finally:
        _TARGETS.reset(token)


def web_target(value: str) -> str | None:
    """``value`` if it is an absolute http(s) or mailto URL fit for a link."""
    if _NOT_IN_TARGET.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme in _WEB_SCHEMES:
        return value if parts.netloc and parts.hostname else None
    if scheme == "mailto":
        return value if _EMAIL.fullmatch(parts.path) else None
    return None


def mail_target(value: str) -> str | None:
    """The mailto URL for an e-mail address, if it is one."""
    if value.lower().startswith("mailto:"):
        return web_target(value)
    if _NOT_IN_TARGET.search(value) or not _EMAIL.fullmatch(value):
        return None
    return f"mailto:{value}"


_LINK_START = '</w:t></w:r><w:hyperlink r:id="'
_LINK_END = '</w:hyperlink><w:r><w:t xml:space="preserve">'


def placed_in_text(data: bytes, prefix: str) -> bool:
    """Whether every link in a rendered part sits in the text of a run.

    Each link must split a ``<w:t>``: the tag before it opens one, the tag
    after it closes it, and no hyperlink is open around it. That keeps the part
    well-formed and valid where ``{{r …}}``, an attribute or an existing link
    would not, at the cost of a few searches instead of parsing the part.
    """
    start = (_LINK_START + prefix).encode()
    end = _LINK_END.encode()
    position = data.find(start)
    while position >= 0:
        before = data[data.rfind(b"<", 0, position) :]
        if not before.startswith((b"<w:t>", b"<w:t ")):
            return False
        if data.rfind(b"<w:hyperlink", 0, position) > data.rfind(
            b"</w:hyperlink>", 0, position
        ):
            return False
        after = data.find(end, position)
        if after < 0:
            return False
        after += len(end)
        if not data.startswith(b"</w:t>", data.find(b"<", after)):
            return False
        position = data.find(start, after)
    return True


def hyperlink(text: str, target: str | None) -> Markup:
    """``text`` as a link to ``target``, or as escaped text when it cannot be one.

    The markup ends the current run and starts a new one without its
    properties: text after a link in the same run takes the paragraph's style.
    """
    targets = _TARGETS.get()
    if target is None or targets is None:
        return escape(text)
    return Markup(
        _LINK_START + '{}" w:history="1"><w:r><w:rPr>'
        '<w:rStyle w:val="Hyperlink"/></w:rPr><w:t xml:space="preserve">{}</w:t>'
        "</w:r>" + _LINK_END
    ).format(targets.id_for(target), text)


def unused_prefix(ids: Collection[str]) -> str:
    """A prefix for new relationship ids that no id in ``ids`` starts with."""
    prefix = ID_PREFIX
    while any(identifier.startswith(prefix) for identifier in ids):
        prefix += "x"
    return prefix


@dataclass(frozen=True)
class Relationships:
    """A part's relationships, ready to take external hyperlinks at render time."""

    stamp: Stamp
    head: str  # the part's XML up to its closing tag
    tail: str  # the closing tag and what follows
    prefix: str  # for new ids: no existing id starts with it

    @classmethod
    def of(cls, data: bytes, stamp: Stamp) -> Relationships | None:
        """Read a ``.rels`` part; ``None`` when it is not one links can join."""
        try:
            text = data.decode("utf-8")
            root = etree.fromstring(data)
        except (UnicodeDecodeError, etree.XMLSyntaxError):
            return None
        end = text.rfind(_RELS_END)
        if root.tag != f"{{{_RELS_NAMESPACE}}}Relationships" or root.prefix or end < 0:
            return None
        prefix = unused_prefix([str(child.get("Id", "")) for child in root])
        return cls(stamp=stamp, head=text[:end], tail=text[end:], prefix=prefix)

    def render(self, targets: LinkTargets) -> bytes:
        """The part with one external hyperlink relationship per target."""
        added = "".join(
            f'<Relationship Id="{identifier}" Type="{HYPERLINK_TYPE}" '
            f'Target={quoteattr(target)} TargetMode="External"/>'
            for target, identifier in targets.ids.items()
        )
        return (self.head + added + self.tail).encode("utf-8")
