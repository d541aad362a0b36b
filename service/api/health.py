"""GET /healthz for load balancers: 200 when the service can render, else 503."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from schemas.registry import KINDS, LANGUAGES
from service.extensions import services

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def health() -> ResponseReturnValue:
    """Report whether every built-in template is installed."""
    installed = {
        (kind, language) for kind, language, _ in services().builtin.available()
    }
    missing = [
        f"{kind}.{language}"
        for kind in KINDS
        for language in LANGUAGES
        if (kind, language) not in installed
    ]
    checks = {"templates": "ok" if not missing else f"missing: {', '.join(missing)}"}
    healthy = not missing
    return jsonify({"status": "ok" if healthy else "unavailable", "checks": checks}), (
        200 if healthy else 503
    )
