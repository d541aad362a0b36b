"""API keys: the ``keys`` commands, and 401s for missing, wrong and revoked keys."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from service import create_app
from tests.conftest import example_text
from tests.store_fixtures import FUNDER, bearer, create_api_key


def create_key_with_cli(runner: FlaskCliRunner, organisation: str = FUNDER) -> str:
    """Run ``keys create`` and take the key from the last line."""
    result = runner.invoke(args=["keys", "create", organisation])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


# --- the keys commands --------------------------------------------------------


def test_keys_create_prints_the_key_on_the_last_line(
    runner: FlaskCliRunner, client: FlaskClient
) -> None:
    key = create_key_with_cli(runner)
    assert key.startswith("pdk_") and " " not in key
    assert client.get("/v1/templates", headers=bearer(key)).status_code == 200


def test_keys_list_shows_organisation_and_prefix_never_the_key(
    runner: FlaskCliRunner,
) -> None:
    key = create_key_with_cli(runner)
    create_key_with_cli(runner, "Southern Arts Foundation")
    result = runner.invoke(args=["keys", "list"])
    assert result.exit_code == 0, result.output
    assert FUNDER in result.output and "Southern Arts Foundation" in result.output
    assert key[:12] in result.output
    assert key not in result.output
    header = result.output.splitlines()[0].split()
    assert header == ["organisation", "prefix", "created", "revoked"]


def test_keys_list_without_keys_says_how_to_make_one(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["keys", "list"])
    assert result.exit_code == 0
    assert "keys create" in result.output


def test_keys_revoke_stops_the_key(runner: FlaskCliRunner, client: FlaskClient) -> None:
    key = create_key_with_cli(runner)
    result = runner.invoke(args=["keys", "revoke", key[:12]])
    assert result.exit_code == 0, result.output
    assert f"Revoked key {key[:12]} of {FUNDER}" in result.output
    listed = runner.invoke(args=["keys", "list"]).output
    row = next(line for line in listed.splitlines() if key[:12] in line)
    assert row.split()[-1] == "UTC"  # the revoked column holds a time, not "-"
    response = client.get("/v1/templates", headers=bearer(key))
    assert response.status_code == 401


def test_keys_revoke_takes_the_id_too(runner: FlaskCliRunner) -> None:
    create_key_with_cli(runner)
    result = runner.invoke(args=["keys", "revoke", "1"])
    assert result.exit_code == 0, result.output


def test_keys_revoke_of_an_unknown_key_fails(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["keys", "revoke", "pdk_unknown"])
    assert result.exit_code == 1
    assert "No key has the prefix or id" in result.output


def test_keys_create_needs_a_name(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["keys", "create", "  "])
    assert result.exit_code == 2


def test_the_partnerdocs_script_has_the_keys_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from flask.cli import FlaskGroup

    def make_app() -> Flask:
        return create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
        )

    group = FlaskGroup(create_app=make_app, add_default_commands=True)
    result = CliRunner().invoke(group, ["keys", "create", FUNDER])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("pdk_")


@pytest.mark.usefixtures("unconfigured_logging")
def test_the_script_prints_no_logging_errors_when_an_earlier_stderr_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As when mutmut runs two pytest sessions in one process: the first app of
    # the process was made while sys.stderr was a stream closed since (the
    # first session's capture); the script's migrations still log.
    import io

    from click.testing import CliRunner
    from flask.cli import FlaskGroup

    earlier = io.StringIO()
    monkeypatch.setattr(sys, "stderr", earlier)
    create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    earlier.close()
    monkeypatch.setattr(sys, "stderr", io.StringIO())

    def make_app() -> Flask:
        database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        return create_app({"TESTING": True, "DATABASE_URL": database})

    result = CliRunner().invoke(
        FlaskGroup(create_app=make_app), ["keys", "create", FUNDER]
    )
    assert result.exit_code == 0, result.output
    assert "Logging error" not in result.output
    assert "Running upgrade 0001 -> 0002" in result.output
    assert result.output.strip().splitlines()[-1].startswith("pdk_")


# --- 401s ---------------------------------------------------------------------


def assert_unauthorized(response: object, message: str) -> None:
    """A 401 in the JSON error shape with a Bearer challenge."""
    assert response.status_code == 401  # type: ignore[attr-defined]
    body = response.json  # type: ignore[attr-defined]
    assert body["code"] == 401 and body["status"] == "Unauthorized"
    assert message in body["message"]
    challenge = response.headers["WWW-Authenticate"]  # type: ignore[attr-defined]
    assert challenge.startswith("Bearer")


@pytest.mark.parametrize(
    ("headers", "message"),
    (
        ({}, "An API key is required"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "An API key is required"),
        ({"Authorization": "Bearer"}, "An API key is required"),
        ({"Authorization": "Bearer pdk_not-a-real-key"}, "not valid"),
    ),
)
@pytest.mark.parametrize(
    ("method", "url"),
    (
        ("GET", "/v1/templates"),
        ("POST", "/v1/templates"),
        ("GET", "/v1/templates/abc"),
        ("GET", "/v1/templates/abc/file"),
        ("POST", "/v1/templates/abc/preview"),
        ("DELETE", "/v1/templates/abc"),
    ),
)
def test_template_endpoints_need_a_valid_key(
    client: FlaskClient, method: str, url: str, headers: dict[str, str], message: str
) -> None:
    response = client.open(url, method=method, headers=headers)
    assert_unauthorized(response, message)


def test_a_wrong_key_is_told_apart_in_the_challenge(client: FlaskClient) -> None:
    response = client.get("/v1/templates", headers=bearer("pdk_wrong"))
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_revoked_key_is_refused(app: Flask, client: FlaskClient) -> None:
    key = create_api_key(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["keys", "revoke", key[:12]]).exit_code == 0
    response = client.get("/v1/templates", headers=bearer(key))
    assert_unauthorized(response, "revoked")


def test_an_upload_without_a_key_is_refused_before_the_body_is_read(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/v1/templates",
        data=b"x" * (10 * 1024 * 1024),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 401


def test_rendering_with_a_template_needs_a_key(client: FlaskClient) -> None:
    response = client.post(
        "/v1/documents/agreement?template=abc",
        data=example_text("agreement.en.json"),
        content_type="application/json",
    )
    assert_unauthorized(response, "An API key is required")


# --- built-in templates -------------------------------------------------------


def test_built_in_templates_render_without_a_key_by_default(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/v1/documents/agreement",
        data=example_text("agreement.en.json"),
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.fixture()
def locked_app(tmp_path: Path) -> Flask:
    """An app that asks for a key for built-in templates too."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'locked.sqlite3'}",
            "REQUIRE_KEY_FOR_BUILTIN": True,
        }
    )


