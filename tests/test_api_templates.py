"""/v1/templates end to end: a funder uploads, versions, renders and deletes its
own template; other funders see none of it."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx.document import Document as DocumentObject
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from schemas.registry import KINDS, LANGUAGES, load_document
from service import create_app
from service.examples import example_payload
from service.rendering.isolation import IsolatedRenderer
from tests.conftest import load_example, open_docx
from tests.funder_template import (
    FUNDER_EXTRA,
    SYNTAX_ERROR_PARAGRAPH,
    broken_template,
    funder_agreement_template,
    funder_understanding_template,
)
from tests.store_fixtures import OTHER_FUNDER, bearer, create_api_key, upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AGREEMENT_EXAMPLES = ("agreement.da.json", "agreement.en.json")


@pytest.fixture()
def key(app: Flask) -> str:
    """A key of the funder."""
    return create_api_key(app)


@pytest.fixture()
def other_key(app: Flask) -> str:
    """A key of another funder."""
    return create_api_key(app, OTHER_FUNDER)


@pytest.fixture()
def template_id(client: FlaskClient, key: str) -> str:
    """The id of the funder's agreement template, uploaded once."""
    response = upload(client, key, funder_agreement_template())
    assert response.status_code == 201, response.get_data(as_text=True)
    return str(response.json["id"])  # type: ignore[index]


@pytest.fixture()
def isolated_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record every render that goes through the isolated workers."""
    calls: list[str] = []
    original = IsolatedRenderer.render

    def spy(self: IsolatedRenderer, template: Any, context: Any) -> bytes:
        calls.append(template.digest)
        return original(self, template, context)

    monkeypatch.setattr(IsolatedRenderer, "render", spy)
    yield calls


def with_extra(name: str) -> dict[str, Any]:
    """A shared example with the funder's own fields added."""
    body = load_example(name)
    body["extra"] = FUNDER_EXTRA
    return body


def render(
    client: FlaskClient,
    key: str | None,
    query: str,
    body: dict[str, Any],
    kind: str = "agreement",
) -> TestResponse:
    """POST ``body`` to /v1/documents/<kind>?<query>."""
    return client.post(
        f"/v1/documents/{kind}?{query}",
        data=json.dumps(body, default=str),
        content_type="application/json",
        headers=bearer(key) if key else {},
    )


def body_text(document: DocumentObject) -> str:
    """The text of the body's paragraphs."""
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def table_rows(document: DocumentObject) -> list[list[str]]:
    """Every row of every table, as cell texts."""
    return [
        [cell.text.replace("\xa0", " ") for cell in row.cells]
        for table in document.tables
        for row in table.rows
    ]


def header_and_footer(document: DocumentObject) -> tuple[str, str]:
    """The first section's header and footer text."""
    section = document.sections[0]
    return (
        "\n".join(p.text for p in section.header.paragraphs),
        "\n".join(p.text for p in section.footer.paragraphs),
    )


# --- upload -------------------------------------------------------------------


def test_upload_answers_201_with_id_version_variables_and_findings(
    client: FlaskClient, key: str
) -> None:
    response = upload(client, key, funder_agreement_template())
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.json
    assert body is not None
    assert len(body["id"]) == 32
    assert response.headers["Location"] == f"/v1/templates/{body['id']}"
    assert (body["version"], body["latest_version"]) == (1, 1)
    assert (body["name"], body["kind"], body["language"]) == (
        "Grant agreement",
        "agreement",
        "en",
    )
    assert "title" in body["variables"]
    assert "extra.grant_number" in body["variables"]
    assert "parties[].name" in body["variables"]
    report = body["report"]
    assert set(report) >= {"variables", "unknown_variables", "extra_variables"}
    assert "extra.grant_number" in report["extra_variables"]
    assert report["unknown_variables"] == []
    assert body["engine"] in ("compiled", "docxtpl")
    assert body["filename"] == "grant-agreement.docx"
    assert [version["version"] for version in body["versions"]] == [1]


def test_unknown_variables_are_findings_not_errors(
    client: FlaskClient, key: str
) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("{{ title }} {{ grant_sum }}")
    buffer = io.BytesIO()
    document.save(buffer)
    response = upload(client, key, buffer.getvalue(), name="Typo")
    assert response.status_code == 201
    assert "grant_sum" in response.json["report"]["unknown_variables"]  # type: ignore[index]


