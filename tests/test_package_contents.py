"""What a package may hold, read from its content types as Word reads them.

Mutation testing showed the content types read only through Overrides that
Word writes: a refused type given by a ``Default``, elements missing an
attribute, a main part of the wrong type, directory entries, printer settings
and fonts were never tried, nor was the parser that reads the content types and
relationships (it must never expand entities, load a DTD or take a tree deeper
than libxml2 allows).
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pytest

from service.rendering import package_limits
from service.rendering.errors import TemplateError, TemplateProblem
from service.rendering.package_limits import (
    CONTENT_TYPES,
    MAIN_DOCUMENT,
    NOT_A_DOCX,
    REFUSED,
    PackageLimits,
    check_package,
)
from tests import hostile_templates as hostile
from tests.test_package_limits import refusal

VBA = "application/vnd.ms-office.vbaProject"
MACROS = "The template holds macros (VBA); macros are never accepted."
OLE = (
    "The template holds macros, controls or embedded objects (OLE), which are "
    "never accepted."
)
NONE_OF_THEM = (
    "A .docx template holds only Word's XML, pictures, fonts and embedded "
    ".xlsx/.docx/.pptx files; this member is none of them."
)


def with_types(source: bytes, *elements: str) -> bytes:
    """``source`` with these elements added to its content types."""
    return hostile.replace_in(
        source, CONTENT_TYPES, "</Types>", "".join(elements) + "</Types>"
    )


def problems_of(source: bytes) -> list[tuple[str | None, str]]:
    """(part, message) of every problem check_package finds."""
    return [(problem.part, problem.message) for problem in refusal(source).problems]


# --- content types ------------------------------------------------------------------


def test_refused_type_given_by_a_default_is_refused() -> None:
    source = hostile.rezip(hostile.docx("Hello"), add=[("word/macros.bin", b"\0")])
    source = with_types(source, f'<Default Extension="bin" ContentType="{VBA}"/>')
    assert problems_of(source) == [("word/macros.bin", OLE)]


def test_default_without_an_extension_applies_to_members_without_one() -> None:
    source = hostile.rezip(hostile.docx("Hello"), add=[("word/macros", b"\0")])
    source = with_types(source, f'<Default ContentType="{VBA}"/>')
    assert problems_of(source) == [("word/macros", OLE)]


def test_override_of_another_part_does_not_type_a_member_without_extension() -> None:
    source = hostile.rezip(hostile.docx("Hello"), add=[("word/data", b"\0")])
    source = with_types(
        source,
        '<Override PartName="/word/absent.xml" '
        'ContentType="application/vnd.ms-office.activeX+xml"/>',
    )
    assert problems_of(source) == [("word/data", NONE_OF_THEM)]


def test_elements_missing_an_attribute_are_read_as_empty() -> None:
    source = hostile.rezip(hostile.docx("Hello"), add=[("XXXX", b"\0")])
    source = with_types(
        source,
        '<Default ContentType="application/xml"/>',
        f'<Override ContentType="{VBA}"/>',
        '<Override PartName="/word/absent.xml"/>',
    )
    # Only an Override's PartName names a member: one without names none.
    assert problems_of(source) == [("XXXX", NONE_OF_THEM)]


def test_override_part_names_lose_only_their_leading_slash() -> None:
    source = hostile.rezip(hostile.docx("Hello"), add=[("Xmacros.bin", b"\0")])
    source = with_types(
        source, f'<Override PartName="/Xmacros.bin" ContentType="{VBA}"/>'
    )
    assert problems_of(source) == [("Xmacros.bin", OLE)]


def test_content_types_that_are_not_xml_are_told_so() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"), replace={CONTENT_TYPES: b"<Types><Default></Types>"}
    )
    error = refusal(source)
    assert error.message == NOT_A_DOCX
    assert error.problems == [
        TemplateProblem(
            message="The list of content types is not valid XML.", part=CONTENT_TYPES
        )
    ]


# --- the main part and the members ----------------------------------------------------


def test_main_part_of_another_type_is_told_so() -> None:
    source = hostile.with_content_type(
        hostile.docx("Hello"), MAIN_DOCUMENT, "application/xml"
    )
    error = refusal(source)
    assert error.message == REFUSED
    assert error.problems == [
        TemplateProblem(
            message="The main part is not a Word document's.", part=MAIN_DOCUMENT
        )
    ]


def test_macro_enabled_main_part_is_refused_once_as_macros() -> None:
    source = hostile.with_content_type(
        hostile.docx("Hello"),
        MAIN_DOCUMENT,
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert problems_of(source) == [(MAIN_DOCUMENT, OLE)]


def test_members_after_a_directory_entry_are_still_checked() -> None:
    source = hostile.docx("Hello")
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in hostile.members(source).items():
            archive.writestr(name, data)
        archive.writestr(zipfile.ZipInfo("word/media/"), b"")
        archive.writestr("word/vbaProject.bin", b"\0")
    source = with_types(
        output.getvalue(),
        f'<Override PartName="/word/vbaProject.bin" ContentType="{VBA}"/>',
    )
    assert problems_of(source) == [("word/vbaProject.bin", MACROS)]


def test_printer_settings_pass_only_as_printer_settings() -> None:
    name = "word/printerSettings/printerSettings1.bin"
    source = hostile.rezip(hostile.docx("Hello"), add=[(name, b"\0\1\2")])
    typed = hostile.with_content_type(
        source,
        name,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.printerSettings",
    )
    check_package(typed)
    other = hostile.with_content_type(source, name, "application/octet-stream")
    assert problems_of(other) == [(name, NONE_OF_THEM)]


def test_embedded_font_passes() -> None:
    font = "word/fonts/font1.odttf"
    check_package(hostile.rezip(hostile.docx("Hello"), add=[(font, bytes(64))]))


# --- the parser of content types and relationships ----------------------------------


def test_parser_never_expands_an_entity() -> None:
    root = package_limits._parse(b'<!DOCTYPE a [<!ENTITY e "expanded">]><a>&e;</a>')
    assert root is not None
    assert root.text is None
    assert "expanded" not in "".join(root.itertext())


def test_parser_never_loads_an_outside_dtd(tmp_path: Path) -> None:
    dtd = tmp_path / "outside.dtd"
    dtd.write_text('<!ENTITY e "from the file"> and then not a DTD at all')
    root = package_limits._parse(f'<!DOCTYPE a SYSTEM "{dtd.as_uri()}"><a/>'.encode())
    assert root is not None and root.tag == "a"


def test_parser_refuses_a_tree_deeper_than_libxml2_allows() -> None:
    assert package_limits._parse(b"<a>" * 300 + b"</a>" * 300) is None
    assert package_limits._parse(b"<a>" * 200 + b"</a>" * 200) is not None


def test_relationships_nested_too_deep_are_refused() -> None:
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'relationships">' + b"<x>" * 300 + b"</x>" * 300 + b"</Relationships>"
    )
    source = hostile.rezip(hostile.docx("Hello"), replace={hostile.DOCUMENT_RELS: rels})
    error = refusal(source)
    assert isinstance(error, TemplateError)
    assert [(p.part, p.message) for p in error.problems] == [
        (hostile.DOCUMENT_RELS, "The relationships are not valid XML.")
    ]


def test_relationships_after_ones_that_are_not_xml_are_still_checked() -> None:
    broken = "word/_rels/broken.xml.rels"
    macros = "word/_rels/later.xml.rels"
    later = (
        f'<Relationships xmlns="{hostile.REL_NS}"><Relationship Id="rId1" '
        f'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/></Relationships>'
    )
    source = hostile.rezip(
        hostile.docx("Hello"),
        add=[(broken, b"<Relationships>"), (macros, later.encode())],
    )
    assert problems_of(source) == [
        (broken, "The relationships are not valid XML."),
        (macros, MACROS),
    ]


def test_only_relationship_elements_are_read_as_relationships() -> None:
    foreign = (
        '<x:Other xmlns:x="urn:example:not-opc" Id="rId901" '
        'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        'Target="vbaProject.bin"/>'
    )
    check_package(
        hostile.replace_in(
            hostile.docx("Hello"),
            hostile.DOCUMENT_RELS,
            "</Relationships>",
            foreign + "</Relationships>",
        )
    )


# --- member names, methods and sizes ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("word/document.xml", True),
        ("word/a..b.xml", True),  # dots inside a name leave nothing
        ("word/XX/a.xml", True),
        ("", False),
        ("word\\document.xml", False),
        ("word/a\x00.xml", False),
        ("/word/document.xml", False),
        ("C:/word/document.xml", False),
        ("c:document.xml", False),
        ("word/../../evil.xml", False),
        ("..", False),
    ],
)
def test_member_names_that_leave_the_package_are_told_apart(
    name: str, safe: bool
) -> None:
    assert package_limits._safe_name(name) is safe


def test_members_after_a_bad_name_are_still_checked() -> None:
    output = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a duplicate: on purpose
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("C:/abs.xml", b"<a/>")
            for name, data in hostile.members(hostile.docx("Hello")).items():
                archive.writestr(name, data)
            archive.writestr("word/styles.xml", b"<a/>")
    assert problems_of(output.getvalue()) == [
        ("C:/abs.xml", "A member name is absolute or leaves the package (..)."),
        ("word/styles.xml", "The member occurs twice."),
    ]


def test_member_compressed_another_way_is_told_so() -> None:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in hostile.members(hostile.docx("Hello")).items():
            archive.writestr(name, data)
        archive.writestr("word/media/image3.png", bytes(64), zipfile.ZIP_BZIP2)
    assert problems_of(output.getvalue()) == [
        (
            "word/media/image3.png",
            "The member uses a compression method Word does not use.",
        )
    ]


def sized(size: int) -> bytes:
    """An ordinary template with a picture of ``size`` bytes."""
    return hostile.rezip(
        hostile.docx("Hello"), add=[("word/media/image4.png", bytes(size))]
    )


def total_of(source: bytes) -> int:
    """The uncompressed bytes of every member."""
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        return sum(info.file_size for info in archive.infolist())


def test_member_of_exactly_the_limit_passes_and_one_byte_more_does_not() -> None:
    limits = PackageLimits(max_member_bytes=600_000)
    check_package(sized(600_000), limits)
    error = refusal(sized(600_001), limits)
    assert error.status == 413
    assert [(p.part, p.message) for p in error.problems] == [
        ("word/media/image4.png", "At least 585.9 KiB decompressed.")
    ]


def test_total_of_exactly_the_limit_passes_and_one_byte_more_does_not() -> None:
    source = sized(100_000)
    total = total_of(source)
    check_package(source, PackageLimits(max_total_bytes=total))
    error = refusal(source, PackageLimits(max_total_bytes=total - 1))
    assert error.status == 413
    assert [(p.part, p.message) for p in error.problems] == [
        (None, "Too much data once decompressed.")
    ]


def test_zip_bomb_is_told_with_both_sizes() -> None:
    source = hostile.zip_bomb()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        compressed = archive.getinfo("word/bomb.xml").compress_size
    # The bounded read checks the ratio after each 256 KiB it reads.
    chunk = 256 * 1024
    read = (100 * compressed // chunk + 1) * chunk
    error = refusal(source)
    assert error.message == (
        "The template is a zip bomb: a member expands more than 100 times."
    )
    assert [(p.part, p.message) for p in error.problems] == [
        (
            "word/bomb.xml",
            f"Compressed {package_limits._size(compressed)} expands beyond "
            f"{package_limits._size(read)}.",
        )
    ]


def test_ratio_applies_only_above_its_size() -> None:
    # 256 KiB of zeros compress over 100 times: allowed up to the threshold.
    source = sized(256 * 1024)
    check_package(source, PackageLimits(ratio_applies_above=256 * 1024))
    error = refusal(source, PackageLimits(ratio_applies_above=256 * 1024 - 1))
    assert error.status == 413


def test_relationship_type_with_a_trailing_slash_is_still_read() -> None:
    source = hostile.with_relationship(
        hostile.docx("Hello"),
        hostile.DOCUMENT_RELS,
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject/",
        "vbaProject.bin",
    )
    assert problems_of(source) == [(hostile.DOCUMENT_RELS, MACROS)]


def test_relationship_without_a_type_is_read_as_no_type() -> None:
    source = hostile.with_relationship(
        hostile.docx("Hello"), hostile.DOCUMENT_RELS, "", "media/none.png"
    )
    check_package(hostile.replace_in(source, hostile.DOCUMENT_RELS, ' Type=""', ""))


def test_relationship_type_without_a_path_is_read_whole() -> None:
    source = hostile.with_relationship(
        hostile.docx("Hello"), hostile.DOCUMENT_RELS, "vbaProject", "vbaProject.bin"
    )
    assert problems_of(source) == [(hostile.DOCUMENT_RELS, MACROS)]


def test_relationship_types_are_matched_whole() -> None:
    # "controlX" only begins as "control" (an ActiveX control) does.
    source = hostile.with_relationship(
        hostile.docx("Hello"),
        hostile.DOCUMENT_RELS,
        f"{hostile.R_NS}/controlX",
        "media/none.png",
    )
    check_package(source)


def test_default_without_a_content_type_types_nothing() -> None:
    source = hostile.rezip(hostile.docx("Hello"), add=[("word/media/a.png", b"\0")])
    check_package(with_types(source, '<Default Extension="png"/>'))


# --- the bounded read ---------------------------------------------------------


def zipped(*members: tuple[str, bytes]) -> zipfile.ZipFile:
    """An open zip holding these members (directory entries end with "/")."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(
                zipfile.ZipInfo(name) if name.endswith("/") else name, data
            )
    return zipfile.ZipFile(io.BytesIO(output.getvalue()))


