"""Check an uploaded .docx as a zip before python-docx or lxml reads any of it.

python-docx reads every part of a package in full and lxml parses what it is
given, so a 1 MiB upload holding a 1 GiB part costs a gigabyte, and a part with
a document type definition can expand entities. :func:`check_package` looks at
the zip itself first: the central directory (member count, names, encryption,
compression method, declared sizes), then every member through a bounded read
(``ZipFile.open`` + ``read(limit + 1)``, so a member that lies about its size
can never cost more than the limit), then the raw XML of every part, the
content types and the relationships, and last every reference to something
outside the package (:mod:`service.rendering.outside_references`). See
docs/template-safety.md.

Sizes and counts beyond :class:`PackageLimits` are :class:`TemplateLimitExceeded`
(413) and stop the check at once; everything else is collected and raised as
one :class:`TemplateError` (422) naming each offending member.
"""

from __future__ import annotations

import codecs
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
)
from service.rendering.outside_references import check_references

KiB = 1024
MiB = 1024 * KiB

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_RELS = "_rels/.rels"
MAIN_DOCUMENT = "word/document.xml"
MAIN_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
TEMPLATE_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
)
REQUIRED_MEMBERS = (CONTENT_TYPES, PACKAGE_RELS, MAIN_DOCUMENT)

#: Parts scanned as XML: Office XML and relationships, and SVG pictures (XML too,
#: read by whatever later opens or converts the document). A picture of another
#: extension whose bytes begin with "<" is scanned too: it can only be SVG.
XML_EXTENSIONS = frozenset({"xml", "rels"})
SCANNED_EXTENSIONS = XML_EXTENSIONS | {"svg"}
#: Pictures Word stores under word/media (and the package thumbnail).
IMAGE_EXTENSIONS = frozenset(
    {
        "png", "jpg", "jpeg", "jpe", "jfif", "gif", "bmp", "dib", "tif", "tiff",
        "emf", "wmf", "emz", "wmz", "svg", "wdp", "hdp", "jxr", "webp", "ico",
    }
)  # fmt: skip
#: Embedded fonts (Word obfuscates them as .odttf).
FONT_EXTENSIONS = frozenset({"odttf", "ttf", "otf"})
#: Embedded documents: only the macro-free Office formats (charts embed .xlsx).
EMBEDDED_EXTENSIONS = frozenset({"xlsx", "docx", "pptx"})
#: Printer settings are the one binary part Word writes besides media and fonts.
_PRINTER_SETTINGS = re.compile(r"(^|/)printerSettings/[^/]+\.bin$", re.IGNORECASE)

#: Content types (lower case, by substring) that mean code or foreign objects:
#: VBA macros and their signatures, macro-enabled main parts, ActiveX controls,
#: OLE objects (which can wrap any file, programs included), and the key maps
#: and toolbars that come with macros.
REFUSED_CONTENT_TYPES = (
    "vba",
    "macroenabled",
    "activex",
    "oleobject",
    "keymapcustomizations",
    "attachedtoolbars",
)
#: Relationship types (by their last path segment, lower case) that are refused
#: for the same reasons.
REFUSED_RELATIONSHIPS = frozenset(
    {
        "vbaproject",
        "vbaprojectsignature",
        "activexcontrolbinary",
        "control",
        "oleobject",
        "keymapcustomizations",
        "attachedtoolbars",
        "wordvbadata",
    }
)
_DTD = re.compile(r"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(
    r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']"""
)
_XML_ENCODINGS = frozenset({"utf-8", "utf8", "utf-16", "utf16"})
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 256 * KiB
_COMPRESSION_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})

NOT_A_DOCX = "The file is not a Word document (.docx)."
ENCRYPTED = "The member is encrypted."
REFUSED = "The template cannot be used: it holds parts a .docx template must not have."


