"""The upload check's two walks: the variables a template reads, and its blocks.

The variables walk follows values through loops, ``set``, ``with``, macros
and filters to the exact paths of the data contract, and refuses what a
template may not do; the structure probe renders a skeleton of the blocks
and names the block that would break the document. Each test pins one such
promise on a small template, with the exact paths or the exact finding.
"""

from __future__ import annotations

import pytest

from service.rendering.contract import contract_for
from service.rendering.errors import TemplateProblem
from service.rendering.inspection.inspector import inspect_parts
from tests import hostile_templates as hostile
from tests.docx_factory import Table
from tests.test_inspection import problems, report

HUGE = (
    "This expression computes a huge text or number from constants; Jinja would "
    "build it while preparing the template."
)
NO_IMPORTS = "Templates cannot include or import other templates."


def variables(*blocks: object, **options: object) -> list[str]:
    """The variables of a template of ``blocks`` that has no problems."""
    found = report(*blocks, **options)
    assert [problem.message for problem in found.problems if "always empty" not in
            problem.message] == []  # fmt: skip
    return found.variables


def messages(*blocks: object, **options: object) -> list[str]:
    """The messages of the problems that make ``blocks`` unusable."""
    return [problem.message for problem in problems(*blocks, **options)]


# -- values through filters ----------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{{ parties|first|attr('name') }}", ["parties[].name"]),
        ("{{ title|attr('name') }}", ["title.name"]),
        ("{{ (parties|sort|first).name }}", ["parties[].name"]),
        ("{{ (parties|reverse|last).name }}", ["parties[].name"]),
        ("{{ (parties|max).name }}", ["parties[].name"]),
        ("{{ (parties|upper).name }}", ["parties"]),
        ("{{ parties|sort(attribute='name')|first }}", ["parties[].name"]),
        ("{{ parties|selectattr('dependent') }}", ["parties[].dependent"]),
        ("{{ parties|rejectattr('dependent') }}", ["parties[].dependent"]),
        ("{{ parties|groupby('sector') }}", ["parties[].sector"]),
        ("{{ parties|unique(attribute='name') }}", ["parties[].name"]),
        ("{{ parties|join(attribute='name') }}", ["parties[].name"]),
        ("{{ parties|sum(attribute='budget.0') }}", ["parties[].budget[]"]),
        (
            "{{ (parties|map(attribute='representative')|first).name }}",
            ["parties[].representative.name"],
        ),
        (
            "{% for n in parties|map(attribute='name') %}{{ n.x }}{% endfor %}",
            ["parties[].name.x"],
        ),
        (
            "{{ parties|selectattr('name', 'equalto', title)|list }}",
            ["parties[].name", "title"],
        ),
        ("{{ parties|select|list }}", ["parties"]),
        ("{% set f = parties|first %}{{ f.name }}", ["parties[].name"]),
        (
            "{{ title|default(vision) }} {{ title|money(*parties, **budget) }}",
            ["budget", "parties", "title", "vision"],
        ),
        ("{{ title is divisibleby(reference) }}", ["reference", "title"]),
        ("{{ (role.party|party).name }}", ["parties[].name", "role.party"]),
    ],
)
def test_values_are_followed_through_filters(
    expression: str, expected: list[str]
) -> None:
    assert variables(expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        (
            "{{ parties|selectattr('name', 'oddd')|list }}",
            "Unknown test 'oddd'. Did you mean 'odd'?",
        ),
        (
            "{{ parties|rejectattr('name', 'oddd')|list }}",
            "Unknown test 'oddd'. Did you mean 'odd'?",
        ),
        (
            "{{ parties|select('oddd')|list }}",
            "Unknown test 'oddd'. Did you mean 'odd'?",
        ),
        (
            "{{ parties|reject('oddd')|list }}",
            "Unknown test 'oddd'. Did you mean 'odd'?",
        ),
        (
            "{{ parties|map('uper')|list }}",
            "Unknown filter 'uper'. Did you mean 'upper'?",
        ),
        (
            "{% if parties is crowded %}x{% endif %}",
            "Unknown test 'crowded'. Did you mean 'odd'?",
        ),
    ],
)
def test_unknown_filters_and_tests_named_as_arguments_are_refused(
    expression: str, message: str
) -> None:
    assert messages(expression) == [message]


