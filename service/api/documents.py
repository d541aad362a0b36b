"""Render and validate documents: /v1/documents/<kind> and /v1/validate/<kind>."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from schemas.problems import Problem
from schemas.registry import KINDS, LoadedDocument, schema_for
from service.api import pdf
from service.api.pdf import DOCX_MEDIA_TYPE
from service.api.requests import json_body
from service.api.stored import render_with_stored, stored_template, version_argument
from service.auth import SECURITY_SCHEME, authenticate
from service.documents import RenderedDocument, render_loaded, validate_document
from service.errors import ApiError, ErrorSchema
from service.extensions import services
from service.filenames import content_disposition
from service.rendering.engine import PreparedTemplate
from service.rendering.errors import TemplateError
from service.rendering.labels import label
from service.storage.models import MAX_INTEGER

#: A template version number in the OpenAPI document: the database stores
#: versions as 32-bit integers.
VERSION_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_INTEGER}
WARNINGS_HEADER = "X-Document-Warnings"
WARNING_COUNT_HEADER = "X-Document-Warning-Count"

blp = Blueprint(
    "documents",
    __name__,
    url_prefix="/v1",
    description="Validate partnership data and render it as Word documents.",
)


def _warnings_json(warnings: list[Problem]) -> list[dict[str, str]]:
    return [warning.as_dict() for warning in warnings]


def builtin_template(kind: str, language: str) -> PreparedTemplate:
    """The built-in template for ``kind`` in ``language``.

    A built-in template that is missing or cannot be prepared is the operator's
    problem, not the caller's: 503, with the cause in the log.
    """
    try:
        return services().builtin.get(kind, language)
    except FileNotFoundError as exc:
        current_app.logger.error("Built-in template missing: %s", exc.filename)
        raise ApiError(
            503, f"The built-in {kind} template in '{language}' is not installed."
        ) from exc
    except OSError as exc:
        current_app.logger.error("Built-in template unreadable: %s", exc)
        raise _broken_builtin(kind, language) from exc
    except TemplateError as exc:
        current_app.logger.error(
            "Built-in template broken: %s: %s %s",
            services().builtin.path(kind, language),
            exc.message,
            [problem.as_dict() for problem in exc.problems],
        )
        raise _broken_builtin(kind, language) from exc


def _broken_builtin(kind: str, language: str) -> ApiError:
    return ApiError(
        503,
        f"The renderer is unavailable: the built-in {kind} template in "
        f"'{language}' is broken. It has been logged for the operator.",
    )


def docx_response(rendered: RenderedDocument) -> Response:
    """The .docx as an attachment, with the warnings in response headers."""
    response = Response(rendered.content, mimetype=DOCX_MEDIA_TYPE)
    response.headers["Content-Disposition"] = content_disposition(rendered.filename)
    response.headers["Cache-Control"] = "no-store"
    return _with_warnings(response, rendered.warnings)


def _with_warnings(response: Response, warnings: list[Problem]) -> Response:
    """Add the warnings headers; the format may follow ``Accept``, so vary on it."""
    response.headers[WARNING_COUNT_HEADER] = str(len(warnings))
    response.headers[WARNINGS_HEADER] = json.dumps(
        _warnings_json(warnings), ensure_ascii=True
    )
    response.vary.add("Accept")
    return response


def _needs_key() -> bool:
    """Whether this render needs an API key: a funder's template, or the setting."""
    return "template" in request.args or current_app.config["REQUIRE_KEY_FOR_BUILTIN"]


@blp.before_request
def _authenticate_render() -> None:
    """Ask for the API key before the body is read, when the render needs one."""
    if request.method == "OPTIONS":  # CORS preflight: never authenticated
        return
    endpoint = request.endpoint or ""
    if endpoint.startswith("documents.render_") and _needs_key():
        authenticate()


def render_request(kind: str, loaded: LoadedDocument) -> RenderedDocument:
    """Render a validated request body with the template it asks for.

    ``?template=<id>[&version=N]`` picks one of the caller's own templates (an
    API key is required; it renders in the isolated workers); otherwise the
    built-in template of the document's language renders in process.
    """
    template_id = request.args.get("template")
    if template_id is None:  # the key, if the setting asks for one, was checked
        template = builtin_template(kind, loaded.data["language"])
        return render_loaded(loaded, template, renderer=services().in_process)
    caller = authenticate()
    found, prepared = stored_template(caller, template_id, version_argument())
    if found.template.kind != kind:
        raise ApiError(
            409,
            f"Template '{template_id}' is for {found.template.kind} documents, not "
            f"{kind}: post to /v1/documents/{found.template.kind}.",
        )
    return render_with_stored(loaded, found, prepared)


