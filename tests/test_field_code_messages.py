"""Word field instructions: what is refused, and what the funder is told.

Mutation testing showed the field-code tests checking that a field is refused
but not the words, a template tag split by a nested field going unnoticed, or
how an instruction is shown. These call the rule on instruction text directly
(``\\x00`` stands where a nested field was).
"""

from __future__ import annotations

import pytest
from lxml import etree

from service.rendering.field_codes import NESTED, _refusal, instructions, shown

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


def test_an_unknown_field_name_is_cut_to_40_characters() -> None:
    assert _refusal(" " + "N" * 41 + " x") == (
        f"The Word field {'N' * 40!r} is not one a template may use."
    )
    # No name at all (the instruction starts with a quote): its first 40 characters.
    quoted = '"' + "q" * 45
    assert _refusal(quoted) == (
        f"The Word field {quoted[:40]!r} is not one a template may use."
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


# --- reading the instructions of a part ----------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def read(body: str) -> list[tuple[str, str]]:
    """Each instruction of ``body`` (WordprocessingML), as Word runs it now and
    with the tracked deletions rejected, in the order they are read."""
    root = etree.fromstring(f'<w:body xmlns:w="{W}">{body}</w:body>')
    return [(i.current, i.with_deletions) for i in instructions(root)]


def char(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def instr(text: str, tag: str = "instrText") -> str:
    return f"<w:r><w:{tag}>{text}</w:{tag}></w:r>"


def test_fields_are_read_in_document_order() -> None:
    body = (
        char("begin") + instr(" PAGE ") + char("separate") + char("end")
        + char("begin") + instr(" REF a ") + char("separate") + char("end")
    )  # fmt: skip
    assert read(body) == [(" PAGE ", " PAGE "), (" REF a ", " REF a ")]


def test_a_simple_field_inside_an_instruction_is_a_nested_field() -> None:
    body = (
        char("begin") + instr(" IF ") + '<w:fldSimple w:instr=" PAGE "/>'
        + instr(" = 1 ") + char("separate") + char("end")
    )  # fmt: skip
    assert read(body) == [(" PAGE ", " PAGE "), (f" IF {NESTED} = 1 ",) * 2]


def test_a_simple_field_without_an_instruction_is_empty() -> None:
    assert read("<w:fldSimple/>") == [("", "")]


def test_a_field_char_of_no_known_type_does_not_end_the_field() -> None:
    body = (
        char("begin") + instr(" PAGE") + "<w:r><w:fldChar/></w:r>" + instr(" x")
        + char("end")
    )  # fmt: skip
    assert read(body) == [(" PAGE x", " PAGE x")]


def test_deleted_instruction_text_counts_only_with_deletions_rejected() -> None:
    body = (
        char("begin") + instr(" PAGE ")
        + f"<w:del>{instr('INCLUDE ')}</w:del>" + instr("x ", "delInstrText")
        + char("end")
    )  # fmt: skip
    assert read(body) == [(" PAGE ", " PAGE INCLUDE x ")]


@pytest.mark.parametrize("tag", ["instrText", "delInstrText"])
def test_instruction_text_outside_a_field_is_read_as_a_field(tag: str) -> None:
    assert read(instr(" INCLUDE x ", tag)) == [(" INCLUDE x ", " INCLUDE x ")]
    assert read(instr("", tag)) == [("", "")]
