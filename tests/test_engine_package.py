"""The engine's own handling of a template's zip: one body, content types first.

Both were mutants that survived: the compiled engine accepted a document whose
body it could not tell apart (several ``<w:body>``), and nothing noticed if
``[Content_Types].xml`` stopped being written first.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from service.rendering import engine
from tests import hostile_templates as hostile
from tests.conftest import open_docx

CONTENT_TYPES = "[Content_Types].xml"


def content_types_last(source: bytes) -> bytes:
    """``source`` rewritten with ``[Content_Types].xml`` as its last member."""
    members = hostile.members(source)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            if name != CONTENT_TYPES:
                archive.writestr(name, data)
        archive.writestr(CONTENT_TYPES, members[CONTENT_TYPES])
    return output.getvalue()


def test_content_types_are_written_first_whatever_the_template_order() -> None:
    source = content_types_last(hostile.docx("Dear {{ title }}"))
    assert zipfile.ZipFile(io.BytesIO(source)).namelist()[-1] == CONTENT_TYPES
    prepared = engine.prepare(source)
    assert prepared.engine == engine.COMPILED
    output = engine.render(prepared, {"title": "Teater Vest"})
    names = zipfile.ZipFile(io.BytesIO(output)).namelist()
    assert names[0] == CONTENT_TYPES
    assert sorted(names) == sorted(hostile.members(source))
    assert open_docx(output).paragraphs[0].text == "Dear Teater Vest"


SECOND_BODY = "<w:body><w:p><w:r><w:t>Second {{ title }}</w:t></w:r></w:p></w:body>"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("</w:body>", "</w:body>" + SECOND_BODY),  # a second body element
        ("<w:body>", "<w:body><!-- <w:body> -->"),  # a start tag in a comment
        ("<w:body>", "<w:body><!-- </w:body> -->"),  # an end tag in a comment
    ],
    ids=["second-body", "start-tag-in-comment", "end-tag-in-comment"],
)
def test_a_body_that_cannot_be_told_apart_falls_back_to_docxtpl(
    old: str, new: str
) -> None:
    source = hostile.replace_in(
        hostile.docx("Dear {{ title }}"), "word/document.xml", old, new
    )
    prepared = engine.prepare(source)
    assert prepared.engine == engine.DOCXTPL
    assert "cannot be told apart" in (prepared.fallback_reason or "")
    output = engine.render(prepared, {"title": "Teater Vest"})
    assert open_docx(output).paragraphs[0].text == "Dear Teater Vest"
