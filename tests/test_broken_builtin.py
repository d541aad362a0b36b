"""A broken built-in template is the operator's fault: 503 and an unhealthy service.

The operator's TEMPLATES_DIR holds every file, but one is not a usable Word
template. Renders with it answer 503 (not the caller's 422) and /healthz,
which prepares every built-in template, reports it.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from flask import Flask

from service import create_app
from tests.conftest import PROJECT_ROOT, example_text

BUILTIN_DIR = PROJECT_ROOT / "agreement_templates"


@pytest.fixture()
def broken_app(tmp_path: Path) -> Flask:
    """An app whose Danish agreement template is not a .docx at all."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for path in BUILTIN_DIR.glob("*.docx"):
        shutil.copy(path, templates / path.name)
    (templates / "agreement.da.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return create_app(
        {
            "TESTING": True,
            "TEMPLATES_DIR": str(templates),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'broken.sqlite3'}",
        }
    )


def test_health_reports_a_broken_builtin_template(broken_app: Flask) -> None:
    response = broken_app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["templates"] == "broken: agreement.da"
    assert body["checks"]["database"] == "ok"


def test_rendering_with_a_broken_builtin_template_is_a_503(
    broken_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = broken_app.test_client().post(
            "/v1/documents/agreement",
            data=example_text("agreement.da.json"),
            content_type="application/json",
        )
    assert response.status_code == 503
    body = response.get_json()
    assert body["code"] == 503
    assert "built-in agreement template in 'da' is broken" in body["message"]
    assert "agreement.da.docx" in caplog.text
    assert "not a Word document" in caplog.text


def test_other_builtin_templates_still_render(broken_app: Flask) -> None:
    response = broken_app.test_client().post(
        "/v1/documents/agreement",
        data=example_text("agreement.en.json"),
        content_type="application/json",
    )
    assert response.status_code == 200


def test_validation_does_not_need_the_template(broken_app: Flask) -> None:
    response = broken_app.test_client().post(
        "/v1/validate/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.get_json()["valid"] is True
