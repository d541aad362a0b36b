"""The upload check's findings, word for word and where they point.

A funder reads these messages to fix a template in Word: each test pins one
finding's exact message, paragraph, tag and excerpt, so a changed word, a lost
"(in table 1, row 2, cell 1)" or a finding pointing at the wrong paragraph is
noticed.
"""

from __future__ import annotations

import pytest

from service.rendering.errors import TemplateError, TemplateProblem
from service.rendering.inspection import REFUSED, inspect_template
from tests import hostile_templates as hostile
from tests.docx_factory import Table
from tests.test_inspection import problems, refused, report

DOCUMENT = "word/document.xml"


def only(*blocks: object, **options: object) -> TemplateProblem:
    """The one problem that makes a template of ``blocks`` unusable."""
    [problem] = problems(*blocks, **options)
    return problem


def messages(*blocks: object, **options: object) -> list[str]:
    """The messages of the problems that make ``blocks`` unusable."""
    return [problem.message for problem in problems(*blocks, **options)]


# -- the refusal and the report as JSON ----------------------------------------------


def test_a_refused_template_names_the_refusal_and_every_problem() -> None:
    with pytest.raises(TemplateError) as caught:
        inspect_template(hostile.docx("{{ title|nope }}"), "agreement")
    assert caught.value.message == REFUSED
    assert str(caught.value) == (
        "The template cannot be used: fix the problems listed and upload it again."
    )
    assert caught.value.problems == [
        TemplateProblem(
            message="Unknown filter 'nope'.",
            part=DOCUMENT,
            paragraph=1,
            tag="{{ title|nope }}",
            excerpt="{{ title|nope }}",
        )
    ]


def test_the_report_as_json_holds_every_list_and_each_note() -> None:
    found = report("{{ extra.grant }} {{ titel }}", "{{ title }}")
    assert found.as_dict() == {
        "variables": ["extra.grant", "titel", "title"],
        "unknown_variables": ["titel"],
        "extra_variables": ["extra.grant"],
        "problems": [
            {
                "message": "'titel' is not in the data of agreement documents, so "
                "it is always empty. Did you mean 'title'?",
                "part": DOCUMENT,
                "paragraph": 1,
                "tag": "{{ titel }}",
                "excerpt": "{{ extra.grant }} {{ titel }}",
            }
        ],
    }


def test_an_unknown_variable_without_a_close_match_has_no_suggestion() -> None:
    [note] = report("{{ qqqqqqqq }}").problems
    assert note.message == (
        "'qqqqqqqq' is not in the data of agreement documents, so it is always empty."
    )
    assert note.tag == "{{ qqqqqqqq }}"


def test_an_unknown_list_is_pointed_at_by_the_tag_that_reads_its_item() -> None:
    found = report("{% for p in qqqq %}{{ p }}{% endfor %}")
    assert found.unknown_variables == ["qqqq[]"]
    [note] = found.problems
    assert note.tag == "{{ p }}"
    assert note.message.startswith("'qqqq[]' is not in the data of agreement")


def test_only_the_leaves_of_what_is_read_are_variables() -> None:
    found = report("{{ extra }}", "{{ extra.a }}", "{{ parties[0] }}", "{{ parties }}")
    assert found.variables == ["extra.a", "parties[]"]
    assert found.extra_variables == ["extra.a"]


def test_unknown_variables_are_listed_in_the_order_of_their_names() -> None:
    found = report("{% for x in qq %}{{ x }}{% endfor %}{{ qq.b }}")
    assert found.unknown_variables == ["qq.b", "qq[]"]
    assert [note.tag for note in found.problems] == ["{{ qq.b }}", "{{ x }}"]


def test_an_unknown_list_read_in_a_tag_holding_braces_names_its_loop() -> None:
    [note] = report("x[] {% for p in qqqq %}{{ p ~ '{{' }}{% endfor %}").problems
    assert note.tag == "{% for p in qqqq %}"


@pytest.mark.parametrize(
    "tags",
    [
        ("{{ Xtitle|nope }}", "{{ title|nope }}"),
        ("{{ title|nopeX }}", "{{ title|nope }}"),
    ],
)
def test_tags_alike_but_for_a_letter_are_told_apart(tags: tuple[str, str]) -> None:
    found = problems(" ".join(tags))
    assert tuple(problem.tag for problem in found) == tags


