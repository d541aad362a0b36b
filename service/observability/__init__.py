"""Seeing what the service does: request ids, JSON logs and Prometheus metrics.

``init_app`` wires it into an app: the log format, the per-request hooks
(:mod:`.per_request`) and ``GET /metrics`` (:mod:`.endpoint`).
"""

from __future__ import annotations

from flask import Flask

from service.observability import endpoint, logs, metrics, per_request


def init_app(app: Flask) -> None:
    """Configure logging, per-request ids, log lines and metrics, and /metrics."""
    endpoint.check_settings(app.config["METRICS_ACCESS"], app.config["METRICS_TOKEN"])
    logs.configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    metrics.watch_render_workers()
    per_request.init_app(app)
    app.register_blueprint(endpoint.blp)
