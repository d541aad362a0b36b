"""Bodies sent with ``Transfer-Encoding: chunked`` are held to the same limits.

Flask's test client hands the body to the app as a WSGI server that decodes
chunked bodies does (gunicorn, Werkzeug's server): no Content-Length, and
``wsgi.input_terminated`` set. tests/test_gunicorn_edge.py sends real chunks.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from service import create_app
from tests.conftest import PROJECT_ROOT
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import bearer, create_api_key

JSON_LIMIT = 4096
UPLOAD_LIMIT = 64 * 1024
EXAMPLE = PROJECT_ROOT / "agreement_templates" / "examples" / "agreement.en.json"


@pytest.fixture()
def small_limits_app(tmp_path: Path) -> Flask:
    """An app with small body limits, so oversized bodies stay small."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bodies.sqlite3'}",
            "MAX_CONTENT_LENGTH": JSON_LIMIT,
            "TEMPLATE_MAX_UPLOAD_BYTES": UPLOAD_LIMIT,
        }
    )


def post_chunked(
    app: Flask, path: str, body: bytes, content_type: str, key: str | None = None
) -> TestResponse:
    """POST ``body`` without a length, as a server passes on a chunked body."""
    headers = {"Transfer-Encoding": "chunked", **(bearer(key) if key else {})}
    return app.test_client().post(
        path,
        input_stream=io.BytesIO(body),
        content_type=content_type,
        headers=headers,
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_chunked_json_within_the_limit_is_read_whole(small_limits_app: Flask) -> None:
    body = b'{"kind": "agreement"}'
    response = post_chunked(
        small_limits_app, "/v1/validate/agreement", body, "application/json"
    )
    assert response.status_code == 422
    assert response.json is not None
    assert {"path": "kind", "message": "Unknown field."} in response.json["errors"]


def test_chunked_json_over_the_limit_is_413(small_limits_app: Flask) -> None:
    body = b'{"title": "' + b"x" * JSON_LIMIT + b'"}'
    response = post_chunked(
        small_limits_app, "/v1/validate/agreement", body, "application/json"
    )
    assert response.status_code == 413
    assert response.json is not None
    assert response.json["code"] == 413
    assert response.json["status"] == "Request Entity Too Large"


def test_chunked_json_valid_when_cut_at_the_limit_is_still_413(
    app: Flask,
) -> None:
    """Cut at the limit, this body is the complete example: it rendered (200)."""
    example = EXAMPLE.read_bytes().rstrip()
    body = example + b" " * (app.config["MAX_CONTENT_LENGTH"] - len(example) + 10)
    response = post_chunked(app, "/v1/documents/agreement", body, "application/json")
    assert response.status_code == 413
    assert response.json is not None
    assert response.json["code"] == 413


def test_chunked_json_of_exactly_the_limit_is_accepted(app: Flask) -> None:
    example = EXAMPLE.read_bytes().rstrip()
    body = example + b" " * (app.config["MAX_CONTENT_LENGTH"] - len(example))
    response = post_chunked(app, "/v1/validate/agreement", body, "application/json")
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["valid"] is True


def _upload_body(content: bytes) -> tuple[bytes, str]:
    boundary, body = encode_multipart(
        {
            "name": "Grant agreement",
            "kind": "agreement",
            "language": "en",
            "file": FileStorage(io.BytesIO(content), "grant.docx"),
        }
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_chunked_upload_within_its_larger_limit_is_stored(
    small_limits_app: Flask,
) -> None:
    key = create_api_key(small_limits_app)
    template = funder_agreement_template()
    assert JSON_LIMIT < len(template) < UPLOAD_LIMIT
    body, content_type = _upload_body(template)
    response = post_chunked(small_limits_app, "/v1/templates", body, content_type, key)
    assert response.status_code == 201, response.json
    assert response.json is not None
    assert response.json["name"] == "Grant agreement"


def test_chunked_upload_over_its_limit_is_413(small_limits_app: Flask) -> None:
    key = create_api_key(small_limits_app)
    body, content_type = _upload_body(b"PK" + b"\0" * (2 * UPLOAD_LIMIT))
    response = post_chunked(small_limits_app, "/v1/templates", body, content_type, key)
    assert response.status_code == 413
    assert response.json is not None
    assert response.json["code"] == 413
    assert "64 KiB" in response.json["message"]