def test_extra_alone_is_not_an_extra_variable() -> None:
    found = report("{{ extra }}")
    assert found.variables == ["extra"]
    assert found.extra_variables == []


def test_a_path_is_reported_where_it_is_first_read() -> None:
    found = report("Intro", "{{ titel }}", "{{ titel|upper }}")
    assert [(note.paragraph, note.tag) for note in found.problems] == [
        (2, "{{ titel }}")
    ]


# -- where a problem is --------------------------------------------------------------


def test_a_problem_in_a_table_names_table_row_and_cell() -> None:
    problem = only(Table([["a", "b"], ["c", "{{ title|nope }}"]]))
    assert problem.message == "Unknown filter 'nope'. (in table 1, row 2, cell 2)"
    assert problem.paragraph == 4


def test_a_problem_in_a_document_property_names_the_property() -> None:
    problem = only("{{ title }}", properties={"subject": "{{ title|nope }}"})
    assert problem == TemplateProblem(
        message="Unknown filter 'nope'. (in the document property 'subject')",
        part="docProps/core.xml",
        tag="{{ title|nope }}",
        excerpt="{{ title|nope }}",
    )


def test_the_same_problem_twice_in_a_paragraph_is_reported_once() -> None:
    assert messages("{{ title|nope }}{{ title|nope }}") == ["Unknown filter 'nope'."]


def test_too_deep_nesting_is_refused_for_the_part() -> None:
    problem = only("{{ " + "(" * 300 + "1" + ")" * 300 + " }}")
    assert problem == TemplateProblem(
        message="Expressions or blocks are nested too deeply.", part=DOCUMENT
    )


# -- tags that are not whole in one paragraph ----------------------------------------


def test_a_tag_running_into_the_next_paragraph_is_refused_where_it_starts() -> None:
    [first, second] = refused(
        hostile.with_body(
            [
                hostile.paragraph("Dear {{ recipient."),
                hostile.paragraph("name }}, hello }}"),
            ]
        )
    )
    assert first == TemplateProblem(
        message="A tag starts in this paragraph ('{{') but does not end in it: a tag "
        "must start and end in the same paragraph.",
        part=DOCUMENT,
        paragraph=1,
        tag="{{ recipient.",
        excerpt="Dear {{ recipient.",
    )
    # the first '}}' ends the tag of the paragraph before; the second is stray
    assert second.message == "'}}' closes a tag that was not opened in this paragraph."
    assert (second.paragraph, second.tag) == (2, "}}")


def test_a_closer_without_an_opener_is_refused() -> None:
    [problem] = refused(hostile.with_body([hostile.paragraph("a }} b")]))
    assert problem.message == "'}}' closes a tag that was not opened in this paragraph."
    assert (problem.paragraph, problem.tag, problem.excerpt) == (1, "}}", "a }} b")


def test_a_space_between_braces_is_refused_with_the_braces() -> None:
    problem = only("Dear { { title }}")
    assert problem.message == (
        "'{ {' has a space between the braces: Jinja needs '{{', '{%', '%}' or '}}' "
        "written together."
    )
    assert problem.tag == "{ {"


def test_a_tag_split_by_a_tracked_deletion_is_refused_word_for_word() -> None:
    [problem] = refused(hostile.tag_split_by_tracked_deletion())
    assert problem == TemplateProblem(
        message="A tag here is split by text Word does not show (a tracked change or "
        "a field code between its characters), so it is not read as a tag: accept "
        "the changes, then retype the tag.",
        part=DOCUMENT,
        paragraph=2,
        tag="{{ title }}",
        excerpt="Title: {{ title }}",
    )


def test_a_tag_split_by_a_hyperlink_is_refused_word_for_word() -> None:
    [problem] = refused(hostile.tag_split_by_hyperlink())
    assert problem == TemplateProblem(
        message="This paragraph would come out as broken XML: a tag in it is split "
        "by Word's formatting across a hyperlink, a field or a tracked change. "
        "Retype the tag in one go, outside the hyperlink or field.",
        part=DOCUMENT,
        paragraph=2,
        tag="{{ title }}",
        excerpt="See {{ title }} here",
    )