def test_a_filter_named_to_map_is_checked_even_with_an_attribute() -> None:
    # map('name', attribute=…) calls the filter 'name' (the attribute goes to
    # it): an unknown one fails only when the document is made
    [problem] = problems("{{ parties|map('nosuch', attribute='name')|list }}")
    assert problem.message == "Unknown filter 'nosuch'."


@pytest.mark.parametrize("name", ["__class__", "mro"])
def test_an_internal_name_given_to_attr_through_map_is_refused(name: str) -> None:
    [problem] = problems(f"{{{{ parties|map('attr', '{name}')|list }}}}")
    assert problem.message == (
        f"'{name}' reaches into Python's internals; templates may only read the "
        "document's data."
    )


def test_attr_through_map_with_a_plain_name_is_allowed() -> None:
    assert variables("{{ parties|map('attr', 'name')|list }}") == ["parties"]


def test_an_internal_name_by_subscript_is_refused() -> None:
    [problem] = problems("{{ title['__class__'] }}")
    assert problem.message == (
        "'__class__' reaches into Python's internals; templates may only read the "
        "document's data."
    )
    assert problem.tag == "{{ title['__class__'] }}"


# -- values through statements -------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (
            [
                "{% for p in parties if p.dependent %}{{ p.name }}"
                "{% else %}{{ vision }}{% endfor %}"
            ],
            ["parties[].dependent", "parties[].name", "vision"],
        ),
        (
            ["{% if title %}a{% elif vision %}b{% else %}{{ mission }}{% endif %}"],
            ["mission", "title", "vision"],
        ),
        (["{% set a | default(vision) %}x{% endset %}{{ a.b }}"], ["vision"]),
        (
            ["{% with a = title %}{{ a.b }}{% endwith %}{{ a }}"],
            ["a", "title.b"],
        ),
        (
            [
                "{% macro m(x, y=vision) %}{{ x.z }}{{ caller() }}{{ varargs }}"
                "{{ kwargs }}{% endmacro %}{% call m(title) %}hi{% endcall %}"
            ],
            ["title", "vision"],
        ),
        (
            ["{% filter money(budget.currency) %}{{ title }}{% endfilter %}"],
            ["budget.currency", "title"],
        ),
        (["{% for a, b in parties %}{{ a.x }}{% endfor %}"], ["parties"]),
        (
            [
                "{% for p in parties %}{{ loop.cycle('a', 'b') }}"
                "{{ loop.nextitem.sector }}{{ loop.previtem.name }}{% endfor %}"
            ],
            ["parties[].name", "parties[].sector"],
        ),
        (
            [
                "{% for p in parties %}{% for q in p.contributions %}"
                "{{ loop.previtem }}{{ q.x }}{% endfor %}{% endfor %}"
            ],
            ["parties[].contributions[].x"],
        ),
        (["{{ parties[:reference] }}"], ["parties", "reference"]),
        (["{{ parties[title] }}"], ["parties[]", "title"]),
        (["{{ parties[0].name }}"], ["parties[].name"]),
        (["{{ self }}"], []),
        (
            [
                "{% for p in parties %}{% for c in p.contributions %}{% endfor %}"
                "{{ loop.previtem.name }}{% endfor %}"
            ],
            ["parties[].contributions", "parties[].name"],
        ),
        (
            ["{% for p in parties %}{{ loop['foo'] }}{% endfor %}"],
            ["loop.foo", "parties"],
        ),
        (["{{ parties|map(title)|list }}"], ["parties", "title"]),
        (["{{ parties|sort(reverse=true)|first }}"], ["parties[]"]),
        (["{{ parties|selectattr(title)|list }}"], ["parties", "title"]),
        (["{{ parties|map('attr')|list }}"], ["parties"]),
        (["{{ parties|map('default', '_x')|list }}"], ["parties"]),
        (
            ["{% for p in parties %}{{ loop|attr('foo') }}{% endfor %}"],
            ["loop.foo", "parties"],
        ),
        (["{{ title.upper() }}"], ["title"]),
    ],
    ids=[
        "for if else", "if elif else", "set block", "with", "macro and call",
        "filter block", "tuple target", "loop items", "nested loop", "slice",
        "dynamic subscript", "subscript", "self", "outer loop after inner",
        "loop subscript", "map by a name",
        "sort reversed", "selectattr by a name", "map attr alone",
        "map default", "loop attr", "method",
    ],
)  # fmt: skip
def test_values_are_followed_through_statements(
    blocks: list[str], expected: list[str]
) -> None:
    assert variables(*blocks) == expected


