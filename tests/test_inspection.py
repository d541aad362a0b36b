"""The upload check: the variables a template uses, and why it cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.registry import load_document
from service.rendering.context import build_context
from service.rendering.contract import contract_for, flatten_paths, format_path
from service.rendering.errors import TemplateError, TemplateProblem
from service.rendering.inspection import TemplateReport, inspect_template
from service.rendering.inspection.inspector import inspect_parts
from service.rendering.package_limits import PackageLimits
from tests import hostile_templates as hostile
from tests.conftest import PROJECT_ROOT, SHARED_EXAMPLES, kind_of, load_example
from tests.docx_factory import Runs, Table, agreement_template

BUILTIN = sorted((PROJECT_ROOT / "agreement_templates").glob("*.docx"))


_BUILT: dict[str, bytes] = {}


def template(*blocks: object, **options: object) -> bytes:
    """A template of ``blocks``, built once for each distinct content."""
    key = repr((blocks, options))
    if key not in _BUILT:
        _BUILT[key] = hostile.docx(*blocks, **options)  # type: ignore[arg-type]
    return _BUILT[key]


def inspected(source: bytes, kind: str) -> TemplateReport:
    """The report on ``source``, a package known to pass the package check.

    The package check (its own tests are below and in test_package_limits)
    is most of the time an upload takes; the checks here are the rest.
    """
    return inspect_parts(source, contract_for(kind))


def report(
    *blocks: object, kind: str = "agreement", **options: object
) -> TemplateReport:
    """Inspect a template made of ``blocks``."""
    return inspected(template(*blocks, **options), kind)


def problems(*blocks: object, **options: object) -> list[TemplateProblem]:
    """The problems that make an agreement template of ``blocks`` unusable."""
    with pytest.raises(TemplateError) as caught:
        inspected(template(*blocks, **options), "agreement")
    assert caught.value.status == 422
    return caught.value.problems


def refused(source: bytes, kind: str = "agreement") -> list[TemplateProblem]:
    """The problems that make ``source`` unusable."""
    with pytest.raises(TemplateError) as caught:
        inspected(source, kind)
    return caught.value.problems


# -- variables ---------------------------------------------------------------------


def test_variables_follow_loops_sets_and_subscripts() -> None:
    found = report(
        "{{ title }}",
        "{%p for party in parties %}",
        "{{ party.name }} {{ party['sector']|label }}",
        "{% for item in party.contributions %}{{ item }}{% endfor %}",
        "{%p endfor %}",
        "{% set totals = budget.totals %}{{ totals.total|money }}",
        "{{ parties[0].representative.name }}",
    )
    assert found.variables == [
        "budget.totals.total",
        "parties[].contributions[]",
        "parties[].name",
        "parties[].representative.name",
        "parties[].sector",
        "title",
    ]
    assert found.unknown_variables == []


def test_misspelled_variable_is_unknown() -> None:
    found = report("{{ partys }}")
    assert found.unknown_variables == ["partys"]
    assert "Did you mean 'parties'?" in found.problems[0].message


def test_misspelled_attribute_of_loop_variable_is_unknown_with_its_path() -> None:
    found = report("{% for p in parties %}{{ p.nmae }}{% endfor %}")
    assert found.unknown_variables == ["parties[].nmae"]
    assert found.problems[0].tag == "{{ p.nmae }}"
    assert "parties[].name" in found.problems[0].message


def test_extra_paths_are_listed_separately_and_allowed() -> None:
    found = report("Grant {{ extra.grant_number }}", "{{ extra.officer.name }}")
    assert found.extra_variables == ["extra.grant_number", "extra.officer.name"]
    assert found.unknown_variables == []


def test_filter_arguments_and_attributes_are_variables() -> None:
    found = report(
        "{{ budget.totals.total|money(budget.currency) }}",
        "{{ parties|selectattr('dependent')|map(attribute='name')|join_and }}",
    )
    assert "budget.currency" in found.variables
    assert "parties[].dependent" in found.variables
    assert "parties[].name" in found.variables


def test_party_filter_gives_a_party() -> None:
    found = report("{% for role in roles %}{{ (role.party|party).name }}{% endfor %}")
    assert "parties[].name" in found.variables
    assert found.unknown_variables == []


def test_loop_attributes_are_not_variables() -> None:
    found = report("{% for p in parties %}{{ loop.index }}. {{ p.name }}{% endfor %}")
    assert found.variables == ["parties[].name"]


def test_derived_values_are_known() -> None:
    found = report(
        "{% for p in dependent_parties %}{{ p.name }}{% endfor %}",
        "{% for t in budget.party_totals %}{{ t.total }}{% endfor %}",
        "{% for g in impact_goals %}{{ g.indicator }}{% endfor %}",
    )
    assert found.unknown_variables == []


@pytest.mark.parametrize("name", SHARED_EXAMPLES)
def test_every_path_in_a_shared_example_is_in_the_contract(name: str) -> None:
    kind = kind_of(name)
    document = load_document(kind, load_example(name))
    context = build_context(kind, document.data)
    contract = contract_for(kind)
    unknown = [path for path in flatten_paths(context) if not contract.is_known(path)]
    assert [format_path(path) for path in unknown] == []


def test_realistic_agreement_template_uses_only_known_variables() -> None:
    found = inspect_template(agreement_template(), "agreement")
    assert found.unknown_variables == []
    assert found.problems == []


@pytest.mark.parametrize("path", BUILTIN, ids=[path.name for path in BUILTIN])
def test_builtin_template_is_clean(path: Path) -> None:
    found = inspect_template(path.read_bytes(), path.name.split(".")[0])
    assert found.unknown_variables == []
    assert found.problems == []


def test_headers_footers_footnotes_and_properties_are_read() -> None:
    found = report(
        "{{ title }}",
        header=["{{ reference }}"],
        footer=["{{ vision }}"],
        footnotes=["{{ mission }}"],
        properties={"subject": "{{ extra.subject }}"},
    )
    assert found.variables == [
        "extra.subject", "mission", "reference", "title", "vision"
    ]  # fmt: skip


def test_report_as_json() -> None:
    found = report("{{ titel }}")
    body = found.as_dict()
    assert body["unknown_variables"] == ["titel"]
    assert body["problems"][0]["part"] == "word/document.xml"
    assert body["problems"][0]["paragraph"] == 1


def test_two_paragraph_tags_in_one_paragraph_are_refused() -> None:
    found = problems(
        "{%p for p in parties %}",
        "{%p if p.website %}{{ p.website }}{%p endif %}",
        "{%p endfor %}",
    )
    assert found[0].paragraph == 2
    assert "are lost" in found[0].message


def test_text_beside_a_paragraph_tag_is_a_warning() -> None:
    found = report("Parties: {%p for p in parties %}", "{{ p.name }}", "{%p endfor %}")
    assert "'Parties:'" in found.problems[0].message


def test_unknown_kind_raises_key_error() -> None:
    with pytest.raises(KeyError):
        inspect_template(hostile.docx("Hello"), "invoice")


def test_package_is_checked_first() -> None:
    with pytest.raises(TemplateError) as caught:
        inspect_template(hostile.zip_bomb(), "agreement")
    assert caught.value.status == 413


def test_package_is_checked_with_the_given_limits() -> None:
    with pytest.raises(TemplateError) as caught:
        inspect_template(
            hostile.docx("{{ title }}"),
            "agreement",
            limits=PackageLimits(max_upload_bytes=1000),
        )
    assert caught.value.status == 413


# -- refusals ----------------------------------------------------------------------


def test_syntax_error_names_paragraph_tag_and_excerpt() -> None:
    [problem] = problems("Introduction", "Dear {{ recipient.name + }}, welcome")
    assert problem.part == "word/document.xml"
    assert problem.paragraph == 2
    assert problem.tag == "{{ recipient.name + }}"
    assert problem.excerpt == "Dear {{ recipient.name + }}, welcome"
    assert "syntax error" in problem.message


def test_unclosed_if_is_reported_where_it_opens() -> None:
    [problem] = problems("Intro", "{% if phase_out %}", "Plan", "More", "The end")
    assert problem.paragraph == 2
    assert problem.tag == "{% if phase_out %}"
    assert "never closed" in problem.message


def test_unknown_filter_is_refused_with_a_suggestion() -> None:
    [problem] = problems("{{ budget.totals.total|monye }}")
    assert problem.message == "Unknown filter 'monye'. Did you mean 'money'?"
    assert problem.tag == "{{ budget.totals.total|monye }}"


def test_unknown_test_is_refused() -> None:
    [problem] = problems("{% if parties is crowded %}x{% endif %}")
    assert "Unknown test 'crowded'" in problem.message


def test_unknown_filter_given_to_map_is_refused() -> None:
    [problem] = problems("{{ bottom_lines|map('lable')|join_and }}")
    assert "Unknown filter 'lable'" in problem.message


def test_problem_in_a_table_names_the_cell() -> None:
    [problem] = problems(
        "Budget",
        Table([["Post", "Amount"], ["Total", "{{ budget.totals.total|monye }}"]]),
    )
    assert "table 1, row 2, cell 2" in problem.message
    assert problem.paragraph == 5


def test_row_block_closed_by_a_plain_tag_in_another_row_is_refused() -> None:
    [problem] = problems(
        Table(
            [
                ["Activity", "Responsible"],
                ["{%tr for activity in activities %}", ""],
                ["{{ activity.title }}", "{{ activity.responsible|party_names }}"],
                ["{% endfor %}", ""],
                ["Total", ""],
            ]
        )
    )
    assert problem.tag == "{%tr for activity in activities %}"
    assert "table 1, row 2, cell 1" in problem.message
    assert "closed by '{% endfor %}'" in problem.message


def test_paragraph_block_closed_inside_a_table_is_refused() -> None:
    [problem] = problems(
        "{%p if phase_out %}", Table([["Plan", "{{ phase_out.plan }}{% endif %}"]])
    )
    assert problem.tag == "{%p if phase_out %}"
    assert problem.paragraph == 1


def test_balanced_row_and_paragraph_blocks_pass() -> None:
    found = report(
        Table(
            [
                ["Goal"],
                ["{%tr for goal in impact_goals %}"],
                ["{{ goal.description }}"],
                ["{%tr endfor %}"],
            ]
        ),
        "{%p if phase_out %}",
        "{{ phase_out.plan }}",
        "{%p endif %}",
    )
    assert found.variables == ["impact_goals[].description", "phase_out.plan"]


def test_tag_split_across_runs_is_repaired() -> None:
    found = report(Runs("{{ ti", "tle }}"), Runs("{", "{ reference }", "}"))
    assert found.variables == ["reference", "title"]


def test_tag_with_a_run_between_its_braces_is_refused() -> None:
    [problem] = problems(Runs("{", " ", "{ title }}"))
    assert problem.tag == "{ {"
    assert "space between the braces" in problem.message


def test_tag_split_by_a_hyperlink_is_refused() -> None:
    [problem] = refused(hostile.tag_split_by_hyperlink())
    assert problem.paragraph == 2
    assert "hyperlink" in problem.message


def test_tag_split_by_a_tracked_deletion_is_refused() -> None:
    [problem] = refused(hostile.tag_split_by_tracked_deletion())
    assert problem.paragraph == 2
    assert "tracked change" in problem.message


def test_tag_across_paragraphs_is_refused() -> None:
    [problem] = refused(hostile.tag_across_paragraphs(), "first_contact")
    assert problem.paragraph == 1
    assert "same paragraph" in problem.message


@pytest.mark.parametrize("payload", hostile.SSTI_PAYLOADS)
def test_reaching_into_python_internals_is_refused(payload: str) -> None:
    found = problems(payload)
    assert any("Python's internals" in problem.message for problem in found)


def test_functions_and_includes_are_refused() -> None:
    found = problems("{{ range(10) }}", "{% include 'other.docx' %}")
    assert [problem.paragraph for problem in found] == [1, 2]


@pytest.mark.parametrize(
    "expression",
    ['{{ "x" * 300000000 }}', "{{ 9 ** (9 ** 9) }}"],
    ids=["text", "number"],
)
def test_huge_constant_expression_is_refused(expression: str) -> None:
    [problem] = problems(expression)
    assert "huge" in problem.message


def test_autoescape_is_refused_in_the_body() -> None:
    [problem] = problems("{% autoescape false %}{{ title }}{% endautoescape %}")
    assert "autoescape" in problem.message


def test_every_problem_of_every_part_is_reported() -> None:
    found = problems("{{ title|nope }}", "{{ ok }}", header=["{% if x %}"])
    assert [(problem.part, problem.paragraph) for problem in found] == [
        ("word/document.xml", 1),
        ("word/header1.xml", 1),
    ]
