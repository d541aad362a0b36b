"""The template store on PostgreSQL, shared by several app instances.

Runs when ``DATABASE_URL_TEST`` names a PostgreSQL database (``scripts/test.sh``
starts one with ``scripts/postgres.sh``); skipped otherwise. Each test works in
a schema of its own, dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.engine import make_url

from service import create_app
from service.storage import repository
from service.storage.db import Database, database
from tests.conftest import load_example, open_docx
from tests.funder_template import FUNDER_EXTRA, funder_agreement_template
from tests.store_fixtures import bearer, create_api_key, upload

DATABASE_URL_TEST = os.environ.get("DATABASE_URL_TEST", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE_URL_TEST.startswith("postgresql"),
        reason="DATABASE_URL_TEST does not name a PostgreSQL database",
    ),
]


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A URL of the test database whose connections use a fresh, empty schema."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(DATABASE_URL_TEST)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(DATABASE_URL_TEST).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def make_app(url: str) -> Flask:
    """An app instance on the shared database."""
    return create_app({"TESTING": True, "DATABASE_URL": url})


def test_the_app_migrates_postgresql(pg_url: str) -> None:
    app = make_app(pg_url)
    with app.app_context():
        store = database()
        assert store.dialect == "postgresql"
        assert store.current_revision() == "0002"
        tables = set(sa.inspect(store.engine).get_table_names())
    assert {"organisations", "api_keys", "templates", "template_versions"} <= tables


def test_the_migrated_schema_matches_the_models(pg_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from service.storage.models import Base

    store = Database(pg_url)
    store.upgrade()
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    store.downgrade("base")
    assert store.current_revision() is None
    store.dispose()


def test_an_upload_on_one_instance_renders_on_another(pg_url: str) -> None:
    first, second = make_app(pg_url), make_app(pg_url)
    key = create_api_key(first)
    uploaded = upload(first.test_client(), key, funder_agreement_template())
    assert uploaded.status_code == 201, uploaded.get_data(as_text=True)
    template_id = uploaded.json["id"]  # type: ignore[index]

    body = load_example("agreement.en.json")
    body["extra"] = FUNDER_EXTRA
    response = second.test_client().post(
        f"/v1/documents/agreement?template={template_id}",
        data=json.dumps(body, default=str),
        content_type="application/json",
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    document = open_docx(response.data)
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert body["title"] in text and FUNDER_EXTRA["grant_number"] in text
    header = document.sections[0].header.paragraphs[0].text
    assert FUNDER_EXTRA["funder_name"] in header

    listed = second.test_client().get("/v1/templates", headers=bearer(key))
    assert [item["id"] for item in listed.json] == [template_id]  # type: ignore[union-attr]


def test_a_key_revoked_on_one_instance_fails_on_another(pg_url: str) -> None:
    first, second = make_app(pg_url), make_app(pg_url)
    key = create_api_key(first)
    assert (
        second.test_client().get("/v1/templates", headers=bearer(key)).status_code
        == 200
    )
    result = first.test_cli_runner().invoke(args=["keys", "revoke", key[:12]])
    assert result.exit_code == 0, result.output
    assert (
        second.test_client().get("/v1/templates", headers=bearer(key)).status_code
        == 401
    )


def test_instances_starting_together_migrate_once(pg_url: str) -> None:
    # Database objects, one engine each as each instance has: whole Flask apps
    # built in threads at once trip CPython 3.11's thread-unsafe ast.parse.
    errors: list[BaseException] = []
    stores = [Database(pg_url) for _ in range(4)]

    def start(store: Database) -> None:
        try:
            store.upgrade()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert stores[0].current_revision() == "0002"
    for store in stores:
        store.dispose()


def test_concurrent_uploads_from_two_instances_get_distinct_versions(
    pg_url: str,
) -> None:
    apps = [make_app(pg_url), make_app(pg_url)]
    with apps[0].app_context():
        with database().transaction() as session:
            org = repository.get_or_create_organisation(session, "Nordic Civic Fund").id
    stores = []
    for app in apps:
        with app.app_context():
            stores.append(database())
    versions: list[int] = []
    errors: list[BaseException] = []

    def store(db: Database, number: int) -> None:
        try:
            stored = repository.create_or_version_template(
                db,
                org,
                repository.NewVersion(
                    name="Grant agreement",
                    kind="agreement",
                    language="en",
                    filename="grant.docx",
                    content=f"version {number}".encode(),
                    report={},
                ),
            )
            versions.append(stored.version)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=store, args=(stores[n % 2], n)) for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(versions) == list(range(1, 9))


def test_template_bytes_round_trip_exactly(pg_url: str) -> None:
    app = make_app(pg_url)
    key = create_api_key(app)
    client = app.test_client()
    content = funder_agreement_template()
    uploaded = upload(client, key, content)
    template_id = uploaded.json["id"]  # type: ignore[index]
    response = client.get(f"/v1/templates/{template_id}/file", headers=bearer(key))
    assert response.data == content