def _operation_doc(kind: str, *, rendering: bool) -> dict[str, Any]:
    ok: dict[str, Any]
    if rendering:
        ok = {
            "description": "The document as an editable Word file.",
            "content": {
                DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
                pdf.PDF_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
            "headers": {
                "Content-Disposition": {
                    "description": "attachment; named from title, kind and language",
                    "schema": {"type": "string"},
                },
                WARNINGS_HEADER: {
                    "description": "JSON list of warnings: {path, message, code}",
                    "schema": {"type": "string"},
                },
                WARNING_COUNT_HEADER: {"schema": {"type": "integer"}},
            },
        }
    else:
        ok = {
            "description": '{"valid": true, "warnings": [{path, message, code}]}',
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    statuses: tuple[tuple[int, str], ...] = (
        (400, "Malformed JSON."),
        (413, "Body larger than the configured limit."),
        (415, "The body is not JSON."),
        (422, "Invalid document: every problem with its field path."),
    )
    if rendering:
        statuses = (
            (400, "Malformed JSON."),
            (401, "No valid API key, with ?template= or when built-ins need one."),
            (404, "No such template (?template=) or version (&version=)."),
            (409, "The template is for another kind of document."),
            (
                413,
                "Body larger than the configured limit, or the render went "
                "over its memory or output limit.",
            ),
            (415, "The body is not JSON."),
            (
                422,
                "Invalid document (every problem with its field path), a "
                "version that is not a number, an unknown format, or a template "
                "that fails (located).",
            ),
            (502, "The PDF conversion failed or took too long."),
            (
                503,
                "The built-in template is missing or broken, the isolated "
                "renderers are busy or unavailable, or PDF was asked for and "
                "LibreOffice is not installed or every converter is busy.",
            ),
        )
    errors = {
        str(status): {
            "description": text,
            "content": {"application/json": {"schema": ErrorSchema}},
        }
        for status, text in statuses
    }
    operation: dict[str, Any] = {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema_for(kind)}},
        },
        "responses": {"200": ok, **errors},
    }
    if rendering:
        # The key is optional: needed with ?template=, or when the setting asks.
        operation["security"] = [{}, {SECURITY_SCHEME: []}]
        operation["parameters"] = [
            {
                "name": "template",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "Id of one of your uploaded templates (needs an "
                "API key); the built-in template of the document's language "
                "when absent.",
            },
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": list(pdf.FORMATS)},
                "description": "docx (default), pdf, or pdfa (PDF/A-2b); "
                "Accept: application/pdf asks for pdf too.",
            },
            {
                "name": "version",
                "in": "query",
                "required": False,
                "schema": VERSION_SCHEMA,
                "description": "Version of the uploaded template; the latest "
                "when absent.",
            },
        ]
    return operation


def _register(kind: str) -> None:
    """Add the render and validate endpoints for one document kind."""

    def render_document() -> ResponseReturnValue:
        chosen = pdf.requested_format()
        if chosen != "docx":
            pdf.require_pdf()
        loaded = validate_document(kind, json_body())
        rendered = render_request(kind, loaded)
        if chosen == "docx":
            return docx_response(rendered)
        return _with_warnings(
            pdf.pdf_response(rendered, pdfa=chosen == "pdfa"), rendered.warnings
        )

    def validate() -> ResponseReturnValue:
        loaded = validate_document(kind, json_body())
        return jsonify({"valid": True, "warnings": _warnings_json(loaded.warnings)})

    name = label(kind, "en")
    render_document.__doc__ = f"Render a {name} as a Word document."
    validate.__doc__ = f"Validate a {name} without rendering it."
    blp.route(f"/documents/{kind}", methods=["POST"], endpoint=f"render_{kind}")(
        blp.doc(**_operation_doc(kind, rendering=True))(render_document)
    )
    blp.route(f"/validate/{kind}", methods=["POST"], endpoint=f"validate_{kind}")(
        blp.doc(**_operation_doc(kind, rendering=False))(validate)
    )


for _kind in KINDS:
    _register(_kind)
