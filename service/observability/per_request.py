"""Per request: the request id, one JSON log line and the request metrics."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, current_app, g, request

from service.extensions import services
from service.observability import context, metrics

#: The logger of the one line per request (``LOG_REQUESTS=false`` silences it).
log = logging.getLogger("partnerdocs.request")
#: Why an upload was refused, by the status it was answered with.
_UPLOAD_REFUSALS = {409: "kind_conflict", 413: "too_large", 415: "not_multipart"}
_UPLOAD_ENDPOINT = "templates.upload_template"
#: Methods counted by name; any other a client sends counts as "other" (a
#: label per made-up method would let clients grow the metrics without end).
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def init_app(app: Flask) -> None:
    """Give every request an id, a log line and its metrics."""
    app.before_request(_begin)
    app.after_request(_finish)
    app.teardown_request(_forget)


def _begin() -> None:
    g.observability_started = time.perf_counter()
    context.begin(request.headers.get(context.REQUEST_ID_HEADER))
    kind = _kind_of_endpoint(request.endpoint)
    context.note(kind=kind)


def _kind_of_endpoint(endpoint: str | None) -> str | None:
    """``documents.render_agreement`` → ``agreement``; None for other endpoints."""
    if endpoint is None or not endpoint.startswith("documents."):
        return None
    return endpoint.partition(".")[2].partition("_")[2] or None


def _finish(response: Response) -> Response:
    started = g.get("observability_started")
    if started is None:  # before_request did not run (a routing-level failure)
        _begin()
        started = g.observability_started
    seconds = time.perf_counter() - started
    fields = context.fields()
    request_id = fields.pop("request_id")
    response.headers[context.REQUEST_ID_HEADER] = request_id
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    method = request.method if request.method in _METHODS else "other"
    metrics.REQUESTS.labels(
        method=method, route=route, status=str(response.status_code)
    ).inc()
    metrics.REQUEST_SECONDS.labels(method=method, route=route).observe(seconds)
    if request.endpoint == _UPLOAD_ENDPOINT and response.status_code >= 400:
        reason = _refusal(response)
        if reason is not None:
            metrics.UPLOADS_REFUSED.labels(reason=reason).inc()
    metrics.sync_cache(services().cache)
    caller = g.get("caller")
    line: dict[str, Any] = {
        "request_id": request_id,
        "method": request.method,
        "route": route,
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 2),
        "bytes_out": response.calculate_content_length(),
        "organisation": None if caller is None else caller.organisation,
        **fields,
    }
    if current_app.config["LOG_REQUESTS"]:
        log.info("request", extra=line)
    return response


def _refusal(response: Response) -> str | None:
    """Why an upload was refused: its check, its form, or the store."""
    status = response.status_code
    if status in _UPLOAD_REFUSALS:
        return _UPLOAD_REFUSALS[status]
    if status == 422:
        body = response.get_json(silent=True) or {}
        problems = body.get("errors") or []
        located = any("path" in problem for problem in problems)
        return "form" if located else "template"
    if status in (503, 507):
        return "storage"
    return None


def _forget(_error: BaseException | None) -> None:
    context.end()