def test_list_shows_the_callers_templates_at_their_latest_version(
    client: FlaskClient, key: str, template_id: str
) -> None:
    upload(client, key, funder_agreement_template(heading="Revised"))
    upload(
        client, key, funder_understanding_template(), name="MoU", kind="understanding"
    )
    response = client.get("/v1/templates", headers=bearer(key))
    assert response.status_code == 200
    listed = {item["name"]: item for item in response.json}  # type: ignore[union-attr]
    assert set(listed) == {"Grant agreement", "MoU"}
    assert listed["Grant agreement"]["id"] == template_id
    assert listed["Grant agreement"]["version"] == 2
    assert listed["MoU"]["kind"] == "understanding"


def test_get_gives_metadata_variables_and_every_version(
    client: FlaskClient, key: str, template_id: str
) -> None:
    upload(client, key, funder_agreement_template(heading="Revised"), language="da")
    response = client.get(f"/v1/templates/{template_id}", headers=bearer(key))
    assert response.status_code == 200
    body = response.json
    assert body is not None
    assert (body["version"], body["language"]) == (2, "da")
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert "extra.grant_number" in body["variables"]
    older = client.get(f"/v1/templates/{template_id}?version=1", headers=bearer(key))
    assert (older.json["version"], older.json["language"]) == (1, "en")  # type: ignore[index]


def test_file_gives_back_the_uploaded_bytes_of_each_version(
    client: FlaskClient, key: str, template_id: str
) -> None:
    revised = funder_agreement_template(heading="Revised")
    upload(client, key, revised)
    latest = client.get(f"/v1/templates/{template_id}/file", headers=bearer(key))
    assert latest.status_code == 200
    assert latest.mimetype == DOCX
    assert latest.data == revised
    assert "grant-agreement.docx" in latest.headers["Content-Disposition"]
    first = client.get(
        f"/v1/templates/{template_id}/file?version=1", headers=bearer(key)
    )
    assert first.data == funder_agreement_template()


# --- rendering ----------------------------------------------------------------


