"""What the service tells about itself: kinds, JSON Schemas, OpenAPI, health."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_kinds_lists_every_kind_with_languages_and_templates(
    client: FlaskClient,
) -> None:
    body = client.get("/v1/kinds").get_json()
    kinds = {entry["kind"]: entry for entry in body["kinds"]}
    assert set(kinds) == {"agreement", "understanding", "first_contact"}
    for entry in kinds.values():
        assert entry["languages"] == ["da", "en"]
        assert {t["language"] for t in entry["templates"]} == {"da", "en"}
        assert entry["schema"] == f"/v1/schemas/{entry['kind']}"
    assert kinds["agreement"]["names"]["da"] == "partnerskabsaftale"


def test_schema_of_a_kind_is_a_json_schema(client: FlaskClient) -> None:
    response = client.get("/v1/schemas/agreement")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    schema = response.get_json()
    assert schema["type"] == "object"
    assert {"title", "parties", "vision", "goals", "roles"} <= set(schema["required"])


def test_openapi_document_describes_every_kind(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for kind in ("agreement", "understanding", "first_contact"):
        render = spec["paths"][f"/v1/documents/{kind}"]["post"]
        assert "application/json" in render["requestBody"]["content"]
        assert "422" in render["responses"]
        assert f"/v1/validate/{kind}" in spec["paths"]
    assert "/v1/kinds" in spec["paths"]


def test_health_reports_ok_when_templates_are_installed(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_health_reports_unavailable_without_templates(tmp_path, app) -> None:  # type: ignore[no-untyped-def]
    app.extensions["partnerdocs"].builtin.directory = tmp_path
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "missing" in response.get_json()["checks"]["templates"]


def test_health_reports_unavailable_without_a_database(app) -> None:  # type: ignore[no-untyped-def]
    from service.storage.db import EXTENSION_KEY, Database

    # Nothing listens on port 1: the connection is refused at once.
    app.extensions[EXTENSION_KEY] = Database("postgresql+psycopg://u:p@127.0.0.1:1/x")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unreachable"
