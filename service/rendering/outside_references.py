"""Refuse templates that make Word or LibreOffice contact a server when read.

Whatever a template carries is copied into every document rendered from it,
and a reader opens those documents on their own machine. A reference that
leaves the document (a web address, a Windows file share, another program) is
followed there: Word fetches a linked picture or attached template on opening
and sends the reader's Windows credentials (NTLM) to a share it is pointed at.
:func:`check_references` finds every such reference, by class:

- relationships: any type, any ``TargetMode``; only hyperlinks may point
  outside, and an attached template only to a path on the author's own disk;
- parts and elements that import other documents (altChunk, sub-documents,
  frames, mail-merge data sources, Office add-ins, online video);
- Word fields that fetch (:mod:`service.rendering.field_codes`);
- VML attributes and SVG pictures that refer outside;
- ``r:id`` references to a hyperlink relationship from anything but a link.

See docs/template-safety.md, "Outside references".
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from urllib.parse import unquote

from lxml import etree

from service.rendering import field_codes
from service.rendering.errors import TemplateProblem

_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_NAMESPACES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_VML_NAMESPACES = (
    "urn:schemas-microsoft-com:vml",
    "urn:schemas-microsoft-com:office:office",
    "urn:schemas-microsoft-com:office:word",
    "urn:schemas-microsoft-com:office:excel",
    "urn:schemas-microsoft-com:office:powerpoint",
)
_SCHEMA_LIBRARY_NS = "http://schemas.openxmlformats.org/schemaLibrary/2006/main"
_XINCLUDE_NS = "http://www.w3.org/2001/XInclude"

_HYPERLINK = "hyperlink"
_ATTACHED_TEMPLATE = "attachedtemplate"
#: Relationship types (last path segment, lower case) refused in any mode.
IMPORTING_RELATIONSHIPS = {
    "afchunk": (
        "The template imports another document (altChunk: HTML, RTF, MHT or "
        "Word), which Word converts when the document is opened; HTML fetches "
        "its pictures and RTF can carry objects. Paste the content in instead."
    ),
    "subdocument": (
        "The template is a master document: Word loads its sub-documents from "
        "files when it is opened. Insert their text instead."
    ),
    "frame": (
        "The template is a frames page: Word loads each frame's document when "
        "it is opened."
    ),
    "webextension": (
        "The template holds an Office add-in, which Word downloads from the web "
        "when the document is opened."
    ),
    "webextensiontaskpanes": (
        "The template holds an Office add-in, which Word downloads from the web "
        "when the document is opened."
    ),
}
#: Elements (by local name) refused wherever they are, and why.
REFUSED_ELEMENTS = {
    "altChunk": IMPORTING_RELATIONSHIPS["afchunk"],
    "subDoc": IMPORTING_RELATIONSHIPS["subdocument"],
    "frameset": IMPORTING_RELATIONSHIPS["frame"],
    "mailMerge": (
        "The template is a mail-merge main document: Word opens its data source "
        "(a file, database or server) when the document is opened. Finish or "
        "cancel the merge (Mailings › Start Mail Merge › Normal Word Document)."
    ),
    "webVideoPr": (
        "The template holds an online video, which loads a web page when it is played."
    ),
}
#: Content types (before any ``;``) of documents Word imports as altChunk.
IMPORTED_CONTENT_TYPES = frozenset(
    {
        "text/html", "application/xhtml+xml", "message/rfc822",
        "multipart/related", "application/rtf", "text/rtf", "text/richtext",
    }
)  # fmt: skip
#: Elements that may refer to an external hyperlink relationship: links.
_LINK_ELEMENTS = frozenset({"hyperlink", "hlinkClick", "hlinkHover", "hlinkMouseOver"})
#: VML attributes that hold text, CSS or picture data, not an address (a plain
#: ``href`` on a shape is also allowed: it is a link, followed when clicked).
_VML_TEXT_ATTRIBUTES = frozenset({"alt", "title", "style", "gfxdata"})
#: SVG elements that run code, hold HTML or load other documents.
_SVG_REFUSED_ELEMENTS = frozenset(
    {
        "script", "foreignObject", "iframe", "embed", "object", "handler",
        "listener", "animation", "video", "audio",
    }
)  # fmt: skip
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_EDGES = "".join(chr(code) for code in range(33)) + "\"'<>"
_DROPPED = dict.fromkeys(map(ord, "\t\r\n"))
_DRIVE_PATH = re.compile(r"^(file:///)?[a-z]:/")
_BARE_NAME = re.compile(r"^[^/:]+$")
_RASTER_DATA = re.compile(r"^data:image/(png|jpeg|jpg|gif|bmp|webp)[;,]")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*", re.IGNORECASE)
_CSS_FETCHING = re.compile(r"@import|image-set\(|\bimage\(|\bsrc\(", re.IGNORECASE)

ContentTypeOf = Callable[[str], "str | None"]


def check_references(
    scanned: Mapping[str, bytes],
    relationships: Mapping[str, etree._Element],
    content_type_of: ContentTypeOf,
    members: Iterable[str],
) -> Iterator[TemplateProblem]:
    """Every reference in the package that Word or LibreOffice would follow.

    ``scanned`` holds the raw XML and SVG members, ``relationships`` the parsed
    ``.rels`` parts, ``members`` every member's name. XML parts are parsed here
    one at a time (a part that does not parse is refused: Word would repair it,
    and a repaired part cannot be checked).
    """
    external_links: dict[str, set[str]] = {}
    for name, root in relationships.items():
        yield from _check_relationships(name, root)
        source = _source_of(name)
        external_links[source] = {
            relationship.get("Id", "")
            for relationship in root.iter(_REL_NS + "Relationship")
            if _mode(relationship) == "external" and _kind(relationship) == _HYPERLINK
        }
    scanned_names = set(scanned)
    for name in members:
        content_type = content_type_of(name) or ""
        base = content_type.split(";", 1)[0].strip()
        if base in IMPORTED_CONTENT_TYPES:
            yield TemplateProblem(message=IMPORTING_RELATIONSHIPS["afchunk"], part=name)
        elif "svg" in base and name not in scanned_names:
            yield TemplateProblem(
                message="The member is declared an SVG picture but is not SVG.",
                part=name,
            )
    for name, data in scanned.items():
        if name in relationships or _extension(name) == "rels":
            continue
        root = _parse(data)
        if root is None:
            yield TemplateProblem(message="The XML is not well-formed.", part=name)
            continue
        yield from _check_xml_part(name, root, external_links.get(name, set()))
        is_svg = _extension(name) == "svg" or "svg" in (content_type_of(name) or "")
        if is_svg or etree.QName(root).localname == "svg":
            yield from _check_svg(name, root)


# -- relationships -----------------------------------------------------------


def _check_relationships(name: str, root: etree._Element) -> Iterator[TemplateProblem]:
    for relationship in root.iter(_REL_NS + "Relationship"):
        kind = _kind(relationship)
        target = relationship.get("Target", "")
        mode = _mode(relationship)
        excerpt = _excerpt(target)
        if kind in IMPORTING_RELATIONSHIPS:
            yield TemplateProblem(
                message=IMPORTING_RELATIONSHIPS[kind], part=name, excerpt=excerpt
            )
        elif mode not in ("internal", "external"):
            yield TemplateProblem(
                message=(
                    f"A relationship has TargetMode {relationship.get('TargetMode')!r}"
                    "; Word knows only Internal and External."
                ),
                part=name,
                excerpt=excerpt,
            )
        elif kind == _ATTACHED_TEMPLATE:
            if not is_local_file(target):
                yield TemplateProblem(
                    message=(
                        "The template attaches a Word template on a server or "
                        f"file share ({excerpt}), which Word opens (sending the "
                        "reader's Windows password hash to a share) when the "
                        "document is opened. Attach Normal instead (Developer › "
                        "Document Template)."
                    ),
                    part=name,
                    excerpt=excerpt,
                )
        elif mode == "external" and kind != _HYPERLINK:
            yield TemplateProblem(
                message=(
                    f"The template refers to an outside {kind or 'resource'} "
                    f"({excerpt}) that Word would fetch when the document "
                    "is opened; only hyperlinks may point outside."
                ),
                part=name,
                excerpt=excerpt,
            )
        elif mode == "internal" and not is_package_path(target):
            yield TemplateProblem(
                message=(
                    f"A {kind or 'relationship'} marked as inside the package "
                    f"points outside it ({excerpt})."
                ),
                part=name,
                excerpt=excerpt,
            )


def _kind(relationship: etree._Element) -> str:
    """The type's last path segment, lower case (``attachedtemplate``)."""
    return relationship.get("Type", "").rstrip("/").rsplit("/", 1)[-1].lower()


