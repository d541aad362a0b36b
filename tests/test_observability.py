"""Request ids, one JSON log line per request and per event, /metrics and its access."""

from __future__ import annotations

import inspect
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from service import create_app
from service.observability import logs, metrics
from service.rendering import isolation
from tests.conftest import PROJECT_ROOT, example_text
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import bearer, create_api_key, upload


def sample(name: str, **labels: str) -> float:
    """The current value of a metric sample in this process (0 when unseen)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def json_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """Every captured record as the service's JSON log line, parsed."""
    formatter = logs.json_formatter()
    return [json.loads(formatter.format(record)) for record in caplog.records]


def metrics_app(tmp_path: Path, **settings: object) -> Flask:
    """An app with /metrics set up as ``settings`` say."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'metrics.sqlite3'}",
            **settings,
        }
    )


# --- request ids ----------------------------------------------------------------


def test_a_request_without_an_id_gets_one_in_the_response(client: FlaskClient) -> None:
    response = client.get("/v1/kinds")
    assert response.status_code == 200
    assert len(response.headers["X-Request-ID"]) == 32


def test_a_valid_request_id_is_kept_and_named_in_the_error_body(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/v1/validate/agreement", json={}, headers={"X-Request-ID": "trace-42.a:b"}
    )
    assert response.status_code == 422
    assert response.headers["X-Request-ID"] == "trace-42.a:b"
    assert response.json["request_id"] == "trace-42.a:b"


@pytest.mark.parametrize(
    "sent",
    (
        "has space",
        "x" * 129,
        "semi;colon",
        "-leading-dash",
        "pdk_abcdefgh12345678",
    ),
)
def test_an_unusable_request_id_is_replaced(client: FlaskClient, sent: str) -> None:
    response = client.get("/nowhere", headers={"X-Request-ID": sent})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] != sent
    assert response.json["request_id"] == response.headers["X-Request-ID"]


# --- log lines ------------------------------------------------------------------


def test_a_render_with_a_funders_template_logs_one_line_with_its_fields(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    key = create_api_key(app)
    stored = upload(client, key, funder_agreement_template()).json
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.post(
            f"/v1/documents/agreement?template={stored['id']}&version=1",
            data=example_text("agreement.en.json"),
            content_type="application/json",
            headers={**bearer(key), "X-Request-ID": "render-1"},
        )
    assert response.status_code == 200
    (line,) = [
        each for each in json_lines(caplog) if each["logger"] == "partnerdocs.request"
    ]
    assert line["request_id"] == "render-1"
    assert line["method"] == "POST"
    assert line["route"] == "/v1/documents/agreement"
    assert line["status"] == 200
    assert line["organisation"] == "Nordic Civic Fund"
    assert line["kind"] == "agreement"
    assert line["template_id"] == stored["id"]
    assert line["template_version"] == 1
    assert line["engine"] == "compiled"
    assert line["bytes_out"] == len(response.data)
    assert line["duration_ms"] >= 0


def test_uploads_and_deletions_are_logged_as_events(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    key = create_api_key(app)
    before = sample("partnerdocs_template_events_total", event="deleted")
    with caplog.at_level(logging.INFO):
        stored = upload(client, key, funder_agreement_template()).json
        assert (
            client.delete(
                f"/v1/templates/{stored['id']}", headers=bearer(key)
            ).status_code
            == 204
        )
    events = [
        each for each in json_lines(caplog) if each["logger"] == "partnerdocs.event"
    ]
    assert [(each["event"], each["template_id"]) for each in events] == [
        ("template_uploaded", stored["id"]),
        ("template_deleted", stored["id"]),
    ]
    assert events[0]["template_version"] == 1
    assert all(each["organisation"] == "Nordic Civic Fund" for each in events)
    assert all(each["request_id"] for each in events)
    assert sample("partnerdocs_template_events_total", event="deleted") == before + 1


def test_api_keys_never_reach_the_json_logs(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    key = create_api_key(app)
    with caplog.at_level(logging.DEBUG):
        stored = upload(client, key, funder_agreement_template()).json
        client.post(
            f"/v1/documents/agreement?template={stored['id']}&api_key={key}",
            data=example_text("agreement.en.json"),
            content_type="application/json",
            headers=bearer(key),
        )
        client.get("/v1/templates", headers={**bearer(key), "X-Request-ID": key})
        client.get("/v1/templates", headers=bearer(key + "x"))
        # a key that reaches a log call by mistake is still redacted
        logging.getLogger("service").warning("oops: %s", key)
    formatter = logs.json_formatter()
    text = "\n".join(formatter.format(record) for record in caplog.records)
    assert key not in text
    assert key[4:] not in text
    assert f"oops: {key[:12]}[redacted]" in text


# --- /metrics -------------------------------------------------------------------


def test_metrics_are_off_by_default(client: FlaskClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 404
    assert response.json["code"] == 404


def test_open_metrics_answer_anyone_in_prometheus_format(tmp_path: Path) -> None:
    response = (
        metrics_app(tmp_path, METRICS_ACCESS="open").test_client().get("/metrics")
    )
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "# TYPE partnerdocs_http_requests_total counter" in response.text


@pytest.mark.parametrize(
    ("headers", "status"),
    (
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"Authorization": "Basic c2VjcmV0LXRva2Vu"}, 401),
        ({"Authorization": "Bearer secret-token"}, 200),
    ),
)
def test_token_metrics_need_the_token(
    tmp_path: Path, headers: dict[str, str], status: int
) -> None:
    app = metrics_app(tmp_path, METRICS_ACCESS="token", METRICS_TOKEN="secret-token")
    response = app.test_client().get("/metrics", headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'


@pytest.mark.parametrize(
    "settings",
    ({"METRICS_ACCESS": "token"}, {"METRICS_ACCESS": "public"}),
)
def test_metrics_settings_that_cannot_work_stop_the_app(
    tmp_path: Path, settings: dict[str, str]
) -> None:
    with pytest.raises(ValueError, match="METRICS_"):
        metrics_app(tmp_path, **settings)


def test_requests_and_validation_failures_are_counted(client: FlaskClient) -> None:
    labels = {"method": "POST", "route": "/v1/validate/understanding", "status": "422"}
    before = sample("partnerdocs_http_requests_total", **labels)
    failures = sample("partnerdocs_validation_failures_total", kind="understanding")
    client.post("/v1/validate/understanding", json={"title": 1})
    assert sample("partnerdocs_http_requests_total", **labels) == before + 1
    assert (
        sample("partnerdocs_validation_failures_total", kind="understanding")
        == failures + 1
    )


def test_renders_are_timed_by_kind_and_engine(client: FlaskClient) -> None:
    labels = {"kind": "first_contact", "engine": "compiled"}
    before = sample("partnerdocs_render_duration_seconds_count", **labels)
    response = client.post(
        "/v1/documents/first_contact",
        data=example_text("first_contact.da.json"),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert sample("partnerdocs_render_duration_seconds_count", **labels) == before + 1


def test_template_cache_misses_and_hits_are_counted(client: FlaskClient) -> None:
    misses = sample("partnerdocs_template_cache_total", event="miss")
    hits = sample("partnerdocs_template_cache_total", event="hit")
    for _ in range(2):
        client.post(
            "/v1/documents/agreement",
            data=example_text("agreement.en.json"),
            content_type="application/json",
        )
    assert sample("partnerdocs_template_cache_total", event="miss") == misses + 1
    assert sample("partnerdocs_template_cache_total", event="hit") == hits + 1
    assert sample("partnerdocs_template_cache_bytes") > 0


@pytest.mark.parametrize(
    ("form", "reason"),
    (
        ({"kind": "agreement", "language": "en"}, "form"),
        (
            {"name": "x", "kind": "agreement", "language": "en", "content": b"no docx"},
            "template",
        ),
    ),
)
def test_refused_uploads_are_counted_by_reason(
    app: Flask, client: FlaskClient, form: dict[str, object], reason: str
) -> None:
    key = create_api_key(app)
    before = sample("partnerdocs_template_uploads_refused_total", reason=reason)
    content = form.pop("content", funder_agreement_template())
    response = client.post(
        "/v1/templates",
        data={**form, "file": (__import__("io").BytesIO(content), "t.docx")},
        headers=bearer(key),
    )
    assert response.status_code == 422
    assert (
        sample("partnerdocs_template_uploads_refused_total", reason=reason)
        == before + 1
    )


@pytest.mark.parametrize("message", sorted(metrics.WorkerReplacements.REASONS))
def test_render_worker_replacements_are_counted_from_what_isolation_logs(
    app: Flask, message: str
) -> None:
    # isolation.py still logs exactly this (a changed wording would stop the count)
    assert f'"{message}"' in inspect.getsource(isolation)
    reason = metrics.WorkerReplacements.REASONS[message]
    before = sample("partnerdocs_render_workers_replaced_total", reason=reason)
    arguments = (1, -9)[: message.count("%s")]
    logging.getLogger(isolation.__name__).warning(message, *arguments)
    assert (
        sample("partnerdocs_render_workers_replaced_total", reason=reason) == before + 1
    )


@pytest.mark.usefixtures("unconfigured_logging")
def test_log_lines_go_to_the_stderr_of_the_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The stream that was sys.stderr when logging was set up (click's runner,
    # a test's capture) may be closed since; lines go to the one in place now.
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    logs.configure_logging("text", "INFO")
    first.close()
    now = io.StringIO()
    monkeypatch.setattr(sys, "stderr", now)
    logging.getLogger("partnerdocs.test").warning("after %s closed", "the first")
    line = now.getvalue()
    assert line.endswith(
        f" WARNING partnerdocs.test {os.getpid()} after the first closed\n"
    )
    assert "Logging error" not in line


def test_a_metrics_folder_named_but_missing_is_made(tmp_path: Path) -> None:
    folder = tmp_path / "not" / "yet"
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "keys", "list"],
        cwd=PROJECT_ROOT,
        env=dict(
            os.environ,
            PROMETHEUS_MULTIPROC_DIR=str(folder),
            DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert folder.is_dir()


def test_made_up_methods_are_counted_as_other(client: FlaskClient) -> None:
    labels = {"method": "other", "route": "unmatched", "status": "405"}
    before = sample("partnerdocs_http_requests_total", **labels)
    response = client.open("/v1/documents/agreement", method="BREW")
    assert response.status_code == 405
    assert sample("partnerdocs_http_requests_total", **labels) == before + 1
    assert (
        sample(
            "partnerdocs_http_requests_total",
            method="BREW",
            route="unmatched",
            status="405",
        )
        == 0
    )