@pytest.mark.parametrize("example", AGREEMENT_EXAMPLES)
def test_shared_examples_render_through_the_funders_template(
    client: FlaskClient, key: str, template_id: str, example: str
) -> None:
    body = with_extra(example)
    response = render(client, key, f"template={template_id}", body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    document = open_docx(response.data)
    text = body_text(document)
    assert body["title"] in text
    assert FUNDER_EXTRA["grant_number"] in text
    for party in body["parties"]:
        assert party["name"] in text
        assert party["representative"]["name"] in text
    for condition in FUNDER_EXTRA["conditions"]:
        assert condition in text
    rows = table_rows(document)
    descriptions = [row[0] for row in rows]
    for goal in body["goals"]:
        assert goal["description"] in descriptions
    for line in body["budget"]["lines"]:
        assert line["description"] in descriptions
    assert len([row for row in rows if row[0] and row[0][0].isdigit()]) == 2
    header, footer = header_and_footer(document)
    assert FUNDER_EXTRA["funder_name"] in header
    assert FUNDER_EXTRA["grant_number"] in header
    assert FUNDER_EXTRA["case_officer"] in footer
    assert body["title"] in footer and body["reference"] in footer
    everything = text + str(rows) + header + footer
    assert "{{" not in everything and "{%" not in everything


def test_the_funders_template_gets_the_same_filters_as_built_ins(
    client: FlaskClient, key: str, template_id: str
) -> None:
    response = render(
        client, key, f"template={template_id}", with_extra("agreement.da.json")
    )
    document = open_docx(response.data)
    assert "10. januar 2026" in body_text(document)
    rows = table_rows(document)
    assert ["1. marts 2026", "60.000,00 kr."] in rows
    assert any("Teater Vest & Co." in row for row in rows)


def test_funders_templates_render_in_the_isolated_workers(
    client: FlaskClient, key: str, template_id: str, isolated_calls: list[str]
) -> None:
    response = render(client, key, "", with_extra("agreement.en.json"))
    assert response.status_code == 200
    assert isolated_calls == []  # built-in: in process
    response = render(
        client, key, f"template={template_id}", with_extra("agreement.en.json")
    )
    assert response.status_code == 200
    assert len(isolated_calls) == 1


def test_old_versions_stay_renderable_by_number(
    client: FlaskClient, key: str, template_id: str
) -> None:
    second = upload(client, key, funder_agreement_template(heading="Revised agreement"))
    assert second.status_code == 201
    assert (second.json["id"], second.json["version"]) == (template_id, 2)  # type: ignore[index]
    body = with_extra("agreement.en.json")
    latest = open_docx(render(client, key, f"template={template_id}", body).data)
    assert body_text(latest).startswith("Revised agreement")
    old = render(client, key, f"template={template_id}&version=1", body)
    assert old.status_code == 200
    assert body_text(open_docx(old.data)).startswith("Grant agreement")


def test_a_version_that_does_not_exist_is_404(
    client: FlaskClient, key: str, template_id: str
) -> None:
    response = render(
        client,
        key,
        f"template={template_id}&version=7",
        with_extra("agreement.en.json"),
    )
    assert response.status_code == 404
    assert "has no version 7" in response.json["message"]  # type: ignore[index]
    response = client.get(f"/v1/templates/{template_id}?version=7", headers=bearer(key))
    assert response.status_code == 404


@pytest.mark.parametrize("version", ("0", "-1", "two", "1.5"))
def test_a_version_must_be_a_whole_number_from_one(
    client: FlaskClient, key: str, template_id: str, version: str
) -> None:
    response = client.get(
        f"/v1/templates/{template_id}?version={version}", headers=bearer(key)
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["path"] == "version"  # type: ignore[index]


def test_the_body_is_still_validated(
    client: FlaskClient, key: str, template_id: str
) -> None:
    body = with_extra("agreement.en.json")
    del body["parties"]
    response = render(client, key, f"template={template_id}", body)
    assert response.status_code == 422
    assert any(error["path"] == "parties" for error in response.json["errors"])  # type: ignore[index]


def test_a_template_of_another_kind_is_refused(client: FlaskClient, key: str) -> None:
    uploaded = upload(
        client, key, funder_understanding_template(), name="MoU", kind="understanding"
    )
    mou_id = uploaded.json["id"]  # type: ignore[index]
    response = render(
        client, key, f"template={mou_id}", with_extra("agreement.en.json")
    )
    assert response.status_code == 409
    message = response.json["message"]  # type: ignore[index]
    assert "understanding" in message and "agreement" in message
    response = render(
        client,
        key,
        f"template={mou_id}",
        load_example("understanding.en.json"),
        kind="understanding",
    )
    assert response.status_code == 200


def test_another_kind_under_a_used_name_is_a_conflict(
    client: FlaskClient, key: str, template_id: str
) -> None:
    response = upload(
        client, key, funder_understanding_template(), kind="understanding"
    )
    assert response.status_code == 409
    assert "serves agreement documents" in response.json["message"]  # type: ignore[index]


def test_a_language_mismatch_renders_with_a_warning(
    client: FlaskClient, key: str, template_id: str
) -> None:
    response = render(
        client, key, f"template={template_id}", with_extra("agreement.da.json")
    )
    assert response.status_code == 200
    warnings = json.loads(response.headers["X-Document-Warnings"])
    assert {"path": "language", "code": "template_language"}.items() <= warnings[
        -1
    ].items()


# --- preview ------------------------------------------------------------------


def test_preview_renders_the_example_of_the_templates_kind_and_language(
    client: FlaskClient, key: str, template_id: str
) -> None:
    response = client.post(f"/v1/templates/{template_id}/preview", headers=bearer(key))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    assert "preview" in response.headers["Content-Disposition"]
    example = example_payload("agreement", "en")
    text = body_text(open_docx(response.data))
    assert example["title"] in text
    assert example["parties"][0]["name"] in text


def test_preview_of_a_danish_understanding_uses_the_danish_example(
    client: FlaskClient, key: str
) -> None:
    uploaded = upload(
        client,
        key,
        funder_understanding_template(),
        name="Forståelsespapir",
        kind="understanding",
        language="da",
    )
    assert uploaded.status_code == 201
    mou_id = uploaded.json["id"]  # type: ignore[index]
    response = client.post(f"/v1/templates/{mou_id}/preview", headers=bearer(key))
    assert response.status_code == 200
    example = example_payload("understanding", "da")
    assert example["purpose"] in body_text(open_docx(response.data))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kind_and_language_has_a_valid_example(kind: str, language: str) -> None:
    loaded = load_document(kind, example_payload(kind, language))
    assert loaded.data["language"] == language


# --- delete -------------------------------------------------------------------


def test_delete_removes_the_template_and_every_version(
    client: FlaskClient, key: str, template_id: str
) -> None:
    upload(client, key, funder_agreement_template(heading="Revised"))
    response = client.delete(f"/v1/templates/{template_id}", headers=bearer(key))
    assert response.status_code == 204
    assert response.data == b""
    headers = bearer(key)
    assert (
        client.get(f"/v1/templates/{template_id}", headers=headers).status_code == 404
    )
    assert (
        client.get(
            f"/v1/templates/{template_id}/file?version=1", headers=headers
        ).status_code
        == 404
    )
    response = render(
        client, key, f"template={template_id}", with_extra("agreement.en.json")
    )
    assert response.status_code == 404
    assert client.get("/v1/templates", headers=headers).json == []
    assert (
        client.delete(f"/v1/templates/{template_id}", headers=headers).status_code
        == 404
    )


# --- other tenants ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    (
        ("GET", ""),
        ("GET", "?version=1"),
        ("GET", "/file"),
        ("POST", "/preview"),
        ("DELETE", ""),
    ),
)
def test_another_funder_gets_404_not_403(
    client: FlaskClient,
    key: str,
    other_key: str,
    template_id: str,
    method: str,
    path: str,
) -> None:
    response = client.open(
        f"/v1/templates/{template_id}{path}", method=method, headers=bearer(other_key)
    )
    assert response.status_code == 404
    body = response.json
    assert body.pop("request_id") == response.headers["X-Request-ID"]
    assert body == {
        "code": 404,
        "status": "Not Found",
        "message": f"There is no template '{template_id}'.",
        "errors": [],
    }
    # ... and the same answer as for an id that does not exist at all
    missing = client.open(
        f"/v1/templates/{'0' * 32}{path}", method=method, headers=bearer(other_key)
    )
    assert missing.status_code == 404
    still_there = client.get(f"/v1/templates/{template_id}", headers=bearer(key))
    assert still_there.status_code == 200


