"""The service's Prometheus metrics, correct across gunicorn workers.

Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py does): every
worker process then writes its values to files there, ``GET /metrics`` adds
up every process's files (:func:`exposition`), and gunicorn's ``child_exit``
hook marks a dead worker's gauges gone. Without it (tests, ``flask run``) the
values live in this process alone.

Adding a metric elsewhere (the PDF converter, the job queue) means defining it
here, beside the others, so that one module lists everything /metrics says;
see docs/observability.md for the hooks kept for them.
"""

from __future__ import annotations

import logging
import os
import weakref

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

from service.rendering.cache import TemplateCache

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: Buckets for request and render times: a render takes milliseconds, a
#: funder's template up to RENDER_TIMEOUT_SECONDS (5 s by default).
if os.environ.get(MULTIPROC_ENV):  # a folder named but not made yet: make it
    os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)
SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "partnerdocs_http_requests",
    "Requests answered, by method, route (the URL rule) and status.",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "partnerdocs_http_request_duration_seconds",
    "Time from the request's start in the app to its response, by route.",
    ["method", "route"],
    buckets=SECONDS_BUCKETS,
)
RENDER_SECONDS = Histogram(
    "partnerdocs_render_duration_seconds",
    "Time rendering a document (context to .docx bytes), by kind and engine.",
    ["kind", "engine"],
    buckets=SECONDS_BUCKETS,
)
VALIDATION_FAILURES = Counter(
    "partnerdocs_validation_failures",
    "Documents refused as invalid (422), by document kind.",
    ["kind"],
)
UPLOADS_REFUSED = Counter(
    "partnerdocs_template_uploads_refused",
    "Template uploads refused, by reason (too_large, not_multipart, form, "
    "template, kind_conflict, storage).",
    ["reason"],
)
TEMPLATE_EVENTS = Counter(
    "partnerdocs_template_events",
    "Funders' templates uploaded, deleted, restored and purged.",
    ["event"],
)
RENDER_WORKERS_REPLACED = Counter(
    "partnerdocs_render_workers_replaced",
    "Isolated render workers stopped and replaced on next use, by reason "
    "(died, retired, start_failed).",
    ["reason"],
)
CACHE_EVENTS = Counter(
    "partnerdocs_template_cache",
    "Prepared-template cache of the app processes: hit, miss, eviction, "
    "uncached (too large to keep).",
    ["event"],
)
CACHE_BYTES = Gauge(
    "partnerdocs_template_cache_bytes",
    "Estimated bytes the prepared-template caches of the live app processes hold.",
    multiprocess_mode="livesum",
)
CACHE_ENTRIES = Gauge(
    "partnerdocs_template_cache_entries",
    "Prepared templates the caches of the live app processes hold.",
    multiprocess_mode="livesum",
)

_CACHE_COUNTERS = {"hits": "hit", "misses": "miss", "evictions": "eviction"}
_CACHE_COUNTERS["uncached"] = "uncached"
#: The cache counters already counted, per cache (a test process holds many apps).
_counted: weakref.WeakKeyDictionary[TemplateCache, dict[str, int]] = (
    weakref.WeakKeyDictionary()
)


def observe_render(kind: str, engine: str, seconds: float) -> None:
    """Count one render's time."""
    RENDER_SECONDS.labels(kind=kind, engine=engine).observe(seconds)


def sync_cache(cache: TemplateCache) -> None:
    """Bring the cache metrics up to ``cache.stats()`` (counted once per change)."""
    stats = cache.stats()
    counted = _counted.setdefault(cache, {})
    for field, event in _CACHE_COUNTERS.items():
        grown = stats[field] - counted.get(field, 0)
        if grown > 0:
            CACHE_EVENTS.labels(event=event).inc(grown)
            counted[field] = stats[field]
    CACHE_BYTES.set(stats["bytes"])
    CACHE_ENTRIES.set(stats["entries"])


class WorkerReplacements(logging.Handler):
    """Count isolated render workers replaced, from what isolation.py logs.

    service/rendering/isolation.py logs each worker it stops for good
    ("template renderer %s died …", "… retired …"); counting those records
    keeps the rendering room free of metrics code.
    """

    REASONS = {
        "template renderer %s died (exit code %s)": "died",
        "template renderer %s retired: it grew too large": "retired",
        "template renderer %s died while starting (exit code %s)": "start_failed",
    }

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record if it tells of a replaced worker."""
        reason = self.REASONS.get(str(record.msg))
        if reason is not None:
            RENDER_WORKERS_REPLACED.labels(reason=reason).inc()


def watch_render_workers() -> None:
    """Count worker replacements from the isolation logger (once per process)."""
    isolation = logging.getLogger("service.rendering.isolation")
    if not any(isinstance(each, WorkerReplacements) for each in isolation.handlers):
        isolation.addHandler(WorkerReplacements())


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, every gunicorn worker's summed."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
