"""Notable events: one JSON log line each, and a count in /metrics.

The rooms that have something to tell call :func:`template_event` (or, for
what is built next — PDF conversions, the job queue — :func:`notable`, see
docs/observability.md). Fields carry names and ids, never a key.
"""

from __future__ import annotations

import logging
from typing import Any

from service.observability import metrics

log = logging.getLogger("partnerdocs.event")
TEMPLATE_EVENTS = ("uploaded", "deleted", "restored", "purged")


def notable(event: str, **fields: Any) -> None:
    """Log one notable event as a JSON line with its fields."""
    log.info(event, extra={"event": event, **fields})


def template_event(event: str, **fields: Any) -> None:
    """A funder's template uploaded, deleted, restored or purged: logged and counted."""
    if event not in TEMPLATE_EVENTS:
        raise ValueError(f"not a template event: {event!r}")
    metrics.TEMPLATE_EVENTS.labels(event=event).inc()
    notable(f"template_{event}", **fields)
