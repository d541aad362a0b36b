"""The template store: migrations, keys, versions, tenants and atomic uploads."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from service import create_app
from service.storage import repository
from service.storage.db import Database, database
from service.storage.models import ApiKey, Template, TemplateVersion, utcnow
from service.storage.repository import KindConflict, NewVersion
from tests.db_backends import BACKENDS, database_url

TABLES = {"organisations", "api_keys", "templates", "template_versions"}


def new_version(
    content: bytes = b"docx bytes", *, name: str = "Grant agreement", **changes: Any
) -> NewVersion:
    """An upload as the API would store it."""
    fields: dict[str, Any] = {
        "name": name,
        "kind": "agreement",
        "language": "en",
        "filename": "grant.docx",
        "content": content,
        "report": {"variables": ["title"], "problems": []},
        "engine": "compiled",
    }
    fields.update(changes)
    return NewVersion(**fields)


@pytest.fixture()
def db(app: Flask) -> Iterator[Database]:
    """The app's database, inside an app context."""
    with app.app_context():
        yield database()


def organisation_id(db: Database, name: str = "Nordic Civic Fund") -> int:
    """The id of the organisation ``name``, created if new."""
    with db.transaction() as session:
        return repository.get_or_create_organisation(session, name).id


def count(db: Database, model: type[Any]) -> int:
    """Rows in ``model``'s table."""
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# --- schema and migrations ----------------------------------------------------


def test_the_app_creates_the_schema_on_start(db: Database) -> None:
    assert TABLES <= set(inspect(db.engine).get_table_names())
    assert db.current_revision() == "0002"


def test_the_schema_matches_the_models(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from service.storage.models import Base

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_without_auto_migrate_the_db_upgrade_command_creates_it(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'manual.sqlite3'}",
            "DATABASE_AUTO_MIGRATE": False,
        }
    )
    with app.app_context():
        assert database().current_revision() is None
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "0002" in result.output
    with app.app_context():
        assert TABLES <= set(inspect(database().engine).get_table_names())


def test_migrations_go_down_and_up_again(db: Database) -> None:
    db.downgrade("base")
    assert not TABLES & set(inspect(db.engine).get_table_names())
    db.upgrade()
    assert TABLES <= set(inspect(db.engine).get_table_names())


def test_processes_starting_together_migrate_once(tmp_path: Path) -> None:
    # Each Database has its own engine and lock file handle, as each gunicorn
    # worker has. (Threads creating whole Flask apps at once would instead
    # trip CPython 3.11's thread-unsafe ast.parse in werkzeug's routing.)
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    errors: list[BaseException] = []
    stores = [Database(url) for _ in range(4)]

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
    assert Database(url).current_revision() == "0002"
    for store in stores:
        store.dispose()


def test_the_sqlite_folder_is_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'db.sqlite3'}"
    store = Database(url)
    store.upgrade()
    assert (tmp_path / "new" / "folder" / "db.sqlite3").exists()
    store.dispose()


def test_an_in_memory_database_works_across_sessions() -> None:
    store = Database("sqlite://")
    store.upgrade()
    with store.transaction() as session:
        repository.create_key(session, "Memory Fund")
    with store.transaction() as session:
        assert len(repository.list_keys(session)) == 1
    store.dispose()


# --- keys ---------------------------------------------------------------------


def test_a_key_is_stored_as_its_hash_and_prefix_only(db: Database) -> None:
    with db.transaction() as session:
        api_key, key = repository.create_key(session, "Nordic Civic Fund")
    assert key.startswith("pdk_") and len(key) > 40
    assert api_key.prefix == key[:12]
    with db.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT * FROM api_keys")).all()
    assert rows and all(key not in str(tuple(row)) for row in rows)
    assert api_key.key_hash == repository.hash_key(key)


def test_find_key_finds_the_key_and_its_organisation(db: Database) -> None:
    with db.transaction() as session:
        _, key = repository.create_key(session, "Nordic Civic Fund")
    with db.transaction() as session:
        found = repository.find_key(session, key)
        assert found is not None
        assert found.organisation.name == "Nordic Civic Fund"
        assert repository.find_key(session, key + "x") is None


def test_keys_of_one_organisation_share_it(db: Database) -> None:
    with db.transaction() as session:
        first, _ = repository.create_key(session, "Nordic Civic Fund")
        second, _ = repository.create_key(session, "Nordic Civic Fund")
        assert first.organisation_id == second.organisation_id
        assert first.prefix != second.prefix


@pytest.mark.parametrize("by", ("prefix", "id"))
def test_revoke_key_by_prefix_or_id(db: Database, by: str) -> None:
    with db.transaction() as session:
        api_key, key = repository.create_key(session, "Nordic Civic Fund")
    with db.transaction() as session:
        revoked = repository.revoke_key(session, str(getattr(api_key, by)))
        assert revoked is not None and revoked.revoked
    with db.transaction() as session:
        found = repository.find_key(session, key)
        assert found is not None and found.revoked


