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
    """ "ok" when every built-in template prepares, else which do not and why.

    Each is prepared through the template cache: the first check costs a
    preparation per template, later ones a stat each.
    """
    builtin = services().builtin
    failing: dict[str, list[str]] = {}
    for kind in KINDS:
        for language in LANGUAGES:
            problem = builtin.problem(kind, language)
            if problem is None:
                continue
            name = f"{kind}.{language}"
            current_app.logger.error("Health check: built-in %s %s", name, problem)
            failing.setdefault(problem.split(":", 1)[0], []).append(name)
    if not failing:
        return "ok"
    return "; ".join(f"{why}: {', '.join(names)}" for why, names in failing.items())


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
    """Report whether every built-in template prepares and the database answers."""
    checks = {"templates": _templates_check(), "database": _database_check()}
    healthy = all(result == "ok" for result in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return jsonify(body), 200 if healthy else 503