def _mode(relationship: etree._Element) -> str:
    return (relationship.get("TargetMode") or "Internal").strip().lower()


def _source_of(rels: str) -> str:
    """The part ``rels`` belongs to: ``word/_rels/a.xml.rels`` → ``word/a.xml``."""
    folder, base = posixpath.split(rels)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, base.removesuffix(".rels"))


# -- addresses ---------------------------------------------------------------


def _forms(value: str) -> list[str]:
    """``value`` as written and percent-decoded (up to five times), compared alike.

    Each form is trimmed, loses tabs and line breaks (URL parsers drop them, so
    ``ht<tab>tp:`` is ``http:``), has ``\\`` as ``/`` (Windows reads both) and is
    lower case.
    """
    forms = [value]
    decoded = value
    for _ in range(5):
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            break
        forms.append(decoded)
    return [
        form.translate(_DROPPED).strip(_EDGES).replace("\\", "/").lower()
        for form in forms
    ]


def is_remote(value: str) -> bool:
    """Whether ``value`` names something on another machine or in another program.

    A URL of any scheme (``http:``, ``file:``, ``mhtml:``, ``ms-word:``…) or a
    share (``\\\\host\\share``, ``//host/share``), as written or percent-decoded.
    A drive letter (``C:\\…``) is the reader's own disk and does not count.
    """
    for form in _forms(value):
        scheme = _SCHEME.match(form)
        if form.startswith("//") or (scheme and len(scheme.group(1)) > 1):
            return True
    return False