@pytest.mark.parametrize(
    ("limit", "told"),
    [(1000, "1001 bytes"), (300_000, "293 KiB")],  # one read, and two (256 KiB each)
)
def test_bounded_read_stops_one_byte_past_the_limit(limit: int, told: str) -> None:
    archive = zipped(("word/media/image1.png", bytes(600_000)))
    limits = PackageLimits(max_member_bytes=limit)
    with pytest.raises(TemplateError) as caught:
        package_limits._read_members(archive, archive.infolist(), limits)
    assert [(p.part, p.message) for p in caught.value.problems] == [
        ("word/media/image1.png", f"At least {told} decompressed.")
    ]


def test_bounded_read_keeps_the_xml_after_a_directory_entry() -> None:
    archive = zipped(("word/", b""), ("word/a.xml", b"<a/>"), ("word/b.png", b"\0"))
    scanned = package_limits._read_members(archive, archive.infolist(), PackageLimits())
    assert scanned == {"word/a.xml": b"<a/>"}


def test_bounded_read_counts_the_total_of_every_member() -> None:
    archive = zipped(*[(f"word/media/{n}.png", bytes(400)) for n in "abc"])
    limits = PackageLimits(max_total_bytes=1000)
    with pytest.raises(TemplateError) as caught:
        package_limits._read_members(archive, archive.infolist(), limits)
    assert caught.value.message == "The template is larger than 1000 bytes once " + (
        "decompressed."
    )