@pytest.mark.parametrize(
    "blocks",
    [
        ("{% if title %}", "{%- if vision %}x{% endif %}", "{% endif %}"),
        ("{% if title -%}", "{% if vision %}x{% endif %}", "{% endif %}"),
    ],
    ids=["before", "after"],
)
def test_whitespace_control_moving_tags_is_not_a_lost_tag(blocks: tuple[str]) -> None:
    found = report(*blocks)
    assert found.variables == ["title", "vision"]
    assert found.problems == []


# -- syntax errors -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "noun"),
    [("p", "paragraph"), ("tr", "table row"), ("tc", "table cell"), ("r", "run")],
)
def test_a_structural_tag_written_with_a_space_is_explained(
    kind: str, noun: str
) -> None:
    problem = only(f"{{% {kind} x %}}")
    assert problem.message == (
        f"Template syntax error: '{{%{kind} …%}}' must stand in its own {noun} for "
        f"docxtpl to use it (Encountered unknown tag '{kind}'.)"
    )
    assert problem.tag == f"{{% {kind} x %}}"


def test_a_syntax_error_is_reported_with_jinjas_words() -> None:
    problem = only("{{ title }} {{ title + }}")
    assert problem.message == (
        "Template syntax error: unexpected 'end of print statement'"
    )
    assert (problem.paragraph, problem.tag) == (1, "{{ title + }}")


def test_an_unclosed_block_is_reported_once_where_it_opens() -> None:
    problem = only("Intro", "{% if phase_out %}", "Plan")
    assert problem.message == (
        "This 'if' block is never closed: add '{% endif %}' (or '{%p endif %}') "
        "where it should end."
    )
    assert (problem.paragraph, problem.tag) == (2, "{% if phase_out %}")


def test_an_end_tag_without_its_block_is_reported_once() -> None:
    problem = only("Intro", "{% endif %}")
    assert problem.message == "'{% endif %}' has no '{% if … %}' to close."
    assert problem.paragraph == 2


def test_an_unexpected_end_of_a_block_is_reported_once() -> None:
    problem = only("{% for x in parties %}{% if x %}{% endfor %}")
    assert problem.message == (
        "This 'if' block is not closed before '{% endfor %}': add '{% endif %}' "
        "(or '{%p endif %}') first."
    )
    assert problem.tag == "{% if x %}"


def test_else_outside_a_block_is_reported_with_the_syntax_error() -> None:
    assert messages("{% else %}") == [
        "'{% else %}' stands outside an 'if' block.",
        "Template syntax error: Encountered unknown tag 'else'.",
    ]


def test_a_syntax_error_in_a_split_paragraph_is_reported_once() -> None:
    # the unclosed tag is the problem; Jinja's own complaint about it is not
    problem = only("{% set x = ", "y %}")
    assert problem.message.startswith("A tag starts in this paragraph ('{%')")


# -- {%p / {%tr / {%tc replacing their paragraph, row or cell ------------------------


@pytest.mark.parametrize(
    ("cells", "tag", "noun", "other"),
    [
        ([["{%tr if title %}", "{{ title }}"]], "{%tr if title %}", "table row", "tr"),
        (
            [["{%tc if title %}{{ vision }}", "{{ title }}"]],
            "{%tc if title %}",
            "table cell",
            "tc",
        ),
    ],
)
def test_other_tags_in_a_replaced_row_or_cell_are_refused(
    cells: list[list[str]], tag: str, noun: str, other: str
) -> None:
    first, _ = problems(Table(cells))
    lost = "{{ title }}" if other == "tr" else "{{ vision }}"
    assert first.message == (
        f"docxtpl replaces the whole {noun} holding '{tag}' by one such tag, so the "
        f"other tags in it ('{lost}') are lost: put each '{{%{other} …%}}' tag in a "
        f"{noun} of its own. (in table 1, row 1, cell 1)"
    )
    assert (first.paragraph, first.tag) == (1, tag)


def test_every_other_tag_of_a_replaced_paragraph_is_named() -> None:
    problem = only("{%p if title %}{{ title }}{{ vision }}", "{%p endif %}")
    assert "('{{ title }}', '{{ vision }}') are lost" in problem.message


