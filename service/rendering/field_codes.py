"""Read the Word fields of a part as Word reads them, and refuse those that fetch.

A complex field is a ``w:fldChar`` "begin", instruction text, an optional
"separate" and the cached result, then "end"; Word joins the ``w:instrText`` of
every run between "begin" and "separate" into one instruction, so
``INCLUDE`` + ``PICTURE`` in two runs is an INCLUDEPICTURE field. Fields nest (a
field inside another's instruction is evaluated first) and may span paragraphs.
A simple field is ``w:fldSimple w:instr="…"``.

Every instruction is read twice: as Word runs it now (deleted text left out) and
as it would run if a reviewer rejected the tracked deletions (``w:delInstrText``
and runs inside ``w:del`` put back). Both must pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)
_LOCAL_NAMES = ("fldChar", "instrText", "delInstrText", "t", "fldSimple")
_TAGS = tuple(f"{{{ns}}}{name}" for ns in _W_NAMESPACES for name in _LOCAL_NAMES)
_DELETED_CONTAINERS = frozenset(
    f"{{{ns}}}{name}" for ns in _W_NAMESPACES for name in ("del", "moveFrom")
)
#: Stands for a nested field in its parent's instruction (XML text never holds
#: NUL, so it cannot be typed).
NESTED = "\x00"

#: Fields that read a file, a web address, another program (DDE) or a database
#: when Word updates them, which it may do on opening; or that hand raw data to
#: the printer or load an ActiveX control.
FETCHING_FIELDS = frozenset(
    {
        "INCLUDEPICTURE", "INCLUDETEXT", "INCLUDE", "IMPORT", "LINK", "DDE",
        "DDEAUTO", "RD", "DATABASE", "PRINT", "CONTROL", "OCX",
    }
)  # fmt: skip
#: Every other field Word documents use: page numbers, cross-references,
#: tables of contents, document properties, mail-merge fields, hyperlinks
#: (followed only when clicked), form fields, citations. None reads anything
#: outside the document and its local attached template.
ALLOWED_FIELDS = frozenset(
    {
        "ADDIN", "ADDRESSBLOCK", "ADVANCE", "ASK", "AUTHOR", "AUTONUM",
        "AUTONUMLGL", "AUTONUMOUT", "AUTOTEXT", "AUTOTEXTLIST", "BARCODE",
        "BIBLIOGRAPHY", "BIDIOUTLINE", "CITATION", "COMMENTS", "COMPARE",
        "CREATEDATE", "DATE", "DISPLAYBARCODE", "DOCPROPERTY", "DOCVARIABLE",
        "EDITTIME", "EMBED", "EQ", "FILENAME", "FILESIZE", "FILLIN",
        "FORMCHECKBOX", "FORMDROPDOWN", "FORMTEXT", "FTNREF", "GLOSSARY",
        "GOTOBUTTON", "GREETINGLINE", "HYPERLINK", "IF", "INDEX", "INFO",
        "KEYWORDS", "LASTSAVEDBY", "LISTNUM", "MACROBUTTON", "MERGEBARCODE",
        "MERGEFIELD", "MERGEREC", "MERGESEQ", "NEXT", "NEXTIF", "NOTEREF",
        "NUMCHARS", "NUMPAGES", "NUMWORDS", "PAGE", "PAGEREF", "PRINTDATE",
        "PRIVATE", "QUOTE", "REF", "REVNUM", "SAVEDATE", "SECTION",
        "SECTIONPAGES", "SEQ", "SET", "SHAPE", "SKIPIF", "STYLEREF", "SUBJECT",
        "SYMBOL", "TA", "TC", "TEMPLATE", "TIME", "TITLE", "TOA", "TOC",
        "USERADDRESS", "USERINITIALS", "USERNAME", "XE",
    }
)  # fmt: skip
_NAME = re.compile(r'[^\s"\\\x00]*')
_TEMPLATE_TAG = re.compile(r"\{\s*[{%]")


@dataclass
class Instruction:
    """One field's instruction: as Word runs it now, and with deletions rejected."""

    current: str = ""
    with_deletions: str = ""
    in_instruction: bool = field(default=True, repr=False)

    def add(self, text: str, *, deleted: bool) -> None:
        """Append ``text``; deleted text counts only once deletions are rejected."""
        if not deleted:
            self.current += text
        self.with_deletions += text


def instructions(root: etree._Element) -> Iterator[Instruction]:
    """Every field instruction in ``root``, complex and simple, nested ones too."""
    stack: list[Instruction] = []
    for element in root.iter(*_TAGS):
        name = etree.QName(element).localname
        if name == "fldSimple":
            if stack and stack[-1].in_instruction:
                stack[-1].add(NESTED, deleted=False)
            instr = element.get(f"{{{etree.QName(element).namespace}}}instr", "")
            yield Instruction(current=instr, with_deletions=instr)
        elif name == "fldChar":
            kind = element.get(f"{{{etree.QName(element).namespace}}}fldCharType")
            if kind == "begin":
                if stack and stack[-1].in_instruction:
                    stack[-1].add(NESTED, deleted=False)
                stack.append(Instruction())
            elif kind == "separate" and stack:
                stack[-1].in_instruction = False
            elif kind == "end" and stack:
                yield stack.pop()
        elif stack and stack[-1].in_instruction:
            deleted = name == "delInstrText" or _inside_deletion(element)
            stack[-1].add(element.text or "", deleted=deleted)
        elif name in ("instrText", "delInstrText"):
            # Instruction text outside any field: read it as a field of its own.
            text = element.text or ""
            yield Instruction(current=text, with_deletions=text)
    yield from reversed(stack)  # fields never ended are still read


def _inside_deletion(element: etree._Element) -> bool:
    return any(
        ancestor.tag in _DELETED_CONTAINERS for ancestor in element.iterancestors()
    )


def refusal(instruction: Instruction) -> str | None:
    """Why this field may not be in a template, or None if it may."""
    for text in (instruction.current, instruction.with_deletions):
        reason = _refusal(text)
        if reason is not None:
            return reason
    return None


def _refusal(text: str) -> str | None:
    if _TEMPLATE_TAG.search(text.replace(NESTED, "")):
        return (
            "A Word field's code holds a template tag ({{ or {%), so the data "
            "would become part of the field's instruction; put the tag outside "
            "the field."
        )
    stripped = text.lstrip()
    if not stripped:
        return None
    name = _NAME.match(stripped).group(0)  # type: ignore[union-attr]
    if stripped[len(name) : len(name) + 1] == NESTED:
        return (
            "A Word field's name is made by another field inside it, so what it "
            "does cannot be known before it runs."
        )
    upper = name.upper()
    if upper.startswith("="):
        return None  # a formula
    if upper in FETCHING_FIELDS:
        return (
            f"The Word field {upper} reads a file, a web address or another "
            "program when the document is opened or updated; it is never "
            "accepted. Insert the picture or text itself instead."
        )
    if upper not in ALLOWED_FIELDS:
        return (
            f"The Word field {name[:40] or stripped[:40]!r} is not one a template "
            "may use."
        )
    return None


def shown(text: str) -> str:
    """An instruction for people: nested fields shown as {…}, at most 80 chars."""
    readable = " ".join(text.replace(NESTED, "{…}").split())
    return readable if len(readable) <= 80 else readable[:79] + "…"
