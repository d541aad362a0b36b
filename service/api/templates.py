"""Funders' own templates: upload, list, read, download, preview and delete.

Every endpoint here needs an API key; a template belongs to the organisation of
the key that uploaded it and is invisible (404) to every other organisation.
Uploading under a name already used makes the next version of that template.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Response, current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_smorest import Api, Blueprint
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from schemas.problems import flatten_errors
from schemas.registry import KINDS, LANGUAGES, load_document
from service import template_bin
from service.api.documents import DOCX_MEDIA_TYPE, VERSION_SCHEMA, docx_response
from service.api.operations import keyed_operation
from service.api.stored import (
    find_version,
    not_found,
    render_with_stored,
    stored_template,
    version_argument,
)
from service.auth import SECURITY_SCHEME, authenticate
from service.config import MIB
from service.errors import ApiError
from service.examples import example_payload
from service.extensions import services
from service.filenames import content_disposition
from service.observability.events import template_event
from service.rendering.engine import COMPILED
from service.rendering.package_limits import PackageLimits
from service.storage import repository
from service.storage.db import database
from service.storage.models import TemplateVersion

#: Room for the multipart envelope and the form fields around the file.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_NAME_LENGTH = 200

blp = Blueprint(
    "templates",
    __name__,
    url_prefix="/v1/templates",
    description=(
        "Funders' own .docx templates: upload (a new version per upload under "
        "the same name), inspect, download, preview and delete. Needs an API key."
    ),
)


# --- request and response schemas ---------------------------------------------


class UploadFormSchema(ma.Schema):
    """The form fields sent with the .docx."""

    class Meta:
        unknown = ma.RAISE

    name = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Length(min=1, max=MAX_NAME_LENGTH),
            # A NUL cannot be stored in PostgreSQL; none belongs in a name.
            ma.validate.Regexp(
                r"[^\x00-\x1f\x7f]*\Z", error="Must not contain control characters."
            ),
        ],
        metadata={
            "description": "The template's name; the same name makes a new "
            "version of the same template."
        },
    )
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(KINDS),
        metadata={"description": "The document kind the template serves."},
    )
    language = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "The language the template is written in."},
    )

    @ma.pre_load
    def _strip(self, data: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {
            key: value.strip() if isinstance(value, str) else value
            for key, value in data.items()
        }


UPLOAD_FORM = UploadFormSchema()


class VersionSchema(ma.Schema):
    """One version of a template, without its findings."""

    version = ma.fields.Integer()
    language = ma.fields.String()
    filename = ma.fields.String(metadata={"description": "Name of the uploaded file"})
    size = ma.fields.Integer(metadata={"description": "Bytes of the .docx"})
    sha256 = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    engine = ma.fields.String(
        allow_none=True,
        metadata={"description": '"compiled", or "docxtpl" when it cannot compile'},
    )
    file = ma.fields.String(metadata={"description": "Where to download it"})


class TemplateSummarySchema(VersionSchema):
    """A template at one version, with what the upload check found."""

    id = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    latest_version = ma.fields.Integer()
    fallback_reason = ma.fields.String(allow_none=True)
    variables = ma.fields.List(
        ma.fields.String(), metadata={"description": "The variables it uses"}
    )
    report = ma.fields.Dict(
        metadata={
            "description": (
                "The upload check's findings: variables, unknown_variables, "
                "extra_variables and problems"
            )
        }
    )


class TemplateSchema(TemplateSummarySchema):
    """A template at one version, with every version listed."""

    versions = ma.fields.List(
        ma.fields.Nested(VersionSchema), metadata={"description": "Oldest first"}
    )


# --- helpers ------------------------------------------------------------------


def _file_url(version: TemplateVersion) -> str:
    return url_for(
        "templates.download_template",
        template_id=version.template_id,
        version=version.version,
    )


def _version_json(version: TemplateVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "language": version.language,
        "filename": version.filename,
        "size": version.size,
        "sha256": version.sha256,
        "created_at": version.created_at,
        "engine": version.engine,
        "file": _file_url(version),
    }


def _template_json(
    version: TemplateVersion, versions: list[TemplateVersion] | None = None
) -> dict[str, Any]:
    template = version.template
    body = {
        "id": template.id,
        "name": template.name,
        "kind": template.kind,
        "latest_version": template.latest_version,
        **_version_json(version),
        "fallback_reason": version.fallback_reason,
        "variables": list(version.report.get("variables", [])),
        "report": version.report,
    }
    if versions is not None:
        body["versions"] = [_version_json(each) for each in versions]
    return body


def package_limits() -> PackageLimits:
    """The upload limits from the app's configuration."""
    config = current_app.config
    return PackageLimits(
        max_upload_bytes=config["TEMPLATE_MAX_UPLOAD_BYTES"],
        max_members=config["TEMPLATE_MAX_MEMBERS"],
        max_member_bytes=config["TEMPLATE_MAX_MEMBER_BYTES"],
        max_total_bytes=config["TEMPLATE_MAX_UNCOMPRESSED_BYTES"],
    )