def is_package_path(value: str) -> bool:
    """Whether ``value`` can only name a part (no scheme, share or drive)."""
    return not any(
        form.startswith("//") or _SCHEME.match(form) for form in _forms(value)
    )


def is_local_file(value: str) -> bool:
    """Whether ``value`` is a local drive's path (``file:///C:/…``) or a bare name."""
    return all(
        _DRIVE_PATH.match(form) or _BARE_NAME.match(form) for form in _forms(value)
    )


def _excerpt(value: str) -> str:
    return value if len(value) <= 80 else value[:79] + "…"


# -- XML parts ---------------------------------------------------------------


def _check_xml_part(
    name: str, root: etree._Element, external_ids: set[str]
) -> Iterator[TemplateProblem]:
    for local, message in REFUSED_ELEMENTS.items():
        if next(root.iter(f"{{*}}{local}"), None) is not None:
            yield TemplateProblem(message=message, part=name)
    yield from _check_processing(name, root)
    for instruction in field_codes.instructions(root):
        reason = field_codes.refusal(instruction)
        if reason is not None:
            yield TemplateProblem(
                message=reason,
                part=name,
                excerpt=field_codes.shown(instruction.with_deletions),
            )
    yield from _check_vml(name, root)
    yield from _check_link_references(name, root, external_ids)


def _check_processing(name: str, root: etree._Element) -> Iterator[TemplateProblem]:
    """Style sheets and XInclude: instructions to load another file."""
    tree = root.getroottree()
    for instruction in tree.xpath("//processing-instruction('xml-stylesheet')"):
        yield TemplateProblem(
            message="The XML links a style sheet (<?xml-stylesheet?>), which "
            "would be fetched.",
            part=name,
            excerpt=_excerpt(str(instruction)),
        )
    if next(root.iter(f"{{{_XINCLUDE_NS}}}*"), None) is not None:
        yield TemplateProblem(
            message="The XML includes another file (XInclude).", part=name
        )