@dataclass(frozen=True)
class PackageLimits:
    """How big an uploaded template may be, as a file and once decompressed."""

    #: The uploaded file itself.
    max_upload_bytes: int = 5 * MiB
    #: Members (files) in the zip; a real agreement has 15 to 40.
    max_members: int = 300
    #: Uncompressed bytes of any one member.
    max_member_bytes: int = 25 * MiB
    #: Uncompressed bytes of all members together.
    max_total_bytes: int = 60 * MiB
    #: Uncompressed / compressed size of one member, for members larger than
    #: ``ratio_applies_above``: Word's XML compresses 5 to 35 times, pictures
    #: hardly at all, while deflate bombs reach 1000 times.
    max_compression_ratio: float = 100.0
    #: Small members may compress as well as they like: the absolute limits bound
    #: them, and short repetitive XML (an empty table) compresses very well.
    ratio_applies_above: int = 1 * MiB


DEFAULT_LIMITS = PackageLimits()


def check_package(source: bytes, limits: PackageLimits = DEFAULT_LIMITS) -> None:
    """Raise if ``source`` is not a safe .docx within ``limits``; else return."""
    if len(source) > limits.max_upload_bytes:
        raise TemplateLimitExceeded(
            f"The file is {_size(len(source))}; at most "
            f"{_size(limits.max_upload_bytes)} may be uploaded.",
            [TemplateProblem(message="The file is too large.")],
        )
    archive = _open_zip(source)
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise TemplateLimitExceeded(
            f"The file holds {len(infos)} members; at most "
            f"{limits.max_members} are allowed.",
            [TemplateProblem(message="Too many members in the zip.")],
        )
    problems = list(_check_directory(infos, limits))
    if problems:
        raise TemplateError(REFUSED, problems)
    names = {info.filename for info in infos}
    missing = [name for name in REQUIRED_MEMBERS if name not in names]
    if missing:
        raise TemplateError(
            NOT_A_DOCX,
            [
                TemplateProblem(message=f"The package has no {name}.", part=name)
                for name in missing
            ],
        )
    scanned = _read_members(archive, infos, limits)
    problems = list(_check_xml(scanned))
    if problems:  # the content types and relationships are not parsed then
        raise TemplateError(REFUSED, problems)
    types = _content_types(scanned[CONTENT_TYPES])
    problems = list(_check_parts(infos, types))
    relationships: dict[str, etree._Element] = {}
    problems.extend(_check_relationships(scanned, relationships))
    problems.extend(
        check_references(
            scanned,
            relationships,
            types.of,
            [info.filename for info in infos if not info.is_dir()],
        )
    )
    if problems:
        raise TemplateError(REFUSED, problems)


def _open_zip(source: bytes) -> zipfile.ZipFile:
    if source.startswith(_OLE_SIGNATURE):
        raise TemplateError(
            NOT_A_DOCX,
            [
                TemplateProblem(
                    message=(
                        "The file is a password-protected document or an old .doc "
                        "file; save it as an unprotected Word document (.docx)."
                    )
                )
            ],
        )
    try:
        return zipfile.ZipFile(io.BytesIO(source))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise TemplateError(
            NOT_A_DOCX,
            [TemplateProblem(message="The file is not a zip archive, as a .docx is.")],
        ) from exc


def _check_directory(
    infos: list[zipfile.ZipInfo], limits: PackageLimits
) -> Iterator[TemplateProblem]:
    """Names, encryption, methods and declared sizes: no member is read yet."""
    seen: set[str] = set()
    declared_total = 0
    for info in infos:
        name = info.filename
        if not _safe_name(name):
            yield TemplateProblem(
                message="A member name is absolute or leaves the package (..).",
                part=name,
            )
            continue
        if name in seen:
            yield TemplateProblem(message="The member occurs twice.", part=name)
        seen.add(name)
        if info.flag_bits & 0x1:
            yield TemplateProblem(message=ENCRYPTED, part=name)
        elif info.compress_type not in _COMPRESSION_METHODS:
            yield TemplateProblem(
                message="The member uses a compression method Word does not use.",
                part=name,
            )
        if info.file_size > limits.max_member_bytes:
            raise _member_too_large(name, info.file_size, limits)
        declared_total += info.file_size
        if declared_total > limits.max_total_bytes:
            raise _total_too_large(limits)


def _safe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return False
    if re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in name.split("/")


