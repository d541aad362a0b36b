"""The database down: template endpoints answer 503, everything else keeps working.

SQLite is "down" while its file cannot be opened (a folder stands where the
file should be); PostgreSQL is a server of the test's own, stopped and started
again. The app is never restarted: it recovers when the database returns.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from tests.conftest import PROJECT_ROOT
from tests.funder_template import funder_agreement_template
from tests.pg_server import PostgresServer, server_binaries
from tests.store_fixtures import bearer, create_api_key, upload

EXAMPLE = (PROJECT_ROOT / "agreement_templates/examples/agreement.en.json").read_text()
UNAVAILABLE = {
    "code": 503,
    "status": "Service Unavailable",
    "message": "The template store is unavailable right now; try again shortly.",
    "errors": [],
}
BINARIES = server_binaries()


@pytest.fixture()
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, running."""
    if BINARIES is None:
        pytest.skip("PostgreSQL server binaries not found (set PG_BIN)")
    server = PostgresServer(BINARIES)
    try:
        server.start()
        yield server
    finally:
        server.remove()


def assert_unavailable(client: FlaskClient, key: str) -> None:
    """Every template endpoint answers the 503, and built-ins still work."""
    template = "/v1/templates/0123456789abcdef0123456789abcdef"
    for response in (
        client.get("/v1/templates", headers=bearer(key)),
        client.get(template, headers=bearer(key)),
        client.delete(template, headers=bearer(key)),
        upload(client, key, funder_agreement_template()),
    ):
        assert response.status_code == 503, response.get_data(as_text=True)
        assert response.json == UNAVAILABLE
        assert response.headers["Retry-After"] == "5"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["checks"]["database"] == "unreachable"  # type: ignore[index]
    assert_builtins_work(client)


def assert_builtins_work(client: FlaskClient) -> None:
    """A built-in render and a validation succeed."""
    rendered = client.post(
        "/v1/documents/agreement", data=EXAMPLE, content_type="application/json"
    )
    assert rendered.status_code == 200, rendered.get_data(as_text=True)
    assert rendered.data.startswith(b"PK")
    validated = client.post(
        "/v1/validate/agreement", data=EXAMPLE, content_type="application/json"
    )
    assert validated.status_code == 200
    assert validated.json["valid"] is True  # type: ignore[index]


def test_sqlite_that_cannot_be_opened_answers_503_then_recovers(
    tmp_path: Path,
) -> None:
    database = tmp_path / "store.sqlite3"
    database.mkdir()  # a folder where the file should be: it cannot be opened
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{database}"})
    client = app.test_client()
    assert_unavailable(client, "pdk_any-key")

    database.rmdir()  # the database "returns": empty, migrated on first use
    key = create_api_key(app)
    uploaded = upload(client, key, funder_agreement_template())
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    listed = client.get("/v1/templates", headers=bearer(key))
    assert [item["name"] for item in listed.json] == ["Grant agreement"]  # type: ignore[union-attr]
    assert client.get("/healthz").status_code == 200


def test_sqlite_in_a_folder_that_cannot_exist_boots_and_answers_503(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database's folder should be")
    url = f"sqlite:///{blocker / 'store.sqlite3'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    assert_unavailable(app.test_client(), "pdk_any-key")


@pytest.mark.postgres
def test_postgresql_stopped_answers_503_then_recovers(
    postgres: PostgresServer,
) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": postgres.url})
    client = app.test_client()
    key = create_api_key(app)
    uploaded = upload(client, key, funder_agreement_template())
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)

    postgres.stop()
    assert_unavailable(client, key)

    postgres.start()
    listed = client.get("/v1/templates", headers=bearer(key))
    assert listed.status_code == 200, listed.get_data(as_text=True)
    assert [item["id"] for item in listed.json] == [uploaded.json["id"]]  # type: ignore[index, union-attr]
    assert client.get("/healthz").status_code == 200


@pytest.mark.postgres
def test_an_app_started_while_postgresql_is_down_migrates_when_it_returns(
    postgres: PostgresServer,
) -> None:
    postgres.stop()
    app: Flask = create_app({"TESTING": True, "DATABASE_URL": postgres.url})
    client = app.test_client()
    assert_unavailable(client, "pdk_any-key")

    postgres.start()
    key = create_api_key(app)
    uploaded = upload(client, key, funder_agreement_template())
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200
