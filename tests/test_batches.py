"""Batches: a zip of documents plus report.json, at once or as an in-process job."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.jobs.merge import merge_patch
from tests.conftest import all_text, load_example, open_docx
from tests.store_fixtures import OTHER_FUNDER, bearer, create_api_key


def open_zip(content: bytes) -> zipfile.ZipFile:
    """The answered zip."""
    return zipfile.ZipFile(io.BytesIO(content))


def letters(names: list[str]) -> dict[str, Any]:
    """A base first-contact letter and one merge patch per recipient name."""
    return {
        "base": load_example("first_contact.en.json"),
        "items": [{"recipient": {"person": {"name": name}}} for name in names],
    }


@pytest.mark.parametrize(
    ("target", "patch", "merged"),
    (
        (
            {"a": 1, "b": {"c": 2, "d": 3}},
            {"b": {"c": None, "e": 4}},
            {"a": 1, "b": {"d": 3, "e": 4}},
        ),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),
        ({"a": 1}, ["x"], ["x"]),
        ("text", {"a": {"b": None}}, {"a": {}}),
    ),
)
def test_merge_patch_follows_rfc_7396(target: Any, patch: Any, merged: Any) -> None:
    assert merge_patch(target, patch) == merged


def test_small_batch_answers_a_zip_with_a_report(client: FlaskClient) -> None:
    body = letters(["Anna Holm", "Bo Berg"])
    body["items"].insert(1, {"recipient": {"email": "not an email"}})
    response = client.post("/v1/batches/first_contact", json=body)
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = open_zip(response.data)
    report = json.loads(archive.read("report.json"))
    assert (report["total"], report["succeeded"], report["failed"]) == (3, 2, 1)
    first, bad, third = report["items"]
    assert first["index"] == 0 and first["file"].startswith("1_")
    assert third["file"].startswith("3_") and third["file"].endswith(".docx")
    assert bad["index"] == 1 and bad["status"] == 422
    assert bad["errors"] == [
        {"path": "recipient.email", "message": "Not a valid e-mail address."}
    ]
    assert sorted(archive.namelist()) == sorted(
        [first["file"], third["file"], "report.json"]
    )
    assert "Anna Holm" in all_text(open_docx(archive.read(first["file"])))
    assert "Bo Berg" in all_text(open_docx(archive.read(third["file"])))


def test_documents_form_renders_each_body(client: FlaskClient) -> None:
    documents = [load_example("agreement.da.json"), load_example("agreement.en.json")]
    response = client.post("/v1/batches/agreement", json={"documents": documents})
    report = json.loads(open_zip(response.data).read("report.json"))
    assert [item["file"].rsplit("_", 1)[1] for item in report["items"]] == [
        "da.docx",
        "en.docx",
    ]


@pytest.mark.parametrize(
    ("body", "path"),
    (
        ([], ""),
        ({}, "documents"),
        ({"documents": {}}, "documents"),
        ({"documents": []}, "documents"),
        ({"base": {}, "items": "x"}, "items"),
        ({"base": [], "items": [{}]}, "base"),
        ({"documents": [{}], "format": "odt"}, "format"),
        ({"documents": [{}], "extra": 1}, "extra"),
    ),
)
def test_malformed_batch_is_422_naming_the_field(
    client: FlaskClient, body: Any, path: str
) -> None:
    response = client.post("/v1/batches/first_contact", json=body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["message"] == "The batch is not valid."
    assert [problem["path"] for problem in error["errors"]] == [path]


def test_unknown_kind_is_404(client: FlaskClient) -> None:
    response = client.post("/v1/batches/novel", json={"documents": [{}]})
    assert response.status_code == 404
    assert response.get_json()["code"] == 404


@pytest.fixture()
def job_app(tmp_path: Path) -> Iterator[Flask]:
    """An app answering batches over two items as in-process jobs."""
    yield create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "BATCH_SYNC_MAX_ITEMS": 2,
            "JOBS_DIR": str(tmp_path / "jobs"),
        }
    )


def wait_for(client: FlaskClient, location: str, headers: dict[str, str]) -> Any:
    """Poll a job until it is finished or failed (at most a minute)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = client.get(location, headers=headers).get_json()
        if status["status"] in ("finished", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"job still {status}")


def test_large_batch_is_a_job_with_a_result(job_app: Flask) -> None:
    client = job_app.test_client()
    names = ["Anna Holm", "Bo Berg", "Carl Dam", "Dorte Eng"]
    response = client.post("/v1/batches/first_contact", json=letters(names))
    assert response.status_code == 202
    location = response.headers["Location"]
    assert location == f"/v1/jobs/{response.get_json()['id']}"
    assert len(response.get_json()["id"]) >= 40
    status = wait_for(client, location, {})
    assert status == {
        "id": response.get_json()["id"],
        "status": "finished",
        "done": 4,
        "total": 4,
        "failed": 0,
        "result": f"{location}/result",
    }
    archive = open_zip(client.get(status["result"]).data)
    report = json.loads(archive.read("report.json"))
    assert [item["index"] for item in report["items"]] == [0, 1, 2, 3]
    last = archive.read(report["items"][3]["file"])
    assert "Dorte Eng" in all_text(open_docx(last))


def test_job_made_with_a_key_is_its_organisations_only(job_app: Flask) -> None:
    client = job_app.test_client()
    mine, theirs = create_api_key(job_app), create_api_key(job_app, OTHER_FUNDER)
    response = client.post(
        "/v1/batches/first_contact",
        json=letters(["A B", "C D", "E F"]),
        headers=bearer(mine),
    )
    location = response.headers["Location"]
    assert wait_for(client, location, bearer(mine))["status"] == "finished"
    for headers in ({}, bearer(theirs)):
        for path in (location, f"{location}/result"):
            answer = client.get(path, headers=headers)
            assert answer.status_code == 404
            assert answer.get_json()["message"] == (
                "There is no such job (or its result has expired)."
            )
    assert client.get(f"{location}/result", headers=bearer(mine)).status_code == 200


def test_unknown_job_is_404(client: FlaskClient) -> None:
    assert client.get("/v1/jobs/" + "x" * 43).status_code == 404
    assert client.get("/v1/jobs/..").status_code == 404


def test_expired_results_are_gone(tmp_path: Path) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
            "BATCH_SYNC_MAX_ITEMS": 0,
            "JOBS_DIR": str(tmp_path / "jobs"),
            "JOB_RESULT_TTL_SECONDS": 0,
        }
    )
    client = app.test_client()
    location = client.post("/v1/batches/first_contact", json=letters(["A B"])).headers[
        "Location"
    ]
    deadline = time.monotonic() + 60
    while client.get(location).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get(location).status_code == 404
    assert list((tmp_path / "jobs").iterdir()) == []