def test_an_unknown_loop_attribute_is_reported_as_a_variable() -> None:
    found = report(
        "Intro", "{% for p in parties %}{{ loop.foo }}{{ loop.index }}{% endfor %}"
    )
    assert found.variables == ["loop.foo", "parties"]
    assert found.unknown_variables == ["loop.foo"]
    assert [(note.paragraph, note.tag) for note in found.problems] == [
        (2, "{{ loop.foo }}")
    ]


@pytest.mark.parametrize(
    "block",
    ["{% include 'other.docx' %}", "{% import 'x' as y %}", "{% from 'x' import y %}"],
)
def test_other_templates_cannot_be_brought_in(block: str) -> None:
    [problem] = problems(block)
    assert (problem.message, problem.tag) == (NO_IMPORTS, block)


def test_other_templates_cannot_be_extended() -> None:
    assert messages("{% extends 'x' %}") == ["Templates cannot extend other templates."]


def test_autoescape_is_refused_in_the_body_naming_its_tag() -> None:
    [problem] = problems("{% autoescape vision %}{{ title }}{% endautoescape %}")
    assert problem.message == (
        "'{% autoescape %}' is not allowed here: escaping is what keeps text such as "
        "'Teater Vest & Co.' from breaking the document."
    )
    assert problem.tag == "{% autoescape vision %}"


def test_autoescape_is_allowed_in_a_document_property_and_read() -> None:
    found = report(
        "{{ title }}",
        properties={
            "subject": "{% autoescape vision %}{{ mission }}{% endautoescape %}"
        },
    )
    assert found.variables == ["mission", "title", "vision"]
    assert found.problems == []


def test_a_called_context_value_is_named_in_the_refusal() -> None:
    [problem] = problems("{{ (title)() }}")
    assert problem.message == "'title()' is not a function templates can use."
    assert problem.tag == "{{ (title)() }}"


# -- constant expressions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "refused"),
    [
        ('"x" * 999999', False),
        ('999999 * "x"', False),
        ('"xx" * 999999', True),
        ('"x" * 1000000', True),
        ('"x" * -999999', False),
        ('"x" * 999999.0', False),
        ('"x" * true', False),
        ('"x" * (999999 - 1)', False),
        ("(1, 2) * 499999", False),
        ("[1, 2] * 500000", True),
        ("[1, x] * 9999999", False),
        ('"x" * 999999 + "y"', True),
        ('"x" * 999999 ~ "y"', True),
        ('"x" * 999999 ~ x', False),
        ("9 ** 4999", False),
        ("9 ** 5000", True),
        ("-(9 ** 5000)", True),
        ("+(9 ** 5000)", True),
        ("-(9 ** 4999)", False),
        ("9 ** 4999 * 9", True),
        ("9 ** 4999 * true", True),
        ("9 ** 4999 * none", True),
        ("9 ** 4999 + 1", True),
        ("9 ** 4998 + 1", False),
        ("9 ** 4999 - 1", False),
        ('"ab" ** 4', False),
        ("9 ** (9 ** 9)", True),
        ("9 ** 4998.4 * true", False),
        ("9 ** 4998.4 * none", False),
        ("9 ** 4998 * true", False),
        ("-(9 ** 4999) * 9", True),
        ("+(9 ** 4999) * 9", True),
        ("'x' * (9 ** 999)", True),
        ('("a" ~ "b") * 999999', True),
        ("9 ** 4998 * 9", False),
        ("(9 * 9) ** 9999", True),
        ('999999 * "xx"', True),
        ('"x" * 9999 + "y"', False),
        ("(9 ** 4997 + 1) * 9", False),
        ("9 ** 4998.4 + 1", False),
        ('"x" * 20000 % 1', False),
    ],
)
def test_the_size_of_a_constant_expression_is_estimated_without_computing_it(
    expression: str, refused: bool
) -> None:
    found = [
        problem.message
        for problem in (
            problems(f"{{{{ {expression} }}}}")
            if refused
            else report(f"{{{{ {expression} }}}}").problems
        )
        if "always empty" not in problem.message
    ]
    assert found == ([HUGE] if refused else [])


