"""Finding a caller's stored template and rendering with it, for both blueprints.

``/v1/templates/<id>/preview`` and ``/v1/documents/<kind>?template=<id>`` render
the same way: the version is looked up for the caller's organisation only (any
other organisation's template is "not found"), handed to the isolated worker
pool unprepared, and compiled and rendered there, never in this process.
"""

from __future__ import annotations

import dataclasses

from flask import request

from schemas.problems import Problem
from schemas.registry import LoadedDocument
from service.auth import Caller
from service.documents import RenderedDocument, render_loaded
from service.errors import ApiError
from service.extensions import services
from service.observability import context
from service.rendering.engine import PreparedTemplate
from service.rendering.isolation import unprepared
from service.storage import repository
from service.storage.db import database
from service.storage.models import MAX_INTEGER, TemplateVersion


def not_found(template_id: str, version: int | None = None) -> ApiError:
    """The 404 for a template (or one version of it) the caller does not have."""
    if version is None:
        return ApiError(404, f"There is no template '{template_id}'.")
    return ApiError(404, f"Template '{template_id}' has no version {version}.")


def version_argument() -> int | None:
    """The ``?version=N`` query argument: a whole number from 1, or None."""
    raw = request.args.get("version")
    if raw is None:
        return None
    # isdigit() alone admits "²", which int() refuses; and no version number
    # is beyond the database's integers (more digits are not worth parsing).
    digits = raw.lstrip("0")
    if raw.isascii() and raw.isdigit() and 0 < len(digits) <= len(str(MAX_INTEGER)):
        number = int(digits)
        if number <= MAX_INTEGER:
            return number
    message = f"Must be a whole number from 1 to {MAX_INTEGER}."
    raise ApiError(
        422,
        f"The version must be a whole number from 1 to {MAX_INTEGER}.",
        [{"path": "version", "message": message}],
    )


def find_version(
    caller: Caller,
    template_id: str,
    version: int | None,
    *,
    with_content: bool = False,
) -> TemplateVersion:
    """A version (the latest when None) of the caller's template, else a 404."""
    with database().transaction() as session:
        found = repository.get_version(
            session,
            caller.organisation_id,
            template_id,
            version,
            with_content=with_content,
        )
        if found is not None:
            context.note(
                template_id=template_id,
                template_version=found.version,
                kind=found.template.kind,
                engine=found.engine,
            )
            return found
        exists = repository.get_template(session, caller.organisation_id, template_id)
    raise not_found(template_id, version if exists is not None else None)


def stored_template(
    caller: Caller, template_id: str, version: int | None
) -> tuple[TemplateVersion, PreparedTemplate]:
    """A version of the caller's template, unprepared (404 if not theirs).

    The template is compiled in the isolated worker that renders it, never in
    this process.
    """
    found = find_version(caller, template_id, version, with_content=True)
    return found, unprepared(found.content)


def render_with_stored(
    loaded: LoadedDocument, found: TemplateVersion, prepared: PreparedTemplate
) -> RenderedDocument:
    """Render a loaded document with a funder's template in the isolated workers.

    A template written in another language than the document still renders;
    the response then carries a warning saying so.
    """
    rendered = render_loaded(loaded, prepared, renderer=services().isolated.render)
    language = loaded.data.get("language")
    if language is not None and language != found.language:
        warning = Problem(
            "language",
            f"The template is written in '{found.language}' and the document in "
            f"'{language}'; dates, amounts and labels follow the document.",
            "template_language",
        )
        rendered = dataclasses.replace(rendered, warnings=[*rendered.warnings, warning])
    return rendered
