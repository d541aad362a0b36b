"""The engine's promises that mutation testing found unchecked.

What a funder is told when a template or its data cannot render compiled-only,
when the data holds Word markup (however deeply), where a link may be printed,
that the output budget counts the relationships a link adds, what the log says
on falling back to docxtpl, and how a prepared template is weighed.
"""

from __future__ import annotations

import io
import logging
import types
import zipfile

import pytest
from docxtpl import RichText

from service.rendering import engine
from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
)
from tests import hostile_templates as hostile
from tests.conftest import open_docx

RELS = "word/_rels/document.xml.rels"
FOOTNOTES = "word/footnotes.xml"
LINK = "https://partnership.example/guide"


def unreadable() -> bytes:
    """A template whose footnotes lxml cannot parse (python-docx never reads them)."""
    source = hostile.docx("Dear {{ title }}", footnotes=["{{ title }}"])
    footnotes = hostile.members(source)[FOOTNOTES]
    return hostile.rezip(source, replace={FOOTNOTES: footnotes[:-20]})


def nested(depth: int, leaf: object) -> object:
    """``leaf`` inside ``depth`` lists."""
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


# --- compiled only: refused, never left to docxtpl ---------------------------------


def test_template_the_compiled_engine_cannot_take_is_refused_with_why() -> None:
    with pytest.raises(TemplateError) as caught:
        engine.prepare(unreadable(), compiled_only=True)
    assert caught.value.status == 422
    assert caught.value.message == engine.UNSUPPORTED
    [problem] = caught.value.problems
    assert problem.message.startswith("word/footnotes.xml is not well-formed XML (")
    assert problem.message.endswith(").")


def test_fallback_template_rendered_compiled_only_is_refused_with_its_reason() -> None:
    prepared = engine.prepare(unreadable())
    assert prepared.engine == engine.DOCXTPL
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, {"title": "T"}, compiled_only=True)
    assert caught.value.message == engine.UNSUPPORTED
    assert caught.value.problems == [
        TemplateProblem(message=prepared.fallback_reason or "")
    ]


def test_markup_in_the_data_is_refused_compiled_only() -> None:
    prepared = engine.prepare(hostile.docx("Dear {{ title }}"))
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, {"title": RichText("T")}, compiled_only=True)
    assert caught.value.message == engine.UNSUPPORTED
    assert caught.value.problems == [
        TemplateProblem(message="the data holds Word markup")
    ]


def test_falling_back_is_logged_with_the_digest_and_the_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source = unreadable()
    with caplog.at_level(logging.INFO, logger="service.rendering.engine"):
        prepared = engine.prepare(source)
    assert [record.getMessage() for record in caplog.records] == [
        f"template {prepared.digest[:12]} renders with docxtpl: "
        f"{prepared.fallback_reason}"
    ]
    assert prepared.fallback_reason is not None
    assert prepared.fallback_reason.startswith("word/footnotes.xml is not well-formed")


# --- markup in the data, however it is held ----------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        [1, "a", None, RichText("T")],  # after plain values
        ("a", RichText("T")),
        {"b": 2, "a": RichText("T")},
        types.MappingProxyType({"a": RichText("T")}),  # a mapping, not a dict
        frozenset({RichText("T")}),
        nested(31, RichText("T")),  # the deepest a document nests
        nested(40, "plain"),  # deeper than any document: docxtpl's to render
    ],
    ids=["list", "tuple", "dict", "mapping", "frozenset", "deep", "too-deep"],
)
def test_data_holding_markup_anywhere_is_docxtpls(value: object) -> None:
    prepared = engine.prepare(hostile.docx("Dear {{ title }}"))
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, {"title": "T", "value": value}, compiled_only=True)
    assert caught.value.problems == [
        TemplateProblem(message="the data holds Word markup")
    ]


