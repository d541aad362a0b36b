"""gunicorn with its PostgreSQL down at boot: it serves built-ins, then recovers.

A worker that cannot reach the database must still boot (an exiting worker
makes gunicorn stop the whole service); /healthz says 503 until the database
is back, and then template endpoints work without restarting gunicorn.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PROJECT_ROOT
from tests.funder_template import funder_agreement_template
from tests.load_client import call as call_with_timeout
from tests.load_client import multipart
from tests.pg_server import PostgresServer, server_binaries
from tests.test_gunicorn import _free_port

EXAMPLE = (PROJECT_ROOT / "agreement_templates/examples/agreement.en.json").read_bytes()
BINARIES = server_binaries()

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(BINARIES is None, reason="PostgreSQL binaries not found"),
]


@pytest.fixture()
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, initialised but not running."""
    assert BINARIES is not None
    server = PostgresServer(BINARIES)
    try:
        yield server
    finally:
        server.remove()


#: One request, its status, headers and body; this test's server answers in 30 s.
call = functools.partial(call_with_timeout, timeout=30)


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``flask --app wsgi ARGS`` as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_gunicorn_boots_without_its_database_and_recovers(
    postgres: PostgresServer, tmp_path: Path
) -> None:
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=postgres.url)
    log = open(tmp_path / "gunicorn.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        health = wait_for_an_answer(
            process, f"{url}/healthz", tmp_path / "gunicorn.log"
        )
        assert health[0] == 503
        assert json.loads(health[2])["checks"]["database"] == "unreachable"
        status, _, content = call(
            f"{url}/v1/documents/agreement",
            data=EXAMPLE,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        assert status == 200 and content.startswith(b"PK")
        status, headers, body = call(
            f"{url}/v1/templates", headers={"Authorization": "Bearer pdk_x"}
        )
        assert (status, headers["Retry-After"]) == (503, "5")
        assert json.loads(body)["code"] == 503

        # The deploy step says the database is down, in one line.
        failed = flask(env, "db", "upgrade")
        assert failed.returncode == 1
        assert "The database cannot be reached" in failed.stderr
        assert "Traceback" not in failed.stderr

        postgres.start()
        upgraded = flask(env, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        assert "The database is at revision 0002." in upgraded.stdout
        created = flask(env, "keys", "create", "Nordic Civic Fund")
        assert created.returncode == 0, created.stderr
        auth = {"Authorization": f"Bearer {created.stdout.splitlines()[-1]}"}

        # Both workers: each answers healthy and serves the template store.
        for _ in range(4):
            assert call(f"{url}/healthz")[0] == 200
        body_bytes, content_type = multipart(
            {"name": "Grant agreement", "kind": "agreement", "language": "en"},
            funder_agreement_template(),
        )
        status, _, body = call(
            f"{url}/v1/templates",
            data=body_bytes,
            headers={**auth, "Content-Type": content_type},
            method="POST",
        )
        assert status == 201, body
        listed: list[dict[str, Any]] = []
        for _ in range(4):
            status, _, body = call(f"{url}/v1/templates", headers=auth)
            assert status == 200
            listed = json.loads(body)
        assert [item["name"] for item in listed] == ["Grant agreement"]
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def wait_for_an_answer(
    process: subprocess.Popen[bytes], url: str, log: Path
) -> tuple[int, dict[str, str], bytes]:
    """The first HTTP answer of the server at ``url``, once it listens."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return call(url)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not start:\n{log.read_text()}"
                ) from None
            time.sleep(0.2)
