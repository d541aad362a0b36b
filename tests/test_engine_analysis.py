"""What the engine learns from a template's syntax tree, and its zip writer."""

from __future__ import annotations

import io
import zipfile

import pytest

from service.rendering.environment import ENVIRONMENT
from service.rendering.fixups import resolve_listing
from service.rendering.parts import DOCXTPL
from service.rendering.wellformed import TABLE_MARK, analyse, apply_edits
from service.rendering.zipwriter import Stamp, assemble, copy_members

ROW = "<w:tr><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr>"


def analysis_of(source: str):  # type: ignore[no-untyped-def]
    """The analysis of a Jinja source."""
    return analyse(ENVIRONMENT.parse(source))


@pytest.mark.parametrize(
    "source",
    (
        "<w:p><w:r><w:t>{{ name }}</w:t></w:r></w:p>",
        "<w:body>{% for x in xs %}<w:p><w:r><w:t>{{ x }}</w:t></w:r></w:p>"
        "{% endfor %}</w:body>",
        # an inline condition spanning runs: closes and reopens the same elements
        "<w:p><w:r><w:t>a{% if x %}</w:t></w:r>"
        "<w:r><w:t>b{% endif %}</w:t></w:r></w:p>",
        '<w:tc><w:tcPr><w:vMerge w:val="{% if loop.first %}restart{% else %}'
        'continue{% endif %}"/></w:tcPr></w:tc>',
        "<w:p>{% if a %}<w:r/>{% elif b %}<w:r></w:r>{% else %}{% endif %}</w:p>",
        "<cp:x>{% autoescape true %}{{ a }}{% endautoescape %}</cp:x>",
    ),
)
def test_balanced_templates_are_always_well_formed(source: str) -> None:
    assert analysis_of(source).well_formed


@pytest.mark.parametrize(
    ("source", "reason"),
    (
        ("<w:tbl>" + ROW.format("{% if x %}") + "</w:tbl><w:p>{% endif %}</w:p>",
         "not balanced"),
        ("<w:p>{% set x %}<w:r/>{% endset %}{{ x }}</w:p>", "AssignBlock"),
        ("<w:p>{% macro m() %}<w:r/>{% endmacro %}{{ m() }}</w:p>", "Macro"),
        ("<w:p {{ attributes }}/>", "between attributes"),
        ("<w:p>{% autoescape false %}{{ a }}{% endautoescape %}</w:p>",
         "ScopedEvalContextModifier"),
        ("<w:p>a & b</w:p>", "entity"),
        ("<w:p><w:r>", "left open"),
    ),
)  # fmt: skip
def test_templates_it_cannot_follow_are_checked_per_rendering(
    source: str, reason: str
) -> None:
    analysis = analysis_of(source)
    assert not analysis.well_formed
    assert analysis.problem is not None and reason in analysis.problem


def test_column_loop_marks_its_table_only() -> None:
    cells = "<w:tc><w:p/></w:tc>"
    source = (
        f"<w:body><w:tbl><w:tr>{{% for x in xs %}}{cells}{{% endfor %}}</w:tr></w:tbl>"
        f"<w:tbl>{{% for x in xs %}}<w:tr>{cells}</w:tr>{{% endfor %}}</w:tbl></w:body>"
    )
    tree = ENVIRONMENT.parse(source)
    analysis = analyse(tree)
    assert analysis.well_formed
    assert len(analysis.tables) == 1
    apply_edits(analysis, word_xml=True)
    rendered = ENVIRONMENT.from_string(tree).render(xs=[1, 2])
    assert rendered.count(TABLE_MARK) == 1
    assert rendered.index(TABLE_MARK) < rendered.index("</w:tbl>")


def test_printed_grid_span_marks_its_table() -> None:
    source = (
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="{{ n }}"/></w:tcPr>'
        "<w:p/></w:tc></w:tr></w:tbl>"
    )
    assert len(analysis_of(source).tables) == 1


def test_text_box_paragraphs_are_noticed() -> None:
    source = (
        "<w:p><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>{{ a }}</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></w:r></w:p>"
    )
    assert analysis_of(source).nested_paragraphs


@pytest.mark.parametrize(
    "xml",
    (
        "<w:body><w:p><w:r><w:t>a\nb</w:t></w:r></w:p><w:p><w:r><w:t>c</w:t></w:r>"
        "</w:p><w:p><w:pPr/><w:r><w:rPr><w:b/></w:rPr><w:t>d\te\af\fg</w:t></w:r>"
        "</w:p></w:body>",
        '<w:tc w:x="a\nb"><w:p w:rsid="1"><w:r><w:t xml:space="preserve">x\n</w:t>'
        "</w:r><w:r><w:t>\ty</w:t></w:r></w:p></w:tc>",
    ),
)
def test_local_resolve_listing_equals_docxtpls(xml: str) -> None:
    assert resolve_listing(xml, nested_paragraphs=False) == DOCXTPL.resolve_listing(xml)
    assert resolve_listing(xml, nested_paragraphs=True) == DOCXTPL.resolve_listing(xml)


def test_zip_writer_copies_members_and_adds_rendered_ones() -> None:
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<old/>")
        archive.writestr("word/media/æ.png", b"\x89PNG" * 100, zipfile.ZIP_STORED)
    raw = source.getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        infos = archive.infolist()
        copied = copy_members(raw, [infos[0], infos[2]])
        stamp = Stamp.of(infos[1])
    output = assemble(copied, [(stamp, "<new>ø</new>".encode())])
    with zipfile.ZipFile(io.BytesIO(output)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [
            "[Content_Types].xml",
            "word/media/æ.png",
            "word/document.xml",
        ]
        assert archive.read("word/document.xml").decode() == "<new>ø</new>"
        assert archive.read("word/media/æ.png") == b"\x89PNG" * 100
        assert archive.getinfo("word/document.xml").date_time == infos[1].date_time
