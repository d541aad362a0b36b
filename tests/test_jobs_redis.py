"""Batch jobs on Redis + RQ, end to end with real workers started as processes.

Needs a Redis server: REDIS_URL_TEST (scripts/test.sh starts one).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis import Redis

from service import create_app
from tests.conftest import PROJECT_ROOT, all_text, open_docx
from tests.test_batches import letters, open_zip

REDIS_URL = os.environ.get("REDIS_URL_TEST")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL_TEST is not set")


@pytest.fixture()
def make_app(tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Web apps on the test Redis (emptied first), queuing batches over one item."""
    assert REDIS_URL is not None
    Redis.from_url(REDIS_URL).flushdb()

    def make(**settings: Any) -> Flask:
        return create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'web.sqlite3'}",
                "REDIS_URL": REDIS_URL,
                "BATCH_SYNC_MAX_ITEMS": 1,
                **settings,
            }
        )

    yield make


@pytest.fixture()
def start_worker(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start `flask --app wsgi worker` processes; kill whatever is left at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        assert REDIS_URL is not None
        environment = {
            **os.environ,
            "REDIS_URL": REDIS_URL,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        }
        with open(tmp_path / f"worker{len(started)}.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
                cwd=PROJECT_ROOT,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        started.append(process)
        return process

    yield start
    for process in started:
        kill(process)


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the worker (and anything it started), as a crash would."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def poll(
    client: FlaskClient, location: str, until: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Read the job's status until ``until`` holds (at most two minutes)."""
    deadline = time.monotonic() + 120
    while True:
        status: dict[str, Any] = client.get(location).get_json()
        if until(status) or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_queued_batch_is_rendered_by_a_worker_and_read_anywhere(
    make_app: Callable[..., Flask], start_worker: Callable[[], Any]
) -> None:
    web, other_web = make_app().test_client(), make_app().test_client()
    response = web.post(
        "/v1/batches/first_contact", json=letters(["Ida Lund", "Jens Mo"])
    )
    assert response.status_code == 202
    location = response.headers["Location"]
    assert web.get(location).get_json()["status"] == "queued"
    start_worker()
    status = poll(other_web, location, lambda s: s["status"] in ("finished", "failed"))
    assert status["status"] == "finished", status
    assert (status["done"], status["total"], status["failed"]) == (2, 2, 0)
    archive = open_zip(other_web.get(status["result"]).data)
    report = json.loads(archive.read("report.json"))
    assert "Jens Mo" in all_text(open_docx(archive.read(report["items"][1]["file"])))


def _kill_mid_job(
    web: FlaskClient, start_worker: Callable[[], Any], count: int
) -> tuple[str, dict[str, Any]]:
    names = [f"Person {number}" for number in range(count)]
    location = web.post("/v1/batches/first_contact", json=letters(names)).headers[
        "Location"
    ]
    worker = start_worker()
    running = poll(
        web, location, lambda s: s["done"] > 0 or s["status"] in ("finished", "failed")
    )
    assert running["status"] == "running" and 0 < running["done"] < count, running
    kill(worker)
    return location, running


def test_job_of_a_killed_worker_is_retried_to_the_end(
    make_app: Callable[..., Flask], start_worker: Callable[[], Any]
) -> None:
    web = make_app(JOB_STALL_SECONDS=2, JOB_MAX_ATTEMPTS=2).test_client()
    location, _ = _kill_mid_job(web, start_worker, 1500)
    requeued = poll(web, location, lambda s: s["status"] != "running")
    assert requeued["status"] == "queued"
    start_worker()
    status = poll(web, location, lambda s: s["status"] in ("finished", "failed"))
    assert (status["status"], status["done"], status["failed"]) == (
        "finished",
        1500,
        0,
    )
    report = json.loads(open_zip(web.get(status["result"]).data).read("report.json"))
    assert [item["index"] for item in report["items"]] == list(range(1500))


def test_job_of_a_killed_worker_fails_when_out_of_attempts(
    make_app: Callable[..., Flask], start_worker: Callable[[], Any]
) -> None:
    web = make_app(JOB_STALL_SECONDS=2, JOB_MAX_ATTEMPTS=1).test_client()
    location, _ = _kill_mid_job(web, start_worker, 1500)
    status = poll(web, location, lambda s: s["status"] != "running")
    assert status["status"] == "failed"
    assert status["error"] == (
        "The worker running the job stopped (1 attempts); submit it again."
    )
    assert web.get(f"{location}/result").status_code == 409
