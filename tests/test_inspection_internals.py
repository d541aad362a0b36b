"""The inspector's refusals that mutation testing showed were untested.

Each test names one promise of ``service.rendering.inspection``: internal
names that are not dunders are refused wherever a template can name an
attribute, only macros, ``caller`` and recursive loops can be called, and a
``{%p`` paragraph holding exactly one other tag is refused too.
"""

from __future__ import annotations

import pytest

from service.rendering.inspection import INTERNAL_NAMES
from tests.test_inspection import problems, report


def internal_problem(*blocks: str) -> list[str]:
    """The messages of the problems of ``blocks``, which must all be refusals."""
    return [problem.message for problem in problems(*blocks)]


@pytest.mark.parametrize("name", sorted(INTERNAL_NAMES))
def test_every_internal_name_is_refused_as_an_attribute(name: str) -> None:
    [message] = internal_problem(f"{{{{ title.{name} }}}}")
    assert message.startswith(f"'{name}' reaches into Python's internals")


@pytest.mark.parametrize("name", ["mro", "format", "f_globals"])
def test_internal_names_are_refused_through_the_attr_filter(name: str) -> None:
    [message] = internal_problem(f"{{{{ title|attr('{name}') }}}}")
    assert message.startswith(f"'{name}' reaches into Python's internals")


@pytest.mark.parametrize("name", ["mro", "format", "f_globals"])
def test_internal_names_are_refused_as_a_called_method(name: str) -> None:
    [message] = internal_problem(f"{{{{ title.{name}() }}}}")
    assert message.startswith(f"'{name}' reaches into Python's internals")


@pytest.mark.parametrize("filter_name", ["map", "sort"])
@pytest.mark.parametrize("attribute", ["name.mro", "f_globals", "_secret", "name._x"])
def test_attribute_arguments_into_internals_are_refused(
    filter_name: str, attribute: str
) -> None:
    [message] = internal_problem(
        f"{{{{ parties|{filter_name}(attribute='{attribute}')|list }}}}"
    )
    assert message.startswith(f"'{attribute}' reaches into Python's internals")


def test_a_plain_attribute_argument_is_a_variable_not_a_refusal() -> None:
    found = report("{{ parties|sort(attribute='name')|map(attribute='name')|join }}")
    assert found.variables == ["parties[].name"]
    assert found.problems == []


def test_a_variable_starting_with_an_underscore_is_refused() -> None:
    [message] = internal_problem("{{ _secret }}")
    assert message.startswith("'_secret' reaches into Python's internals")


@pytest.mark.parametrize(
    "block",
    [
        "{% for p in parties %}{{ p() }}{% endfor %}",
        "{% for p in parties %}{{ loop() }}{% endfor %}",
        "{% set t = title %}{{ t() }}",
        "{{ title() }}",
    ],
    ids=["loop variable", "non-recursive loop", "set variable", "context value"],
)
def test_calling_anything_but_a_function_is_refused(block: str) -> None:
    [message] = internal_problem(block)
    assert message.endswith("is not a function templates can use.")


def test_a_recursive_loop_and_a_macro_can_be_called() -> None:
    found = report(
        "{% macro name(p) %}{{ p.name }}{% endmacro %}"
        "{% for p in parties recursive %}{{ name(p) }}{{ loop([]) }}{% endfor %}"
    )
    assert found.problems == []
    assert found.variables == ["parties[]"]


def test_exactly_two_tags_in_a_paragraph_tag_paragraph_are_refused() -> None:
    [problem] = problems("{%p if title %}{{ title }}", "{%p endif %}")
    assert problem.paragraph == 1
    assert "('{{ title }}') are lost" in problem.message
