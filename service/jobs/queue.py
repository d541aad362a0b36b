"""The job queue behind one interface: Redis + RQ, or a bounded in-process pool.

A job is a :class:`~service.jobs.spec.BatchSpec` rendered into a zip. Both
queues keep the same status record (:class:`JobStatus`) and answer the zip
until the job expires. Job ids are 32 random bytes, URL-safe: unguessable.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from typing import Any, Protocol

#: A job waiting for a worker, being rendered, done, or given up.
QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"


class QueueFull(Exception):
    """The queue holds as many waiting jobs as it may."""


def new_job_id() -> str:
    """An unguessable job id."""
    return secrets.token_urlsafe(32)


@dataclass
class JobStatus:
    """What a client may know of a job, and whose it is."""

    id: str
    status: str
    total: int
    done: int = 0
    failed: int = 0
    #: The organisation whose API key made the job; None without a key.
    owner: int | None = None
    error: str | None = None
    created: float = 0.0
    #: Updated after every item: a running job whose heartbeat stops has lost
    #: its worker.
    heartbeat: float = 0.0
    attempts: int = 0
    #: The process of the in-process queue that holds the job.
    pid: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The record as stored."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobStatus:
        """The record :meth:`as_json` wrote."""
        return cls(**data)

    @classmethod
    def new(cls, job_id: str, total: int, owner: int | None) -> JobStatus:
        """A freshly queued job."""
        now = time.time()
        return cls(job_id, QUEUED, total, owner=owner, created=now, heartbeat=now)


class JobQueue(Protocol):
    """Where batches too large to answer at once are rendered."""

    def submit(self, spec: Any, owner: int | None) -> JobStatus:
        """Queue a batch; its status. Raises :class:`QueueFull`."""

    def status(self, job_id: str) -> JobStatus | None:
        """A job's status, or None when there is no such job (or it expired)."""

    def result(self, job_id: str) -> bytes | None:
        """A finished job's zip, or None."""

    def close(self) -> None:
        """Stop taking jobs and release what the queue holds."""
