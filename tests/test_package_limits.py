"""The zip is checked before python-docx or lxml reads any of it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from service.rendering import package_limits
from service.rendering.errors import TemplateError, TemplateLimitExceeded
from service.rendering.package_limits import (
    TEMPLATE_CONTENT_TYPE,
    MiB,
    PackageLimits,
    check_package,
)
from tests import hostile_templates as hostile
from tests.conftest import PROJECT_ROOT

BUILTIN = sorted((PROJECT_ROOT / "agreement_templates").glob("*.docx"))


def refusal(source: bytes, limits: PackageLimits | None = None) -> TemplateError:
    """The error check_package raises for ``source``."""
    with pytest.raises(TemplateError) as caught:
        check_package(source, limits or PackageLimits())
    return caught.value


def test_ordinary_document_passes() -> None:
    check_package(hostile.docx("Hello {{ title }}"))


@pytest.mark.parametrize("path", BUILTIN, ids=[path.name for path in BUILTIN])
def test_builtin_template_passes(path: Path) -> None:
    check_package(path.read_bytes())


def test_upload_over_the_size_limit_is_413() -> None:
    error = refusal(hostile.docx("Hello"), PackageLimits(max_upload_bytes=1000))
    assert isinstance(error, TemplateLimitExceeded)
    assert error.status == 413


def test_zip_bomb_is_413() -> None:
    error = refusal(hostile.zip_bomb())
    assert error.status == 413
    assert "zip bomb" in error.message
    assert error.problems[0].part == "word/bomb.xml"


def test_too_many_members_is_413() -> None:
    error = refusal(hostile.too_many_members(301))
    assert error.status == 413
    assert "members" in error.message


def test_member_over_the_size_limit_is_413() -> None:
    error = refusal(hostile.big_members(26 * MiB))
    assert error.status == 413
    assert error.problems[0].part == "word/media/image90.png"


def test_total_size_over_the_limit_is_413() -> None:
    error = refusal(hostile.big_members(21 * MiB, count=3))
    assert error.status == 413
    assert "60 MiB" in error.message


def test_member_whose_headers_understate_its_size_is_refused() -> None:
    error = refusal(hostile.lying_size())
    assert error.status == 422
    assert error.problems[0].part == "word/media/image9.png"


def test_doctype_in_document_is_refused() -> None:
    error = refusal(hostile.doctype_in_document())
    assert error.status == 422
    assert error.problems[0].part == "word/document.xml"
    assert "DOCTYPE" in error.problems[0].message


def test_external_entity_in_relationships_is_refused() -> None:
    error = refusal(hostile.doctype_in_relationships())
    assert [problem.part for problem in error.problems] == [
        "word/_rels/document.xml.rels"
    ]


def test_xml_in_another_encoding_is_refused() -> None:
    error = refusal(hostile.utf7_document())
    assert error.problems[0].part == "word/document.xml"
    assert "UTF-8" in error.problems[0].message


def test_path_traversal_is_refused() -> None:
    error = refusal(hostile.path_traversal())
    assert error.status == 422
    assert error.problems[0].part == "../../tmp/evil.xml"


def test_macros_are_refused() -> None:
    error = refusal(hostile.macro_template())
    parts = {problem.part for problem in error.problems}
    assert "word/vbaProject.bin" in parts
    assert all("macro" in problem.message for problem in error.problems)


def test_program_among_embeddings_is_refused() -> None:
    error = refusal(hostile.program_template())
    assert error.problems[0].part == "word/embeddings/setup.exe"


def test_template_fetched_from_a_server_is_refused() -> None:
    error = refusal(hostile.remote_template_reference())
    assert error.problems[0].part == "word/_rels/settings.xml.rels"
    assert "attacker.example" in error.problems[0].message


def test_attached_template_on_the_authors_disk_is_allowed() -> None:
    source = hostile.with_relationship(
        hostile.docx("Hello"),
        "word/_rels/settings.xml.rels",
        f"{hostile.R_NS}/attachedTemplate",
        "file:///C:\\Users\\funder\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm",
        external=True,
    )
    check_package(source)


def test_embedded_spreadsheet_is_allowed() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"),
        add=[("word/embeddings/Microsoft_Excel_Worksheet.xlsx", b"PK\x03\x04 sheet")],
    )
    check_package(source)


def test_not_a_zip_is_refused() -> None:
    error = refusal(hostile.not_a_zip())
    assert error.status == 422
    assert "not a Word document" in error.message


def test_password_protected_document_is_refused() -> None:
    error = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "password-protected" in error.problems[0].message


def test_zip_without_document_is_refused() -> None:
    error = refusal(hostile.zip_without_document())
    assert error.status == 422
    assert error.problems[0].part == "word/document.xml"


# --- checks a mutation test showed untested ----------------------------------------


def test_encrypted_member_is_refused_with_the_other_directory_problems() -> None:
    # The directory check collects every problem before anything is read: the
    # encrypted member is named beside the bad name, not found later on reading.
    source = hostile.encrypted_member(add=[("../evil.xml", b"<a/>")])
    error = refusal(source)
    assert error.status == 422
    assert [(problem.part, problem.message) for problem in error.problems] == [
        ("word/media/image7.png", "The member is encrypted."),
        ("../evil.xml", "A member name is absolute or leaves the package (..)."),
    ]


def test_reading_an_encrypted_member_never_raises_runtime_error() -> None:
    # Defence in depth: zipfile raises RuntimeError for a member that needs a
    # password; the bounded read turns it into a refusal of its own.
    source = hostile.encrypted_member()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        with pytest.raises(TemplateError) as caught:
            package_limits._read_members(archive, archive.infolist(), PackageLimits())
    assert [(p.part, p.message) for p in caught.value.problems] == [
        ("word/media/image7.png", "The member is encrypted.")
    ]


def test_duplicate_member_names_are_refused() -> None:
    error = refusal(hostile.duplicate_member())
    assert [(problem.part, problem.message) for problem in error.problems] == [
        ("word/styles.xml", "The member occurs twice.")
    ]


def test_word_template_dotx_is_refused() -> None:
    source = hostile.with_content_type(
        hostile.docx("Hello"), "word/document.xml", TEMPLATE_CONTENT_TYPE
    )
    error = refusal(source)
    assert [(problem.part, problem.message) for problem in error.problems] == [
        (
            "word/document.xml",
            "The file is a Word template (.dotx); save it as a .docx.",
        )
    ]


def test_activex_control_is_refused() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"),
        add=[
            (
                "word/activeX/activeX1.xml",
                b'<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
            )
        ],
    )
    source = hostile.with_content_type(
        source, "word/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml"
    )
    source = hostile.with_relationship(
        source,
        hostile.DOCUMENT_RELS,
        f"{hostile.R_NS}/control",
        "activeX/activeX1.xml",
    )
    error = refusal(source)
    assert {
        (problem.part, "ActiveX" in problem.message) for problem in error.problems
    } == {
        ("word/activeX/activeX1.xml", True),
        (hostile.DOCUMENT_RELS, False),  # named by its relationship type, "control"
    }
    assert all("never accepted" in problem.message for problem in error.problems)


def test_ole_object_is_refused() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"),
        add=[("word/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0 object")],
    )
    source = hostile.with_content_type(
        source,
        "word/embeddings/oleObject1.bin",
        "application/vnd.openxmlformats-officedocument.oleObject",
    )
    source = hostile.with_relationship(
        source,
        hostile.DOCUMENT_RELS,
        f"{hostile.R_NS}/oleObject",
        "embeddings/oleObject1.bin",
    )
    error = refusal(source)
    assert {problem.part for problem in error.problems} == {
        "word/embeddings/oleObject1.bin",
        hostile.DOCUMENT_RELS,
    }
    assert all("(OLE)" in problem.message for problem in error.problems)


def test_relationships_that_are_not_xml_are_refused() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"),
        replace={
            hostile.DOCUMENT_RELS: b"<Relationships><Relationship></Relationships>"
        },
    )
    error = refusal(source)
    assert [(problem.part, problem.message) for problem in error.problems] == [
        (hostile.DOCUMENT_RELS, "The relationships are not valid XML.")
    ]
