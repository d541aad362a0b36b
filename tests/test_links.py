"""E-mail addresses and web links print as real Word hyperlinks (issue 10).

The ``link`` and ``mailto`` filters write a ``w:hyperlink`` whose ``r:id`` names
an external relationship added to the rendered document's relationships; only
http, https and mailto targets link, anything else prints as plain text.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as DocumentObject
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from service.rendering import engine
from service.rendering.errors import TemplateError
from service.rendering.inspection import inspect_template
from service.rendering.isolation import IsolatedRenderer, IsolationLimits, unprepared
from service.rendering.links import collecting, hyperlink, placed_in_text
from service.rendering.package_limits import check_package
from tests import hostile_templates as hostile
from tests.test_builtin_templates import TEMPLATES_DIR, load, rendered
from tests.test_engine_libreoffice import convert_to_pdf, pdf_text

RELS = "word/_rels/document.xml.rels"
KINDS = ("agreement", "understanding", "first_contact")
LANGUAGES = ("da", "en")


def links(document: DocumentObject) -> list[tuple[str, str, bool]]:
    """(shown text, target, external) of every hyperlink in the body and tables."""
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        paragraphs.extend(p for cell in table._cells for p in cell.paragraphs)
    found = []
    for paragraph in paragraphs:
        for link in paragraph.hyperlinks:
            relationship = document.part.rels[link._hyperlink.rId]
            assert relationship.reltype == RT.HYPERLINK
            assert link.runs[0].style.name == "Hyperlink"
            found.append((link.text, relationship.target_ref, relationship.is_external))
    return found


def render(text: str, context: dict[str, Any]) -> bytes:
    """A one-paragraph template holding ``text``, rendered by the engine."""
    return engine.render(engine.prepare(hostile.docx(text)), context)


def open_docx(data: bytes) -> DocumentObject:
    """The rendered bytes opened with python-docx."""
    return docx.Document(io.BytesIO(data))


def external_targets(data: bytes) -> list[str]:
    """The targets of the hyperlink relationships of the main document."""
    return [
        rel.target_ref
        for rel in open_docx(data).part.rels.values()
        if rel.reltype == RT.HYPERLINK
    ]


def _emails(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {e for key, item in value.items() for e in _emails(item)} | (
            {value["email"]} if isinstance(value.get("email"), str) else set()
        )
    if isinstance(value, list):
        return {e for item in value for e in _emails(item)}
    return set()


def _websites(payload: dict[str, Any]) -> set[str]:
    parties = [*payload.get("parties", []), payload.get("sender") or {}]
    return {party["website"] for party in parties if party.get("website")}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_builtin_documents_link_their_emails_and_websites(
    kind: str, language: str
) -> None:
    payload = load("full", kind, language)
    emails, websites = _emails(payload), _websites(payload)
    assert emails and websites
    found = links(open_docx(rendered("full", kind, language)))
    assert all(external for _, _, external in found)
    shown = {text: target for text, target, _ in found}
    for email in emails:
        assert shown.get(email) == f"mailto:{email}", email
    for website in websites:
        assert shown.get(website) == website, website


def test_each_distinct_target_gets_one_relationship() -> None:
    data = render(
        "{{ a|link }} and {{ b|link }} and {{ a|link }}; "
        "{{ m|mailto }}, {{ m|mailto }}",
        {"a": "https://a.example.org", "b": "http://b.example.org/x", "m": "x@y.dk"},
    )
    assert sorted(external_targets(data)) == [
        "http://b.example.org/x",
        "https://a.example.org",
        "mailto:x@y.dk",
    ]
    paragraph = open_docx(data).paragraphs[0]
    assert paragraph.text == (
        "https://a.example.org and http://b.example.org/x and "
        "https://a.example.org; x@y.dk, x@y.dk"
    )
    assert len(paragraph.hyperlinks) == 5


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://files.example.org",
        "www.example.org",
        "https://exa mple.org",
        "mailto:not-an-address",
    ],
)
def test_other_targets_print_as_plain_text(value: str) -> None:
    data = render("Se {{ v|link }} og {{ v|mailto }}.", {"v": value})
    assert external_targets(data) == []
    paragraph = open_docx(data).paragraphs[0]
    assert paragraph.hyperlinks == []
    assert paragraph.text == f"Se {value} og {value}."
    assert (
        zipfile.ZipFile(io.BytesIO(data)).read(RELS)
        == hostile.members(hostile.docx("x"))[RELS]
    )


def test_link_text_and_target_are_escaped() -> None:
    url = "https://example.org/?a=1&b=2"
    data = render("{{ u|link }} {{ u|link(t) }}", {"u": url, "t": "Tom & Jerry <3"})
    assert external_targets(data) == [url]
    document = open_docx(data)
    assert [link.text for link in document.paragraphs[0].hyperlinks] == [
        url,
        "Tom & Jerry <3",
    ]


def test_link_ids_do_not_collide_with_the_templates_own() -> None:
    source = hostile.docx("{{ a|link }}")
    rels = hostile.members(source)[RELS].decode()
    taken = (
        '<Relationship Id="rIdLink1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/hyperlink" Target="https://old.example" '
        'TargetMode="External"/></Relationships>'
    )
    replace = {RELS: rels.replace("</Relationships>", taken).encode()}
    data = engine.render(
        engine.prepare(hostile.rezip(source, replace=replace)),
        {"a": "https://new.example"},
    )
    relationships = open_docx(data).part.rels
    assert relationships["rIdLink1"].target_ref == "https://old.example"
    (new,) = [
        rel for rel in relationships.values() if rel.target_ref.endswith("new.example")
    ]
    assert new.rId != "rIdLink1" and new.is_external


def test_a_document_without_links_copies_the_relationships_untouched() -> None:
    source = hostile.docx("{{ a|link }}")
    data = render("{{ a|link }}", {"a": ""})
    assert hostile.members(data)[RELS] == hostile.members(source)[RELS]


def test_a_link_printed_where_word_cannot_hold_it_is_a_template_error() -> None:
    with pytest.raises(TemplateError) as caught:
        render("{{r a|link }}", {"a": "https://a.example.org"})
    assert caught.value.status == 422
    assert "link" in caught.value.problems[0].message


def test_links_in_a_list_and_before_a_full_stop() -> None:
    data = render(
        "Læs mere på {{ links|map('link')|join_and|full_stop }}",
        {"language": "da", "links": ["https://a.example", "https://b.example"]},
    )
    paragraph = open_docx(data).paragraphs[0]
    assert paragraph.text == "Læs mere på https://a.example og https://b.example."
    assert [link.url for link in paragraph.hyperlinks] == [
        "https://a.example",
        "https://b.example",
    ]


def test_funders_templates_may_link_and_pass_the_upload_checks() -> None:
    source = hostile.docx("Web: {{ parties[0].website|link }}")
    check_package(source)
    report = inspect_template(source, "agreement")
    assert report.unknown_variables == []
    context = {"parties": [{"website": "https://funder.example.org"}]}
    limits = IsolationLimits(timeout_seconds=60)
    with IsolatedRenderer(workers=1, limits=limits) as renderer:
        data = renderer.render(unprepared(source), context)
    assert external_targets(data) == ["https://funder.example.org"]


@pytest.mark.parametrize("built", sorted(TEMPLATES_DIR.glob("*.docx")))
def test_builtin_templates_pass_the_package_check(built: Path) -> None:
    check_package(built.read_bytes())


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice not on PATH")
@pytest.mark.parametrize("language", LANGUAGES)
def test_libreoffice_opens_a_letter_with_links(language: str, tmp_path: Path) -> None:
    payload = load("full", "first_contact", language)
    pdf = convert_to_pdf(rendered("full", "first_contact", language), tmp_path)
    text = pdf_text(pdf)
    if text is None:
        pytest.skip("pdftotext not on PATH")
    assert payload["sender"]["website"] in text
    assert payload["recipient"]["email"] in text


def test_a_header_prints_the_address_as_plain_text() -> None:
    source = hostile.docx("{{ a|link }}", header=["Web: {{ a|link }}"])
    data = engine.render(engine.prepare(source), {"a": "https://a.example.org"})
    document = open_docx(data)
    header = document.sections[0].header.paragraphs[0]
    assert header.text == "Web: https://a.example.org"
    assert header.hyperlinks == []
    assert external_targets(data) == ["https://a.example.org"]


@pytest.mark.parametrize(
    "xml",
    [
        "<w:pPr></w:pPr>{link}<w:r><w:t>x</w:t></w:r>",  # {{r …}}: no text around
        '<w:r><w:t>a</w:t></w:r><w:fldSimple w:instr="{link}"/>',  # an attribute
        '<w:hyperlink r:id="rId9"><w:r><w:t>a{link}b</w:t></w:r></w:hyperlink>',
        "<w:r><w:tab/>{link}</w:t></w:r>",  # not in a w:t
    ],
)
def test_a_link_outside_a_runs_text_is_misplaced(xml: str) -> None:
    with collecting("rIdLink") as targets:
        link = str(hyperlink("https://a.example", "https://a.example"))
    assert targets.ids
    data = f"<w:p>{xml.format(link=link)}</w:p>".encode()
    assert not placed_in_text(data, "rIdLink")
    good = f"<w:p><w:r><w:t>a{link}b</w:t></w:r></w:p>".encode()
    assert placed_in_text(good, "rIdLink")
