"""An organisation's own templates as one zip: /v1/templates/export and /import."""

from __future__ import annotations

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from service.api.operations import keyed_operation
from service.auth import authenticate
from service.errors import ApiError
from service.filenames import content_disposition
from service.storage.archive import ArchiveInvalid, ImportConflict
from service.transfer import export_templates, import_templates

ZIP_MEDIA_TYPE = "application/zip"

blp = Blueprint(
    "transfer",
    __name__,
    url_prefix="/v1/templates",
    description=(
        "Take your templates with you: every template and version in one zip "
        "(manifest with checksums), and back. Needs an API key."
    ),
)


@blp.before_request
def _before() -> None:
    """Ask for the key before the body is read, and allow archive-sized bodies."""
    if request.method == "OPTIONS":
        return
    request.max_content_length = current_app.config["TEMPLATE_IMPORT_MAX_BYTES"]
    authenticate()


_ZIP_RESPONSE: dict[str, object] = {
    "description": "The zip: manifest.json and every version's .docx.",
    "content": {ZIP_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}


@blp.route("/export", methods=["GET"])
@blp.doc(**keyed_operation(ok=_ZIP_RESPONSE))
def export_own_templates() -> ResponseReturnValue:
    """Download every template of your organisation, all versions, as a zip."""
    caller = authenticate()
    data = export_templates(caller.organisation) or b""
    response = Response(data, mimetype=ZIP_MEDIA_TYPE)
    response.headers["Content-Disposition"] = content_disposition(
        f"{caller.organisation}_templates.zip"
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/import", methods=["POST"])
@blp.doc(
    **keyed_operation(
        (409, "A template of the archive exists already (name or id)."),
        (413, "The archive is larger than TEMPLATE_IMPORT_MAX_BYTES."),
        (415, "Not multipart/form-data."),
        (
            422,
            "Not an archive of this service, a changed file, or a template "
            "that fails the upload check.",
        ),
    )
)
def import_own_templates() -> ResponseReturnValue:
    """Import a zip from /export into your organisation: all of it, or nothing."""
    caller = authenticate()
    if request.mimetype != "multipart/form-data":
        raise ApiError(415, "Upload the archive as multipart/form-data, field file.")
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge as exc:
        raise ApiError(413, "The archive is larger than the import limit.") from exc
    if upload is None:
        raise ApiError(
            422,
            "The import form is not valid.",
            [{"path": "file", "message": "Missing the .zip file."}],
        )
    try:
        imported = import_templates(caller.organisation, upload.read())
    except ArchiveInvalid as exc:
        raise ApiError(422, exc.message, exc.problems) from exc
    except ImportConflict as exc:
        raise ApiError(409, str(exc)) from exc
    body = {
        "organisation": imported.organisation,
        "templates": [
            {"id": template_id, "name": name, "versions": versions}
            for template_id, name, versions in imported.templates
        ],
    }
    return body, 201
