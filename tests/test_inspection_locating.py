"""How the upload check finds its way: bounds, paragraphs, lines, tags, excerpts.

These call the inspection's helpers directly on small texts and templates, so
each promise about locating is pinned exactly: which paragraph a line of
Jinja belongs to, which tag a finding names, how an excerpt is cut, which
block tags pair up, and when a part is refused before anything reads it.
"""

from __future__ import annotations

import pytest

from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
)
from service.rendering.inspection.bounds import MAX_TAG_SPAN, MAX_TAGS, check_tag_bounds
from service.rendering.inspection.locating import (
    block_structure,
    delimiter_problem,
    excerpt,
    moved_by_docxtpl,
    original_tag,
    paragraph_of,
    replaced_scopes,
)
from service.rendering.inspection.sources import (
    Paragraph,
    Source,
    _close_gap,
    _line_paragraphs,
    sources,
)
from tests import hostile_templates as hostile
from tests.docx_factory import Table

PART = "word/document.xml"


def bounds_problem(xml: str) -> TemplateError:
    """The error check_tag_bounds raises for ``xml``."""
    with pytest.raises(TemplateError) as caught:
        check_tag_bounds(PART, xml)
    return caught.value


# -- bounds --------------------------------------------------------------------------


def test_a_part_may_hold_exactly_the_most_tags() -> None:
    check_tag_bounds(PART, "{{x}}" * MAX_TAGS)


def test_one_tag_more_than_the_most_is_refused_with_the_count() -> None:
    error = bounds_problem("{{x}}" * (MAX_TAGS + 1))
    assert isinstance(error, TemplateLimitExceeded)
    assert error.message == (
        "The template has too many tags: word/document.xml holds 10,001; a part may "
        "hold at most 10,000."
    )
    assert error.problems == [TemplateProblem(message="Too many tags.", part=PART)]


def test_an_unclosed_tag_is_refused_with_an_excerpt_without_markup() -> None:
    error = bounds_problem("<w:p>ok {{ a }}</w:p><w:p><w:t>Dear {{ reci</w:t>  pient")
    assert type(error) is TemplateError
    assert error.message == "The template has a tag that is never closed."
    assert error.problems == [
        TemplateProblem(
            message="A tag starts here and is never closed: end it with '}}', '%}' "
            "or '#}', or remove it.",
            part=PART,
            excerpt="{{ reci pient",
        )
    ]


@pytest.mark.parametrize("overlapping", ["{#}", "{%}", "{{}"])
def test_an_opener_and_closer_sharing_a_character_do_not_close_a_tag(
    overlapping: str,
) -> None:
    bounds_problem(overlapping)


def test_the_shortest_tags_are_closed() -> None:
    check_tag_bounds(PART, "{{}}{%%}{##}")


def test_a_closer_before_the_opener_does_not_close_it() -> None:
    error = bounds_problem("}} {{ x")
    assert error.problems[0].excerpt == "{{ x"


