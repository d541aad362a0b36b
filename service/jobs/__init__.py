"""Batches: many documents into one zip, at once or as a queued job.

:func:`init_app` gives the app its queue: Redis + RQ when ``REDIS_URL`` is
set (workers: ``flask --app wsgi worker``), else a bounded pool of threads in
each app process. Below this module nothing knows of Flask but the job runner,
which renders within an app context.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path
from typing import IO

from flask import Flask, current_app

from service.jobs.queue import JobQueue
from service.jobs.render import item_converter, item_renderer
from service.jobs.run import write_batch
from service.jobs.spec import BatchSpec

EXTENSION_KEY = "partnerdocs.jobs"


def run_in_app(
    app: Flask,
) -> Callable[[BatchSpec, IO[bytes], Callable[[int, int], None]], None]:
    """A job runner rendering specs within ``app``'s context."""

    def run(
        spec: BatchSpec, out: IO[bytes], progress: Callable[[int, int], None]
    ) -> None:
        with app.app_context():
            convert = item_converter() if spec.format != "docx" else None
            write_batch(
                spec, item_renderer(spec), out, convert=convert, progress=progress
            )

    return run


def init_app(app: Flask) -> JobQueue:
    """Give the app its job queue, from REDIS_URL or in-process."""
    queue: JobQueue
    if app.config["REDIS_URL"]:
        from service.jobs.redis_queue import RedisQueue

        queue = RedisQueue.from_config(app.config)
    else:
        from service.jobs.local import LocalQueue

        queue = LocalQueue(
            Path(app.config["JOBS_DIR"] or Path(app.instance_path) / "jobs"),
            run_in_app(app),
            workers=app.config["JOB_WORKERS"],
            max_pending=app.config["JOB_MAX_PENDING"],
            ttl_seconds=app.config["JOB_RESULT_TTL_SECONDS"],
        )
    app.extensions[EXTENSION_KEY] = queue
    weakref.finalize(app, queue.close)
    return queue


def job_queue() -> JobQueue:
    """The current app's job queue."""
    queue: JobQueue = current_app.extensions[EXTENSION_KEY]
    return queue
