"""The form's server side: GET / in the person's language, its packaged assets,
and the plain HTML post (no JavaScript) at /form/documents/<kind>."""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from typing import Any

import pytest
from flask.testing import FlaskClient

from schemas.jsonschema import json_schema
from schemas.registry import KINDS
from service.web.language import COOKIE
from service.web.order import field_order
from service.web.references import PARTY_REFERENCES
from tests.conftest import PROJECT_ROOT, all_text, example_text, load_example, open_docx

ASSETS_DIR = PROJECT_ROOT / "service" / "web" / "static" / "form"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def page_config(html: str) -> dict[str, Any]:
    """The JSON the page hands its script."""
    found = re.search(
        r'<script id="form-config" type="application/json">(.*?)</script>', html, re.S
    )
    assert found
    config: dict[str, Any] = json.loads(found.group(1))
    return config


@pytest.mark.parametrize(
    ("accept", "language", "heading"),
    (
        ("da-DK,da;q=0.9,en;q=0.5", "da", "Partnerskabsdokumenter"),
        ("en-GB,en;q=0.9", "en", "Partnership documents"),
        ("", "da", "Partnerskabsdokumenter"),
    ),
)
def test_page_speaks_the_browsers_language(
    client: FlaskClient, accept: str, language: str, heading: str
) -> None:
    response = client.get("/", headers={"Accept-Language": accept})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html
    assert page_config(html)["language"] == language
    assert "Accept-Language" in response.vary


def test_language_switch_is_kept_in_a_cookie(client: FlaskClient) -> None:
    switched = client.get("/?lang=en", headers={"Accept-Language": "da"})
    assert f"{COOKIE}=en" in switched.headers["Set-Cookie"]
    again = client.get("/", headers={"Accept-Language": "da"})
    assert '<html lang="en">' in again.get_data(as_text=True)


