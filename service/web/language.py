"""The page's language: asked for (``?lang=``), kept (a cookie), or the browser's."""

from __future__ import annotations

from flask import Response, request

from schemas.registry import LANGUAGES

COOKIE = "partnerdocs_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
DEFAULT = "da"


def asked_language() -> str | None:
    """The language the query string asks for, if it is one we have."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else None


def page_language() -> str:
    """The language to answer in: ``?lang=``, then the cookie, then Accept-Language."""
    asked = asked_language()
    if asked is not None:
        return asked
    kept = request.cookies.get(COOKIE)
    if kept in LANGUAGES:
        return kept
    best = request.accept_languages.best_match(LANGUAGES, default=DEFAULT)
    return best or DEFAULT


def keep_language(response: Response) -> Response:
    """Remember a language the query asked for; the answer varies with the asking."""
    asked = asked_language()
    if asked is not None:
        response.set_cookie(
            COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True
        )
    response.vary.update(("Accept-Language", "Cookie"))
    return response
