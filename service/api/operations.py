"""OpenAPI descriptions shared by the blueprints that need an API key."""

from __future__ import annotations

from typing import Any

from service.auth import SECURITY_SCHEME
from service.errors import ErrorSchema

NO_KEY = (401, "No valid API key.")


def keyed_operation(
    *statuses: tuple[int, str], ok: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The key requirement and the responses of an operation, errors included."""
    responses: dict[str, Any] = {} if ok is None else {"200": ok}
    for status, text in (NO_KEY, *statuses):
        responses[str(status)] = {
            "description": text,
            "content": {"application/json": {"schema": ErrorSchema}},
        }
    return {"security": [{SECURITY_SCHEME: []}], "responses": responses}