def _too_large() -> ApiError:
    limit = current_app.config["TEMPLATE_MAX_UPLOAD_BYTES"]
    size = (
        f"{limit / MIB:.1f}".removesuffix(".0") + " MiB"
        if limit >= MIB
        else f"{limit / 1024:.1f}".removesuffix(".0") + " KiB"
    )
    return ApiError(413, f"The upload is too large: a template may be at most {size}.")


def _read_upload() -> tuple[dict[str, str], FileStorage]:
    """The form fields and the file, or a 422 naming every missing or bad field."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(
            415,
            "Upload the template as multipart/form-data with the fields file, "
            "name, kind and language.",
        )
    try:
        form = request.form.to_dict()
        upload = request.files.get("file")
    except RequestEntityTooLarge as exc:
        raise _too_large() from exc
    problems: list[dict[str, str]] = []
    if upload is None or not upload.filename:
        problems.append({"path": "file", "message": "Missing the .docx file."})
    form.pop("file", None)
    fields: dict[str, str] = {}
    try:
        fields = UPLOAD_FORM.load(form)
    except ma.ValidationError as error:
        problems.extend(problem.as_dict() for problem in flatten_errors(error.messages))
    if problems or upload is None:
        problems.sort(key=lambda problem: problem["path"])
        raise ApiError(422, "The upload form is not valid.", problems)
    return fields, upload


def _uploaded_filename(upload: FileStorage) -> str:
    name = (upload.filename or "template.docx").replace("\\", "/").rsplit("/", 1)[-1]
    # Control characters left out: PostgreSQL cannot store a NUL.
    name = "".join(char for char in name if char.isprintable())
    return name[:255] or "template.docx"


# --- views --------------------------------------------------------------------


@blp.before_request
def _before() -> None:
    """Let uploads be larger than JSON bodies, and ask for the key first.

    Both happen before the body is read: the upload limit must be set before
    the form is parsed, and a caller without a key should not upload at all.
    """
    if request.method == "OPTIONS":  # CORS preflight: never authenticated
        return
    limit = current_app.config["TEMPLATE_MAX_UPLOAD_BYTES"] + FORM_OVERHEAD_BYTES
    request.max_content_length = limit
    authenticate()
    if request.content_length is not None and request.content_length > limit:
        raise _too_large()


_UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "name", "kind", "language"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The .docx template",
                        },
                        "name": {"type": "string", "maxLength": MAX_NAME_LENGTH},
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "language": {"type": "string", "enum": list(LANGUAGES)},
                    },
                }
            }
        },
    },
}


_VERSION_PARAMETER = {
    "name": "version",
    "in": "query",
    "required": False,
    "schema": VERSION_SCHEMA,
    "description": "A version number; the latest version when left out.",
}
_DOCX_RESPONSE = {
    "description": "The .docx file.",
    "content": {DOCX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
}


@blp.route("", methods=["POST"])
@blp.doc(**_UPLOAD_DOC)
@blp.doc(
    **keyed_operation(
        (409, "The name is taken by a template of another kind."),
        (413, "The file is larger than the upload limit, or expands too much."),
        (415, "Not multipart/form-data."),
        (422, "A missing field, or a template with problems (located)."),
    )
)
@blp.response(201, TemplateSchema)
def upload_template() -> ResponseReturnValue:
    """Upload a template, or a new version of the one with the same name."""
    caller = authenticate()
    fields, upload = _read_upload()
    source = upload.read()
    # The whole check (package limits first, then inspection and compiling) runs
    # in an isolated worker: nothing here parses, compiles or evaluates the file.
    report = services().isolated.check(source, fields["kind"], package_limits())
    try:
        stored = repository.create_or_version_template(
            database(),
            caller.organisation_id,
            repository.NewVersion(
                name=fields["name"],
                kind=fields["kind"],
                language=fields["language"],
                filename=_uploaded_filename(upload),
                content=source,
                report=report,
                engine=COMPILED,
                fallback_reason=None,
            ),
        )
    except repository.KindConflict as exc:
        raise ApiError(409, str(exc)) from exc
    template_event(
        "uploaded",
        template_id=stored.template_id,
        template_version=stored.version,
        organisation=caller.organisation,
        key_prefix=caller.key_prefix,
    )
    with database().transaction() as session:
        versions = repository.list_versions(session, stored.template)
    location = url_for("templates.get_template", template_id=stored.template_id)
    return _template_json(stored, versions), 201, {"Location": location}


@blp.route("", methods=["GET"])
@blp.doc(**keyed_operation())
@blp.response(200, TemplateSummarySchema(many=True))
def list_templates() -> ResponseReturnValue:
    """List the caller's templates, each at its latest version."""
    caller = authenticate()
    with database().transaction() as session:
        latest = repository.list_templates(session, caller.organisation_id)
    return [_template_json(version) for version in latest]


