"""Word field instructions: what is refused, and what the funder is told.

Mutation testing showed the field-code tests checking that a field is refused
but not the words, a template tag split by a nested field going unnoticed, or
how an instruction is shown. These call the rule on instruction text directly
(``\\x00`` stands where a nested field was).
"""

from __future__ import annotations

import pytest

from service.rendering.field_codes import NESTED, _refusal, shown

TAG_IN_FIELD = (
    "A Word field's code holds a template tag ({{ or {%), so the data would "
    "become part of the field's instruction; put the tag outside the field."
)


@pytest.mark.parametrize(
    "text",
    [" MERGEFIELD {{ title }} ", " IF {% if x %} ", f" REF {{{NESTED}{{ title }}"],
    ids=["variable", "block", "split by a nested field"],
)
def test_a_template_tag_in_a_field_is_refused_word_for_word(text: str) -> None:
    assert _refusal(text) == TAG_IN_FIELD


def test_a_field_named_by_a_nested_field_is_refused() -> None:
    assert _refusal(f" INCLUDE{NESTED} ") == (
        "A Word field's name is made by another field inside it, so what it does "
        "cannot be known before it runs."
    )


def test_a_fetching_field_is_named_in_capitals() -> None:
    assert _refusal(' includetext "x.docx" ') == (
        "The Word field INCLUDETEXT reads a file, a web address or another program "
        "when the document is opened or updated; it is never accepted. Insert the "
        "picture or text itself instead."
    )


def test_an_unknown_field_is_named_as_written() -> None:
    assert _refusal(" MyBookmark ") == (
        "The Word field 'MyBookmark' is not one a template may use."
    )


@pytest.mark.parametrize("text", ["", "   ", " = 2 * 3 ", " PAGE "])
def test_empty_formula_and_allowed_fields_pass(text: str) -> None:
    assert _refusal(text) is None


def test_an_instruction_is_shown_with_nested_fields_and_spaces_tidied() -> None:
    assert shown(f'  IF {NESTED}  =  1\n "yes" ') == 'IF {…} = 1 "yes"'


def test_a_long_instruction_is_shown_cut_to_80_characters() -> None:
    exactly = "X" * 80
    assert shown(exactly) == exactly
    assert shown(exactly + "Y") == "X" * 79 + "…"