def test_revoking_a_revoked_key_keeps_the_first_revocation_time(
    db: Database,
) -> None:
    with db.transaction() as session:
        api_key, _ = repository.create_key(session, "Nordic Civic Fund")
    with db.transaction() as session:
        first = repository.revoke_key(session, api_key.prefix)
        assert first is not None and first.revoked_at is not None
        revoked_at = first.revoked_at
    with db.transaction() as session:
        again = repository.revoke_key(session, api_key.prefix)
        assert again is not None and again.revoked_at == revoked_at
    with db.transaction() as session:
        (listed,) = repository.list_keys(session)
    assert listed.revoked_at == revoked_at


def test_keys_are_listed_by_organisation_then_age_then_id(db: Database) -> None:
    now = utcnow()
    with db.transaction() as session:
        made = [
            (repository.create_key(session, name)[0], age)
            for name, age in (
                ("Zeta Fund", 0),
                ("Alpha Fund", 0),  # same age as the next: by id
                ("Alpha Fund", 0),
                ("Alpha Fund", 5),  # newest id but oldest: first
            )
        ]
        for api_key, age in made:
            api_key.created_at = now - dt.timedelta(minutes=age)
        ids = [api_key.id for api_key, _ in made]
    with db.transaction() as session:
        listed = [api_key.id for api_key in repository.list_keys(session)]
    assert listed == [ids[3], ids[1], ids[2], ids[0]]


@pytest.mark.parametrize("backend", BACKENDS)
def test_keys_made_at_the_same_moment_are_listed_by_id(
    backend: str, tmp_path: Path
) -> None:
    with database_url(backend, tmp_path) as url:
        store = Database(url)
        store.upgrade()
        with store.transaction() as session:
            organisation = repository.get_or_create_organisation(session, "Fund")
            now = utcnow()
            for key_id in (30, 10, 20):  # stored in this order
                session.add(
                    ApiKey(
                        id=key_id,
                        organisation=organisation,
                        prefix=f"pdk_{key_id:08d}",
                        key_hash=f"{key_id:064d}",
                        created_at=now,
                    )
                )
        with store.transaction() as session:
            listed = [api_key.id for api_key in repository.list_keys(session)]
        store.dispose()
    assert listed == [10, 20, 30]


def test_revoking_an_unknown_key_finds_nothing(db: Database) -> None:
    with db.transaction() as session:
        assert repository.revoke_key(session, "pdk_nothing") is None


def test_timestamps_come_back_in_utc(db: Database) -> None:
    with db.transaction() as session:
        repository.create_key(session, "Nordic Civic Fund")
    with db.transaction() as session:
        (api_key,) = repository.list_keys(session)
    assert api_key.created_at.tzinfo is not None
    assert api_key.created_at.utcoffset() == dt.timedelta(0)


# --- templates and versions ---------------------------------------------------


def test_uploads_under_one_name_make_versions_of_one_template(db: Database) -> None:
    org = organisation_id(db)
    first = repository.create_or_version_template(db, org, new_version(b"one"))
    second = repository.create_or_version_template(db, org, new_version(b"two"))
    assert (first.version, second.version) == (1, 2)
    assert first.template_id == second.template_id
    with db.transaction() as session:
        old = repository.get_version(
            session, org, first.template_id, 1, with_content=True
        )
        latest = repository.get_version(
            session, org, first.template_id, with_content=True
        )
    assert old is not None and old.content == b"one"
    assert latest is not None and latest.content == b"two" and latest.version == 2


def test_template_ids_are_random_not_sequential(db: Database) -> None:
    org = organisation_id(db)
    ids = [
        repository.create_or_version_template(
            db, org, new_version(name=f"T{n}")
        ).template_id
        for n in range(3)
    ]
    assert len(set(ids)) == 3
    assert all(
        len(template_id) == 32 and not template_id.isdigit() for template_id in ids
    )


def test_another_kind_under_the_same_name_is_a_conflict(db: Database) -> None:
    org = organisation_id(db)
    repository.create_or_version_template(db, org, new_version())
    with pytest.raises(KindConflict, match="serves agreement documents"):
        repository.create_or_version_template(
            db, org, new_version(kind="understanding")
        )
    assert count(db, TemplateVersion) == 1


def test_the_same_name_in_two_organisations_makes_two_templates(db: Database) -> None:
    first = repository.create_or_version_template(
        db, organisation_id(db), new_version()
    )
    second = repository.create_or_version_template(
        db, organisation_id(db, "Southern Arts Foundation"), new_version()
    )
    assert first.template_id != second.template_id
    assert second.version == 1


