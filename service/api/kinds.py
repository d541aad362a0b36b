"""What the service can produce: GET /v1/kinds and GET /v1/schemas/<kind>."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from schemas.jsonschema import json_schema
from schemas.registry import KINDS, LANGUAGES
from service.conversion import converter
from service.errors import ApiError, ErrorSchema
from service.extensions import services
from service.rendering.labels import label

blp = Blueprint(
    "kinds", __name__, url_prefix="/v1", description="Document kinds and their schemas."
)


def _json(schema: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


_STRING = {"type": "string"}
_KIND_SCHEMA = {
    "type": "object",
    "required": [
        "kind",
        "names",
        "languages",
        "templates",
        "formats",
        "schema",
        "render",
    ],
    "properties": {
        "kind": {"type": "string", "enum": list(KINDS)},
        "names": {
            "type": "object",
            "description": "The kind's name in each language",
            "additionalProperties": _STRING,
        },
        "languages": {"type": "array", "items": _STRING},
        "templates": {
            "type": "array",
            "description": "The built-in templates installed, one per language",
            "items": {
                "type": "object",
                "properties": {"language": _STRING, "file": _STRING},
            },
        },
        "formats": {
            "type": "array",
            "description": "What a render can answer (?format=): docx always, "
            "pdf and pdfa when LibreOffice is installed",
            "items": {"type": "string", "enum": ["docx", "pdf", "pdfa"]},
        },
        "schema": {**_STRING, "description": "Where its JSON Schema is"},
        "render": {**_STRING, "description": "Where to render it"},
        "validate": {**_STRING, "description": "Where to validate it"},
    },
}
_ERROR = {"content": _json(ErrorSchema)}


@blp.route("/kinds", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "The document kinds.",
            "content": _json(
                {
                    "type": "object",
                    "required": ["kinds", "pdf"],
                    "properties": {
                        "kinds": {"type": "array", "items": _KIND_SCHEMA},
                        "pdf": {
                            "type": "boolean",
                            "description": "Whether renders can answer PDF",
                        },
                    },
                }
            ),
        }
    }
)
def list_kinds() -> ResponseReturnValue:
    """List the document kinds, their languages and built-in templates."""
    installed: dict[str, list[dict[str, str]]] = {}
    for kind, language, path in services().builtin.available():
        installed.setdefault(kind, []).append({"language": language, "file": path.name})
    pdf = converter().available()
    formats = ["docx", "pdf", "pdfa"] if pdf else ["docx"]
    return jsonify(
        {
            "pdf": pdf,
            "kinds": [
                {
                    "kind": kind,
                    "names": {
                        language: label(kind, language) for language in LANGUAGES
                    },
                    "languages": list(LANGUAGES),
                    "templates": installed.get(kind, []),
                    "formats": formats,
                    "schema": url_for("kinds.get_schema", kind=kind),
                    "render": url_for(f"documents.render_{kind}"),
                    "validate": url_for(f"documents.validate_{kind}"),
                }
                for kind in KINDS
            ],
        }
    )


@blp.route("/schemas/<kind>", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "The kind's JSON Schema (draft 2020-12).",
            "content": {"application/schema+json": {"schema": {"type": "object"}}},
        },
        "404": {"description": "No such document kind.", **_ERROR},
    }
)
def get_schema(kind: str) -> ResponseReturnValue:
    """The JSON Schema of a document kind, for form generators."""
    if kind not in KINDS:
        raise ApiError(
            404, f"Unknown document kind '{kind}'. Known: {', '.join(KINDS)}."
        )
    response: Response = jsonify(json_schema(kind))
    response.mimetype = "application/schema+json"
    return response
