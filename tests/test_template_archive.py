"""Export and import of a funder's templates: all versions, verified, all or nothing."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from tests.conftest import all_text, example_text, open_docx
from tests.db_backends import BACKENDS, database_url
from tests.funder_template import (
    funder_agreement_template,
    funder_understanding_template,
)
from tests.store_fixtures import OTHER_FUNDER, bearer, create_api_key, upload


def make_app(url: str) -> Flask:
    """An app on the database at ``url``."""
    return create_app({"TESTING": True, "DATABASE_URL": url})


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An empty app to import into: SQLite, and PostgreSQL when there is one."""
    folder = tmp_path / "target"
    folder.mkdir()
    with database_url(request.param, folder) as url:
        yield make_app(url)


def stock(app: Flask, client: FlaskClient) -> str:
    """Two templates, one of them in two versions; the funder's key."""
    key = create_api_key(app)
    for heading in ("Grant agreement", "Grant agreement, revised"):
        assert (
            upload(client, key, funder_agreement_template(heading=heading)).status_code
            == 201
        )
    assert (
        upload(
            client,
            key,
            funder_understanding_template(),
            name="Memorandum",
            kind="understanding",
            language="da",
            filename="memo.docx",
        ).status_code
        == 201
    )
    return key


def listing(client: FlaskClient, key: str) -> list[dict[str, Any]]:
    """Every template with every version, minus the download links."""
    found = []
    for summary in client.get("/v1/templates", headers=bearer(key)).json:
        full = client.get(f"/v1/templates/{summary['id']}", headers=bearer(key)).json
        for version in full["versions"]:
            version.pop("file")
            payload = client.get(
                f"/v1/templates/{full['id']}/file?version={version['version']}",
                headers=bearer(key),
            ).data
            version["bytes"] = payload
        full.pop("file")
        found.append(full)
    return found


def exported(client: FlaskClient, key: str) -> bytes:
    response = client.get("/v1/templates/export", headers=bearer(key))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return response.data


def post_archive(client: FlaskClient, key: str, data: bytes) -> Any:
    return client.post(
        "/v1/templates/import",
        data={"file": (io.BytesIO(data), "templates.zip")},
        headers=bearer(key),
        content_type="multipart/form-data",
    )


def rewritten(data: bytes, change: Any) -> bytes:
    """``data`` with ``change(manifest, files)`` applied to its contents."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = {
            name: archive.read(name)
            for name in archive.namelist()
            if name != "manifest.json"
        }
    change(manifest, files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_the_api_round_trip_keeps_every_version_name_and_checksum(
    app: Flask, client: FlaskClient, target: Flask
) -> None:
    key = stock(app, client)
    before = listing(client, key)
    data = exported(client, key)

    target_key = create_api_key(target, OTHER_FUNDER)
    target_client = target.test_client()
    response = post_archive(target_client, target_key, data)
    assert response.status_code == 201
    assert sorted(
        (each["name"], each["versions"]) for each in response.json["templates"]
    ) == [
        ("Grant agreement", 2),
        ("Memorandum", 1),
    ]
    assert listing(target_client, target_key) == before

    # the imported template renders, its latest version
    grant = next(each for each in before if each["name"] == "Grant agreement")
    rendered = target_client.post(
        f"/v1/documents/agreement?template={grant['id']}",
        data=example_text("agreement.en.json"),
        content_type="application/json",
        headers=bearer(target_key),
    )
    assert rendered.status_code == 200
    assert "Grant agreement, revised" in all_text(open_docx(rendered.data))


def test_the_cli_round_trip_from_sqlite_to_the_target_database(
    app: Flask, client: FlaskClient, target: Flask, tmp_path: Path
) -> None:
    key = stock(app, client)
    before = listing(client, key)
    archive = tmp_path / "fund.zip"
    result = app.test_cli_runner().invoke(
        args=["templates", "export", "Nordic Civic Fund", "-o", str(archive)]
    )
    assert result.exit_code == 0, result.output
    result = target.test_cli_runner().invoke(
        args=["templates", "import", "Nordic Civic Fund", str(archive)]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 2 templates (3 versions) into Nordic Civic Fund." in result.output
    target_key = create_api_key(target)
    assert listing(target.test_client(), target_key) == before


def test_a_changed_file_is_refused_and_nothing_is_imported(
    app: Flask, client: FlaskClient
) -> None:
    key = stock(app, client)

    def tamper(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
        path = manifest["templates"][1]["versions"][0]["file"]
        middle = len(files[path]) // 2
        files[path] = files[path][:middle] + b"X" + files[path][middle + 1 :]

    data = rewritten(exported(client, key), tamper)
    other = create_api_key(app, OTHER_FUNDER)
    response = post_archive(client, other, data)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {
            "path": "templates[1].versions[0]",
            "message": "Its SHA-256 checksum differs: the file was changed or damaged.",
        }
    ]
    assert client.get("/v1/templates", headers=bearer(other)).json == []


def test_an_invalid_manifest_names_the_field(app: Flask, client: FlaskClient) -> None:
    key = stock(app, client)

    def break_it(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
        manifest["templates"][0]["versions"][1]["language"] = "fr"

    other = create_api_key(app, OTHER_FUNDER)
    response = post_archive(client, other, rewritten(exported(client, key), break_it))
    assert response.status_code == 422
    assert [problem["path"] for problem in response.json["errors"]] == [
        "templates[0].versions[1].language"
    ]


def test_importing_templates_that_exist_is_409_and_writes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    key = stock(app, client)
    data = exported(client, key)
    before = listing(client, key)
    response = post_archive(client, key, data)
    assert response.status_code == 409
    assert "'Grant agreement', 'Memorandum'" in response.json["message"]
    assert listing(client, key) == before


def test_a_file_that_is_no_zip_is_422(app: Flask, client: FlaskClient) -> None:
    key = create_api_key(app)
    response = post_archive(client, key, b"not a zip")
    assert response.status_code == 422
    assert response.json["message"] == "The file is not a zip archive."


def test_an_archive_of_a_template_failing_the_upload_check_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    key = stock(app, client)

    def swap(manifest: dict[str, Any], files: dict[str, bytes]) -> None:
        entry = manifest["templates"][0]["versions"][0]
        files[entry["file"]] = b"PK\x05\x06" + b"\x00" * 18  # an empty zip, no .docx
        entry["size"] = 22
        entry["sha256"] = __import__("hashlib").sha256(files[entry["file"]]).hexdigest()

    other = create_api_key(app, OTHER_FUNDER)
    response = post_archive(client, other, rewritten(exported(client, key), swap))
    assert response.status_code == 422
    assert client.get("/v1/templates", headers=bearer(other)).json == []


def test_export_needs_a_key(client: FlaskClient) -> None:
    assert client.get("/v1/templates/export").status_code == 401


def test_cli_export_of_an_unknown_organisation_fails(
    app: Flask, tmp_path: Path
) -> None:
    result = app.test_cli_runner().invoke(
        args=["templates", "export", "Nobody", "-o", str(tmp_path / "x.zip")]
    )
    assert result.exit_code == 1
    assert "There is no organisation 'Nobody'." in result.output