# -- the structure probe -------------------------------------------------------------

CUTS_ACROSS = (
    "cuts across the document's paragraphs, rows or cells, so the document it makes "
    "would be broken: open and close a '{%tr' block in rows of the same table, a "
    "'{%tc' block in cells of the same row, and a '{%p' block in paragraphs at the "
    "same level."
)


def test_a_paragraph_block_ending_outside_its_cell_names_both_ends() -> None:
    [problem] = problems(Table([["{%p if title %}"], ["x"]]), "{%p endif %}")
    assert problem == TemplateProblem(
        message="The block opened here and closed by '{%p endif %}' (paragraph 3) "
        + CUTS_ACROSS
        + " (in table 1, row 1, cell 1)",
        part="word/document.xml",
        paragraph=1,
        tag="{%p if title %}",
        excerpt="{%p if title %}",
    )


def test_a_row_block_ending_in_a_cell_names_the_cell_it_ends_in() -> None:
    [problem] = problems(
        Table(
            [
                ["Activity", "Responsible"],
                ["{%tr for activity in activities %}", ""],
                ["{{ activity.title }}", "x"],
                ["{% endfor %}", ""],
            ]
        )
    )
    assert problem.message == (
        "The block opened here and closed by '{% endfor %}' (paragraph 7, table 1, "
        "row 4, cell 1) " + CUTS_ACROSS + " (in table 1, row 2, cell 1)"
    )
    assert (problem.paragraph, problem.tag) == (3, "{%tr for activity in activities %}")


def test_a_block_opened_before_a_table_and_closed_in_it_is_refused() -> None:
    [problem] = problems(
        "{%p if phase_out %}", Table([["Plan", "x"], ["{%p endif %}", "y"]])
    )
    assert problem.message == (
        "The block opened here and closed by '{%p endif %}' (paragraph 4, table 1, "
        "row 2, cell 1) " + CUTS_ACROSS
    )
    assert problem.paragraph == 1


@pytest.mark.parametrize("table", [1, 2])
def test_a_cell_its_blocks_can_empty_is_a_warning_naming_the_cell(table: int) -> None:
    before = [Table([["a"]])] if table == 2 else []
    found = report(*before, Table([["{%p if title %}"], ["{%p endif %}"]]))
    assert found.variables == ["title"]
    assert [problem.message for problem in found.problems] == [
        f"In table {table}, row 1, cell 1, '{{%p …%}}' blocks can remove every "
        "paragraph of the cell, which Word reports as unreadable content: keep one "
        "paragraph outside the blocks."
    ]


def test_balanced_cell_blocks_pass() -> None:
    assert variables(Table([["{%tc for x in parties %}", "{%tc endfor %}"]])) == [
        "parties"
    ]


def crossing_block() -> list[object]:
    """A '{%p' block opened in a table cell and closed after the table."""
    return [Table([["{%p if title %}"], ["x"]]), "{%p endif %}"]


def nested_loops(*depths: int) -> list[str]:
    """For each depth, that many '{%p for' loops one inside the other."""
    blocks: list[str] = []
    for depth in depths:
        blocks += ["{%p for a in parties %}"] * depth + ["x"]
        blocks += ["{%p endfor %}"] * depth
    return blocks


# Run twice each, loops nested 15, 14, 9, 8, 6, 4, 2 and 2 deep iterate
# 65,534 + 32,766 + 1,022 + 510 + 126 + 30 + 6 + 6 = 100,000 times in all.
EXACTLY_THE_MOST = (15, 14, 9, 8, 6, 4, 2, 2)


def test_a_skeleton_looping_exactly_as_often_as_the_probe_allows_is_probed() -> None:
    [problem] = problems(*nested_loops(*EXACTLY_THE_MOST), *crossing_block())
    assert problem.message.startswith(
        "The block opened here and closed by '{%p endif %}' (paragraph 131) cuts"
    )