def test_a_tag_may_span_the_most_characters_of_xml() -> None:
    check_tag_bounds(PART, "{{" + "<w:x/>" * ((MAX_TAG_SPAN - 2) // 6) + "}}")


def test_a_tag_spanning_one_character_more_is_never_closed() -> None:
    filler = "<w:x/>" * ((MAX_TAG_SPAN - 2) // 6) + "a"
    bounds_problem("{{" + filler + "}}")


def test_a_long_unclosed_tag_is_shown_cut_at_sixty_characters() -> None:
    error = bounds_problem("{{ " + "word " * 40)
    assert error.problems[0].excerpt == ("{{ " + "word " * 12)[:59] + "…"
    assert len(error.problems[0].excerpt or "") == 60


def test_an_unclosed_tag_of_exactly_sixty_characters_is_shown_whole() -> None:
    text = "{{ " + "x" * 57
    assert bounds_problem(text).problems[0].excerpt == text


def test_the_excerpt_reads_only_the_xml_near_the_tag() -> None:
    # 2,400 characters of markup after the opener: the word after them is not shown
    error = bounds_problem("{{" + "<a/>" * 598 + "<abc/>" + "tail")
    assert error.problems[0].excerpt == "{{"


# -- paragraphs and lines ------------------------------------------------------------


def document_source(*blocks: object) -> Source:
    """The Jinja source of the body of a template of ``blocks``."""
    return next(sources(hostile.docx(*blocks)))  # type: ignore[arg-type]


def test_paragraphs_and_cells_are_numbered_in_document_order() -> None:
    source = document_source(
        "Intro", Table([["a", "b"], ["c", "d"]]), Table([["e"]]), "End"
    )
    assert source.paragraphs == {
        1: Paragraph(1, "Intro"),
        2: Paragraph(2, "a", 1, 1, 1),
        3: Paragraph(3, "b", 1, 1, 2),
        4: Paragraph(4, "c", 1, 2, 1),
        5: Paragraph(5, "d", 1, 2, 2),
        6: Paragraph(6, "e", 2, 1, 1),
        7: Paragraph(7, "End"),
    }
    assert source.paragraphs[5].where == "table 1, row 2, cell 2"
    assert source.paragraphs[7].where is None


def test_each_line_of_jinja_maps_to_the_paragraph_that_holds_it() -> None:
    source = document_source(
        "Intro",
        "{%p if title %}",
        "{{ title }}",
        "{%p endif %}",
        Table(
            [
                ["a", "{{ vision }}"],
                ["{%tr for p in parties %}", ""],
                ["{{ p.name }}", "x"],
                ["{%tr endfor %}", ""],
            ]
        ),
        "End",
    )
    assert source.lines == [None, 1, 2, 3, 3, 4, 5, 6, 6, 7, 9, 9, 10, 11, 13]
    assert source.inside == [
        False, True, False, True, True, False, True, True, True, False, True,
        True, True, False, True,
    ]  # fmt: skip
    assert source.line_texts[2] == "{% if title %}"
    assert source.line_texts[9].startswith("{% for p in parties %}<w:tr>")


def test_a_document_property_is_one_paragraph_of_plain_text() -> None:
    *_, prop = sources(
        hostile.docx("x", properties={"subject": "S {{ extra.s }}\n{{ extra.t }}"})
    )
    assert prop.part == "docProps/core.xml"
    assert prop.label == "document property 'subject'"
    assert prop.word_xml is False
    assert prop.paragraphs == {0: Paragraph(0, "S {{ extra.s }} {{ extra.t }}")}
    assert prop.line_texts == ["S ", "{{ extra.s }}", "", "{{ extra.t }}"]
    assert prop.lines == [0, 0, 0, 0]
    assert prop.inside == [False, False, False, False]


def test_headers_are_read_as_their_own_part() -> None:
    parts = [source.part for source in sources(hostile.docx("x", header=["{{ a }}"]))]
    assert parts[:2] == [PART, "word/header1.xml"]


def test_a_part_that_is_not_xml_is_refused_by_name() -> None:
    source = hostile.rezip(
        hostile.docx("x", header=["{{ a }}"]),
        replace={"word/header1.xml": b"<w:hdr><w:p>{{ a }}</w:hdr"},
    )
    with pytest.raises(TemplateError) as caught:
        list(sources(source))
    assert caught.value.message == "The file is not a Word document (.docx)."
    assert caught.value.problems == [
        TemplateProblem(message="The part is not valid XML.", part="word/header1.xml")
    ]


def test_a_part_with_an_unclosed_tag_is_refused_before_it_is_parsed() -> None:
    with pytest.raises(TemplateError) as caught:
        list(sources(hostile.docx("Dear {{ name")))
    assert caught.value.message == "The template has a tag that is never closed."


def table(*cells: str) -> str:
    """A table of one row holding these cells (raw WordprocessingML)."""
    return (
        "<w:tbl><w:tr>"
        + "".join(f"<w:tc>{cell}</w:tc>" for cell in cells)
        + ("</w:tr></w:tbl>")
    )


def test_a_table_in_a_cell_is_numbered_apart_from_the_cell_it_is_in() -> None:
    paragraph = hostile.paragraph
    inner = table(paragraph("c"))
    body = [
        paragraph("a"),
        table(paragraph("b") + inner + paragraph("d"), paragraph("e")),
        paragraph("f"),
    ]
    assert next(sources(hostile.with_body(body))).paragraphs == {
        1: Paragraph(1, "a"),
        2: Paragraph(2, "b", 1, 1, 1),
        3: Paragraph(3, "c", 2, 1, 1),
        4: Paragraph(4, "d", 1, 1, 1),
        5: Paragraph(5, "e", 1, 1, 2),
        6: Paragraph(6, "f"),
    }


def test_a_part_that_is_not_utf8_is_refused_as_not_xml() -> None:
    header = (
        b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
        b'main"><w:p><w:r><w:t>\xff</w:t></w:r></w:p></w:hdr>'
    )
    source = hostile.rezip(
        hostile.docx("x", header=["{{ a }}"]), replace={"word/header1.xml": header}
    )
    with pytest.raises(TemplateError) as caught:
        list(sources(source))
    assert caught.value.problems == [
        TemplateProblem(message="The part is not valid XML.", part="word/header1.xml")
    ]


def test_only_document_properties_holding_tags_are_read() -> None:
    properties = {"subject": "{{ a }}", "title": "plain", "keywords": "{{ b }}"}
    found = sources(hostile.docx("x", properties=properties))
    assert [source.label for source in found] == [
        None,
        "document property 'subject'",
        "document property 'keywords'",
    ]


@pytest.mark.parametrize(
    ("text", "lines", "inside"),
    [
        (
            '<w:p inspect-p="1">a</w:p>\n{%p if x %}\n{%p if y %}\n'
            '<w:p inspect-p="5">b</w:p>',
            [1, 2, 3, 5],
            [True, False, False, True],
        ),
        (
            '{{ a }}\n<w:p inspect-p="1">a\n{{ b }}</w:p>\nafter',
            [1, 1, 1, 1],
            [False, True, True, False],
        ),
        (
            '<w:p inspect-p="1">\n<w:p inspect-p="2">\n{{ x }}</w:p></w:p>\n{{ y }}',
            [1, 2, 2, 3],
            [True, True, True, False],
        ),
        (
            '<w:p inspect-p="1">\n<w:p inspect-p="2">\n{{ x }}</w:p>\n{{ y }}',
            [1, 2, 2, 1],
            [True, True, True, True],
        ),
    ],
    ids=["gap", "before the first", "two closed at once", "one closed"],
)
def test_each_line_belongs_to_its_paragraph_or_the_one_its_tag_replaced(
    text: str, lines: list[int | None], inside: list[bool]
) -> None:
    assert _line_paragraphs(text) == (lines, inside)


@pytest.mark.parametrize(
    ("gap", "last", "after", "expected"),
    [
        ([1, 2, 3], 1, 3, [None, 2, 2, 2, None]),
        ([1, 2], 2, 10, [None, 3, 4, None, None]),
        ([1, 2, 3], 0, 10, [None, 1, 2, 3, None]),
        ([1, 2, 3], 4, 6, [None, 5, 5, 5, None]),
        ([1, 2, 3], 0, 4, [None, 1, 2, 3, None]),
    ],
)
def test_the_tags_of_a_gap_are_spread_over_the_paragraphs_missing_from_it(
    gap: list[int], last: int, after: int, expected: list[int | None]
) -> None:
    result: list[int | None] = [None] * 5
    lines = list(gap)  # the parameter is shared between runs; _close_gap empties it
    _close_gap(result, lines, last, after)
    assert (result, lines) == (expected, [])


def test_paragraph_of_a_line_outside_the_source_is_none() -> None:
    source = Source(PART, "a\nb", lines=[3, 4])
    assert [paragraph_of(source, line) for line in (None, 0, 1, 2, 3)] == [
        None, None, 3, 4, None,
    ]  # fmt: skip


# -- tags and excerpts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line_tag", "needle", "expected"),
    [
        ("a {{ b }} {{ c }}", "{{c}}", None, "{{ c }}"),
        ("a {%p if “x” %}", '{% if "x" %}', None, "{%p if “x” %}"),
        ("a {%- if x -%}", "{%if x%}", None, "{%- if x -%}"),
        ("a {{ b }} {{ c }}", None, "c", "{{ c }}"),
        ("a {{ b }} {{ c }}", "{{ q }}", "zz", "{{ q }}"),
        ("a {{ b }} zz", None, "zz", "zz"),
        ("a", None, "}}x", "}}x"),
        ("a", None, "%}", "%}"),
        ("a", None, "{ {", "{ {"),
        ("a {{ b }} {{ c }}", None, "zz", "{{ b }}"),
        ("a", "{{ q }}", "zz", "{{ q }}"),
        ("a", None, None, None),
    ],
)
def test_the_tag_named_is_the_one_the_author_wrote(
    text: str, line_tag: str | None, needle: str | None, expected: str | None
) -> None:
    assert original_tag(text, line_tag, needle) == expected


WORDS = "word " * 30


@pytest.mark.parametrize(
    ("text", "tag", "expected"),
    [
        ("a  b\n c", None, "a b c"),
        (
            WORDS + "{{ x }}" + WORDS,
            "{{ x }}",
            "…word word word word {{ x }}word word word word word word word word word "
            "word w…",
        ),
        (
            "{{ x }} " + WORDS,
            "{{ x }}",
            "{{ x }} word word word word word word word word word word word word word "
            "word …",
        ),
        (
            WORDS + "{{ x }}",
            "{{ x }}",
            "… word word word word word word word word word word word word word word "
            "{{ x }}",
        ),
        (
            WORDS + "{{ x }}" + WORDS + "{{ x }}",
            "{{ x }}",
            "…word word word word {{ x }}word word word word word word word word word "
            "word w…",
        ),
        (WORDS, None, "word " * 15 + "wor…"),
        ("x" * 80, None, "x" * 80),
        ("x" * 81, None, "x" * 78 + "…"),
    ],
    ids=["short", "middle", "start", "end", "twice", "no tag", "80", "81"],
)
def test_an_excerpt_is_a_window_of_eighty_characters_around_the_tag(
    text: str, tag: str | None, expected: str
) -> None:
    assert excerpt(text, tag) == expected


@pytest.mark.parametrize(
    "tag",
    [
        "{{ vm }}", "{{ hm }}", "{{vm}}", "{%hm%}", "{% colspan 2 %}",
        "{% cellbg 'ff0000' %}",
        "{%tr for x in y %}", "{%p if x %}", "{%tc if x %}", "{%r if x %}",
        "{{r x }}",
    ],
)  # fmt: skip
def test_tags_docxtpl_moves_or_expands(tag: str) -> None:
    assert moved_by_docxtpl(tag)


@pytest.mark.parametrize(
    "tag", ["{{ vmx }}", "{{ title }}", "{%pif x %}", "{{ x.vm }}"]
)
def test_ordinary_tags_stay_in_their_paragraph(tag: str) -> None:
    assert not moved_by_docxtpl(tag)


# -- delimiters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["a {{ b }} c", "{{}}", "no tags", "{% if x %}{# n #}{{ y }}"]
)
def test_whole_tags_have_no_delimiter_problem(text: str) -> None:
    assert delimiter_problem(text, after_unclosed=False) is None


@pytest.mark.parametrize(
    ("text", "token", "shown"),
    [
        ("{% if x %", "{%", "{% if x %"),
        ("{# note", "{#", "{# note"),
        ("{{ a %}", "{{", "{{ a %}"),
        (
            "0123456789 {{ 0123456789012345678901234567890123456789",
            "{{",
            "{{ 012345678901234567890123456",
        ),
    ],
)
def test_a_tag_not_ended_in_its_paragraph_runs_on(
    text: str, token: str, shown: str
) -> None:
    assert delimiter_problem(text, after_unclosed=False) == (
        f"A tag starts in this paragraph ('{token}') but does not end in it: a tag "
        "must start and end in the same paragraph.",
        shown,
        True,
    )


@pytest.mark.parametrize(("text", "near"), [("a %  }", "%  }"), ("{ % x", "{ %")])
def test_a_space_between_braces_is_a_near_miss(text: str, near: str) -> None:
    assert delimiter_problem(text, after_unclosed=True) == (
        f"'{near}' has a space between the braces: Jinja needs '{{{{', '{{%', '%}}' "
        "or '}}' written together.",
        near,
        False,
    )


def test_a_stray_closer_is_refused() -> None:
    assert delimiter_problem("a #} b", after_unclosed=False) == (
        "'#}' closes a tag that was not opened in this paragraph.",
        "#}",
        False,
    )


def test_the_first_closer_after_an_unclosed_paragraph_ends_its_tag() -> None:
    assert delimiter_problem("a }} c {{ x }}", after_unclosed=True) is None
    assert delimiter_problem("a }} c }}", after_unclosed=True) == (
        "'}}' closes a tag that was not opened in this paragraph.",
        "}}",
        False,
    )


def test_a_closer_after_a_whole_tag_is_stray_even_after_an_unclosed_paragraph() -> None:
    assert delimiter_problem("{{ y }} a %}", after_unclosed=True) == (
        "'%}' closes a tag that was not opened in this paragraph.",
        "%}",
        False,
    )


# -- block structure -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pairs", "found"),
    [
        ("{% for x in y %}\n{% else %}\n{% endfor %}", {1: 3}, []),
        (
            "{% for x in y %}\n{% elif z %}\n{% endfor %}",
            {1: 3},
            [(2, "'{% elif %}' stands outside an 'if' block.")],
        ),
        ("{% if x %}\n{% elif z %}\n{% else %}\n{% endif %}", {1: 4}, []),
        ("{% set a = 1 %}\n{% set b %}x{% endset %}", {2: 2}, []),
        ("{% set x | upper %}a{% endset %}", {1: 1}, []),
        (
            "{% set b %}x",
            {},
            [
                (
                    1,
                    "This 'set' block is never closed: add '{% endset %}' (or "
                    "'{%p endset %}') where it should end.",
                )
            ],
        ),
        (
            "{% endfor %}",
            {},
            [(1, "'{% endfor %}' has no '{% for … %}' to close.")],
        ),
        (
            "{% if x %}\n{% for y in z %}\n{% endif %}",
            {1: 3},
            [
                (
                    2,
                    "This 'for' block is not closed before '{% endif %}': add "
                    "'{% endfor %}' (or '{%p endfor %}') first.",
                )
            ],
        ),
        (
            "{% macro m() %}\n{% endmacro %}{% with a=1 %}{% endwith %}\n"
            "{% filter upper %}{% endfilter %}\n{% call m() %}{% endcall %}"
            "{% block b %}{% endblock %}{% autoescape true %}{% endautoescape %}",
            {1: 2, 2: 2, 3: 3, 4: 4},
            [],
        ),
        ("{% else %}", {}, [(1, "'{% else %}' stands outside an 'if' block.")]),
        ("{% endif %}{% if a == b %}{% endif %}", {1: 1}, [
            (1, "'{% endif %}' has no '{% if … %}' to close."),
        ]),
        ("{{ x }}{% 'x' %}{% if a %}{% endif %}{% endwhile %}", {1: 1}, []),
    ],
    ids=[
        "for else", "elif in for", "if elif else", "set", "set filtered",
        "unclosed set",
        "stray end", "crossed", "every block", "stray else", "comparison",
        "not a block name",
    ],
)  # fmt: skip
def test_block_tags_are_paired_by_a_stack(
    text: str, pairs: dict[int, int], found: list[tuple[int, str]]
) -> None:
    assert block_structure(text) == (pairs, found)


def test_block_tags_are_read_until_the_lexer_stops() -> None:
    assert block_structure("{% if x %}\n{{ 'unclosed }}\n{% endif %}") == (
        {},
        [
            (
                1,
                "This 'if' block is never closed: add '{% endif %}' (or "
                "'{%p endif %}') where it should end.",
            )
        ],
    )


# -- what {%p / {%tr / {%tc replace --------------------------------------------------


def test_each_structural_tag_replaces_its_paragraph_row_or_cell_once() -> None:
    source = document_source(
        "{%p if title %}",
        Table(
            [
                ["{%tr for p in parties %}", "{%tr if x %}"],
                ["{%tc if a %}", "{%p if b %}"],
                ["{%r if c %}", "x"],
            ]
        ),
    )
    assert [
        (scope.tag, scope.kind, scope.noun, scope.number,
         [item.number for item in scope.paragraphs])
        for scope in replaced_scopes(source)
    ] == [
        ("{%p if title %}", "p", "paragraph", 1, [1]),
        ("{%tr for p in parties %}", "tr", "table row", 2, [2, 3]),
        ("{%tc if a %}", "tc", "table cell", 4, [4]),
        ("{%p if b %}", "p", "paragraph", 5, [5]),
    ]  # fmt: skip
