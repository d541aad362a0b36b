"""The OpenAPI document names every answer an operation can give, and the key."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from schemas.registry import KINDS


@pytest.fixture()
def document(client: FlaskClient) -> dict[str, Any]:
    """The served OpenAPI document."""
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.json is not None
    return response.json


def _responses(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    responses: dict[str, Any] = document["paths"][path][method]["responses"]
    return responses


def test_kinds_document_their_200_body(document: dict[str, Any]) -> None:
    ok = _responses(document, "get", "/v1/kinds")["200"]
    schema = ok["content"]["application/json"]["schema"]
    assert schema["required"] == ["kinds", "pdf"]
    assert schema["properties"]["kinds"]["items"]["properties"]["kind"]["enum"] == (
        list(KINDS)
    )


def test_schemas_document_their_200_and_404(document: dict[str, Any]) -> None:
    responses = _responses(document, "get", "/v1/schemas/{kind}")
    assert "application/schema+json" in responses["200"]["content"]
    assert "404" in responses


@pytest.mark.parametrize("kind", KINDS)
def test_renders_document_the_optional_key_and_its_answers(
    document: dict[str, Any], kind: str
) -> None:
    operation = document["paths"][f"/v1/documents/{kind}"]["post"]
    assert operation["security"] == [{}, {"apiKey": []}]
    assert {"401", "404", "409", "413", "422", "503"} <= set(operation["responses"])


@pytest.mark.parametrize(
    ("method", "path", "statuses"),
    (
        ("get", "/v1/templates/{template_id}", {"401", "404", "422"}),
        ("get", "/v1/templates/{template_id}/file", {"401", "404", "422"}),
        (
            "post",
            "/v1/templates/{template_id}/preview",
            {"401", "404", "413", "422", "503"},
        ),
        ("post", "/v1/templates", {"401", "409", "413", "415", "422"}),
    ),
)
def test_template_operations_document_their_errors(
    document: dict[str, Any], method: str, path: str, statuses: set[str]
) -> None:
    assert statuses <= set(_responses(document, method, path))


def test_version_numbers_are_bounded_as_the_database_stores_them(
    document: dict[str, Any],
) -> None:
    parameters = document["paths"]["/v1/templates/{template_id}"]["get"]["parameters"]
    version = next(each for each in parameters if each["name"] == "version")
    assert version["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
