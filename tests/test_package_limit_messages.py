"""The package limits' refusals, word for word.

Mutation testing showed the tests of service.rendering.package_limits
checking statuses and parts but not what the funder is told: any message
could change (or lose its numbers) unnoticed. These pin the messages.
"""

from __future__ import annotations

import codecs

import pytest

from service.rendering import package_limits
from service.rendering.package_limits import KiB, MiB, PackageLimits, check_package
from tests import hostile_templates as hostile
from tests.test_package_limits import refusal


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 bytes"),
        (KiB - 1, "1023 bytes"),
        (KiB, "1 KiB"),
        (KiB + KiB // 2, "1.5 KiB"),
        (10 * KiB, "10 KiB"),
        (MiB - 1, "1024 KiB"),
        (MiB, "1 MiB"),
        (MiB + MiB // 2, "1.5 MiB"),
        (60 * MiB, "60 MiB"),
    ],
)
def test_byte_counts_are_told_in_the_largest_whole_unit(count: int, text: str) -> None:
    assert package_limits._size(count) == text


def test_a_member_over_the_limit_is_told_with_both_sizes() -> None:
    error = refusal(hostile.big_members(26 * MiB))
    assert error.message == (
        "A member of the template is larger than 25 MiB once decompressed."
    )
    assert [problem.message for problem in error.problems] == [
        "At least 26 MiB decompressed."
    ]


def test_the_total_over_the_limit_is_told_with_the_limit() -> None:
    error = refusal(hostile.big_members(21 * MiB, count=3))
    assert error.message == "The template is larger than 60 MiB once decompressed."
    assert [problem.message for problem in error.problems] == [
        "Too much data once decompressed."
    ]


def test_the_limit_in_the_message_is_the_one_applied() -> None:
    limits = PackageLimits(max_member_bytes=3 * MiB // 2, max_total_bytes=60 * MiB)
    error = refusal(hostile.big_members(2 * MiB), limits)
    assert error.message == (
        "A member of the template is larger than 1.5 MiB once decompressed."
    )


def test_macros_are_named_as_macros() -> None:
    error = refusal(hostile.macro_template())
    messages = {problem.part: problem.message for problem in error.problems}
    assert messages["word/vbaProject.bin"] == (
        "The template holds macros (VBA); macros are never accepted."
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "word/vbaProject.bin",
            "The template holds macros (VBA); macros are never accepted.",
        ),
        (
            "word/VBADATA.xml",
            "The template holds macros (VBA); macros are never accepted.",
        ),
        (
            "word/activeX/activeX1.xml",
            "The template holds ActiveX controls; they are never accepted.",
        ),
        (
            "word/ACTIVEX/activeX1.bin",
            "The template holds ActiveX controls; they are never accepted.",
        ),
        (
            "word/embeddings/oleObject1.bin",
            "The template holds macros, controls or embedded objects (OLE), which "
            "are never accepted.",
        ),
    ],
)
def test_each_kind_of_active_content_is_named(name: str, message: str) -> None:
    assert package_limits._refusal(name) == message


def test_password_protected_or_old_document_is_told_what_to_do() -> None:
    error = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert error.message == package_limits.NOT_A_DOCX
    assert [problem.message for problem in error.problems] == [
        "The file is a password-protected document or an old .doc file; save it "
        "as an unprotected Word document (.docx)."
    ]


def test_file_that_is_not_a_zip_is_told_so() -> None:
    error = refusal(hostile.not_a_zip())
    assert error.message == package_limits.NOT_A_DOCX
    assert [problem.message for problem in error.problems] == [
        "The file is not a zip archive, as a .docx is."
    ]


DTD_MESSAGE = (
    "The XML declares a document type or entities (<!DOCTYPE, <!ENTITY), which "
    "Word never writes; they can read files or expand to gigabytes."
)
ENCODING_MESSAGE = "The XML is not UTF-8 or UTF-16, as Word writes it."


def test_document_type_is_told_word_for_word() -> None:
    error = refusal(hostile.doctype_in_document())
    assert error.message == package_limits.REFUSED
    assert [(p.part, p.message) for p in error.problems] == [
        ("word/document.xml", DTD_MESSAGE)
    ]


def test_another_encoding_is_told_word_for_word() -> None:
    error = refusal(hostile.utf7_document())
    assert [(p.part, p.message) for p in error.problems] == [
        ("word/document.xml", ENCODING_MESSAGE)
    ]


def with_part(data: bytes, name: str = "customXml/item9.xml") -> bytes:
    """An ordinary template with one more XML part holding ``data``."""
    return hostile.rezip(hostile.docx("Hello"), add=[(name, data)])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_document_type_in_utf16_with_or_without_a_mark_is_found(encoding: str) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY e "x">]><a/>'
    error = refusal(with_part(text.encode(encoding)))
    assert [(p.part, p.message) for p in error.problems] == [
        ("customXml/item9.xml", DTD_MESSAGE)
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_a_mark_passes(encoding: str) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><a>Hello</a>'
    check_package(with_part(text.encode(encoding)))


def test_declared_encoding_after_a_second_mark_is_still_read() -> None:
    text = "\ufeff<?xml version='1.0' encoding='UTF-7'?><a/>"
    error = refusal(with_part(codecs.BOM_UTF8 + text.encode()))
    assert [(p.part, p.message) for p in error.problems] == [
        ("customXml/item9.xml", ENCODING_MESSAGE)
    ]


def test_text_before_the_declaration_is_not_well_formed() -> None:
    # "X<?xml" is no declaration: the encoding is not read from it.
    error = refusal(with_part(b"X<?xml version='1.0' encoding='UTF-7'?><a/>"))
    assert [(p.part, p.message) for p in error.problems] == [
        ("customXml/item9.xml", "The XML is not well-formed.")
    ]
