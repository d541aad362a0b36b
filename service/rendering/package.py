"""Read a .docx once: its members, content types, and the parts that can hold tags.

The parts docxtpl renders are the main document's body, the headers and footers
the main document relates to, every footnotes part, and (here as XML, there
property by property) the core document properties. They are found the way
Word finds them: the package relationships name the main document and the core
properties, the main document's relationships name its headers and footers,
and ``[Content_Types].xml`` says which parts are footnotes.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from service.rendering.errors import TemplateError, TemplateLimitExceeded

CONTENT_TYPES = "[Content_Types].xml"
_PACKAGE_RELS = "_rels/.rels"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MAIN_DOCUMENT = _OFFICE_RELS + "officeDocument"
_HEADER = _OFFICE_RELS + "header"
_FOOTER = _OFFICE_RELS + "footer"
_CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
    "core-properties"
)
_FOOTNOTES_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
)

#: The largest XML part the engine decompresses and parses (a guard against zip
#: bombs: the copied members are never decompressed at all).
MAX_PART_BYTES = 32 * 1024 * 1024

NOT_A_DOCX = "The file is not a Word document (.docx)."


@dataclass(frozen=True)
class Candidate:
    """A part that may hold tags, and what kind of part it is."""

    name: str
    kind: str  # "body", "header", "footer", "footnotes" or "properties"


def relationships_part(part: str) -> str:
    """The name of ``part``'s relationships part (``word/_rels/document.xml.rels``)."""
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


class Package:
    """The zip of a template, opened once."""

    def __init__(self, source: bytes) -> None:
        """Open ``source``; a file that is not a .docx is a :class:`TemplateError`."""
        self.source = source
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(source))
            self.infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            raise TemplateError(NOT_A_DOCX) from exc
        self.by_name = {info.filename: info for info in self.infos}
        if CONTENT_TYPES not in self.by_name or _PACKAGE_RELS not in self.by_name:
            raise TemplateError(NOT_A_DOCX)

    def read(self, name: str) -> bytes:
        """The uncompressed bytes of a member (bounded by :data:`MAX_PART_BYTES`)."""
        info = self.by_name[name]
        if info.file_size > MAX_PART_BYTES:
            raise TemplateLimitExceeded(
                f"The template's {name} is larger than {MAX_PART_BYTES} bytes."
            )
        try:
            return self.zip.read(info)
        except (
            zipfile.BadZipFile,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,  # an encrypted member
        ) as exc:
            raise TemplateError(f"The template's {name} cannot be read.") from exc

    def _xml(self, name: str) -> etree._Element:
        try:
            return etree.fromstring(self.read(name), _parser())
        except etree.XMLSyntaxError as exc:
            raise TemplateError(NOT_A_DOCX) from exc

    def _relationships(self, part: str) -> Iterator[tuple[str, str]]:
        """(type, target part name) of ``part``'s internal relationships."""
        folder = posixpath.dirname(part)
        rels = relationships_part(part)
        if rels not in self.by_name:
            return
        for rel in self._xml(rels).iter(_REL_NS + "Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            if target.startswith("/"):
                name = target.lstrip("/")
            else:
                name = posixpath.normpath(posixpath.join(folder, target))
            yield rel.get("Type", ""), name

    def candidates(self) -> list[Candidate]:
        """The parts that may hold tags, in the order docxtpl renders them."""
        package_rels = list(self._relationships(""))
        main = next((n for t, n in package_rels if t == _MAIN_DOCUMENT), None)
        if main is None or main not in self.by_name:
            raise TemplateError(NOT_A_DOCX)
        found = [Candidate(main, "body")]
        main_rels = list(self._relationships(main))
        for reltype, kind in ((_HEADER, "header"), (_FOOTER, "footer")):
            found.extend(
                Candidate(name, kind)
                for t, name in main_rels
                if t == reltype and name in self.by_name
            )
        found.extend(
            Candidate(name, "footnotes")
            for name in self._parts_of_type(_FOOTNOTES_TYPE)
            if name in self.by_name
        )
        found.extend(
            Candidate(name, "properties")
            for t, name in package_rels
            if t == _CORE_PROPERTIES and name in self.by_name
        )
        unique: dict[str, Candidate] = {}
        for candidate in found:
            unique.setdefault(candidate.name, candidate)
        return list(unique.values())

    def _parts_of_type(self, content_type: str) -> list[str]:
        """Members of ``content_type``, resolved as Word and python-docx resolve
        it: an ``Override`` for the part's name, else the ``Default`` for its
        extension (so a footnotes part declared either way is found)."""
        types = self._xml(CONTENT_TYPES)
        overrides = {
            override.get("PartName", "").lstrip("/").lower(): override.get(
                "ContentType"
            )
            for override in types.iter(_CT_NS + "Override")
        }
        defaults = {
            default.get("Extension", "").lower(): default.get("ContentType")
            for default in types.iter(_CT_NS + "Default")
        }
        found = []
        for info in self.infos:
            name = info.filename
            key = name.lower()
            declared = overrides.get(key)
            if declared is None:
                declared = defaults.get(posixpath.splitext(key)[1].lstrip("."))
            if declared == content_type:
                found.append(name)
        return found


def _parser() -> etree.XMLParser:
    """python-docx's parser settings (so XML serialises exactly as docxtpl sees it)."""
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def parse_part(data: bytes) -> etree._Element:
    """Parse a part's XML as python-docx does; raises ``etree.XMLSyntaxError``."""
    return etree.fromstring(data, _parser())
