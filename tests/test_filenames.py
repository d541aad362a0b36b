"""Download file names are safe on every OS and keep non-ASCII titles."""

from __future__ import annotations

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