def test_a_skeleton_looping_more_than_the_probe_allows_is_not_probed() -> None:
    # one more loop (two more iterations): the structure check is skipped
    # rather than run away
    found = report(*nested_loops(*EXACTLY_THE_MOST, 1), *crossing_block())
    assert found.problems == []


def test_past_the_blocks_probed_one_by_one_the_part_is_refused_whole() -> None:
    # the first 300 blocks are each varied alone; the crossing block is the 301st
    [problem] = problems("{% if title %}{% endif %}" * 300, *crossing_block())
    assert problem == TemplateProblem(
        message="The blocks of this part do not match the document's structure, so "
        "the document it makes would be broken.",
        part="word/document.xml",
    )


def test_calling_what_a_filter_gives_reads_its_value() -> None:
    assert variables("{{ (parties|first)() }}") == ["parties[]"]


def test_a_block_closed_after_another_tag_names_its_own_end_tag() -> None:
    [problem] = problems(Table([["{% if title %}"], ["x"]]), "{{ vision }} {% endif %}")
    assert problem.message == (
        "The block opened here and closed by '{% endif %}' (paragraph 3) "
        + CUTS_ACROSS
        + " (in table 1, row 1, cell 1)"
    )


def one_cell(*texts: str) -> bytes:
    """A template whose body is a table of one cell holding these paragraphs."""
    paragraphs = "".join(hostile.paragraph(text) for text in texts)
    table = f"<w:tbl><w:tr><w:tc>{paragraphs}</w:tc></w:tr></w:tbl>"
    return hostile.with_body([table, hostile.paragraph("End")])


@pytest.mark.parametrize(
    ("opening", "closing"), [("if title", "endif"), ("for p in parties", "endfor")]
)
def test_an_else_branch_keeping_a_paragraph_in_the_cell_is_fine(
    opening: str, closing: str
) -> None:
    # with the block empty or false, its else branch still fills the cell
    source = one_cell(
        f"{{%p {opening} %}}", "a", "{%p else %}", "b", f"{{%p {closing} %}}"
    )
    with_else = inspect_parts(source, contract_for("agreement"))
    assert with_else.problems == []
    without_else = one_cell(f"{{%p {opening} %}}", "a", f"{{%p {closing} %}}")
    [warning] = inspect_parts(without_else, contract_for("agreement")).problems
    assert warning.message.startswith("In table 1, row 1, cell 1, '{%p …%}' blocks")


def test_a_path_read_through_an_attribute_argument_is_located() -> None:
    [note] = report("Intro", "{{ parties|map(attribute='nmae')|list }}").problems
    assert (note.paragraph, note.tag) == (2, "{{ parties|map(attribute='nmae')|list }}")
    assert note.message.startswith("'parties[].nmae' is not in the data")


def test_a_skeleton_writing_more_than_the_probe_allows_is_not_probed() -> None:
    # twelve loops run twice each write a 10,000-character paragraph 4,096
    # times: 40 MB, past the 32 MB the probe allows, so the check is skipped
    loops = nested_loops(12)
    found = report(*loops[:12], "y" * 10_000, *loops[13:], *crossing_block())
    assert found.problems == []


def test_a_cell_its_true_branch_empties_is_a_warning() -> None:
    source = one_cell("{%p if title %}", "{%p else %}", "b", "{%p endif %}")
    [warning] = inspect_parts(source, contract_for("agreement")).problems
    assert warning.message.startswith("In table 1, row 1, cell 1, '{%p …%}' blocks")


def test_the_cell_a_block_can_empty_is_named_by_row_and_column() -> None:
    [warning] = report(
        Table([["keep", "{%p if title %}"], ["{%p endif %}", "x"]])
    ).problems
    assert warning.message.startswith("In table 1, row 1, cell 2, '{%p …%}' blocks")


def test_the_block_named_is_the_one_that_breaks_not_the_first() -> None:
    [problem] = problems(
        "{%p for p in parties %}",
        "{{ p.name }}",
        "{%p endfor %}",
        Table(
            [
                ["{%tr for activity in activities %}", ""],
                ["{{ activity.title }}", "x"],
                ["{% endfor %}", ""],
            ]
        ),
    )
    assert problem.tag == "{%tr for activity in activities %}"