def test_unknown_language_is_ignored(client: FlaskClient) -> None:
    response = client.get("/?lang=xx", headers={"Accept-Language": "en"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_page_names_the_kinds_and_where_the_api_is(client: FlaskClient) -> None:
    config = page_config(client.get("/?lang=da").get_data(as_text=True))
    kinds = {kind["kind"]: kind for kind in config["kinds"]}
    assert list(kinds) == list(KINDS)
    assert kinds["agreement"]["names"] == {
        "da": "partnerskabsaftale",
        "en": "partnership agreement",
    }
    assert kinds["agreement"]["schema"] == "/v1/schemas/agreement"
    assert kinds["agreement"]["validate"] == "/v1/validate/agreement"
    assert kinds["agreement"]["render"] == "/v1/documents/agreement"
    assert config["templates"] == "/v1/templates"
    assert config["labels"]["relationship"] == {
        "da": "relationsmål",
        "en": "relationship goal",
    }


def test_page_loads_the_packaged_assets(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for name in ("form.js", "form.css"):
        assert f"/form/static/form/{name}" in html
        asset = client.get(f"/form/static/form/{name}")
        assert asset.status_code == 200
        assert asset.get_data() == (ASSETS_DIR / name).read_bytes()
        asset.close()


def test_package_data_ships_the_form() -> None:
    """A non-editable install must carry the bundle and the page shell."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["service.web"]
    web = PROJECT_ROOT / "service" / "web"
    shipped = [*ASSETS_DIR.iterdir(), *(web / "templates").iterdir()]
    for path in shipped:
        relative = path.relative_to(web).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)


@pytest.mark.parametrize("kind", KINDS)
def test_field_order_lists_every_property(kind: str) -> None:
    """The form lays fields out in the schemas' order; "*" keeps any other."""
    order = field_order(kind)["ui:order"]
    assert order[-1] == "*"
    assert sorted(order[:-1]) == sorted(json_schema(kind)["properties"])


def _schema_at(kind: str, path: str) -> dict[str, Any]:
    document = json_schema(kind)
    node: dict[str, Any] = document
    for part in path.split("."):
        if "$ref" in node:
            node = document["$defs"][node["$ref"].removeprefix("#/$defs/")]
        node = node["items"] if part == "*" else node["properties"][part]
    return node


def _with_reference(data: Any, parts: list[str], value: str) -> Any:
    """``data`` with the party reference at ``parts`` set to ``value``."""
    if not parts:
        return value
    head, rest = parts[0], parts[1:]
    if head == "*":
        return [_with_reference({} if rest else None, rest, value)]
    data = dict(data or {})
    data[head] = _with_reference(data.get(head), rest, value)
    return data


REFERENCE_CASES = [
    (kind, path) for kind, paths in PARTY_REFERENCES.items() for path in paths
]


@pytest.mark.parametrize(("kind", "path"), REFERENCE_CASES)
def test_party_reference_paths_are_checked_references(
    client: FlaskClient, kind: str, path: str
) -> None:
    """Each dropdown of parties sits on a field the API checks as a party id."""
    assert _schema_at(kind, path)["type"] == "string"
    body = load_example(f"{kind}.en.json")
    first, *rest = path.split(".")
    body[first] = _with_reference(None, rest, "nobody") if rest else "nobody"
    if first == "budget":
        body[first] = {
            **load_example(f"{kind}.en.json").get("budget", {}),
            **body[first],
        }
    response = client.post(
        f"/v1/validate/{kind}",
        data=json.dumps(body, default=str),
        content_type="application/json",
    )
    assert response.status_code == 422
    expected = re.sub(r"\.\*", "[0]", path)
    found = {error["path"]: error["message"] for error in response.get_json()["errors"]}
    assert expected in found, found
    assert found[expected].startswith("Unknown party 'nobody'")


def test_plain_post_urlencoded_answers_the_document(client: FlaskClient) -> None:
    response = client.post(
        "/form/documents/agreement", data={"data": example_text("agreement.da.json")}
    )
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert "partnerskabsaftale_da.docx" in response.headers["Content-Disposition"]
    example = load_example("agreement.da.json")
    text = all_text(open_docx(response.get_data()))
    assert example["title"] in text
    for party in example["parties"]:
        assert party["name"] in text


def test_plain_post_multipart_answers_the_document(client: FlaskClient) -> None:
    response = client.post(
        "/form/documents/first_contact",
        data={"data": example_text("first_contact.en.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    example = load_example("first_contact.en.json")
    assert example["recipient"]["organisation"] in all_text(
        open_docx(response.get_data())
    )


def test_plain_post_invalid_data_is_a_readable_page_in_danish(
    client: FlaskClient,
) -> None:
    body = load_example("agreement.da.json")
    body["parties"][1]["name"] = ""
    body["roles"][0]["party"] = "nobody"
    response = client.post(
        "/form/documents/agreement?lang=da",
        data={"data": json.dumps(body, default=str)},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert '<html lang="da">' in html
    assert "Dokumentet kunne ikke laves" in html
    assert "Parter › 2 › Organisationens navn" in html
    assert "<code>parties[1].name</code>" in html
    assert "Roller og ansvar › 1 › Part" in html
    assert "Unknown party &#39;nobody&#39;" in html


@pytest.mark.parametrize(
    ("url", "data", "status", "words"),
    (
        ("/form/documents/agreement", {}, 400, "no field named data"),
        ("/form/documents/agreement", {"data": "{"}, 400, "not valid JSON"),
        ("/form/documents/agreement", {"data": "NaN"}, 400, "not valid JSON"),
        ("/form/documents/agreement", {"data": "[]"}, 422, "the whole document"),
        ("/form/documents/letter", {"data": "{}"}, 404, "Unknown document kind"),
    ),
)
def test_plain_post_problems_are_html_pages(
    client: FlaskClient, url: str, data: dict[str, str], status: int, words: str
) -> None:
    response = client.post(url + "?lang=en", data=data)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert words in response.get_data(as_text=True)


def test_plain_post_too_large_is_an_html_413(client: FlaskClient) -> None:
    big = "x" * (2 * 1024 * 1024)
    response = client.post("/form/documents/agreement?lang=en", data={"data": big})
    assert response.status_code == 413
    assert response.mimetype == "text/html"


def test_plain_post_when_builtins_need_a_key(tmp_path: Any) -> None:
    from service import create_app

    app = create_app(
        {
            "TESTING": True,
            "REQUIRE_KEY_FOR_BUILTIN": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'key.sqlite3'}",
        }
    )
    response = app.test_client().post(
        "/form/documents/agreement?lang=en",
        data={"data": example_text("agreement.en.json")},
    )
    assert response.status_code == 401
    assert "API keys only" in response.get_data(as_text=True)


def test_api_keeps_answering_json(client: FlaskClient) -> None:
    """The web room's HTML error pages do not leak into the API."""
    response = client.post(
        "/v1/documents/agreement", data="{", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["code"] == 400
    assert client.get("/healthz").status_code == 200
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").get_json()["openapi"] == "3.1.0"