def test_another_organisation_does_not_find_the_template(db: Database) -> None:
    owner, other = organisation_id(db), organisation_id(db, "Southern Arts Foundation")
    stored = repository.create_or_version_template(db, owner, new_version())
    with db.transaction() as session:
        assert repository.get_template(session, other, stored.template_id) is None
        assert repository.get_version(session, other, stored.template_id) is None
        assert repository.list_templates(session, other) == []
        assert not repository.delete_template(session, other, stored.template_id)
    assert count(db, TemplateVersion) == 1


def test_list_templates_gives_the_latest_version_of_each(db: Database) -> None:
    org = organisation_id(db)
    repository.create_or_version_template(db, org, new_version(name="B"))
    repository.create_or_version_template(db, org, new_version(name="A"))
    repository.create_or_version_template(db, org, new_version(name="A", language="da"))
    with db.transaction() as session:
        listed = repository.list_templates(session, org)
    assert [(v.template.name, v.version, v.language) for v in listed] == [
        ("A", 2, "da"),
        ("B", 1, "en"),
    ]


def test_deleting_a_template_bins_it_and_purging_deletes_every_version(
    db: Database,
) -> None:
    org = organisation_id(db)
    stored = repository.create_or_version_template(db, org, new_version())
    repository.create_or_version_template(db, org, new_version())
    with db.transaction() as session:
        assert repository.delete_template(session, org, stored.template_id)
        assert repository.get_template(session, org, stored.template_id) is None
    assert count(db, TemplateVersion) == 2  # in the bin, restorable
    with db.transaction() as session:
        purged = repository.purge_deleted(session, utcnow())
    assert purged == [stored.template_id]
    assert count(db, Template) == 0
    assert count(db, TemplateVersion) == 0


def test_the_bytes_are_not_loaded_unless_asked_for(db: Database) -> None:
    org = organisation_id(db)
    stored = repository.create_or_version_template(db, org, new_version(b"x" * 1000))
    with db.transaction() as session:
        found = repository.get_version(session, org, stored.template_id)
        assert found is not None
        assert "content" in inspect(found).unloaded


@pytest.fixture()
def crash_on_version_insert(db: Database) -> Iterator[None]:
    """Make every flush that writes a version fail, as a crash midway would."""

    def crash(session: Session, context: Any) -> None:
        if any(isinstance(obj, TemplateVersion) for obj in session.new):
            raise RuntimeError("power cut")

    event.listen(Session, "after_flush", crash)
    yield
    event.remove(Session, "after_flush", crash)


def test_a_crash_during_the_first_upload_leaves_nothing(
    db: Database, crash_on_version_insert: None
) -> None:
    org = organisation_id(db)
    with pytest.raises(RuntimeError, match="power cut"):
        repository.create_or_version_template(db, org, new_version())
    assert count(db, Template) == 0
    assert count(db, TemplateVersion) == 0


def test_a_crash_during_a_new_version_leaves_the_old_state(db: Database) -> None:
    org = organisation_id(db)
    stored = repository.create_or_version_template(db, org, new_version(b"one"))

    def crash(session: Session, context: Any) -> None:
        raise RuntimeError("power cut")

    event.listen(Session, "after_flush", crash)
    try:
        with pytest.raises(RuntimeError):
            repository.create_or_version_template(db, org, new_version(b"two"))
    finally:
        event.remove(Session, "after_flush", crash)
    with db.transaction() as session:
        template = repository.get_template(session, org, stored.template_id)
        latest = repository.get_version(
            session, org, stored.template_id, with_content=True
        )
    assert template is not None and template.latest_version == 1
    assert latest is not None and latest.content == b"one"
    assert count(db, TemplateVersion) == 1


def test_concurrent_uploads_get_distinct_version_numbers(db: Database) -> None:
    org = organisation_id(db)
    results: list[int] = []
    errors: list[BaseException] = []

    def upload(number: int) -> None:
        try:
            stored = repository.create_or_version_template(
                db, org, new_version(f"v{number}".encode())
            )
            results.append(stored.version)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    assert count(db, Template) == 1


def test_version_numbers_are_unique_per_template_in_the_schema(db: Database) -> None:
    org = organisation_id(db)
    stored = repository.create_or_version_template(db, org, new_version())
    with pytest.raises(sa.exc.IntegrityError), db.transaction() as session:
        session.add(
            TemplateVersion(
                template_id=stored.template_id,
                version=1,
                language="en",
                filename="copy.docx",
                size=1,
                sha256="0" * 64,
                content=b"x",
                report={},
            )
        )


def test_a_key_row_needs_an_organisation(db: Database) -> None:
    with pytest.raises(sa.exc.IntegrityError), db.transaction() as session:
        session.add(ApiKey(organisation_id=999, prefix="pdk_orphan", key_hash="0" * 64))