def test_text_beside_a_row_tag_is_a_warning_naming_the_row_text() -> None:
    found = report(
        Table(
            [
                ["x {%tr for p in parties %}", "hello there"],
                ["{{ p.name }}", ""],
                ["{%tr endfor %}", ""],
            ]
        )
    )
    assert found.variables == ["parties[].name"]
    [note] = found.problems
    assert note.message == (
        "The whole table row holding '{%tr for p in parties %}' is removed when the "
        "document is made, so its other text ('x hello there') never appears. "
        "(in table 1, row 1, cell 1)"
    )
    assert (note.paragraph, note.tag) == (1, "{%tr for p in parties %}")


def test_text_beside_a_paragraph_tag_is_quoted_up_to_forty_characters() -> None:
    [note] = report(
        "This paragraph holds a lot of words before {%p if title %} and more",
        "{%p endif %}",
    ).problems
    assert "its other text ('This paragraph holds a lot of words befo')" in (
        note.message
    )
    assert note.excerpt == (
        "This paragraph holds a lot of words before {%p if title %} and more"
    )


def test_a_tag_split_by_markup_word_cannot_repair_is_refused() -> None:
    deleted = (
        '<w:del w:id="1" w:author="F" w:date="2025-01-01T00:00:00Z"><w:r>'
        "<w:delText>x }}</w:delText></w:r></w:del>"
    )
    split = (
        "<w:p><w:r><w:t>{{ title</w:t></w:r>"
        + deleted
        + "<w:r><w:t> }} {{ x|nope }}</w:t></w:r></w:p>"
    )
    [problem] = refused(hostile.with_body([hostile.paragraph("Intro"), split]))
    assert problem.message == (
        "Word's formatting splits this tag in a way that cannot be repaired: retype "
        "the tag in one go, or select it and clear its formatting."
    )
    assert (problem.paragraph, problem.excerpt) == (2, "{{ title }} {{ x|nope }}")


def split_by_hyperlink(start: str, tail: str) -> str:
    """A paragraph opened by ``start`` whose '{{ title }}' a hyperlink splits."""
    return (
        start
        + '<w:hyperlink w:anchor="top">'
        + hostile._run("See {{ ti")
        + "</w:hyperlink>"
        + hostile._run("tle }} " + tail)
        + "</w:p>"
    )


@pytest.mark.parametrize(
    ("start", "tail"),
    [
        # libxml2 counts the error's column in characters, the output is bytes:
        # the cut may fall inside a multi-byte character
        ("<w:p>", "€" * 20 + " here"),
        # the paragraph's number comes after its other attributes
        ('<w:p w:rsidR="00A12345" w:rsidRDefault="00A12345" w:rsidP="00A12345">', ""),
        # the error is far along its line, further than the paragraph's start
        ("<w:p>", "here " * 60),
    ],
    ids=["multi-byte", "attributes", "long line"],
)
def test_a_broken_paragraph_is_named_among_others(start: str, tail: str) -> None:
    body = [hostile.paragraph("Intro"), hostile.paragraph("Two")]
    split = split_by_hyperlink(start, tail)
    [problem] = refused(hostile.with_body([*body, split, hostile.paragraph("After")]))
    assert problem.paragraph == 3
    assert problem.message.startswith("This paragraph would come out as broken XML")


def test_a_syntax_error_beside_a_split_paragraph_is_still_reported() -> None:
    assert messages("Dear { { title }}", "{{ title + }}") == [
        "'{ {' has a space between the braces: Jinja needs '{{', '{%', '%}' or "
        "'}}' written together.",
        "Template syntax error: unexpected 'end of print statement'",
    ]


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{{ range('{{') }}", "'range()' is not a function templates can use."),
        ("{{ '{{'|nope }}", "Unknown filter 'nope'."),
        (
            "{{ '{{'|map(attribute='_x')|list }}",
            "'_x' reaches into Python's internals; templates may only read the "
            "document's data.",
        ),
        (
            "{{ '{{' ~ _x }}",
            "'_x' reaches into Python's internals; templates may only read the "
            "document's data.",
        ),
        (
            "{{ '{{'.__class__ }}",
            "'__class__' reaches into Python's internals; templates may only read "
            "the document's data.",
        ),
    ],
)
def test_a_tag_holding_braces_is_named_whole(tag: str, message: str) -> None:
    # '{{' inside a tag starts a new line of the Jinja source: the tag is found
    # in the paragraph by the name the finding is about
    problem = only("{{ title }} " + tag)
    assert (problem.message, problem.tag) == (message, tag)