def test_another_funder_cannot_render_with_it(
    client: FlaskClient, other_key: str, template_id: str
) -> None:
    response = render(
        client, other_key, f"template={template_id}", with_extra("agreement.en.json")
    )
    assert response.status_code == 404


def test_another_funder_does_not_see_it_listed(
    client: FlaskClient, other_key: str, template_id: str
) -> None:
    assert client.get("/v1/templates", headers=bearer(other_key)).json == []


def test_the_same_name_for_another_funder_is_its_own_template(
    client: FlaskClient, other_key: str, template_id: str
) -> None:
    response = upload(client, other_key, funder_agreement_template())
    assert response.status_code == 201
    assert response.json["id"] != template_id  # type: ignore[index]
    assert response.json["version"] == 1  # type: ignore[index]


# --- refused uploads ----------------------------------------------------------


def test_a_syntax_error_is_422_naming_the_paragraph(
    client: FlaskClient, key: str
) -> None:
    response = upload(client, key, broken_template(), name="Broken")
    assert response.status_code == 422
    body = response.json
    assert body is not None and body["code"] == 422
    (problem,) = body["errors"]
    assert problem["part"] == "word/document.xml"
    assert problem["paragraph"] == SYNTAX_ERROR_PARAGRAPH
    assert "grant_number" in problem["excerpt"]
    assert client.get("/v1/templates", headers=bearer(key)).json == []


def test_a_file_that_is_not_a_docx_is_422(client: FlaskClient, key: str) -> None:
    response = upload(client, key, b"%PDF-1.7 not a word file")
    assert response.status_code == 422
    assert "not a Word document" in response.json["message"]  # type: ignore[index]


