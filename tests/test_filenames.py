"""Download file names are safe on every OS and keep non-ASCII titles."""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient

from service.examples import example_payload
from service.filenames import ascii_fallback, content_disposition, document_filename


def test_title_kind_and_language_make_the_name() -> None:
    name = document_filename(
        "understanding", {"title": "Reading for children", "language": "en"}
    )
    assert name == "Reading-for-children_memorandum-of-understanding_en.docx"


def test_characters_no_file_system_accepts_are_removed() -> None:
    name = document_filename(
        "agreement", {"title": 'A/B: "C" <D>|?*', "language": "da"}
    )
    assert not set('/\\:"<>|?*') & set(name)


def test_first_contact_uses_the_subject() -> None:
    name = document_filename("first_contact", {"subject": "Idé", "language": "da"})
    assert name == "Idé_henvendelse_da.docx"


def test_long_titles_are_shortened() -> None:
    name = document_filename("agreement", {"title": "x" * 500, "language": "da"})
    assert len(name) < 120


def test_ascii_fallback_transliterates_danish_letters() -> None:
    assert (
        ascii_fallback("Sansefortællingen_ø_å.docx") == "Sansefortaellingen_oe_aa.docx"
    )


def test_non_ascii_names_get_an_rfc_6266_filename_star() -> None:
    header = content_disposition("Sansefortællingen.docx")
    assert header == (
        'attachment; filename="Sansefortaellingen.docx"; '
        "filename*=UTF-8''Sansefort%C3%A6llingen.docx"
    )


def test_ascii_names_need_no_filename_star() -> None:
    assert content_disposition("plain.docx") == 'attachment; filename="plain.docx"'


INVISIBLE = [
    *map(chr, range(0x202A, 0x202F)),  # embeddings, overrides, PDF
    *map(chr, range(0x2066, 0x206A)),  # isolates
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u061c",  # Arabic letter mark
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\U000e0001",  # language tag
]


def _header_names(header: str) -> tuple[str, str]:
    """The ``filename`` and the decoded ``filename*`` of a Content-Disposition."""
    fields = dict(
        part.strip().split("=", 1) for part in header.split(";")[1:] if "=" in part
    )
    star = fields.get("filename*", "UTF-8''")
    return fields["filename"].strip('"'), unquote(star.removeprefix("UTF-8''"))


@pytest.mark.parametrize("character", INVISIBLE)
def test_invisible_format_characters_never_reach_the_file_name(
    character: str,
) -> None:
    name = document_filename(
        "agreement", {"title": f"Invoice{character}fdp.exe", "language": "en"}
    )
    assert name == "Invoicefdp.exe_partnership-agreement_en.docx"
    for header_name in _header_names(content_disposition(name)):
        assert not any(unicodedata.category(c) == "Cf" for c in header_name)


def test_the_download_header_carries_no_bidi_override(client: FlaskClient) -> None:
    body = example_payload("agreement", "da")
    body["title"] = "Læsning\u202egnidaeR\u2066 for\u200f børn\u061c"
    response = client.post(
        "/v1/documents/agreement",
        data=json.dumps(body, default=str),
        content_type="application/json",
    )
    assert response.status_code == 200
    plain, star = _header_names(response.headers["Content-Disposition"])
    assert plain == "LaesninggnidaeR-for-boern_partnerskabsaftale_da.docx"
    assert star == "LæsninggnidaeR-for-børn_partnerskabsaftale_da.docx"