def test_require_key_for_builtin_refuses_a_render_without_key(
    locked_app: Flask,
) -> None:
    response = locked_app.test_client().post(
        "/v1/documents/agreement",
        data=example_text("agreement.en.json"),
        content_type="application/json",
    )
    assert_unauthorized(response, "An API key is required")


def test_require_key_for_builtin_renders_with_a_key(locked_app: Flask) -> None:
    key = create_api_key(locked_app)
    response = locked_app.test_client().post(
        "/v1/documents/agreement",
        data=example_text("agreement.en.json"),
        content_type="application/json",
        headers=bearer(key),
    )
    assert response.status_code == 200


def test_require_key_for_builtin_still_validates_without_a_key(
    locked_app: Flask,
) -> None:
    response = locked_app.test_client().post(
        "/v1/validate/agreement",
        data=example_text("agreement.en.json"),
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "method"),
    (
        ("/v1/templates", "POST"),
        ("/v1/templates/abc", "DELETE"),
        ("/v1/documents/agreement?template=abc", "POST"),
    ),
)
def test_cors_preflights_need_no_key(tmp_path: Path, url: str, method: str) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cors.sqlite3'}",
            "CORS_ORIGINS": ["https://forms.example.org"],
        }
    )
    response = app.test_client().options(
        url,
        headers={
            "Origin": "https://forms.example.org",
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert response.status_code == 200
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed


@pytest.mark.parametrize("scheme", ["Token", "Basic", "Key", "Digest"])
def test_a_valid_key_under_another_scheme_is_refused(
    app: Flask, client: FlaskClient, scheme: str
) -> None:
    key = create_api_key(app)
    response = client.get("/v1/templates", headers={"Authorization": f"{scheme} {key}"})
    assert_unauthorized(response, "An API key is required")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="partnerdocs"'


def test_a_valid_bearer_key_in_any_case_is_accepted(
    app: Flask, client: FlaskClient
) -> None:
    key = create_api_key(app)
    response = client.get("/v1/templates", headers={"Authorization": f"bEaReR {key}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"{not json", b'{"language": "xx"}', b"x" * (2 * 1024 * 1024)],
    ids=["not json", "invalid", "over the body limit"],
)
def test_a_template_render_asks_for_the_key_before_reading_the_body(
    client: FlaskClient, body: bytes
) -> None:
    response = client.post(
        "/v1/documents/agreement?template=abc",
        data=body,
        content_type="application/json",
    )
    assert_unauthorized(response, "An API key is required")