def _check_vml(name: str, root: etree._Element) -> Iterator[TemplateProblem]:
    """VML pictures, fills and OLE objects that point outside, or a schema library."""
    tags = [f"{{{ns}}}*" for ns in (*_VML_NAMESPACES, _SCHEMA_LIBRARY_NS)]
    for element in root.iter(*tags):
        local = etree.QName(element).localname
        if local == "OLEObject" and (element.get("Type") or "").lower() == "link":
            yield TemplateProblem(
                message=(
                    "The template holds a linked object (OLE link), which Word "
                    "updates from its file when the document is opened."
                ),
                part=name,
            )
        for attribute, value in element.attrib.items():
            qname = etree.QName(attribute)
            if qname.localname in _VML_TEXT_ATTRIBUTES or (
                qname.namespace is None and qname.localname == "href"
            ):
                continue
            if is_remote(value):
                yield TemplateProblem(
                    message=(
                        f"A picture or shape ({local}) refers to an outside "
                        f"address in its {qname.localname} ({_excerpt(value)}), "
                        "which Word would fetch when the document is opened."
                    ),
                    part=name,
                    excerpt=_excerpt(value),
                )
        style = element.get("style")
        if style is not None and _css_refusal(style):
            yield TemplateProblem(
                message=f"A shape's style ({local}) loads an outside resource.",
                part=name,
                excerpt=_excerpt(style),
            )


def _check_link_references(
    name: str, root: etree._Element, external_ids: set[str]
) -> Iterator[TemplateProblem]:
    """An external hyperlink may be clicked, never used as a picture or object."""
    if not external_ids:
        return
    references = root.xpath(
        "//@*[namespace-uri() = $a or namespace-uri() = $b or local-name() = 'relid']",
        a=_R_NAMESPACES[0],
        b=_R_NAMESPACES[1],
    )
    for value in references:
        element = value.getparent()
        local = etree.QName(element).localname
        if str(value) in external_ids and local not in _LINK_ELEMENTS:
            yield TemplateProblem(
                message=(
                    f"A {local} element uses the outside address of a "
                    f"hyperlink ({value}); only links may refer to it."
                ),
                part=name,
            )


# -- SVG ---------------------------------------------------------------------


def _check_svg(name: str, root: etree._Element) -> Iterator[TemplateProblem]:
    """An SVG picture may refer only to its own contents and embedded pictures."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local in _SVG_REFUSED_ELEMENTS:
            yield TemplateProblem(
                message=(
                    f"The SVG picture holds <{local}>, which runs code or loads "
                    "other content."
                ),
                part=name,
            )
        if local == "style" and _css_refusal(element.text or ""):
            yield TemplateProblem(
                message="The SVG picture's style sheet loads an outside resource.",
                part=name,
                excerpt=_excerpt((element.text or "").strip()),
            )
        for attribute, value in element.attrib.items():
            attribute_name = etree.QName(attribute).localname
            if attribute_name.lower().startswith("on"):
                yield TemplateProblem(
                    message=f"The SVG picture runs code ({attribute_name}).",
                    part=name,
                )
            elif attribute_name in ("href", "src") and not _inside_svg(value):
                yield TemplateProblem(
                    message=(
                        f"The SVG picture refers to an outside address in <{local}> "
                        f"({_excerpt(value)}); it may refer only to its own parts "
                        "(#id) and embedded pictures (data:image/png…)."
                    ),
                    part=name,
                    excerpt=_excerpt(value),
                )
            elif _css_refusal(value):
                yield TemplateProblem(
                    message=(
                        f"The SVG picture loads an outside resource in <{local}> "
                        f"{attribute_name}."
                    ),
                    part=name,
                    excerpt=_excerpt(value),
                )


def _inside_svg(reference: str) -> bool:
    """A fragment of the same picture, or a raster picture embedded as data."""
    forms = _forms(reference)
    return all(form.startswith("#") or _RASTER_DATA.match(form) for form in forms)


def _css_refusal(css: str) -> bool:
    """Whether CSS text loads something: ``@import``, ``image-set()``, a ``url()``.

    CSS escapes (``u\\72l(``) and comments are undone first, so they cannot hide
    a function name; ``url(#id)`` and raster ``data:`` URLs stay allowed.
    """
    text = _CSS_COMMENT.sub("", css)
    text = _CSS_ESCAPE.sub(_unescape_css, text)
    text = _CSS_COMMENT.sub("", text)
    if _CSS_FETCHING.search(text):
        return True
    return any(
        not _inside_svg(text[match.end() :].split(")", 1)[0])
        for match in _CSS_URL.finditer(text)
    )


def _unescape_css(match: re.Match[str]) -> str:
    if match.group(1) is not None:
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return match.group(2)


# -- helpers -----------------------------------------------------------------


def _parse(data: bytes) -> etree._Element | None:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None


def _extension(name: str) -> str:
    base = posixpath.basename(name)
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""
