"""The in-process queue: a bounded thread pool, jobs kept as files.

Each job is a folder under ``directory``: ``status.json`` and, once finished,
``result.zip``. Folders older than the time to live are deleted when the
queue is next used. Several app processes may share the folder (gunicorn
workers): a job whose process is gone while it was queued or running was lost
with it, and is answered failed, never left waiting.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

from service.jobs.queue import (
    FAILED,
    FINISHED,
    QUEUED,
    RUNNING,
    JobStatus,
    QueueFull,
    new_job_id,
)
from service.jobs.spec import BatchSpec

log = logging.getLogger(__name__)
JOB_ID = re.compile(r"[A-Za-z0-9_-]{20,64}")
#: Renders a spec into an open file, reporting (done, failed) after each item.
Runner = Callable[[BatchSpec, IO[bytes], Callable[[int, int], None]], None]


class LocalQueue:
    """Jobs run by ``workers`` threads here, at most ``max_pending`` waiting."""

    def __init__(
        self,
        directory: Path,
        runner: Runner,
        *,
        workers: int,
        max_pending: int,
        ttl_seconds: int,
    ) -> None:
        self.directory = directory
        self.ttl_seconds = ttl_seconds
        self.max_pending = max_pending
        self._runner = runner
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="job")
        self._lock = threading.Lock()
        self._pending = 0
        directory.mkdir(parents=True, exist_ok=True)

    def _folder(self, job_id: str) -> Path:
        return self.directory / job_id

    def _write(self, status: JobStatus) -> None:
        folder = self._folder(status.id)
        temporary = folder / "status.json.tmp"
        temporary.write_text(json.dumps(status.as_json()), encoding="utf-8")
        os.replace(temporary, folder / "status.json")

    def _read(self, job_id: str) -> JobStatus | None:
        try:
            text = (self._folder(job_id) / "status.json").read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            return None
        return JobStatus.from_json(json.loads(text))

    def _orphaned(self, status: JobStatus) -> bool:
        if status.status not in (QUEUED, RUNNING) or status.pid is None:
            return False
        try:
            os.kill(status.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # alive, another user's
            return False
        return False

    def _expire(self) -> None:
        cutoff = time.time() - self.ttl_seconds
        for folder in self.directory.iterdir():
            status = self._read(folder.name) if folder.is_dir() else None
            if status is not None and status.status in (FINISHED, FAILED):
                if status.heartbeat < cutoff:
                    shutil.rmtree(folder, ignore_errors=True)

    def submit(self, spec: BatchSpec, owner: int | None) -> JobStatus:
        """Queue a batch; raise QueueFull when ``max_pending`` jobs wait already."""
        self._expire()
        with self._lock:
            if self._pending >= self.max_pending:
                raise QueueFull
            self._pending += 1
        status = JobStatus.new(new_job_id(), len(spec.payloads), owner)
        status.pid = os.getpid()
        self._folder(status.id).mkdir()
        self._write(status)
        self._pool.submit(self._run, spec, status)
        return status

    def _run(self, spec: BatchSpec, status: JobStatus) -> None:
        status.status, status.attempts = RUNNING, 1
        self._write(status)

        def progress(done: int, failed: int) -> None:
            status.done, status.failed, status.heartbeat = done, failed, time.time()
            self._write(status)

        folder = self._folder(status.id)
        try:
            with open(folder / "result.zip.tmp", "wb") as out:
                self._runner(spec, out, progress)
            os.replace(folder / "result.zip.tmp", folder / "result.zip")
            status.status = FINISHED
        except Exception as exc:  # any failure must reach the status, not vanish
            log.exception("Job %s failed", status.id)
            status.status, status.error = FAILED, f"The job failed: {exc}"
        finally:
            status.heartbeat = time.time()
            self._write(status)
            with self._lock:
                self._pending -= 1

    def status(self, job_id: str) -> JobStatus | None:
        """The job's status, or None."""
        if not JOB_ID.fullmatch(job_id):
            return None
        self._expire()
        found = self._read(job_id)
        if found is not None and self._orphaned(found):
            found.status = FAILED
            found.error = "The server process running the job stopped; submit it again."
            self._write(found)
        return found

    def result(self, job_id: str) -> bytes | None:
        """The finished job's zip, or None."""
        found = self.status(job_id)
        if found is None or found.status != FINISHED:
            return None
        return (self._folder(job_id) / "result.zip").read_bytes()

    def close(self) -> None:
        """Let running jobs finish; take no more."""
        self._pool.shutdown(wait=False, cancel_futures=True)
