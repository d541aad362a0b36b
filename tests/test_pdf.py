"""PDF renders on the warm LibreOffice pool, and what happens without LibreOffice."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.conversion import ConversionFailed, ConverterPool, ConverterSettings
from tests.conftest import load_example
from tests.pdf_fixtures import counting_server, linked_picture_docx

HAS_LIBREOFFICE = shutil.which("soffice") is not None and (
    subprocess.run(
        ["/usr/bin/python3", "-c", "import uno"], capture_output=True, check=False
    ).returncode
    == 0
)
needs_libreoffice = pytest.mark.skipif(
    not HAS_LIBREOFFICE, reason="soffice or python3-uno not installed"
)


def pdf_text(pdf: bytes, folder: Path) -> str:
    """The text of a PDF, by poppler's pdftotext."""
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return " ".join(result.stdout.split())


@pytest.fixture(scope="module")
def pdf_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app with one warm converter, shared by this module's tests."""
    folder = tmp_path_factory.mktemp("pdf")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'test.sqlite3'}",
            "PDF_CONVERTERS": 1,
        }
    )
    yield app
    app.extensions["partnerdocs.pdf"].close()


@pytest.fixture()
def pdf_client(pdf_app: Flask) -> FlaskClient:
    """A client of the shared PDF app."""
    return pdf_app.test_client()


@needs_libreoffice
@pytest.mark.libreoffice
def test_accept_pdf_answers_the_agreement_as_pdf(
    pdf_client: FlaskClient, tmp_path: Path
) -> None:
    body = load_example("agreement.en.json")
    response = pdf_client.post(
        "/v1/documents/agreement", json=body, headers={"Accept": "application/pdf"}
    )
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert "Accept" in response.vary
    disposition = response.headers["Content-Disposition"]
    assert disposition.endswith('.pdf"') or ".pdf" in disposition
    assert body["title"] in pdf_text(response.data, tmp_path)


@needs_libreoffice
@pytest.mark.libreoffice
def test_format_pdfa_answers_pdf_a_2b(pdf_client: FlaskClient, tmp_path: Path) -> None:
    body = load_example("first_contact.da.json")
    response = pdf_client.post("/v1/documents/first_contact?format=pdfa", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    assert b"<pdfaid:part>2</pdfaid:part>" in response.data
    assert b"<pdfaid:conformance>B</pdfaid:conformance>" in response.data
    assert body["recipient"]["organisation"] in pdf_text(response.data, tmp_path)


def test_docx_stays_the_default(client: FlaskClient) -> None:
    response = client.post(
        "/v1/documents/agreement",
        json=load_example("agreement.da.json"),
        headers={"Accept": "*/*"},
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")


def test_unknown_format_is_422_naming_the_parameter(client: FlaskClient) -> None:
    response = client.post(
        "/v1/documents/agreement?format=odt", json=load_example("agreement.da.json")
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"] == [
        {"path": "format", "message": "Must be one of: docx, pdf, pdfa."}
    ]


@pytest.fixture()
def no_office_client(tmp_path: Path) -> FlaskClient:
    """A client of an app whose soffice is not installed."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "SOFFICE": str(tmp_path / "no-such-soffice"),
        }
    )
    return app.test_client()


def test_without_libreoffice_pdf_is_503_json(no_office_client: FlaskClient) -> None:
    response = no_office_client.post(
        "/v1/documents/agreement",
        json=load_example("agreement.da.json"),
        headers={"Accept": "application/pdf"},
    )
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == 503
    assert "PDF conversion is not available" in body["message"]
    assert body["errors"] == []


def test_without_libreoffice_docx_and_kinds_still_work(
    no_office_client: FlaskClient,
) -> None:
    docx = no_office_client.post(
        "/v1/documents/agreement", json=load_example("agreement.da.json")
    )
    assert docx.status_code == 200
    kinds = no_office_client.get("/v1/kinds").get_json()
    assert kinds["pdf"] is False
    assert {tuple(kind["formats"]) for kind in kinds["kinds"]} == {("docx",)}


@needs_libreoffice
@pytest.mark.libreoffice
def test_kinds_say_pdf_is_available(pdf_client: FlaskClient) -> None:
    kinds = pdf_client.get("/v1/kinds").get_json()
    assert kinds["pdf"] is True
    assert kinds["kinds"][0]["formats"] == ["docx", "pdf", "pdfa"]


@pytest.fixture()
def pool() -> Iterator[ConverterPool]:
    """A pool of one converter that gives up after five seconds."""
    started = ConverterPool(ConverterSettings(converters=1, timeout_seconds=5))
    yield started
    started.close()


@needs_libreoffice
@pytest.mark.libreoffice
def test_converter_fetches_nothing_a_document_links_to(
    pool: ConverterPool, tmp_path: Path
) -> None:
    with counting_server() as (url, requested):
        pdf = pool.convert(linked_picture_docx(url))
        assert pool.convert(linked_picture_docx(url), pdfa=True).startswith(b"%PDF-")
    assert "After the picture" in pdf_text(pdf, tmp_path)
    assert requested == []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@needs_libreoffice
@pytest.mark.libreoffice
def test_hung_converter_is_killed_and_replaced(pool: ConverterPool) -> None:
    docx = linked_picture_docx("http://127.0.0.1:9/")
    pool.warm()
    (hung,) = pool.converter_pids()
    os.killpg(hung, signal.SIGSTOP)  # the worker and its LibreOffice stop answering
    with pytest.raises(ConversionFailed, match="took too long"):
        pool.convert(docx)
    assert not _alive(hung)
    assert pool.convert(docx).startswith(b"%PDF-")
    assert pool.converter_pids() != [hung]


@needs_libreoffice
@pytest.mark.libreoffice
def test_converter_that_died_while_idle_is_replaced(pool: ConverterPool) -> None:
    pool.warm()
    (dead,) = pool.converter_pids()
    os.killpg(dead, signal.SIGKILL)
    docx = linked_picture_docx("http://127.0.0.1:9/")
    assert pool.convert(docx).startswith(b"%PDF-")
    assert pool.converter_pids() != [dead]
