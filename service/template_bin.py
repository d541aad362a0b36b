"""Deleted templates wait in a bin for TEMPLATE_DELETE_GRACE_DAYS, then are purged.

A funder who deletes a template by mistake can restore it, with every
version, until the grace period ends. Expired templates are purged whenever
the organisation deletes another one, and for every organisation by
``flask --app wsgi templates purge`` (run it daily from cron). A grace period
of 0 deletes at once, for good.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from service.observability.events import template_event
from service.storage import repository
from service.storage.db import database
from service.storage.models import Template, utcnow


def grace_period() -> dt.timedelta:
    """How long a deleted template stays restorable."""
    return dt.timedelta(days=current_app.config["TEMPLATE_DELETE_GRACE_DAYS"])


def purge_after(template: Template) -> dt.datetime | None:
    """When a template in the bin will be purged."""
    if template.deleted_at is None:
        return None
    return template.deleted_at + grace_period()


def delete(organisation_id: int, template_id: str) -> bool:
    """Move the template to the bin (purge at once without a grace period).

    False if the organisation has no such template.
    """
    # The write lock from the start (SQLite): a read snapshot that another
    # write made stale cannot be upgraded, and would fail with "locked".
    with database().transaction(writing=True) as session:
        if not repository.delete_template(session, organisation_id, template_id):
            return False
        # Without a grace period everything in the bin is expired, this one too.
        cutoff = utcnow() - grace_period() + dt.timedelta(microseconds=1)
        purged = repository.purge_deleted(session, cutoff, organisation_id)
    for each in purged:
        template_event("purged", template_id=each)
    return True


def purge_expired() -> list[str]:
    """Purge every organisation's templates whose grace period is over; their ids."""
    with database().transaction(writing=True) as session:
        purged = repository.purge_deleted(session, utcnow() - grace_period())
    for each in purged:
        template_event("purged", template_id=each)
    return purged
