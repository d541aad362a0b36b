"""The form: GET / serves the page, POST /form/documents/<kind> takes a plain post.

The page is a shell; the form itself is built in the browser from the kind's
JSON Schema (GET /v1/schemas/<kind>) by the bundle in ``static/form/``, built
from ``frontend/form/``. A plain HTML form with no JavaScript posts the JSON in
a field ``data`` and gets the document, or its problems as an HTML page.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, url_for

from schemas.registry import KINDS, LANGUAGES
from service.rendering.labels import LABELS, label
from service.web import plain_post
from service.web.language import keep_language, page_language
from service.web.order import field_order
from service.web.references import PARTY_REFERENCES
from service.web.texts import TEXTS

blp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/form/static",
)
plain_post.register(blp)


@blp.get("/")
def form_page() -> Response:
    """The form, in the language asked for, kept, or preferred by the browser."""
    language = page_language()
    config = {
        "language": language,
        "languages": list(LANGUAGES),
        "kinds": [
            {
                "kind": kind,
                "names": {each: label(kind, each) for each in LANGUAGES},
                "schema": url_for("kinds.get_schema", kind=kind),
                "validate": url_for(f"documents.validate_{kind}"),
                "render": url_for(f"documents.render_{kind}"),
                "partyReferences": list(PARTY_REFERENCES[kind]),
                "order": field_order(kind),
            }
            for kind in KINDS
        ],
        "labels": LABELS,
        "templates": url_for("templates.list_templates"),
    }
    page = render_template(
        "form.html",
        language=language,
        languages=LANGUAGES,
        texts=TEXTS[language],
        config=config,
    )
    response = Response(page, mimetype="text/html")
    return keep_language(response)
