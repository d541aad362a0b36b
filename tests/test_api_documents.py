"""POST /v1/documents/<kind> and /v1/validate/<kind>: the render API end to end."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from tests.conftest import (
    SHARED_EXAMPLES,
    all_text,
    example_text,
    kind_of,
    load_example,
    open_docx,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def post_json(client: FlaskClient, url: str, body: object):  # type: ignore[no-untyped-def]
    """POST ``body`` as JSON with Decimal amounts kept exact."""
    return client.post(
        url, data=json.dumps(body, default=str), content_type="application/json"
    )


@pytest.mark.parametrize("name", SHARED_EXAMPLES)
def test_every_shared_example_renders_as_a_word_document(
    client: FlaskClient, name: str
) -> None:
    response = client.post(
        f"/v1/documents/{kind_of(name)}",
        data=example_text(name),
        content_type="application/json",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == DOCX
    text = all_text(open_docx(response.data))
    assert "{{" not in text and "{%" not in text and "None" not in text
    example = load_example(name)
    for party in example.get("parties", []):
        assert party["name"] in text
    if "title" in example:
        assert example["title"] in text


def test_special_characters_come_out_as_written(client: FlaskClient) -> None:
    response = client.post(
        "/v1/documents/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
    )
    text = all_text(open_docx(response.data))
    assert "Teater Vest & Co." in text
    assert "&amp;" not in text


def test_danish_amounts_and_dates_are_formatted_the_danish_way(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/v1/documents/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
    )
    text = all_text(open_docx(response.data))
    assert "25.000,50 kr." in text
    assert "85.000,00 kr." in text
    assert "15. januar 2026" in text
    assert "31. december 2026" in text


def test_english_amounts_and_dates_are_formatted_the_english_way(
    client: FlaskClient,
) -> None:
    body = load_example("agreement.en.json")
    body["budget"]["currency"] = "DKK"
    body["budget"]["lines"][0]["amount"] = Decimal("25000.5")
    response = post_json(client, "/v1/documents/agreement", body)
    assert response.status_code == 200, response.get_json()
    text = all_text(open_docx(response.data))
    assert "DKK 25,000.50" in text
    assert "1 March 2026" in text
    assert "31 December 2028" in text


def test_file_name_is_made_from_title_kind_and_language(client: FlaskClient) -> None:
    response = client.post(
        "/v1/documents/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
    )
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Sansefortaellingen_partnerskabsaftale_da.docx"' in disposition
    assert (
        "filename*=UTF-8''Sansefort%C3%A6llingen_partnerskabsaftale_da.docx"
        in disposition
    )


def test_render_reports_warnings_in_a_header(client: FlaskClient) -> None:
    body = load_example("agreement.da.json")
    body["goals"] = [g for g in body["goals"] if g["kind"] == "impact"]
    response = post_json(client, "/v1/documents/agreement", body)
    assert response.status_code == 200
    warnings = json.loads(response.headers["X-Document-Warnings"])
    assert any(w["path"] == "goals" for w in warnings)
    assert response.headers["X-Document-Warning-Count"] == str(len(warnings))


def test_validate_answers_valid_with_warnings(client: FlaskClient) -> None:
    response = client.post(
        "/v1/validate/understanding",
        data=example_text("understanding.en.json"),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["valid"] is True
    assert isinstance(body["warnings"], list)


def test_invalid_document_lists_every_problem_with_its_path(
    client: FlaskClient,
) -> None:
    body = load_example("agreement.da.json")
    body["parties"][1]["representative"]["email"] = "not-an-email"
    body["roles"][0]["party"] = "nobody"
    del body["vision"]
    response = post_json(client, "/v1/validate/agreement", body)
    assert response.status_code == 422
    error = response.get_json()
    assert error["code"] == 422
    paths = {problem["path"] for problem in error["errors"]}
    assert {"parties[1].representative.email", "roles[0].party", "vision"} <= paths
    assert all(problem["message"] for problem in error["errors"])


def test_render_refuses_an_invalid_document_with_422(client: FlaskClient) -> None:
    response = post_json(client, "/v1/documents/first_contact", {"language": "da"})
    assert response.status_code == 422
    paths = {problem["path"] for problem in response.get_json()["errors"]}
    assert {"sender", "recipient", "idea", "meeting"} <= paths


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    (
        ('{"title": ', "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        ('{"a": NaN}', "application/json", 400),
        ("title=Sansefortællingen", "application/x-www-form-urlencoded", 415),
        ("{}", "text/plain", 415),
    ),
)
def test_bad_bodies_get_a_json_error(
    client: FlaskClient, data: str | bytes, content_type: str, status: int
) -> None:
    response = client.post(
        "/v1/documents/agreement", data=data, content_type=content_type
    )
    assert response.status_code == status
    assert response.is_json
    assert response.get_json()["code"] == status
    assert response.get_json()["message"]


def test_body_over_the_size_limit_gets_413(client: FlaskClient) -> None:
    body = load_example("agreement.da.json")
    body["background"] = "x" * (1024 * 1024 + 1)
    response = post_json(client, "/v1/documents/agreement", body)
    assert response.status_code == 413
    assert response.get_json()["code"] == 413


def test_deeply_nested_json_gets_a_clear_error(client: FlaskClient) -> None:
    response = client.post(
        "/v1/validate/agreement",
        data="[" * 100_000 + "]" * 100_000,
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert response.is_json


@pytest.mark.parametrize(
    ("method", "url", "status"),
    (
        ("POST", "/v1/documents/contract", 404),
        ("POST", "/v1/validate/contract", 404),
        ("GET", "/v1/documents/agreement", 405),
        ("GET", "/v1/schemas/contract", 404),
        ("GET", "/no/such/page", 404),
    ),
)
def test_routing_errors_answer_json(
    client: FlaskClient, method: str, url: str, status: int
) -> None:
    response = client.open(url, method=method, json={})
    assert response.status_code == status
    assert response.is_json
    assert response.get_json()["code"] == status


def test_method_not_allowed_names_the_allowed_methods(client: FlaskClient) -> None:
    response = client.get("/v1/documents/agreement")
    assert "POST" in response.headers["Allow"]


def test_a_missing_builtin_template_is_a_503_not_a_crash(tmp_path, app) -> None:  # type: ignore[no-untyped-def]
    app.extensions["partnerdocs"].builtin.directory = tmp_path
    response = app.test_client().post(
        "/v1/documents/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
    )
    assert response.status_code == 503
    assert "agreement" in response.get_json()["message"]


def test_a_document_over_the_output_limit_gets_413(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from service import create_app

    app = create_app(
        {
            "TESTING": True,
            "MAX_OUTPUT_BYTES": 10_000,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'limit.sqlite3'}",
        }
    )
    response = app.test_client().post(
        "/v1/documents/agreement",
        data=example_text("agreement.da.json"),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.get_json()["code"] == 413