@pytest.mark.parametrize(
    "value",
    [
        [1, "a", None, 2.5, True],
        {"a": {"b": ["c"]}},
        ("a", "b"),
        nested(32, "plain"),  # as deep as is still read
        types.MappingProxyType({"a": "b"}),
        frozenset({"a"}),
    ],
    ids=["list", "dict", "tuple", "deep", "mapping", "frozenset"],
)
def test_plain_data_renders_compiled(value: object) -> None:
    prepared = engine.prepare(hostile.docx("Dear {{ title }}"))
    output = engine.render(
        prepared, {"title": "Teater Vest", "value": value}, compiled_only=True
    )
    assert open_docx(output).paragraphs[0].text == "Dear Teater Vest"


def test_context_that_is_a_mapping_renders() -> None:
    prepared = engine.prepare(hostile.docx("Dear {{ title }}"))
    context = types.MappingProxyType({"title": "Teater Vest"})
    output = engine.render(prepared, context, compiled_only=True)
    assert open_docx(output).paragraphs[0].text == "Dear Teater Vest"


# --- links -------------------------------------------------------------------------


def test_link_printed_where_word_cannot_hold_one_is_refused_naming_the_part() -> None:
    prepared = engine.prepare(hostile.docx("See {{r url|link }}"))
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, {"url": LINK})
    assert caught.value.message == "The template could not be rendered."
    assert caught.value.problems == [
        TemplateProblem(
            part="word/document.xml",
            message=(
                "A link (the link or mailto filter) is printed where Word cannot "
                "hold one: print it as {{ value|link }} in the text of a paragraph, "
                "not with {{r }}, in an attribute or inside another link or field."
            ),
        )
    ]


def test_link_is_written_once_into_the_bodys_relationships() -> None:
    prepared = engine.prepare(hostile.docx("See {{ url|link }}"))
    output = engine.render(prepared, {"url": LINK})
    with zipfile.ZipFile(io.BytesIO(output)) as archive:
        names = archive.namelist()
        rels = archive.read(RELS).decode()
    assert names.count(RELS) == 1
    assert rels.count(f'Target="{LINK}"') == 1
    document = open_docx(output)
    [link] = document.paragraphs[0].hyperlinks
    assert (link.text, document.part.rels[link._hyperlink.rId].target_ref) == (
        LINK,
        LINK,
    )


def rendered_size(template: engine.PreparedTemplate, context: dict[str, str]) -> int:
    """The bytes the budget counts: the rendered parts and the new relationships."""
    compiled = template.compiled
    assert compiled is not None and compiled.links is not None
    output = engine.render(template, context)
    with zipfile.ZipFile(io.BytesIO(output)) as archive:
        return sum(len(archive.read(part.name)) for part in compiled.parts) + len(
            archive.read(compiled.links_part.replace("word/", "word/_rels/") + ".rels")
        )


def test_output_budget_counts_the_relationships_a_link_adds() -> None:
    template = engine.prepare(hostile.docx("See {{ url|link }}"))
    context = {"url": LINK}
    total = rendered_size(template, context)
    engine.render(template, context, max_output_bytes=total)
    with pytest.raises(TemplateLimitExceeded):
        engine.render(template, context, max_output_bytes=total - 1)


# --- weight ------------------------------------------------------------------------


def test_weight_counts_source_copied_members_parts_and_links() -> None:
    template = engine.prepare(hostile.docx("See {{ url|link }}"))
    compiled = template.compiled
    assert compiled is not None and compiled.links is not None
    parts = sum(part.weight() for part in compiled.parts)
    copied = len(compiled.copied.local) + len(compiled.copied.central)
    assert compiled.weight() == copied + parts + len(compiled.links.head) + 256
    assert template.weight == len(template.source) + compiled.weight() + 1024


# --- which parts compile, and why not ----------------------------------------------


def test_every_part_the_engine_cannot_take_is_named() -> None:
    source = hostile.replace_in(
        unreadable(), "word/document.xml", "<w:body>", "<w:body><!-- <w:body> -->"
    )
    prepared = engine.prepare(source)
    assert prepared.engine == engine.DOCXTPL
    reason = prepared.fallback_reason or ""
    first, second = reason.split("; ")
    assert first == "the body of word/document.xml cannot be told apart"
    assert second.startswith("word/footnotes.xml is not well-formed XML (")


