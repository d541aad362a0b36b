"""POST /form/documents/<kind>: a plain HTML form (no JavaScript) gets the document.

The form posts the JSON in a field named ``data`` (urlencoded or multipart).
The data walks the API's pipeline (validate → built-in template → .docx); any
problem comes back as a readable HTML page in the page's language, each with
its field path and label, instead of the API's JSON.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from schemas.problems import Problem
from schemas.registry import KINDS, DocumentInvalid
from service.api.documents import builtin_template, docx_response
from service.documents import render_loaded, validate_document
from service.errors import ApiError
from service.extensions import services
from service.web.fieldnames import field_name
from service.web.language import page_language
from service.web.texts import TEXTS


class _PageError(Exception):
    """A problem with the post itself, said in words of the page's language."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def register(blp: Blueprint) -> None:
    """Add the plain post route and its HTML error pages to ``blp``."""
    blp.add_url_rule(
        "/form/documents/<kind>",
        view_func=post_document,
        methods=["POST"],
        endpoint="post_document",
    )
    blp.register_error_handler(_PageError, _page_error)
    blp.register_error_handler(DocumentInvalid, _invalid_page)
    blp.register_error_handler(ApiError, _api_error_page)
    blp.register_error_handler(HTTPException, _http_error_page)


def post_document(kind: str) -> Response:
    """Render the document posted as JSON in the form field ``data``."""
    texts = TEXTS[page_language()]
    if kind not in KINDS:
        raise _PageError(404, f"{texts['unknown_kind']}: {kind}")
    if current_app.config["REQUIRE_KEY_FOR_BUILTIN"]:
        raise ApiError(401, "This service renders documents for API keys only.")
    payload = _parse(request.form.get("data"))
    loaded = validate_document(kind, payload)
    template = builtin_template(kind, loaded.data["language"])
    rendered = render_loaded(loaded, template, renderer=services().in_process)
    return docx_response(rendered)


def _parse(raw: str | None) -> Any:
    texts = TEXTS[page_language()]
    if raw is None:
        raise _PageError(400, texts["missing_data"])
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        where = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise _PageError(400, f"{texts['bad_json']}: {where}.") from exc
    except (ValueError, RecursionError) as exc:
        raise _PageError(400, f"{texts['bad_json']}: {exc}.") from exc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _page(status: int, message: str, problems: list[dict[str, str]]) -> Response:
    language = page_language()
    page = render_template(
        "error.html",
        language=language,
        texts=TEXTS[language],
        message=message,
        problems=problems,
    )
    response = Response(page, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _page_error(error: _PageError) -> Response:
    return _page(error.status, error.message, [])


def _invalid_page(error: DocumentInvalid) -> Response:
    language = page_language()
    kind = (request.view_args or {}).get("kind", "")
    problems = [_described(kind, problem, language) for problem in error.problems]
    return _page(422, TEXTS[language]["invalid"], problems)


def _described(kind: str, problem: Problem, language: str) -> dict[str, str]:
    whole = TEXTS[language]["error_whole"]
    name = field_name(kind, problem.path, language) if problem.path else whole
    return {"path": problem.path, "name": name, "message": problem.message}


def _api_error_page(error: ApiError) -> Response:
    problems = [
        {"path": str(item.get("path", "")), "name": "", "message": item["message"]}
        for item in error.errors or []
        if "message" in item
    ]
    return _page(error.status, error.message, problems)


def _http_error_page(error: HTTPException) -> Response:
    return _page(error.code or 500, error.description or error.name, [])
