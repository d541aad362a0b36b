"""Helpers for tests of the template store: keys, auth headers and uploads."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.storage import repository
from service.storage.db import database

FUNDER = "Nordic Civic Fund"
OTHER_FUNDER = "Southern Arts Foundation"


def create_api_key(app: Flask, organisation: str = FUNDER) -> str:
    """A new API key of ``organisation`` (created if new)."""
    with app.app_context(), database().transaction() as session:
        _, key = repository.create_key(session, organisation)
    return key


def bearer(key: str) -> dict[str, str]:
    """The Authorization header carrying ``key``."""
    return {"Authorization": f"Bearer {key}"}


def upload(
    client: FlaskClient,
    key: str,
    content: bytes,
    *,
    name: str = "Grant agreement",
    kind: str = "agreement",
    language: str = "en",
    filename: str = "grant-agreement.docx",
    **fields: Any,
) -> TestResponse:
    """POST a template to /v1/templates as a multipart form."""
    data: dict[str, Any] = {"name": name, "kind": kind, "language": language}
    data.update(fields)
    data = {field: value for field, value in data.items() if value is not None}
    data["file"] = (io.BytesIO(content), filename)
    return client.post(
        "/v1/templates",
        data=data,
        headers=bearer(key),
        content_type="multipart/form-data",
    )
