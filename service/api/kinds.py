"""What the service can produce: GET /v1/kinds and GET /v1/schemas/<kind>."""

from __future__ import annotations

from flask import Response, jsonify, url_for
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from schemas.jsonschema import json_schema
from schemas.registry import KINDS, LANGUAGES
from service.errors import ApiError
from service.extensions import services
from service.rendering.labels import label

blp = Blueprint(
    "kinds", __name__, url_prefix="/v1", description="Document kinds and their schemas."
)


@blp.route("/kinds", methods=["GET"])
def list_kinds() -> ResponseReturnValue:
    """List the document kinds, their languages and built-in templates."""
    installed: dict[str, list[dict[str, str]]] = {}
    for kind, language, path in services().builtin.available():
        installed.setdefault(kind, []).append({"language": language, "file": path.name})
    return jsonify(
        {
            "kinds": [
                {
                    "kind": kind,
                    "names": {
                        language: label(kind, language) for language in LANGUAGES
                    },
                    "languages": list(LANGUAGES),
                    "templates": installed.get(kind, []),
                    "schema": url_for("kinds.get_schema", kind=kind),
                    "render": url_for(f"documents.render_{kind}"),
                    "validate": url_for(f"documents.validate_{kind}"),
                }
                for kind in KINDS
            ]
        }
    )


@blp.route("/schemas/<kind>", methods=["GET"])
def get_schema(kind: str) -> ResponseReturnValue:
    """The JSON Schema of a document kind, for form generators."""
    if kind not in KINDS:
        raise ApiError(
            404, f"Unknown document kind '{kind}'. Known: {', '.join(KINDS)}."
        )
    response: Response = jsonify(json_schema(kind))
    response.mimetype = "application/schema+json"
    return response
