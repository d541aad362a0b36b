"""Deleting a template while another request writes: never a 503 for a lock (SQLite).

Found by the soak (bench/soak.py): a deletion read the template, another
upload committed, and the deletion's write then failed at once with "database
is locked" (SQLite cannot upgrade a read snapshot that is out of date), a 503.
A deletion takes the write lock when it begins instead, like an upload.
"""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.storage import repository
from service.storage.db import database
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import bearer, create_api_key, upload


def test_a_write_committed_while_a_delete_reads_does_not_fail_the_delete(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = create_api_key(app)
    template_id = upload(client, key, funder_agreement_template()).json["id"]
    original = repository.get_template
    writer_done = threading.Event()

    def other_writer() -> None:
        with app.app_context(), database().transaction(writing=True) as session:
            repository.create_key(session, "Another Fund")
        writer_done.set()

    def read_then_let_another_write(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        writer = threading.Thread(target=other_writer)
        writer.start()
        writer.join(timeout=1)  # done at once unless the delete holds the lock
        return found

    monkeypatch.setattr(repository, "get_template", read_then_let_another_write)
    response = client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    monkeypatch.undo()
    assert response.status_code == 204
    assert writer_done.wait(timeout=60)  # the other write went in after it
    assert (
        client.get(f"/v1/templates/{template_id}", headers=bearer(key)).status_code
        == 404
    )