def test_an_unknown_variable_in_a_tag_holding_braces_is_named_whole() -> None:
    [note] = report("{{ title }} {{ '{{'[titel] }}").problems
    assert note.tag == "{{ '{{'[titel] }}"


def test_two_tags_split_by_markup_in_one_paragraph_are_one_problem() -> None:
    def deleted(number: int) -> str:
        return (
            f'<w:del w:id="{number}" w:author="F" w:date="2025-01-01T00:00:00Z">'
            "<w:r><w:delText>x }}</w:delText></w:r></w:del>"
        )

    split = (
        "<w:p><w:r><w:t>{{ title</w:t></w:r>"
        + deleted(1)
        + "<w:r><w:t> }} and {{ vision</w:t></w:r>"
        + deleted(2)
        + "<w:r><w:t> }}</w:t></w:r></w:p>"
    )
    [problem] = refused(hostile.with_body([split]))
    assert problem.message.startswith("Word's formatting splits this tag")


@pytest.mark.parametrize("cell", ["{% colspan 2 %}", "{% cellbg 'ff0000' %}x"])
def test_tags_docxtpl_expands_in_a_cell_are_not_lost_tags(cell: str) -> None:
    assert report(Table([[cell, "b"], ["c", "d"]])).problems == []


def test_too_many_nested_loops_are_refused_for_the_part() -> None:
    loops = "{% for a in parties %}" * 25 + "{% endfor %}" * 25
    assert only(loops) == TemplateProblem(
        message="Blocks or expressions are nested too deeply (too many statically "
        "nested blocks).",
        part=DOCUMENT,
    )


def test_the_excerpt_of_a_long_paragraph_shows_the_tag_at_fault() -> None:
    problem = only("word " * 30 + "{{ title|nope }}")
    assert problem.excerpt == "…d word" + " word" * 11 + " {{ title|nope }}"


def test_an_unclosed_raw_block_is_reported_with_jinjas_words() -> None:
    problem = only("Intro", "{% raw %}x", "End")
    assert problem.message == "Template syntax error: Missing end of raw directive"
    assert (problem.paragraph, problem.tag) == (2, "{% raw %}")


def test_a_syntax_error_in_a_tag_run_on_into_the_next_paragraph_is_not_repeated() -> (
    None
):
    problem = only("Dear {{ title +", "}} end")
    assert problem.message.startswith("A tag starts in this paragraph ('{{')")


def test_the_replaced_paragraphs_structural_tag_is_named_when_another_comes_first() -> (
    None
):
    problem = only("{{ vision }}{%p if title %}", "{%p endif %}")
    assert problem.tag == "{%p if title %}"


def test_autoescape_in_a_tag_holding_braces_is_named_whole() -> None:
    found = problems("{{ title }} {% autoescape '{{' %}x{% endautoescape %}")
    assert [problem.tag for problem in found if "autoescape" in problem.message] == [
        "{% autoescape '{{' %}"
    ]


def test_every_paragraph_with_a_tag_word_cannot_repair_is_reported() -> None:
    def split(number: int, word: str) -> str:
        deleted = (
            f'<w:del w:id="{number}" w:author="F" w:date="2025-01-01T00:00:00Z">'
            "<w:r><w:delText>x }}</w:delText></w:r></w:del>"
        )
        return f"<w:r><w:t>{{{{ {word}</w:t></w:r>{deleted}<w:r><w:t> }}}}</w:t></w:r>"

    first = "<w:p>" + split(1, "title") + split(2, "vision") + "</w:p>"
    second = "<w:p>" + split(3, "mission") + "</w:p>"
    found = refused(hostile.with_body([first, second, hostile.paragraph("After")]))
    assert [problem.paragraph for problem in found] == [1, 2]


def test_every_lost_tag_is_reported_past_flagged_and_expanded_paragraphs() -> None:
    lost = (
        "<w:p>"
        + hostile._run("{{ vision }} Title: {")
        + '<w:del w:id="1" w:author="F" w:date="2025-01-01T00:00:00Z">'
        + "<w:r><w:delText>x</w:delText></w:r></w:del>"
        + hostile._run("{ title }}")
        + "</w:p>"
    )
    found = refused(hostile.with_body([hostile.paragraph("Dear { { title }}"), lost]))
    assert [problem.paragraph for problem in found] == [1, 2]
    assert found[1].message.startswith("A tag here is split by text Word does not show")