@blp.route("/<template_id>", methods=["GET"])
@blp.doc(
    parameters=[_VERSION_PARAMETER],
    **keyed_operation(
        (404, "No such template or version."), (422, "Not a version number.")
    ),
)
@blp.response(200, TemplateSchema)
def get_template(template_id: str) -> ResponseReturnValue:
    """A template at its latest (or the given) version, with every version listed."""
    caller = authenticate()
    found = find_version(caller, template_id, version_argument())
    with database().transaction() as session:
        versions = repository.list_versions(session, found.template)
    return _template_json(found, versions)


@blp.route("/<template_id>/file", methods=["GET"])
@blp.doc(
    parameters=[_VERSION_PARAMETER],
    **keyed_operation(
        (404, "No such template or version."),
        (422, "Not a version number."),
        ok=_DOCX_RESPONSE,
    ),
)
def download_template(template_id: str) -> ResponseReturnValue:
    """Download the .docx of a template at its latest (or the given) version."""
    caller = authenticate()
    found = find_version(caller, template_id, version_argument(), with_content=True)
    response = Response(found.content, mimetype=DOCX_MEDIA_TYPE)
    response.headers["Content-Disposition"] = content_disposition(found.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.set_etag(found.sha256)
    return response


@blp.route("/<template_id>/preview", methods=["POST"])
@blp.doc(
    parameters=[_VERSION_PARAMETER],
    **keyed_operation(
        (404, "No such template or version."),
        (413, "The render went over its memory or output limit."),
        (422, "Not a version number, or the template fails on the example."),
        (503, "Every isolated render worker stayed busy."),
        ok=_DOCX_RESPONSE,
    ),
)
def preview_template(template_id: str) -> ResponseReturnValue:
    """Render the template with the built-in example of its kind and language."""
    caller = authenticate()
    found, prepared = stored_template(caller, template_id, version_argument())
    kind = found.template.kind
    loaded = load_document(kind, example_payload(kind, found.language))
    rendered = render_with_stored(loaded, found, prepared)
    stem = found.template.name.replace("/", "-")
    return docx_response(
        dataclasses.replace(rendered, filename=f"{stem}_preview_v{found.version}.docx")
    )


@blp.route("/<template_id>", methods=["DELETE"])
@blp.doc(**keyed_operation((404, "No such template.")))
@blp.response(204)
def delete_template(template_id: str) -> ResponseReturnValue:
    """Delete a template with all its versions (restorable for a grace period)."""
    caller = authenticate()
    if not template_bin.delete(caller.organisation_id, template_id):
        raise not_found(template_id)
    template_event(
        "deleted",
        template_id=template_id,
        organisation=caller.organisation,
        key_prefix=caller.key_prefix,
    )
    return ""


def document_security(api: Api) -> None:
    """Describe the bearer API key in the OpenAPI document and require it here."""
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from `flask --app wsgi keys create <org>`.",
        },
    )
