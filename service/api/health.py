"""GET /healthz for load balancers: 200 when the service can render, else 503."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from schemas.registry import KINDS, LANGUAGES
from service.extensions import services
from service.storage.db import DatabaseUnavailable, database

blp = Blueprint("health", __name__)


def _templates_check() -> str:
    installed = {(kind, lang) for kind, lang, _ in services().builtin.available()}
    missing = [
        f"{kind}.{language}"
        for kind in KINDS
        for language in LANGUAGES
        if (kind, language) not in installed
    ]
    return "ok" if not missing else f"missing: {', '.join(missing)}"


def _database_check() -> str:
    try:
        with database().transaction() as session:
            session.execute(text("SELECT 1"))
    except (SQLAlchemyError, DatabaseUnavailable) as exc:
        current_app.logger.error("Health check: database unreachable: %s", exc)
        return "unreachable"
    return "ok"


@blp.get("/healthz")
def health() -> ResponseReturnValue:
    """Report whether every built-in template is installed and the database answers."""
    checks = {"templates": _templates_check(), "database": _database_check()}
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return jsonify(body), 200 if healthy else 503