def test_only_pictures_are_looked_at_for_xml_and_only_at_their_start() -> None:
    later = bytes(256 * 1024) + b"<svg/>"  # a second chunk that begins with "<"
    archive = zipped(("word/fonts/font1.odttf", b"<svg/>"), ("word/media/a.png", later))
    assert (
        package_limits._read_members(archive, archive.infolist(), PackageLimits()) == {}
    )


def test_large_picture_with_a_later_angle_bracket_is_a_picture() -> None:
    # Read 256 KiB at a time, a picture was taken for XML from any chunk that
    # began with "<" (one large picture in 256 per chunk) and refused.
    picture = b"\x89PNG\r\n\x1a\n" + bytes(256 * 1024 - 8) + b"<" + bytes(1000)
    check_package(
        hostile.rezip(hostile.docx("Hello"), add=[("word/media/photo.png", picture)])
    )


def test_damaged_member_is_told_so() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"), add=[("word/media/image1.png", b"PNG picture" * 50)]
    )
    data = bytearray(source)
    at = data.index(b"word/media/image1.png") + len(b"word/media/image1.png")
    data[at + 5] ^= 0xFF  # inside the member's compressed data: its CRC fails
    error = refusal(bytes(data))
    assert error.message == NOT_A_DOCX
    assert [(p.part, p.message) for p in error.problems] == [
        ("word/media/image1.png", "The member is damaged.")
    ]


