"""The RQ side: the job function workers run, and ``flask --app wsgi worker``."""

from __future__ import annotations

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from rq import SimpleWorker

from service.jobs import job_queue, run_in_app
from service.jobs.redis_queue import RedisQueue

_app: Flask | None = None


def _current_app() -> Flask:
    """The worker's app: the CLI's, or one made from the environment (plain ``rq
    worker``), once per process."""
    global _app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    if _app is None:
        from service import create_app

        _app = create_app()
    return _app


def run_job(job_id: str, attempt: int) -> None:
    """Render one attempt of a queued batch (called by RQ in a worker)."""
    app = _current_app()
    with app.app_context():
        queue = job_queue()
        if not isinstance(queue, RedisQueue):
            raise RuntimeError("REDIS_URL is not set in the worker's environment")
        queue.run(job_id, attempt, run_in_app(app))


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run batch jobs from Redis (REDIS_URL); run one or more on any machine."""
    queue = job_queue()
    if not isinstance(queue, RedisQueue):
        raise click.UsageError("Set REDIS_URL to the Redis the web service uses.")
    # SimpleWorker: jobs run in this process, so PDF converters stay warm.
    SimpleWorker([queue.queue], connection=queue.redis).work(burst=burst)
