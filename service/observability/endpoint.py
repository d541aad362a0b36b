"""``GET /metrics``: Prometheus' text format, for whom ``METRICS_ACCESS`` allows.

``off`` (the default) answers 404 as if there were no such page; ``open``
answers anyone (behind a proxy that keeps it internal); ``token`` answers a
scraper sending ``Authorization: Bearer <METRICS_TOKEN>``, and 401 otherwise.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, request

from service.errors import ApiError
from service.observability import metrics

ACCESS_MODES = ("off", "open", "token")

blp = Blueprint("metrics", __name__)


def check_settings(access: str, token: str) -> None:
    """Refuse a configuration /metrics cannot honour (at start, not at scrape)."""
    if access not in ACCESS_MODES:
        raise ValueError(
            f"METRICS_ACCESS must be one of {', '.join(ACCESS_MODES)}, not {access!r}"
        )
    if access == "token" and not token:
        raise ValueError("METRICS_ACCESS=token needs METRICS_TOKEN")


def _authorised() -> bool:
    header = request.authorization
    if header is None or header.type.lower() != "bearer" or not header.token:
        return False
    expected = current_app.config["METRICS_TOKEN"].encode()
    return hmac.compare_digest(header.token.encode(), expected)


@blp.route("/metrics", methods=["GET"])
def metrics_page() -> Response:
    """The service's metrics in Prometheus' text format."""
    access = current_app.config["METRICS_ACCESS"]
    if access == "off":
        raise ApiError(404, "The requested URL was not found on the server.")
    if access == "token" and not _authorised():
        raise ApiError(
            401,
            "Send the metrics token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    body, content_type = metrics.exposition()
    return Response(
        body, content_type=content_type, headers={"Cache-Control": "no-store"}
    )