@pytest.mark.parametrize(
    ("ratio", "refused"), [(1.0, False), (0.5, True)], ids=["at", "over"]
)
def test_ratio_is_the_size_over_the_compressed_size(
    ratio: float, refused: bool
) -> None:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/media/a.png", b"\0")  # stored: 1 byte for 1 byte
    archive = zipfile.ZipFile(io.BytesIO(output.getvalue()))
    limits = PackageLimits(max_compression_ratio=ratio, ratio_applies_above=0)
    if refused:
        with pytest.raises(TemplateError):
            package_limits._read_members(archive, archive.infolist(), limits)
    else:
        package_limits._read_members(archive, archive.infolist(), limits)


def test_encrypted_member_met_on_reading_is_refused() -> None:
    source = hostile.encrypted_member()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        with pytest.raises(TemplateError) as caught:
            package_limits._read_members(archive, archive.infolist(), PackageLimits())
    assert caught.value.message == REFUSED


# --- the whole file -----------------------------------------------------------


def test_upload_of_exactly_the_limit_passes_and_one_byte_more_is_told() -> None:
    source = hostile.docx("Hello")
    check_package(source, PackageLimits(max_upload_bytes=len(source)))
    limit = len(source) - 1
    error = refusal(source, PackageLimits(max_upload_bytes=limit))
    assert error.message == (
        f"The file is {package_limits._size(len(source))}; at most "
        f"{package_limits._size(limit)} may be uploaded."
    )
    assert [p.message for p in error.problems] == ["The file is too large."]


def test_members_of_exactly_the_limit_pass_and_one_more_is_told() -> None:
    source = hostile.docx("Hello")
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        count = len(archive.infolist())
    check_package(source, PackageLimits(max_members=count))
    error = refusal(source, PackageLimits(max_members=count - 1))
    assert error.message == (
        f"The file holds {count} members; at most {count - 1} are allowed."
    )
    assert [p.message for p in error.problems] == ["Too many members in the zip."]


def test_missing_main_document_is_told_by_name() -> None:
    error = refusal(hostile.zip_without_document())
    assert error.message == NOT_A_DOCX
    assert [(p.part, p.message) for p in error.problems] == [
        (MAIN_DOCUMENT, "The package has no word/document.xml.")
    ]


def test_directory_problems_are_refused_as_parts_a_template_must_not_have() -> None:
    source = hostile.rezip(hostile.docx("Hello"), add=[("C:/abs.xml", b"<a/>")])
    assert refusal(source).message == REFUSED
