"""Every error body has the documented shape, ``errors`` included.

README.md and the OpenAPI document promise ``{"code", "status", "message",
"errors"}`` on every error; ``errors`` is an empty list when nothing is
field-specific.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from tests.conftest import example_text

SHAPE = {"code", "status", "message", "errors"}
#: Every error the app answers also names its request (docs/observability.md).
APP_SHAPE = SHAPE | {"request_id"}


@pytest.fixture()
def small_body_app(tmp_path) -> Flask:  # type: ignore[no-untyped-def]
    """An app whose JSON bodies may be at most 100 bytes."""
    return create_app(
        {
            "TESTING": True,
            "MAX_CONTENT_LENGTH": 100,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'small.sqlite3'}",
        }
    )


@pytest.mark.parametrize(
    ("method", "url", "data", "content_type", "status"),
    (
        ("POST", "/v1/documents/agreement", '{"title": ', "application/json", 400),
        ("POST", "/v1/documents/contract", "{}", "application/json", 404),
        ("GET", "/no/such/page", None, None, 404),
        ("GET", "/v1/documents/agreement", None, None, 405),
        ("POST", "/v1/documents/agreement", "{}", "text/plain", 415),
        ("GET", "/v1/templates", None, None, 401),
    ),
)
def test_errors_without_field_problems_carry_an_empty_errors_list(
    client: FlaskClient,
    method: str,
    url: str,
    data: str | None,
    content_type: str | None,
    status: int,
) -> None:
    response = client.open(url, method=method, data=data, content_type=content_type)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == APP_SHAPE
    assert body["code"] == status
    assert body["errors"] == []


def test_a_body_over_the_limit_carries_an_empty_errors_list(
    small_body_app: Flask,
) -> None:
    response = small_body_app.test_client().post(
        "/v1/documents/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
    )
    assert response.status_code == 413
    body = response.get_json()
    assert set(body) == APP_SHAPE
    assert body["errors"] == []


def test_the_openapi_error_schema_requires_every_field(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    schema = spec["components"]["schemas"]["Error"]
    assert set(schema["required"]) == SHAPE
    assert set(schema["properties"]) == APP_SHAPE