@pytest.mark.parametrize("missing", ("file", "name", "kind", "language"))
def test_a_missing_form_field_is_422_naming_it(
    client: FlaskClient, key: str, missing: str
) -> None:
    fields: dict[str, Any] = {
        "name": "Grant agreement",
        "kind": "agreement",
        "language": "en",
        "file": (io.BytesIO(funder_agreement_template()), "grant.docx"),
    }
    del fields[missing]
    response = client.post(
        "/v1/templates",
        data=fields,
        headers=bearer(key),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert [error["path"] for error in response.json["errors"]] == [missing]  # type: ignore[index]


@pytest.mark.parametrize(
    ("field", "value"),
    (("kind", "contract"), ("language", "de"), ("name", " "), ("name", "x" * 201)),
)
def test_a_bad_form_field_is_422_naming_it(
    client: FlaskClient, key: str, field: str, value: str
) -> None:
    response = upload(client, key, funder_agreement_template(), **{field: value})
    assert response.status_code == 422
    assert [error["path"] for error in response.json["errors"]] == [field]  # type: ignore[index]


def test_an_unknown_form_field_is_422_naming_it(client: FlaskClient, key: str) -> None:
    response = upload(client, key, funder_agreement_template(), colour="blue")
    assert response.status_code == 422
    assert response.json["errors"][0]["path"] == "colour"  # type: ignore[index]


def test_an_upload_must_be_multipart(client: FlaskClient, key: str) -> None:
    response = client.post("/v1/templates", json={"name": "x"}, headers=bearer(key))
    assert response.status_code == 415


def test_an_upload_over_the_default_limit_is_413(client: FlaskClient, key: str) -> None:
    # Encoded by hand: the test client would spool a body this large to a
    # temporary file that nobody closes when the app refuses to read it.
    boundary = "funder-upload"
    content = b"PK" + b"\0" * (5 * 1024 * 1024 + 100 * 1024)
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
            f"\r\n\r\n{value}\r\n".encode()
            for name, value in (
                ("name", "Big"),
                ("kind", "agreement"),
                ("language", "en"),
            )
        ]
        + [
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.docx"\r\n\r\n'.encode(),
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    response = client.post(
        "/v1/templates",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=bearer(key),
    )
    assert response.status_code == 413
    body = response.json
    assert body is not None and body["code"] == 413
    assert "too large" in body["message"]


@pytest.fixture()
def small_limit_app(tmp_path: Path) -> Flask:
    """An app accepting templates of at most 64 KiB."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'small.sqlite3'}",
            "TEMPLATE_MAX_UPLOAD_BYTES": 64 * 1024,
        }
    )


def test_the_upload_limit_is_a_setting(small_limit_app: Flask) -> None:
    key = create_api_key(small_limit_app)
    client = small_limit_app.test_client()
    assert upload(client, key, funder_agreement_template()).status_code == 201
    padded = funder_agreement_template() + b"\0" * (80 * 1024)
    response = upload(client, key, padded, name="Padded")
    assert response.status_code == 413
    assert "at most 64 KiB" in response.json["message"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("limit", "shown"),
    (
        (5 * 1024 * 1024, "5 MiB"),
        (1024 * 1024, "1 MiB"),
        (3 * 1024 * 1024 // 2, "1.5 MiB"),
        (1024 * 1024 - 1, "1024 KiB"),
        (64 * 1024, "64 KiB"),
        (1536, "1.5 KiB"),
    ),
)
def test_a_body_over_the_upload_limit_names_the_limit(
    tmp_path: Path, limit: int, shown: str
) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'limit.sqlite3'}",
            "TEMPLATE_MAX_UPLOAD_BYTES": limit,
        }
    )
    response = app.test_client().post(
        "/v1/templates",
        data=b"-" * (limit + 64 * 1024 + 1),
        content_type="multipart/form-data; boundary=x",
        headers=bearer(create_api_key(app)),
    )
    assert response.status_code == 413
    body = response.json
    assert body is not None and body["code"] == 413
    assert body["message"] == (
        f"The upload is too large: a template may be at most {shown}."
    )


def test_json_bodies_keep_their_own_smaller_limit(client: FlaskClient) -> None:
    response = client.post(
        "/v1/validate/agreement",
        data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        content_type="application/json",
    )
    assert response.status_code == 413


# --- documentation ------------------------------------------------------------


def test_the_openapi_document_describes_the_templates_api(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").json
    assert spec is not None
    paths = spec["paths"]
    assert set(paths["/v1/templates"]) >= {"get", "post"}
    assert set(paths["/v1/templates/{template_id}"]) >= {"get", "delete"}
    assert "post" in paths["/v1/templates/{template_id}/preview"]
    upload_doc = paths["/v1/templates"]["post"]
    assert "multipart/form-data" in upload_doc["requestBody"]["content"]
    assert upload_doc["security"] == [{"apiKey": []}]
    assert spec["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