def test_syntax_error_after_an_unreadable_part_is_still_reported() -> None:
    source = hostile.docx(
        "Dear {{ title }}", footnotes=["{{ title }}"], properties={"title": "{{ x"}
    )
    footnotes = hostile.members(source)[FOOTNOTES]
    source = hostile.rezip(source, replace={FOOTNOTES: footnotes[:-20]})
    with pytest.raises(TemplateError) as caught:
        engine.prepare(source)
    assert [problem.part for problem in caught.value.problems] == ["docProps/core.xml"]


def test_document_without_a_body_is_left_to_docxtpl_saying_so() -> None:
    source = hostile.docx("Dear {{ title }}")
    document = hostile.members(source)["word/document.xml"].decode()
    start, end = document.index("<w:body>"), document.index("</w:body>") + 9
    source = hostile.rezip(
        source,
        replace={"word/document.xml": (document[:start] + document[end:]).encode()},
    )
    prepared = engine.prepare(source)
    assert prepared.engine == engine.DOCXTPL
    assert prepared.fallback_reason == "word/document.xml has no body"


def test_body_of_a_single_paragraph_renders() -> None:
    source = hostile.docx("Dear {{ title }}")
    document = hostile.members(source)["word/document.xml"].decode()
    start, end = document.index("<w:sectPr"), document.index("</w:sectPr>") + 11
    source = hostile.rezip(
        source,
        replace={"word/document.xml": (document[:start] + document[end:]).encode()},
    )
    prepared = engine.prepare(source)
    assert prepared.engine == engine.COMPILED
    output = engine.render(prepared, {"title": "Teater Vest"})
    assert open_docx(output).paragraphs[0].text == "Dear Teater Vest"


def test_tags_only_in_the_header_render() -> None:
    prepared = engine.prepare(hostile.docx("Dear", header=["{{ title }}"]))
    assert prepared.compiled is not None
    assert [part.name for part in prepared.compiled.parts] == ["word/header1.xml"]
    assert prepared.compiled.links is None
    output = engine.render(prepared, {"title": "Teater Vest"})
    document = open_docx(output)
    assert document.sections[0].header.paragraphs[0].text == "Teater Vest"
    assert document.paragraphs[0].text == "Dear"


def test_body_without_the_relationships_namespace_renders_without_links() -> None:
    source = hostile.replace_in(
        hostile.docx("Dear {{ title }}"),
        "word/document.xml",
        f' xmlns:r="{hostile.R_NS}"',
        "",
    )
    prepared = engine.prepare(source)
    assert prepared.compiled is not None
    assert (prepared.compiled.links, prepared.compiled.links_part) == (None, "")
    output = engine.render(prepared, {"title": "Teater Vest"})
    assert open_docx(output).paragraphs[0].text == "Dear Teater Vest"


def test_weight_without_links_counts_the_copied_members_and_parts() -> None:
    template = engine.prepare(hostile.docx("Dear", header=["{{ title }}"]))
    compiled = template.compiled
    assert compiled is not None and compiled.links is None
    parts = sum(part.weight() for part in compiled.parts)
    copied = len(compiled.copied.local) + len(compiled.copied.central)
    assert compiled.weight() == copied + parts


def test_body_in_the_default_namespace_is_told_apart() -> None:
    # Other producers than Word may write <body xmlns="…main"> without a prefix.
    source = hostile.replace_in(
        hostile.docx("Dear {{ title }}"),
        "word/document.xml",
        "<w:body>",
        f'<body xmlns="{hostile.W_NS}">',
    )
    source = hostile.replace_in(source, "word/document.xml", "</w:body>", "</body>")
    prepared = engine.prepare(source)
    assert prepared.engine == engine.COMPILED
    output = engine.render(prepared, {"title": "Teater Vest"})
    assert open_docx(output).paragraphs[0].text == "Dear Teater Vest"
