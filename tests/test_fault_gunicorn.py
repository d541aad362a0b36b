"""Faults under load against the real gunicorn: a worker killed, PostgreSQL restarted.

Every request either succeeds, or fails in the way its fault explains (a
connection cut by the killed worker; a JSON 503 while the database is down);
the service recovers by itself, and the template store is whole: every
stored version downloads with its checksum, numbered 1, 2, 3… without gaps.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from service import create_app
from tests.gunicorn_server import Server, database_url, running_gunicorn
from tests.load_client import CONNECTION_ERRORS, Outcome, call, load
from tests.pg_server import PostgresServer, server_binaries
from tests.store_fixtures import create_api_key

BINARIES = server_binaries()


def served_pids(server: Server) -> set[int]:
    """The worker processes that answered requests so far (from the JSON log)."""
    pids = set()
    for line in server.error_log.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "partnerdocs.request":
                pids.add(record["pid"])
    return pids


def assert_store_whole(base: str, key: str) -> int:
    """Every version of every template whole, numbered without gaps; how many."""
    auth = {"Authorization": f"Bearer {key}"}
    status, _, body = call(f"{base}/v1/templates", headers=auth)
    assert status == 200
    count = 0
    for summary in json.loads(body):
        status, _, body = call(f"{base}/v1/templates/{summary['id']}", headers=auth)
        template = json.loads(body)
        numbers = [version["version"] for version in template["versions"]]
        assert numbers == list(range(1, template["latest_version"] + 1))
        for version in template["versions"]:
            status, _, content = call(f"{base}{version['file']}", headers=auth)
            assert status == 200
            assert len(content) == version["size"]
            assert hashlib.sha256(content).hexdigest() == version["sha256"]
        count += len(numbers)
    return count


def wait_until(check: object, seconds: float = 60) -> None:
    """Wait until ``check()`` is true."""
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "did not recover in time"
        time.sleep(0.2)


def test_a_worker_killed_mid_request_leaves_the_others_serving(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url(tmp_path)})
    key = create_api_key(app)
    with running_gunicorn(tmp_path, "--workers", "2") as server:
        with load(server.url, key) as outcomes:
            wait_until(lambda: len(served_pids(server)) == 2 and len(outcomes) > 12)
            victim = min(served_pids(server))
            before_kill = len(outcomes)
            os.kill(victim, signal.SIGKILL)
            wait_until(lambda: len(outcomes) > before_kill + 30)
        after = outcomes[before_kill:]
        healthy = call(f"{server.url}/healthz")[0]
        stored = assert_store_whole(server.url, key)
        new_pids = served_pids(server) - {victim}
    cut = [each for each in outcomes if each.error is not None]
    answered = [each for each in outcomes if each.error is None]
    # the killed worker's requests in flight (at most one per client thread)
    assert all(isinstance(each.error, CONNECTION_ERRORS) for each in cut), cut
    assert len(cut) <= 6
    assert {each.status for each in answered} <= {200, 201}
    assert sum(each.status == 201 for each in answered) <= stored
    assert healthy == 200
    assert len(new_pids) >= 2  # the survivor and the worker that replaced it
    assert sum(each.status in (200, 201) for each in after) >= 30 - len(cut)


# --- PostgreSQL restarted -------------------------------------------------------


@pytest.fixture()
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, running."""
    if BINARIES is None:
        pytest.skip("PostgreSQL binaries not found")
    server = PostgresServer(BINARIES)
    server.start()
    try:
        yield server
    finally:
        server.remove()


def _clean_unavailable(outcome: Outcome) -> bool:
    """A 503 in the JSON error shape, asking to come back."""
    if outcome.status != 503:
        return False
    body = json.loads(outcome.body)
    return (
        body["code"] == 503
        and body["errors"] == []
        and outcome.headers.get("Retry-After") == "5"
    )


@pytest.mark.postgres
def test_postgresql_restarted_under_load_fails_cleanly_and_recovers(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": postgres.url})
    key = create_api_key(app)
    env = {"DATABASE_URL": postgres.url}
    with running_gunicorn(tmp_path, "--workers", "2", env=env) as server:
        with load(server.url, key) as outcomes:
            wait_until(lambda: len(outcomes) > 12)
            postgres.stop()
            stopped = len(outcomes)
            wait_until(lambda: len(outcomes) > stopped + 12)
            postgres.start()
            restarted = len(outcomes)
            # recovered: a full round of the mix succeeds after the restart
            wait_until(
                lambda: (
                    sum(
                        each.status in (200, 201) and each.what != "render"
                        for each in outcomes[restarted:]
                    )
                    >= 12
                )
            )
        stored = assert_store_whole(server.url, key)
    unexpected = [
        (each.what, each.status, each.error, each.body[:200])
        for each in outcomes
        if each.status not in (200, 201) and not _clean_unavailable(each)
    ]
    assert unexpected == []
    assert any(_clean_unavailable(each) for each in outcomes[stopped:restarted])
    # built-in renders never needed the database
    assert all(each.status == 200 for each in outcomes if each.what == "render")
    assert sum(each.status == 201 for each in outcomes) <= stored
