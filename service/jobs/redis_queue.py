"""Jobs on Redis + RQ: workers on any machine, results reachable from every web
instance.

Redis holds, per job and for ``ttl_seconds`` after its last change, the status
record (``partnerdocs:job:<id>``), the spec (``…:spec``) and the zip
(``…:result``). RQ carries ``run_job(job_id, attempt)`` to a worker
(``flask --app wsgi worker``). A worker that dies mid-job stops the job's
heartbeat; whoever next reads the status after ``stall_seconds`` queues the job
again (a new attempt, which a late reply of the old one cannot overwrite) or,
after ``max_attempts``, marks it failed.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Mapping
from typing import Any

from redis import Redis
from rq import Queue

from service.jobs.queue import FAILED, FINISHED, QUEUED, RUNNING, JobStatus, new_job_id
from service.jobs.spec import BatchSpec

log = logging.getLogger(__name__)
QUEUE_NAME = "partnerdocs"
PREFIX = "partnerdocs:job:"


class Superseded(Exception):
    """A newer attempt of this job has started: this one stops."""


class RedisQueue:
    """Submit to RQ; read statuses and results from Redis."""

    def __init__(
        self,
        redis: Redis,
        *,
        ttl_seconds: int,
        stall_seconds: int,
        max_attempts: int,
        job_timeout: int = 3600,
    ) -> None:
        self.redis = redis
        self.ttl_seconds = ttl_seconds
        self.stall_seconds = stall_seconds
        self.max_attempts = max_attempts
        self.job_timeout = job_timeout
        self.queue = Queue(QUEUE_NAME, connection=redis)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RedisQueue:
        """The queue of an app's configuration (REDIS_URL and the JOB_ settings)."""
        return cls(
            Redis.from_url(config["REDIS_URL"]),
            ttl_seconds=config["JOB_RESULT_TTL_SECONDS"],
            stall_seconds=config["JOB_STALL_SECONDS"],
            max_attempts=config["JOB_MAX_ATTEMPTS"],
        )

    def _key(self, job_id: str, part: str = "") -> str:
        return f"{PREFIX}{job_id}{part}"

    def write(self, status: JobStatus) -> None:
        """Store a status record (its time to live starts again)."""
        self.redis.set(
            self._key(status.id), json.dumps(status.as_json()), ex=self.ttl_seconds
        )

    def read(self, job_id: str) -> JobStatus | None:
        """The stored status record, or None."""
        raw = self.redis.get(self._key(job_id))
        return None if raw is None else JobStatus.from_json(json.loads(raw))

    def spec(self, job_id: str) -> BatchSpec | None:
        """The stored spec of a job, or None once expired."""
        raw = self.redis.get(self._key(job_id, ":spec"))
        return None if raw is None else BatchSpec.from_json(json.loads(raw))

    def _enqueue(self, job_id: str, attempt: int) -> None:
        self.queue.enqueue(
            "service.jobs.worker.run_job",
            job_id,
            attempt,
            job_id=f"{job_id}-a{attempt}",
            job_timeout=self.job_timeout,
            result_ttl=0,
            failure_ttl=self.ttl_seconds,
        )

    def submit(self, spec: BatchSpec, owner: int | None) -> JobStatus:
        """Store the spec and status, then queue the first attempt."""
        status = JobStatus.new(new_job_id(), len(spec.payloads), owner)
        self.redis.set(
            self._key(status.id, ":spec"),
            json.dumps(spec.as_json(), default=str),
            ex=self.ttl_seconds,
        )
        self.write(status)
        self._enqueue(status.id, 1)
        return status

    def status(self, job_id: str) -> JobStatus | None:
        """The job's status; a job whose worker went silent is recovered here."""
        status = self.read(job_id)
        if status is None or status.status != RUNNING:
            return status
        if time.time() - status.heartbeat < self.stall_seconds:
            return status
        # One reader recovers it, however many web instances ask at once.
        lock = self._key(job_id, f":recover:{status.attempts}")
        if not self.redis.set(lock, "1", nx=True, ex=self.ttl_seconds):
            return self.read(job_id)
        if status.attempts < self.max_attempts:
            log.warning("Job %s lost its worker; queued again", job_id)
            status.status, status.heartbeat = QUEUED, time.time()
            self.write(status)
            self._enqueue(job_id, status.attempts + 1)
        else:
            log.error(
                "Job %s lost its worker %d times; failed", job_id, status.attempts
            )
            status.status = FAILED
            status.error = (
                f"The worker running the job stopped ({status.attempts} attempts); "
                "submit it again."
            )
            self.write(status)
        return status

    def result(self, job_id: str) -> bytes | None:
        """The finished job's zip, or None."""
        content = self.redis.get(self._key(job_id, ":result"))
        return None if content is None else bytes(content)

    def run(self, job_id: str, attempt: int, runner: Any) -> None:
        """Run one attempt of a job with ``runner(spec, out, progress)``."""
        status, spec = self.read(job_id), self.spec(job_id)
        if status is None or spec is None or status.status in (FINISHED, FAILED):
            return
        if status.attempts >= attempt:
            return  # this attempt was superseded before it started
        status.status, status.attempts = RUNNING, attempt
        status.done = status.failed = 0
        status.heartbeat = time.time()
        self.write(status)

        def progress(done: int, failed: int) -> None:
            current = self.read(job_id)
            if current is None or current.attempts != attempt:
                raise Superseded
            status.done, status.failed, status.heartbeat = done, failed, time.time()
            self.write(status)

        try:
            with tempfile.TemporaryFile() as out:
                runner(spec, out, progress)
                out.seek(0)
                self.redis.set(
                    self._key(job_id, ":result"), out.read(), ex=self.ttl_seconds
                )
            status.status = FINISHED
        except Superseded:
            log.warning("Job %s attempt %d superseded; stopping", job_id, attempt)
            return
        except Exception as exc:  # any failure must reach the status, not vanish
            log.exception("Job %s failed", job_id)
            status.status, status.error = FAILED, f"The job failed: {exc}"
        status.heartbeat = time.time()
        self.write(status)

    def close(self) -> None:
        """Close the connection pool."""
        self.redis.close()
