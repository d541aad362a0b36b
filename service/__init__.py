"""Partnership documents: validated JSON in, an editable Word document out."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from flask_cors import CORS
from flask_smorest import Api

from service import conversion, jobs, observability
from service.bodies import BoundedRequest
from service.config import default_config, from_environment
from service.errors import ErrorSchema, register_error_handlers
from service.extensions import init_services
from service.storage import db

API_VERSION = "1.0.0"
#: Headers a browser script may read from our responses (file name, warnings,
#: the request id to quote).
EXPOSED_HEADERS = [
    "Content-Disposition",
    "X-Document-Warnings",
    "X-Document-Warning-Count",
    "X-Request-ID",
]
#: Where cross-origin requests are answered (when origins are configured).
CORS_PREFIX = "/v1/"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: embedded defaults, then the environment or ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = BoundedRequest
    defaults = default_config(app.instance_path)
    app.config.from_mapping(defaults)
    if test_config is None:
        app.config.from_mapping(from_environment(defaults))
    else:
        app.config.from_mapping(test_config)
    app.config.update(_openapi_settings())
    os.makedirs(app.instance_path, exist_ok=True)
    observability.init_app(app)
    db.init_app(app)
    init_services(app)
    conversion.init_app(app)
    jobs.init_app(app)
    _init_api(app)
    _init_cors(app)
    register_error_handlers(app)

    from service.cli import register_commands

    register_commands(app)
    return app


def _openapi_settings() -> dict[str, Any]:
    return {
        "API_TITLE": "Partnership documents",
        "API_VERSION": API_VERSION,
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Swagger UI 5 (reads OpenAPI 3.1) from service/static/, built from
        # frontend/swagger-ui/: /docs works without internet.
        "OPENAPI_SWAGGER_UI_URL": "/static/swagger-ui/",
    }


class _Api(Api):
    """flask-smorest's Api documenting our error shape (set before ``init_app``
    registers the default responses, or the spec gets two "Error" schemas)."""

    ERROR_SCHEMA = ErrorSchema


def _init_api(app: Flask) -> None:
    from service.api import (
        batches,
        deleted,
        documents,
        health,
        kinds,
        templates,
        transfer,
    )

    api = _Api(app, spec_kwargs={"info": {"description": _API_DESCRIPTION}})
    api.register_blueprint(documents.blp)
    api.register_blueprint(kinds.blp)
    api.register_blueprint(templates.blp)
    api.register_blueprint(batches.blp)
    api.register_blueprint(transfer.blp)
    api.register_blueprint(deleted.blp)
    templates.document_security(api)
    app.register_blueprint(health.blp)

    from service.web import blp as web

    app.register_blueprint(web)


def _init_cors(app: Flask) -> None:
    origins = app.config["CORS_ORIGINS"]
    if isinstance(origins, str):
        origins = [origins]
    if not origins:
        return
    CORS(
        app,
        resources={f"{CORS_PREFIX}.*": {"origins": list(origins)}},
        expose_headers=EXPOSED_HEADERS,
        allow_headers=["Content-Type", "Authorization"],
        methods=["GET", "POST", "DELETE", "OPTIONS"],
        max_age=600,
    )
    app.after_request(_vary_on_origin)


def _vary_on_origin(response: Response) -> Response:
    """Say ``Vary: Origin`` on every answer CORS applies to.

    Whether the CORS headers are there, and which origin they name, depends on
    the request's Origin, also when flask-cors adds none (another origin, or
    none sent) or sees one configured origin only and leaves Vary out: a
    shared cache must not hand one origin's answer to another.
    """
    if request.path.startswith(CORS_PREFIX):
        response.vary.add("Origin")
    return response


_API_DESCRIPTION = (
    "Turn JSON describing a partnership between organisations into an editable "
    "Word document: a partnership agreement, an understanding paper or a "
    "first-contact letter, in Danish or English. Errors always answer JSON: "
    '`{"code", "status", "message", "errors"}`.'
)
