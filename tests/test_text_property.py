"""Any text in any text field renders into a document that holds it, or is a 422
naming the field — checked with Hypothesis through the real API.

One text field of an example body (title, a party's name, a goal, a string in
``extra`` …) gets a drawn string; the body goes to /v1/validate/<kind> and to
/v1/documents/<kind>. Both must agree. On 200 every XML part of the .docx must
be well-formed and the document's text, read by python-docx, must hold the
string as the text rule leaves it: line breaks as line feeds (Word line breaks
in the document), surrounding whitespace stripped. ``extra`` is printed only by
custom templates, so its strings render through a funder's uploaded template.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from schemas import KINDS
from schemas.jsonschema import json_schema
from schemas.problems import Path
from service import create_app
from service.examples import example_payload
from service.extensions import services
from tests.conftest import open_docx
from tests.funder_template import FUNDER_EXTRA, funder_agreement_template
from tests.store_fixtures import bearer, create_api_key, upload
from tests.text_fields import path_text, string_fields, with_value

FUNDER = "funder"  # renders agreement.en with the funder's uploaded template
FUNDER_PATHS: tuple[Path, ...] = (
    ("extra", "grant_number"),  # header and body
    ("extra", "case_officer"),  # footer
    ("extra", "conditions", 1),  # a paragraph loop
    ("title",),  # footer of the funder's template, and the core properties
)
#: Characters worth drawing more often than chance would: what the text rule
#: keeps or turns into line breaks, XML's and Jinja's own, Danish letters …
KEPT = (
    *"\t\n\r\v\xa0\u2028\u2029\u200b\u200d\u200f\u202e\u2066\ufeff",
    *"\U0001f600\U0010fffd\ue000&<>\"'{}%#_ æøåÆØÅé",
    "\r\n",
    "{{",
    "}}",
    "{%",
    "%}",
    "]]>",
)
#: … and what it refuses.
REFUSED = (
    *"\x00\x01\x08\x0c\x0e\x1f\x7f\x80\x85\x9f\ud800\udfff",
    *"\ufdd0\ufdef\ufffe\uffff\U0001fffe\U0010ffff",
)
MARK = "Q7x"  # around the string, so the assertion finds exactly it


def _free_text(prop: dict[str, Any] | None) -> bool:
    """Printed as typed: not a choice, id, party reference, date, e-mail or URL."""
    return prop is not None and not (
        {"enum", "format", "pattern"} & prop.keys() or prop.get("maxLength") == 64
    )


def _leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _targets() -> dict[str, list[Path]]:
    """The path of every free-text string in each English example body, by kind."""
    targets: dict[str, list[Path]] = {}
    for kind in KINDS:
        props = dict(string_fields(json_schema(kind)))
        targets[kind] = [
            path
            for path, value in _leaves(example_payload(kind, "en"))
            if isinstance(value, str) and _free_text(props.get(_pattern(path)))
        ]
    targets[FUNDER] = list(FUNDER_PATHS)
    return targets


def _pattern(path: Path) -> Path:
    return tuple(0 if isinstance(part, int) else part for part in path)


TARGETS = _targets()
#: A kind (or the funder's template), then one of its text fields.
targets = st.sampled_from(sorted(TARGETS)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.sampled_from(TARGETS[kind]))
)
#: Half the strings hold only characters that may be kept, half anything at all.
texts = st.one_of(
    st.lists(
        st.one_of(
            st.characters(codec=None, exclude_categories=("Cc", "Cs")),
            st.sampled_from(KEPT),
        ),
        max_size=20,
    ),
    st.lists(
        st.one_of(
            st.characters(codec=None, exclude_categories=()),
            st.integers(0xD800, 0xDFFF).map(chr),  # lone surrogates
            st.sampled_from(KEPT + REFUSED),
        ),
        max_size=20,
    ),
).map("".join)


@pytest.fixture(scope="module")
def funder_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for every example, on its own SQLite database."""
    folder = tmp_path_factory.mktemp("text-property")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'test.sqlite3'}"}
    )
    yield app
    with app.app_context():
        services().isolated.close()


@pytest.fixture(scope="module")
def funder(funder_app: Flask) -> tuple[FlaskClient, dict[str, str], str]:
    """A client, the funder's auth header and its uploaded template's id."""
    client = funder_app.test_client()
    key = create_api_key(funder_app)
    response = upload(client, key, funder_agreement_template())
    assert response.status_code == 201, response.get_data(as_text=True)
    return client, bearer(key), str(response.get_json()["id"])


def as_rendered(text: str) -> str:
    """``text`` as the text rule leaves it: CR, CR LF and VT as LF."""
    return re.sub("\r\n?|\v", "\n", text)


def document_texts(document: DocumentObject) -> list[str]:
    """python-docx's text of every paragraph in the body (tables included),
    headers and footers; its line breaks read as "\\n", its tabs as "\\t"."""
    parts = [document.part]
    for section in document.sections:
        parts.extend(story.part for story in (section.header, section.footer))
    return [
        Paragraph(element, None).text
        for part in dict.fromkeys(parts)
        for element in part.element.iter(qn("w:p"))
    ]


def assert_well_formed(content: bytes) -> None:
    """Every XML part of the package parses."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(package.read(name))


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(target=targets, text=texts, marked=st.booleans())
def test_any_text_renders_whole_or_is_refused_with_its_path(
    funder: tuple[FlaskClient, dict[str, str], str],
    target: tuple[str, Path],
    text: str,
    marked: bool,
) -> None:
    client, headers, template_id = funder
    kind, path = target
    value = f"{MARK}{text}{MARK}" if marked else text
    # What JSON carries: two lone surrogates in a row escape to one real pair.
    value = json.loads(json.dumps(value))
    if kind == FUNDER:
        kind, query = "agreement", f"?template={template_id}"
        body = {**example_payload(kind, "en"), "extra": FUNDER_EXTRA}
    else:
        query, headers = "", {}
        body = example_payload(kind, "en")
    data = json.dumps(with_value(body, path, value), default=str, ensure_ascii=True)
    validated, rendered = (
        client.post(url, data=data, content_type="application/json", headers=headers)
        for url in (f"/v1/validate/{kind}", f"/v1/documents/{kind}{query}")
    )
    assert (validated.status_code, rendered.status_code) in {(200, 200), (422, 422)}
    event(f"{target[0]}: {rendered.status_code}")  # --hypothesis-show-statistics
    if rendered.status_code == 422:
        errors = rendered.get_json()["errors"]
        assert errors == validated.get_json()["errors"]
        paths = [error["path"] for error in errors]
        if as_rendered(value).strip():
            assert path_text(path) in paths
        else:  # blank is absent: a rule about the object holding it may object
            assert {path_text(path[:end]) for end in range(1, len(path) + 1)} & {*paths}
        return
    assert_well_formed(rendered.data)
    document = open_docx(rendered.data)
    expected = as_rendered(value) if marked else as_rendered(value).strip()
    assert any(expected in paragraph for paragraph in document_texts(document))
    if path == ("title",) and not query:  # the built-in templates set it
        assert document.core_properties.title == as_rendered(value).strip()
