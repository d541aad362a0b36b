"""Many documents at once: POST /v1/batches/<kind>, GET /v1/jobs/<id>[/result].

A small batch answers its zip at once; a larger one is queued (202 with
``Location``). A job made with an API key is visible to that organisation only:
to anyone else it does not exist (404).
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

from flask import Response, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_smorest import Blueprint

from schemas.problems import Problem
from schemas.registry import KINDS
from service.api import pdf
from service.api.requests import json_body
from service.api.stored import not_found, version_argument
from service.auth import authenticate
from service.errors import ApiError
from service.filenames import content_disposition
from service.jobs import job_queue, run_in_app
from service.jobs.queue import FINISHED, JobStatus, QueueFull
from service.jobs.render import TemplateNotFound, stored_template
from service.jobs.spec import BatchInvalid, BatchSpec, batch_payloads
from service.jobs.spreadsheet import patches, read_rows

ZIP_MEDIA_TYPE = "application/zip"
MULTIPART = "multipart/form-data"
#: Seconds a client is asked to wait before asking about a job again.
POLL_SECONDS = 2

blp = Blueprint(
    "batches",
    __name__,
    url_prefix="/v1",
    description="Render many documents into one zip, at once or as a job.",
)


def _owner() -> int | None:
    """The caller's organisation: a key is needed with ?template= or when the
    setting asks for one, and makes the job the organisation's when sent."""
    needed = "template" in request.args or current_app.config["REQUIRE_KEY_FOR_BUILTIN"]
    if needed or request.authorization is not None:
        return authenticate().organisation_id
    return None


def _spec(kind: str) -> BatchSpec:
    if kind not in KINDS:
        raise ApiError(
            404, f"Unknown document kind '{kind}'. Known: {', '.join(KINDS)}."
        )
    owner = _owner()
    try:
        body = _spreadsheet_body() if request.mimetype == MULTIPART else json_body()
        payloads, chosen = batch_payloads(
            body, max_items=current_app.config["BATCH_MAX_ITEMS"]
        )
    except BatchInvalid as exc:
        raise ApiError(
            422, "The batch is not valid.", [p.as_dict() for p in exc.problems]
        ) from exc
    if chosen != "docx":
        pdf.require_pdf()
    spec = BatchSpec(
        kind,
        payloads,
        format=chosen,
        template_id=request.args.get("template"),
        template_version=version_argument(),
        organisation_id=owner,
    )
    if spec.template_id is not None:
        try:
            stored_template(spec)  # 404 now, not as every item's failure
        except TemplateNotFound as exc:
            raise not_found(spec.template_id, spec.template_version) from exc
    return spec


def _spreadsheet_body() -> dict[str, Any]:
    """A mail merge posted as multipart: ``base`` (JSON text), ``spreadsheet``
    (a .csv or .xlsx whose headers are field paths), optional ``format``."""
    sheet = request.files.get("spreadsheet")
    if sheet is None or not sheet.filename:
        raise BatchInvalid([Problem("spreadsheet", "Attach a .csv or .xlsx file.")])
    try:
        base = json.loads(request.form.get("base", "{}"), parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise BatchInvalid(
            [Problem("base", f"Not valid JSON: {exc.msg} (line {exc.lineno}).")]
        ) from exc
    body: dict[str, Any] = {
        "base": base,
        "items": patches(read_rows(sheet.read(), sheet.filename)),
    }
    if "format" in request.form:
        body["format"] = request.form["format"]
    return body


def _status_json(status: JobStatus) -> dict[str, object]:
    body: dict[str, object] = {
        "id": status.id,
        "status": status.status,
        "done": status.done,
        "total": status.total,
        "failed": status.failed,
        "result": None,
    }
    if status.status == FINISHED:
        body["result"] = url_for("batches.job_result", job_id=status.id)
    if status.error is not None:
        body["error"] = status.error
    return body


@blp.route("/batches/<kind>", methods=["POST"])
def create_batch(kind: str) -> ResponseReturnValue:
    """Render a batch: the zip at once when small, else 202 and a job to poll."""
    spec = _spec(kind)
    if len(spec.payloads) <= current_app.config["BATCH_SYNC_MAX_ITEMS"]:
        out = io.BytesIO()  # a small batch: a few megabytes at most
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        run_in_app(app)(spec, out, lambda *_: None)
        response = Response(out.getvalue(), mimetype=ZIP_MEDIA_TYPE)
        response.headers["Content-Disposition"] = content_disposition(f"{kind}.zip")
        response.headers["Cache-Control"] = "no-store"
        return response
    try:
        status = job_queue().submit(spec, spec.organisation_id)
    except QueueFull as exc:
        raise ApiError(
            503,
            "The job queue is full; try again later.",
            headers={"Retry-After": str(POLL_SECONDS * 5)},
        ) from exc
    location = url_for("batches.get_job", job_id=status.id)
    response = jsonify(_status_json(status))
    response.status_code = 202
    response.headers["Location"] = location
    response.headers["Retry-After"] = str(POLL_SECONDS)
    return response


def _visible_job(job_id: str) -> JobStatus:
    """The job, when the caller may see it; else 404 (also for others' jobs)."""
    status = job_queue().status(job_id)
    missing = ApiError(404, "There is no such job (or its result has expired).")
    if status is None:
        raise missing
    if status.owner is not None:
        if request.authorization is None:
            raise missing
        if authenticate().organisation_id != status.owner:
            raise missing
    return status


@blp.route("/jobs/<job_id>", methods=["GET"])
def get_job(job_id: str) -> ResponseReturnValue:
    """A job's progress: status, done, total, failed and where its result is."""
    response = jsonify(_status_json(_visible_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/jobs/<job_id>/result", methods=["GET"])
def job_result(job_id: str) -> ResponseReturnValue:
    """A finished job's zip."""
    status = _visible_job(job_id)
    content = job_queue().result(job_id) if status.status == FINISHED else None
    if content is None:
        raise ApiError(
            409,
            f"The job is {status.status}; its result is not ready.",
            headers={"Retry-After": str(POLL_SECONDS)},
        )
    response = Response(content, mimetype=ZIP_MEDIA_TYPE)
    response.headers["Content-Disposition"] = content_disposition("batch.zip")
    response.headers["Cache-Control"] = "no-store"
    return response
