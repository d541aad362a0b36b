"""Web forms on other sites: CORS only for the configured origins."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from service import create_app
from tests.conftest import example_text

ALLOWED = "https://forms.example.org"


@pytest.fixture()
def cors_app(tmp_path: Path) -> Flask:
    """An app that allows one origin."""
    return create_app(
        {
            "TESTING": True,
            "CORS_ORIGINS": [ALLOWED],
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cors.sqlite3'}",
        }
    )


def test_preflight_from_an_allowed_origin_is_answered(cors_app: Flask) -> None:
    response = cors_app.test_client().options(
        "/v1/documents/agreement",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


def test_allowed_origin_can_read_the_file_name(cors_app: Flask) -> None:
    response = cors_app.test_client().post(
        "/v1/documents/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
        headers={"Origin": ALLOWED},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    exposed = response.headers["Access-Control-Expose-Headers"].lower()
    assert "content-disposition" in exposed
    assert "x-document-warnings" in exposed
    assert "x-request-id" in exposed


def test_other_origins_get_no_cors_headers(cors_app: Flask) -> None:
    response = cors_app.test_client().post(
        "/v1/validate/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
        headers={"Origin": "https://evil.example.com"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_no_cors_headers_when_no_origin_is_configured(client) -> None:  # type: ignore[no-untyped-def]
    response = client.options(
        "/v1/documents/agreement",
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_origins_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", f"{ALLOWED}, https://other.example.org")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    app = create_app()
    assert app.config["CORS_ORIGINS"] == [ALLOWED, "https://other.example.org"]


@pytest.mark.parametrize(
    ("method", "path", "origin"),
    (
        ("get", "/v1/kinds", ALLOWED),
        ("get", "/v1/kinds", "https://evil.example.com"),
        ("get", "/v1/kinds", None),
        ("post", "/v1/validate/agreement", ALLOWED),
        ("post", "/v1/validate/agreement", "https://evil.example.com"),
        ("options", "/v1/documents/agreement", ALLOWED),
        ("options", "/v1/documents/agreement", "https://evil.example.com"),
        ("get", "/v1/schemas/nope", ALLOWED),
    ),
)
def test_answers_vary_on_origin_with_one_origin_configured(
    cors_app: Flask, method: str, path: str, origin: str | None
) -> None:
    """Shared caches must not give one origin's CORS answer to another."""
    headers = {"Access-Control-Request-Method": "POST"} if method == "options" else {}
    if origin is not None:
        headers["Origin"] = origin
    response = cors_app.test_client().open(
        path,
        method=method.upper(),
        headers=headers,
        json={} if method == "post" else None,
    )
    assert "Origin" in response.vary
    assert response.headers.getlist("Vary").count("Origin") <= 1


def test_answers_outside_the_api_do_not_vary_on_origin(cors_app: Flask) -> None:
    response = cors_app.test_client().get("/healthz", headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert "Origin" not in response.vary
