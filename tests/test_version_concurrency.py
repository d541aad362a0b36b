"""Many uploads of one name at once: versions 1..N, no gaps, no errors, on both
databases; and what an upload answers when every attempt collides."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from service import create_app
from service.storage import repository
from service.storage.db import Database, database
from service.storage.models import Template, TemplateVersion
from tests.db_backends import BACKENDS, database_url
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import create_api_key, upload

UPLOADS = 40


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty SQLite or PostgreSQL database."""
    with database_url(request.param, tmp_path) as url:
        yield create_app({"TESTING": True, "DATABASE_URL": url})


@pytest.fixture()
def db(app: Flask) -> Iterator[Database]:
    """The app's database, inside an app context."""
    with app.app_context():
        yield database()


def organisation_id(db: Database) -> int:
    """The id of the funder, created if new."""
    with db.transaction() as session:
        return repository.get_or_create_organisation(session, "Nordic Civic Fund").id


def new_version(number: int) -> repository.NewVersion:
    """Upload number ``number`` of the template "Grant agreement"."""
    return repository.NewVersion(
        name="Grant agreement",
        kind="agreement",
        language="en",
        filename=f"grant-{number}.docx",
        content=f"version {number}".encode(),
        report={},
    )


def test_concurrent_uploads_of_one_name_number_versions_without_gaps(
    db: Database,
) -> None:
    org = organisation_id(db)
    start = threading.Barrier(UPLOADS)
    stored: dict[int, int] = {}
    errors: list[BaseException] = []

    def store(number: int) -> None:
        try:
            start.wait()
            version = repository.create_or_version_template(
                db, org, new_version(number)
            )
            stored[number] = version.version
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=store, args=(n,)) for n in range(UPLOADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(stored.values()) == list(range(1, UPLOADS + 1))
    with db.transaction() as session:
        (template,) = session.scalars(select(Template)).all()
        rows = session.execute(
            select(TemplateVersion.version, TemplateVersion.filename)
        ).all()
    assert template.latest_version == UPLOADS
    # Each upload's own bytes are under the number it was told.
    assert {version: name for version, name in rows} == {
        version: f"grant-{number}.docx" for number, version in stored.items()
    }


def break_the_next_version_number(db: Database, org: int) -> str:
    """Store version 1, and a stray row already numbered 2 behind its back.

    Every attempt at writing version 2 then collides with the unique
    constraint, as it would if other writers kept taking the number first.
    """
    first = repository.create_or_version_template(db, org, new_version(1))
    with db.transaction() as session:
        session.add(
            TemplateVersion(
                template_id=first.template_id,
                version=2,
                language="en",
                filename="stray.docx",
                size=1,
                sha256="0" * 64,
                content=b"x",
                report={},
            )
        )
    return first.template_id


def test_when_every_attempt_collides_the_upload_fails_loudly(db: Database) -> None:
    org = organisation_id(db)
    template_id = break_the_next_version_number(db, org)
    with pytest.raises(repository.VersionWriteFailed, match="5 attempts collided"):
        repository.create_or_version_template(db, org, new_version(2))
    with db.transaction() as session:
        template = repository.get_template(session, org, template_id)
        assert template is not None and template.latest_version == 1


def test_an_upload_whose_attempts_all_collide_answers_503(app: Flask) -> None:
    key = create_api_key(app)
    with app.app_context():
        db = database()
        with db.transaction() as session:
            org = repository.find_key(session, key).organisation_id  # type: ignore[union-attr]
        break_the_next_version_number(db, org)
    response = upload(app.test_client(), key, funder_agreement_template())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json == {
        "code": 503,
        "status": "Service Unavailable",
        "message": "The template 'Grant agreement' could not be stored: 5 attempts "
        "collided with other writes. Try again.",
        "errors": [],
    }