def _read_members(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: PackageLimits
) -> dict[str, bytes]:
    """Decompress every member with a bounded read; keep the XML to scan it."""
    scanned: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        extension = _extension(name)
        keep = extension in SCANNED_EXTENSIONS
        chunks: list[bytes] = []
        size = 0
        try:
            with archive.open(info) as member:
                while True:
                    chunk = member.read(min(_CHUNK, limits.max_member_bytes + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limits.max_member_bytes:
                        raise _member_too_large(name, size, limits)
                    if total + size > limits.max_total_bytes:
                        raise _total_too_large(limits)
                    _check_ratio(name, size, info.compress_size, limits)
                    if size == len(chunk) and extension in IMAGE_EXTENSIONS:
                        # Only a picture's first bytes tell whether it is SVG.
                        keep = keep or _looks_like_xml(chunk)
                    if keep:
                        chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise TemplateError(
                NOT_A_DOCX,
                [TemplateProblem(message="The member is damaged.", part=name)],
            ) from exc
        except NotImplementedError as exc:  # pragma: no cover - methods checked
            raise TemplateError(REFUSED) from exc
        except RuntimeError as exc:
            # zipfile's "password required": the directory check refuses
            # encrypted members first; this keeps a regression from being a 500.
            raise TemplateError(
                REFUSED, [TemplateProblem(message=ENCRYPTED, part=name)]
            ) from exc
        total += size
        if keep:
            scanned[name] = b"".join(chunks)
    return scanned


def _looks_like_xml(data: bytes) -> bool:
    """Whether a member begins as XML does (an SVG picture under another name)."""
    start = data.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    return start.startswith(b"<") or data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    )


def _check_ratio(name: str, size: int, compressed: int, limits: PackageLimits) -> None:
    if size <= limits.ratio_applies_above:
        return
    if size > limits.max_compression_ratio * max(compressed, 1):
        raise TemplateLimitExceeded(
            "The template is a zip bomb: a member expands more than "
            f"{limits.max_compression_ratio:g} times.",
            [
                TemplateProblem(
                    message=(
                        f"Compressed {_size(compressed)} expands beyond {_size(size)}."
                    ),
                    part=name,
                )
            ],
        )


def _check_xml(scanned: dict[str, bytes]) -> Iterator[TemplateProblem]:
    """Refuse document type definitions and encodings the scan cannot read."""
    for name, data in scanned.items():
        text = _decode_xml(data)
        if text is None:
            yield TemplateProblem(
                message="The XML is not UTF-8 or UTF-16, as Word writes it.", part=name
            )
        elif _DTD.search(text):
            yield TemplateProblem(
                message=(
                    "The XML declares a document type or entities (<!DOCTYPE, "
                    "<!ENTITY), which Word never writes; they can read files or "
                    "expand to gigabytes."
                ),
                part=name,
            )


def _decode_xml(data: bytes) -> str | None:
    """The text of an XML part, or None if it is not UTF-8 or UTF-16."""
    if data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(b"<\x00"):
        encoding = "utf-16-le"
    elif data.startswith(b"\x00<"):
        encoding = "utf-16-be"
    else:
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    declared = _DECLARED_ENCODING.match(text.lstrip("\ufeff"))
    if declared and declared.group(1).lower() not in _XML_ENCODINGS:
        return None
    return text


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


def _parse(data: bytes) -> etree._Element | None:
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:
        return None


@dataclass(frozen=True)
class _ContentTypes:
    defaults: dict[str, str]
    overrides: dict[str, str]

    def of(self, name: str) -> str | None:
        """The content type of member ``name`` (lower case), if declared."""
        override = self.overrides.get(name.lower())
        if override is not None:
            return override
        return self.defaults.get(_extension(name))


def _content_types(data: bytes) -> _ContentTypes:
    root = _parse(data)
    if root is None:
        raise TemplateError(
            NOT_A_DOCX,
            [
                TemplateProblem(
                    message="The list of content types is not valid XML.",
                    part=CONTENT_TYPES,
                )
            ],
        )
    defaults = {
        element.get("Extension", "").lower(): element.get("ContentType", "").lower()
        for element in root.iter(_CT_NS + "Default")
    }
    overrides = {
        element.get("PartName", "").lstrip("/").lower(): (
            element.get("ContentType", "").lower()
        )
        for element in root.iter(_CT_NS + "Override")
    }
    return _ContentTypes(defaults, overrides)


def _check_parts(
    infos: list[zipfile.ZipInfo], types: _ContentTypes
) -> Iterator[TemplateProblem]:
    """Only Office XML, pictures, fonts and macro-free embedded documents."""
    main = types.of(MAIN_DOCUMENT)
    if main == TEMPLATE_CONTENT_TYPE:
        yield TemplateProblem(
            message="The file is a Word template (.dotx); save it as a .docx.",
            part=MAIN_DOCUMENT,
        )
    elif main != MAIN_CONTENT_TYPE and not _refused_type(main):
        yield TemplateProblem(
            message="The main part is not a Word document's.", part=MAIN_DOCUMENT
        )
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        content_type = types.of(name)
        if _refused_type(content_type):
            yield TemplateProblem(message=_refusal(name), part=name)
        elif not _allowed_member(name, content_type):
            yield TemplateProblem(
                message=(
                    "A .docx template holds only Word's XML, pictures, fonts and "
                    "embedded .xlsx/.docx/.pptx files; this member is none of them."
                ),
                part=name,
            )


def _refused_type(content_type: str | None) -> bool:
    return content_type is not None and any(
        word in content_type for word in REFUSED_CONTENT_TYPES
    )


def _refusal(name: str) -> str:
    lower = name.lower()
    if "vba" in lower:
        return "The template holds macros (VBA); macros are never accepted."
    if "activex" in lower:
        return "The template holds ActiveX controls; they are never accepted."
    return (
        "The template holds macros, controls or embedded objects (OLE), which "
        "are never accepted."
    )


def _allowed_member(name: str, content_type: str | None) -> bool:
    extension = _extension(name)
    if extension in XML_EXTENSIONS or extension in IMAGE_EXTENSIONS:
        return True
    if extension in FONT_EXTENSIONS:
        return True
    if extension in EMBEDDED_EXTENSIONS:
        return "/embeddings/" in f"/{name.lower()}"
    return bool(_PRINTER_SETTINGS.search(name)) and (
        content_type is None or "printersettings" in content_type
    )


def _check_relationships(
    scanned: dict[str, bytes], parsed: dict[str, etree._Element]
) -> Iterator[TemplateProblem]:
    """No macro, control or object relationships; ``parsed`` gets every .rels."""
    for name, data in scanned.items():
        if _extension(name) != "rels":
            continue
        root = _parse(data)
        if root is None:
            yield TemplateProblem(
                message="The relationships are not valid XML.", part=name
            )
            continue
        parsed[name] = root
        for relationship in root.iter(_REL_NS + "Relationship"):
            kind = relationship.get("Type", "").rstrip("/").rsplit("/", 1)[-1].lower()
            if kind in REFUSED_RELATIONSHIPS:
                yield TemplateProblem(message=_refusal(kind), part=name)


def _extension(name: str) -> str:
    base = posixpath.basename(name)
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _member_too_large(name: str, size: int, limits: PackageLimits) -> Exception:
    return TemplateLimitExceeded(
        f"A member of the template is larger than {_size(limits.max_member_bytes)} "
        "once decompressed.",
        [TemplateProblem(message=f"At least {_size(size)} decompressed.", part=name)],
    )


def _total_too_large(limits: PackageLimits) -> Exception:
    return TemplateLimitExceeded(
        f"The template is larger than {_size(limits.max_total_bytes)} once "
        "decompressed.",
        [TemplateProblem(message="Too much data once decompressed.")],
    )


def _size(count: int) -> str:
    """A byte count for people: "512 KiB", "5 MiB", "1.5 MiB"."""
    if count >= MiB:
        return f"{count / MiB:.1f}".removesuffix(".0") + " MiB"
    if count >= KiB:
        return f"{count / KiB:.1f}".removesuffix(".0") + " KiB"
    return f"{count} bytes"
