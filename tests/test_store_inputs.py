"""Any version number, id, name or file name: a 4xx or a success, on both databases.

PostgreSQL refuses what SQLite takes (integers beyond 32 bits, NUL characters
in text); the API must answer the same documented errors on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service import create_app
from tests.conftest import PROJECT_ROOT
from tests.db_backends import BACKENDS, database_url
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import bearer, create_api_key, upload

EXAMPLE = (PROJECT_ROOT / "agreement_templates/examples/agreement.en.json").read_text()


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty SQLite or PostgreSQL database."""
    with database_url(request.param, tmp_path) as url:
        app = create_app({"TESTING": True, "DATABASE_URL": url})
        yield app


@pytest.fixture()
def key(app: Flask) -> str:
    """A funder's key."""
    return create_api_key(app)


@pytest.fixture()
def template_id(client: FlaskClient, key: str) -> str:
    """The id of the funder's template, uploaded once."""
    response = upload(client, key, funder_agreement_template())
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.json["id"])  # type: ignore[index]


def each_endpoint(
    client: FlaskClient, key: str, template_id: str, query: str = ""
) -> list[TestResponse]:
    """The answers of every endpoint that looks a template (version) up."""
    headers = bearer(key)
    base = f"/v1/templates/{template_id}"
    body = EXAMPLE
    return [
        client.get(f"{base}?{query}", headers=headers),
        client.get(f"{base}/file?{query}", headers=headers),
        client.post(f"{base}/preview?{query}", headers=headers),
        client.post(
            f"/v1/documents/agreement?template={template_id}&{query}",
            data=body,
            content_type="application/json",
            headers=headers,
        ),
    ]


@pytest.mark.parametrize(
    "version",
    (
        "99999999999999999999",
        "9223372036854775808",
        "2147483648",
        "²",
        "%D9%A3",  # ARABIC-INDIC DIGIT THREE: a digit, not ASCII
        "0",
        "",
    ),
)
def test_a_version_beyond_the_databases_integers_is_422(
    client: FlaskClient, key: str, template_id: str, version: str
) -> None:
    for response in each_endpoint(client, key, template_id, f"version={version}"):
        assert response.status_code == 422, response.get_data(as_text=True)
        assert response.json["errors"] == [  # type: ignore[index]
            {
                "path": "version",
                "message": "Must be a whole number from 1 to 2147483647.",
            }
        ]


def test_the_largest_version_number_is_not_found(
    client: FlaskClient, key: str, template_id: str
) -> None:
    for response in each_endpoint(client, key, template_id, "version=2147483647"):
        assert response.status_code == 404
        assert response.json["message"] == (  # type: ignore[index]
            f"Template '{template_id}' has no version 2147483647."
        )


def test_leading_zeros_name_the_same_version(
    client: FlaskClient, key: str, template_id: str
) -> None:
    response = client.get(
        f"/v1/templates/{template_id}?version=0001", headers=bearer(key)
    )
    assert response.status_code == 200
    assert response.json["version"] == 1  # type: ignore[index]


@pytest.mark.parametrize("bad_id", ("a%00b", "%00", "x" * 300))
def test_a_template_id_with_a_nul_or_too_long_is_not_found(
    client: FlaskClient, key: str, template_id: str, bad_id: str
) -> None:
    responses = each_endpoint(client, key, bad_id)
    responses.append(client.delete(f"/v1/templates/{bad_id}", headers=bearer(key)))
    for response in responses:
        assert response.status_code == 404, response.get_data(as_text=True)
        assert response.json["message"].startswith("There is no template")  # type: ignore[index]


@pytest.mark.parametrize("name", ("Grant\x00agreement", "Grant\x1bagreement"))
def test_a_control_character_in_the_name_is_422(
    client: FlaskClient, key: str, name: str
) -> None:
    response = upload(client, key, funder_agreement_template(), name=name)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["errors"] == [  # type: ignore[index]
        {"path": "name", "message": "Must not contain control characters."}
    ]


def test_a_nul_in_the_file_name_is_left_out(client: FlaskClient, key: str) -> None:
    response = upload(
        client, key, funder_agreement_template(), filename="grant\x00\x07.docx"
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["filename"] == "grant.docx"  # type: ignore[index]
