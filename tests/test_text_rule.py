"""The text rule: control characters, lone surrogates and non-characters are
refused with the field's path and the position; line breaks render as breaks."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree
from werkzeug.test import TestResponse

from schemas import KINDS, load_document
from schemas.registry import DocumentInvalid
from schemas.text import normalise_line_breaks, text_problem
from service.config import PROJECT_ROOT
from service.examples import example_payload
from tests.conftest import open_docx
from tests.text_fields import PARSED_FORMATS, path_text, string_fields, with_value

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def post(client: FlaskClient, url: str, body: dict[str, Any]) -> TestResponse:
    """POST ``body`` as JSON; lone surrogates go as ``\\udxxx`` escapes."""
    text = json.dumps(body, default=str, ensure_ascii=True)
    return client.post(url, data=text, content_type="application/json")


def errors_at(response: TestResponse, path: str) -> list[str]:
    """The messages of a 422 answer about ``path``."""
    assert response.status_code == 422, response.data[:300]
    errors = response.get_json()["errors"]
    return [error["message"] for error in errors if error["path"] == path]


@pytest.mark.parametrize(
    ("character", "what"),
    [
        ("\x00", "U+0000 (a control character)"),
        ("\x07", "U+0007 (a control character)"),
        ("\x0c", "U+000C (a control character)"),
        ("\x1f", "U+001F (a control character)"),
        ("\x7f", "U+007F (a control character)"),
        ("\x85", "U+0085 (a control character)"),
        ("\ud800", "U+D800 (a lone surrogate, half of a UTF-16 pair)"),
        ("\udfff", "U+DFFF (a lone surrogate, half of a UTF-16 pair)"),
        ("\ufffe", "U+FFFE (a Unicode non-character)"),
        ("\uffff", "U+FFFF (a Unicode non-character)"),
        ("\ufdd0", "U+FDD0 (a Unicode non-character)"),
        ("\U0001fffe", "U+1FFFE (a Unicode non-character)"),
    ],
)
def test_title_refuses_the_character_with_its_position(
    client: FlaskClient, character: str, what: str
) -> None:
    body = example_payload("agreement", "en")
    body["title"] = f"Read{character}ing"
    for url in ("/v1/validate/agreement", "/v1/documents/agreement"):
        assert errors_at(post(client, url, body), "title") == [
            f"Contains {what} at position 5."
        ]


def test_a_lone_surrogate_escape_in_the_json_text_is_a_422(
    client: FlaskClient,
) -> None:
    text = json.dumps(example_payload("agreement", "en"), default=str)
    text = text.replace('"title": "', '"title": "Read\\ud800ing ', 1)
    response = client.post(
        "/v1/documents/agreement", data=text, content_type="application/json"
    )
    assert errors_at(response, "title") == [
        "Contains U+D800 (a lone surrogate, half of a UTF-16 pair) at position 5."
    ]


def test_the_message_counts_the_other_refused_characters() -> None:
    body = example_payload("understanding", "en")
    body["purpose"] = "\x01a\x02b\x03"
    with pytest.raises(DocumentInvalid) as caught:
        load_document("understanding", body)
    assert [problem.as_dict() for problem in caught.value.problems] == [
        {
            "path": "purpose",
            "message": "Contains U+0001 (a control character) at position 1. "
            "2 more characters after it cannot be used either.",
        }
    ]


def test_a_control_character_that_strip_would_drop_is_refused_not_dropped(
    client: FlaskClient,
) -> None:
    # U+001F counts as whitespace in Python: the optional field used to vanish.
    body = with_value(example_payload("agreement", "en"), ("background",), "\x1f")
    assert errors_at(post(client, "/v1/validate/agreement", body), "background") == [
        "Contains U+001F (a control character) at position 1."
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_every_string_field_refuses_a_control_character_with_its_path(
    client: FlaskClient, kind: str
) -> None:
    schema = client.get(f"/v1/schemas/{kind}").get_json()
    fields = list(string_fields(schema))
    assert len(fields) > 20
    body = example_payload(kind, "en")
    for path, prop in fields:
        response = post(
            client, f"/v1/validate/{kind}", with_value(body, path, "ab\x01c")
        )
        messages = errors_at(response, path_text(path))
        if prop.get("format") in PARSED_FORMATS:
            assert messages, path  # "Not a valid date": never printed as sent
        else:
            assert messages == ["Contains U+0001 (a control character) at position 3."]


def test_tab_is_kept_and_carriage_returns_become_line_feeds() -> None:
    body = example_payload("understanding", "en")
    body["purpose"] = "a\tb\r\nc\rd\ve"
    body["extra"] = {"note": ["x\r\ny\vz"]}
    data = load_document("understanding", body).data
    assert data["purpose"] == "a\tb\nc\nd\ne"
    assert data["extra"] == {"note": ["x\ny\nz"]}


def test_extra_strings_follow_the_text_rule_at_their_path(
    client: FlaskClient,
) -> None:
    body = example_payload("first_contact", "en")
    body["extra"] = {"grant": {"lines": ["fine", "bad\ufffe"]}, "ok": "x\ud800"}
    response = post(client, "/v1/documents/first_contact", body)
    assert response.get_json()["errors"] == [
        {
            "path": "extra.grant.lines[1]",
            "message": "Contains U+FFFE (a Unicode non-character) at position 4.",
        },
        {
            "path": "extra.ok",
            "message": "Contains U+D800 (a lone surrogate, half of a UTF-16 pair) "
            "at position 2.",
        },
    ]


def _paragraph_with(document_xml: bytes, text: str) -> Any:
    tree = etree.fromstring(document_xml)
    for paragraph in tree.iter(f"{W}p"):
        if text in "".join(paragraph.itertext()):
            return paragraph
    raise AssertionError(f"no paragraph holds {text!r}")


@pytest.mark.parametrize("separator", ["\v", "\r\n", "\r", "\n"])
def test_a_line_break_in_text_is_a_word_line_break(
    client: FlaskClient, separator: str
) -> None:
    # Word puts a vertical tab on the clipboard for a manual line break (Shift+Enter).
    body = example_payload("agreement", "en")
    body["vision"] = f"First line{separator}second line"
    response = post(client, "/v1/documents/agreement", body)
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        paragraph = _paragraph_with(package.read("word/document.xml"), "First line")
    children = [
        (child.tag, child.text)
        for run in paragraph.iter(f"{W}r")
        for child in run
        if child.tag in (f"{W}t", f"{W}br")
    ]
    start = children.index((f"{W}t", "First line"))
    assert children[start : start + 3] == [
        (f"{W}t", "First line"),
        (f"{W}br", None),
        (f"{W}t", "second line"),
    ]
    texts = [p.text for p in open_docx(response.data).paragraphs]
    assert "First line\nsecond line" in texts


def test_escaped_template_braces_in_data_survive(client: FlaskClient) -> None:
    body = example_payload("agreement", "en")
    body["vision"] = "Type {_{ and %_} as they are"
    response = post(client, "/v1/documents/agreement", body)
    assert response.status_code == 200
    texts = [p.text for p in open_docx(response.data).paragraphs]
    assert "Type {_{ and %_} as they are" in texts


def test_the_data_contract_quotes_the_messages_the_rule_gives() -> None:
    first = "Contains U+0007 (a control character) at position 5."
    more = "2 more characters after it cannot be used either."
    assert text_problem("Read\x07\x01ing\ufffe") == f"{first} {more}"
    text = (PROJECT_ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    text = " ".join(text.split())
    assert f'"{first}"' in text
    assert f'"{more}"' in text


@pytest.mark.parametrize(
    "text",
    [
        "\t\n\r\v",
        "\xa0\u2028\u200d\u202e\ufeff\ue000",  # spaces, format, private use
        "\ufdcf\ufdf0\ufffd",  # beside the non-characters
        "\U0001f600\U0001fffd\U00020000\U0002fffd\U0010fffd",  # emoji, CJK Ext. B
    ],
)
def test_characters_the_rule_keeps(text: str) -> None:
    assert text_problem(text) is None


@pytest.mark.parametrize("code", [0x1FFFF, 0x2FFFE, 0xEFFFF, 0x10FFFE, 0x10FFFF])
def test_every_plane_ends_in_two_non_characters(code: int) -> None:
    assert text_problem(f"ab{chr(code)}") == (
        f"Contains U+{code:04X} (a Unicode non-character) at position 3."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "\x01a\x02",
            "Contains U+0001 (a control character) at position 1. "
            "1 more character after it cannot be used either.",
        ),
        (
            "ab\ud800",
            "Contains U+D800 (a lone surrogate, half of a UTF-16 pair) at position 3.",
        ),
        (
            "\U00020000\ufffe\U00020000",
            "Contains U+FFFE (a Unicode non-character) at position 2.",
        ),
    ],
)
def test_the_message_names_the_first_refused_character(text: str, message: str) -> None:
    assert text_problem(text) == message


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("a\rb", "a\nb"),
        ("a\r\nb", "a\nb"),
        ("a\vb", "a\nb"),
        ("a\n\tb", "a\n\tb"),
        ("a\r\r\nb\v", "a\n\nb\n"),
    ],
)
def test_carriage_returns_and_vertical_tabs_become_line_feeds(
    text: str, normalised: str
) -> None:
    assert normalise_line_breaks(text) == normalised
