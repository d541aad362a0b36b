"""A deleted template is restorable for TEMPLATE_DELETE_GRACE_DAYS, then purged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.storage.db import database
from service.storage.models import Template
from tests.conftest import all_text, example_text, open_docx
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import FUNDER, OTHER_FUNDER, bearer, create_api_key, upload


def stored(app: Flask, client: FlaskClient) -> tuple[str, str]:
    """A key and a template in two versions."""
    key = create_api_key(app)
    template_id = upload(client, key, funder_agreement_template()).json["id"]
    upload(client, key, funder_agreement_template(heading="Revised grant"))
    return key, template_id


def age(app: Flask, template_id: str, days: int) -> None:
    """Pretend the template was deleted ``days`` days earlier."""
    with app.app_context(), database().transaction() as session:
        template = session.get(Template, template_id)
        assert template is not None and template.deleted_at is not None
        template.deleted_at -= dt.timedelta(days=days)


def in_the_bin(client: FlaskClient, key: str) -> list[str]:
    """The ids of the templates in the bin."""
    return [
        each["id"]
        for each in client.get("/v1/templates/deleted", headers=bearer(key)).json
    ]


def test_a_deleted_template_is_listed_in_the_bin_until_purged(
    app: Flask, client: FlaskClient
) -> None:
    key, template_id = stored(app, client)
    assert (
        client.delete(f"/v1/templates/{template_id}", headers=bearer(key)).status_code
        == 204
    )
    assert (
        client.get(f"/v1/templates/{template_id}", headers=bearer(key)).status_code
        == 404
    )
    (binned,) = client.get("/v1/templates/deleted", headers=bearer(key)).json
    assert (binned["id"], binned["name"], binned["latest_version"]) == (
        template_id,
        "Grant agreement",
        2,
    )
    deleted_at = dt.datetime.fromisoformat(binned["deleted_at"])
    assert dt.datetime.fromisoformat(
        binned["purge_after"]
    ) - deleted_at == dt.timedelta(days=30)


def test_restoring_brings_back_every_version(app: Flask, client: FlaskClient) -> None:
    key, template_id = stored(app, client)
    client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    response = client.post(f"/v1/templates/{template_id}/restore", headers=bearer(key))
    assert response.status_code == 200
    assert response.json["latest_version"] == 2
    found = client.get(f"/v1/templates/{template_id}", headers=bearer(key)).json
    assert [each["version"] for each in found["versions"]] == [1, 2]
    assert client.get("/v1/templates/deleted", headers=bearer(key)).json == []
    rendered = client.post(
        f"/v1/documents/agreement?template={template_id}",
        data=example_text("agreement.en.json"),
        content_type="application/json",
        headers=bearer(key),
    )
    assert rendered.status_code == 200
    assert "Revised grant" in all_text(open_docx(rendered.data))


def test_the_name_is_free_meanwhile_and_a_restore_then_conflicts(
    app: Flask, client: FlaskClient
) -> None:
    key, template_id = stored(app, client)
    client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    fresh = upload(client, key, funder_agreement_template())
    assert fresh.status_code == 201
    assert fresh.json["id"] != template_id
    assert fresh.json["version"] == 1
    response = client.post(f"/v1/templates/{template_id}/restore", headers=bearer(key))
    assert response.status_code == 409
    assert response.json["message"] == (
        "Another template is called 'Grant agreement' now: delete or rename it "
        "before restoring this one."
    )


def test_another_organisation_cannot_see_or_restore_the_bin(
    app: Flask, client: FlaskClient
) -> None:
    key, template_id = stored(app, client)
    client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    other = create_api_key(app, OTHER_FUNDER)
    assert client.get("/v1/templates/deleted", headers=bearer(other)).json == []
    response = client.post(
        f"/v1/templates/{template_id}/restore", headers=bearer(other)
    )
    assert response.status_code == 404
    assert response.json["message"] == f"There is no deleted template '{template_id}'."


def test_the_purge_command_removes_what_is_past_the_grace_period(
    app: Flask, client: FlaskClient
) -> None:
    key, template_id = stored(app, client)
    other_id = upload(client, key, funder_agreement_template(), name="Other").json["id"]
    client.delete(f"/v1/templates/{other_id}", headers=bearer(key))
    client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    age(app, template_id, 31)
    result = app.test_cli_runner().invoke(args=["templates", "purge"])
    assert result.exit_code == 0, result.output
    assert "Purged 1 deleted templates." in result.output
    assert in_the_bin(client, key) == [other_id]
    restore = client.post(f"/v1/templates/{template_id}/restore", headers=bearer(key))
    assert restore.status_code == 404


def test_a_delete_purges_the_organisations_expired_templates(
    app: Flask, client: FlaskClient
) -> None:
    key, template_id = stored(app, client)
    other_id = upload(client, key, funder_agreement_template(), name="Other").json["id"]
    client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    age(app, template_id, 29)
    assert in_the_bin(client, key) == [template_id]  # not yet expired
    age(app, template_id, 2)
    client.delete(f"/v1/templates/{other_id}", headers=bearer(key))
    assert in_the_bin(client, key) == [other_id]


def test_the_cli_lists_and_restores(app: Flask, client: FlaskClient) -> None:
    key, template_id = stored(app, client)
    client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["templates", "deleted", FUNDER])
    assert listed.exit_code == 0, listed.output
    assert (
        f"{template_id}  Grant agreement  (2 versions), purged after" in listed.output
    )
    restored = runner.invoke(args=["templates", "restore", FUNDER, template_id])
    assert restored.exit_code == 0, restored.output
    assert f"Restored Grant agreement ({template_id})." in restored.output
    assert (
        client.get(f"/v1/templates/{template_id}", headers=bearer(key)).status_code
        == 200
    )


def test_without_a_grace_period_a_delete_is_final(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'final.sqlite3'}",
            "TEMPLATE_DELETE_GRACE_DAYS": 0,
        }
    )
    client = app.test_client()
    key, template_id = stored(app, client)
    assert (
        client.delete(f"/v1/templates/{template_id}", headers=bearer(key)).status_code
        == 204
    )
    assert client.get("/v1/templates/deleted", headers=bearer(key)).json == []
    assert (
        client.post(
            f"/v1/templates/{template_id}/restore", headers=bearer(key)
        ).status_code
        == 404
    )
    with app.app_context(), database().transaction() as session:
        assert session.get(Template, template_id) is None
