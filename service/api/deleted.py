"""The bin of deleted templates: list them, and restore one (with every version)."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from service import template_bin
from service.api.operations import keyed_operation
from service.auth import authenticate
from service.errors import ApiError
from service.observability.events import template_event
from service.storage import repository
from service.storage.db import database

blp = Blueprint(
    "deleted",
    __name__,
    url_prefix="/v1/templates",
    description=(
        "Deleted templates stay restorable for TEMPLATE_DELETE_GRACE_DAYS "
        "(30 by default), then are purged. Needs an API key."
    ),
)


class DeletedTemplateSchema(ma.Schema):
    """A template in the bin."""

    id = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    latest_version = ma.fields.Integer()
    deleted_at = ma.fields.AwareDateTime()
    purge_after = ma.fields.AwareDateTime(
        metadata={"description": "When it will be deleted for good"}
    )


@blp.before_request
def _before() -> None:
    """Every endpoint here needs the key."""
    if request.method != "OPTIONS":
        authenticate()


@blp.route("/deleted", methods=["GET"])
@blp.doc(**keyed_operation())
@blp.response(200, DeletedTemplateSchema(many=True))
def list_deleted_templates() -> ResponseReturnValue:
    """Your deleted templates that can still be restored, newest deletion first."""
    caller = authenticate()
    with database().transaction() as session:
        deleted = repository.list_deleted(session, caller.organisation_id)
    return [
        {
            "id": template.id,
            "name": template.name,
            "kind": template.kind,
            "latest_version": template.latest_version,
            "deleted_at": template.deleted_at,
            "purge_after": template_bin.purge_after(template),
        }
        for template in deleted
    ]


@blp.route("/<template_id>/restore", methods=["POST"])
@blp.doc(
    **keyed_operation(
        (404, "No such template in the bin."),
        (409, "A template of the same name exists now."),
    )
)
@blp.response(200, DeletedTemplateSchema)
def restore_template(template_id: str) -> ResponseReturnValue:
    """Take a deleted template out of the bin, with every version."""
    caller = authenticate()
    try:
        with database().transaction(writing=True) as session:
            restored = repository.restore_template(
                session, caller.organisation_id, template_id
            )
    except repository.NameTaken as exc:
        raise ApiError(409, str(exc)) from exc
    if restored is None:
        raise ApiError(404, f"There is no deleted template '{template_id}'.")
    template_event(
        "restored",
        template_id=template_id,
        organisation=caller.organisation,
        key_prefix=caller.key_prefix,
    )
    return {
        "id": restored.id,
        "name": restored.name,
        "kind": restored.kind,
        "latest_version": restored.latest_version,
        "deleted_at": None,
        "purge_after": None,
    }
