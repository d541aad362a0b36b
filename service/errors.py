"""One JSON error shape for every failure, and the handlers that produce it.

Every error answers ``{"code": 422, "status": "Unprocessable Entity",
"message": "...", "errors": [...]}``; ``errors`` lists ``{"path", "message"}``
for invalid documents and ``{"message", "part", "paragraph", "tag", "excerpt"}``
for template problems, and is an empty list when nothing is field-specific (so
a client can always read it). ``request_id`` names the request in the logs.
No handler ever returns HTML or a traceback.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import marshmallow as ma
import sqlalchemy.exc
from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from schemas.registry import DocumentInvalid
from service.observability import context
from service.rendering.errors import TemplateError
from service.storage.db import DatabaseUnavailable
from service.storage.repository import VersionWriteFailed

log = logging.getLogger(__name__)
#: Seconds a client is asked to wait when the database is unavailable.
RETRY_AFTER_SECONDS = 5
#: Failures of the database that trying again later may cure: it is down or
#: unreachable, a SQLite file cannot be opened or is locked, a deadlock, no
#: free connection in the pool.
DATABASE_UNAVAILABLE = (
    DatabaseUnavailable,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.TimeoutError,
)


class ApiError(Exception):
    """An error the API answers with ``status`` and a message for the caller."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


class ErrorSchema(ma.Schema):
    """The error body, for the OpenAPI document."""

    code = ma.fields.Integer(
        required=True, metadata={"description": "HTTP status code"}
    )
    status = ma.fields.String(
        required=True, metadata={"description": "HTTP status name"}
    )
    message = ma.fields.String(
        required=True, metadata={"description": "What went wrong"}
    )
    errors = ma.fields.List(
        ma.fields.Dict(),
        required=True,
        metadata={
            "description": "Each problem: path and message, or template location; "
            "empty when nothing is field-specific"
        },
    )
    request_id = ma.fields.String(
        metadata={
            "description": "The request's id (X-Request-ID): quote it to the "
            "operator, who finds it in every log line of the request"
        }
    )


def error_response(
    status: int,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build the JSON error response."""
    body: dict[str, Any] = {
        "code": status,
        "status": HTTP_STATUS_CODES.get(status, "Error"),
        "message": message,
        "errors": errors or [],
    }
    request_id = context.request_id()
    if request_id is not None:
        body["request_id"] = request_id
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    headers = {}
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    return error_response(status, error.description or error.name, headers=headers)


def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.errors, error.headers)


def _document_invalid(error: DocumentInvalid) -> Response:
    return error_response(
        422,
        "The document is not valid.",
        [problem.as_dict() for problem in error.problems],
    )


def _template_error(error: TemplateError) -> Response:
    return error_response(
        error.status, error.message, [problem.as_dict() for problem in error.problems]
    )


def _disk_full(error: Exception) -> bool:
    """Whether the database refused a write for want of disk space.

    SQLite says SQLITE_FULL, PostgreSQL SQLSTATE 53100 (disk_full).
    """
    cause = getattr(error, "orig", None)
    if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return True
    return getattr(cause, "sqlstate", None) == "53100"


def _database_unavailable(error: Exception) -> Response:
    if _disk_full(error):
        log.error("The database is out of disk space: %s", error)
        return error_response(
            507,
            "The template store is out of disk space; the template was not "
            "stored. Try again later.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    log.warning("The database is unavailable: %s", error)
    message = (
        str(error)
        if isinstance(error, VersionWriteFailed)
        else "The template store is unavailable right now; try again shortly."
    )
    return error_response(
        503, message, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


def _unexpected(error: InternalServerError) -> Response:
    original = error.original_exception or error
    log.error("Unhandled error", exc_info=original)
    return error_response(500, "An internal error occurred. It has been logged.")


def register_error_handlers(app: Flask) -> None:
    """Answer every error the app can raise with the JSON error shape."""
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(DocumentInvalid, _document_invalid)
    app.register_error_handler(TemplateError, _template_error)
    for unavailable in DATABASE_UNAVAILABLE:
        app.register_error_handler(unavailable, _database_unavailable)
    app.register_error_handler(InternalServerError, _unexpected)
