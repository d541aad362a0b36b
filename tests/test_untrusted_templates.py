"""Nothing a funder uploads runs in the web process, and data never becomes code.

Every test here is a hole found from outside (issue 14), kept so it stays shut:
the upload check, compiling and rendering of uploaded templates happen only in
the isolated workers; what used to crash them is the template's fault (4xx);
the docxtpl path, which renders some parts twice, is closed to uploads.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
import tracemalloc
import zipfile
from collections.abc import Iterator
from typing import Any

import jinja2.lexer
import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.rendering import docxtpl_engine, engine
from service.rendering.errors import TemplateError
from service.rendering.inspection import inspect_template
from tests import untrusted_templates as untrusted
from tests.conftest import all_text, load_example, open_docx
from tests.store_fixtures import bearer, create_api_key, upload

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app (and one pair of isolated workers) for the module."""
    folder = tmp_path_factory.mktemp("untrusted")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'test.sqlite3'}"}
    )
    yield app
    app.extensions["partnerdocs"].isolated.close()


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    """A test client for the module's app."""
    return app.test_client()


@pytest.fixture(scope="module")
def key(app: Flask) -> str:
    """A funder's API key."""
    return create_api_key(app)


def uploaded(client: FlaskClient, key: str, source: bytes, name: str) -> str:
    """Upload ``source``; the new template's id (the upload must succeed)."""
    response = upload(client, key, source, name=name)
    assert response.status_code == 201, response.get_json()
    template_id: str = response.get_json()["id"]
    return template_id


def render_with(
    client: FlaskClient, key: str, template_id: str, body: dict[str, Any] | None = None
) -> Any:
    """Render the English example agreement with an uploaded template."""
    return client.post(
        f"/v1/documents/agreement?template={template_id}",
        data=json.dumps(body or load_example("agreement.en.json"), default=str),
        content_type="application/json",
        headers=bearer(key),
    )


def member(docx: bytes, name: str) -> str:
    """The text of one member of a .docx."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return archive.read(name).decode()


@contextlib.contextmanager
def nothing_parsed_here() -> Iterator[None]:
    """Fail if this (the web) process tokenises Jinja or opens a zip meanwhile.

    Every Jinja parse, compile and evaluation starts with the lexer, and every
    look into a .docx with zipfile; the isolated workers are other processes,
    so they are not affected.
    """

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an uploaded template was read in the web process")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jinja2.lexer.Lexer, "tokeniter", refuse)
        patch.setattr(zipfile.ZipFile, "__init__", refuse)
        yield


# -- nothing runs in the web process ----------------------------------------------


def test_upload_preview_and_render_never_read_the_template_here(
    client: FlaskClient, key: str
) -> None:
    source = untrusted.template("{{ title|upper }} for {{ parties|length }}")
    with nothing_parsed_here():
        response = upload(client, key, source, name="never here")
        assert response.status_code == 201, response.get_json()
        template_id = response.get_json()["id"]
        preview = client.post(
            f"/v1/templates/{template_id}/preview", headers=bearer(key)
        )
        rendered = render_with(client, key, template_id)
    assert (preview.status_code, rendered.status_code) == (200, 200)
    assert rendered.data.startswith(b"PK")


def test_a_refused_upload_is_refused_in_the_worker_too(
    client: FlaskClient, key: str
) -> None:
    source = untrusted.template("{{ title ")
    with nothing_parsed_here():
        response = upload(client, key, source, name="broken")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["part"] == "word/document.xml"


def test_folding_constants_costs_the_web_process_nothing(
    client: FlaskClient, key: str
) -> None:
    source = untrusted.template(untrusted.FOLDED_BATCH % 3_000_000)
    tracemalloc.start()
    cpu = time.process_time()
    try:
        response = upload(client, key, source, name="folded")
        used = time.process_time() - cpu
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 201, response.get_json()
    assert peak < 50 * MiB
    assert used < 1.0


def test_compiling_evaluates_nothing() -> None:
    started = time.process_time()
    engine.prepare(untrusted.template(untrusted.FOLDED_BATCH % 20_000_000))
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        (untrusted.BRACES, 413, "too many tags"),
        (untrusted.MANY_TAGS, 413, "too many tags"),
        ("Dear {{ title " + "x" * 30_000 + " and more", 422, "never closed"),
    ],
    ids=["64,000 braces", "84,000 tags", "a tag never closed"],
)
def test_tags_that_cost_quadratic_time_are_refused_before_they_are_scanned(
    client: FlaskClient, key: str, text: str, status: int, message: str
) -> None:
    started = time.process_time()
    response = upload(client, key, untrusted.template(text), name="quadratic")
    assert response.status_code == status
    body = response.get_json()
    assert message in (body["message"] + body["errors"][0]["message"]).lower()
    assert body["errors"][0]["part"] == "word/document.xml"
    assert time.process_time() - started < 1.0


def test_unclosed_tags_are_refused_in_linear_time() -> None:
    started = time.process_time()
    with pytest.raises(TemplateError) as caught:
        inspect_template(untrusted.template("{" * 19_000), "agreement")
    assert "never closed" in caught.value.message
    assert time.process_time() - started < 1.0


def test_health_and_builtin_renders_answer_while_uploads_run(
    client: FlaskClient, app: Flask, key: str
) -> None:
    slow = untrusted.template(
        "{% for a in title * 1000 %}{% for b in title * 1000 %}{% endfor %}{% endfor %}"
    )
    template_id = uploaded(client, key, slow, "slow")
    results: list[int] = []

    def slow_render() -> None:
        with app.test_client() as other:
            results.append(render_with(other, key, template_id).status_code)

    def health_and_builtin() -> tuple[int, int]:
        health = client.get("/healthz")
        builtin = client.post(
            "/v1/documents/agreement",
            data=json.dumps(load_example("agreement.da.json"), default=str),
            content_type="application/json",
        )
        return health.status_code, builtin.status_code

    # Built-in templates prepared first: what is measured is waiting, not
    # preparing (which a busy machine can stretch towards the deadline).
    assert health_and_builtin() == (200, 200)
    threads = [threading.Thread(target=slow_render) for _ in range(2)]
    cpu = time.process_time()
    for thread in threads:
        thread.start()
    answers = health_and_builtin()
    finished_while_busy = all(thread.is_alive() for thread in threads)
    for thread in threads:
        thread.join()
    assert answers == (200, 200)
    assert finished_while_busy
    assert results == [422, 422]  # both stopped at the deadline
    assert time.process_time() - cpu < 2.0


# -- the docxtpl path is closed to uploads -----------------------------------------


def test_a_template_that_would_need_docxtpl_is_refused(
    client: FlaskClient, key: str
) -> None:
    response = upload(client, key, untrusted.xml_comment_in_body(), name="comment")
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"].startswith("The template cannot be used")
    assert "cannot be told apart" in body["errors"][0]["message"]


def test_data_printed_in_a_footnote_is_never_rendered_again(
    client: FlaskClient, key: str
) -> None:
    template_id = uploaded(client, key, untrusted.footnote_in_two_sections(), "notes")
    body = load_example("agreement.en.json")
    body["extra"] = {"note": "{{ 7*7 }} {{ title }}"}
    response = render_with(client, key, template_id, body)
    assert response.status_code == 200
    notes = member(response.data, "word/footnotes.xml")
    assert "{{ 7*7 }} {{ title }}" in notes
    assert "49" not in notes


def test_docxtpl_itself_renders_footnotes_once() -> None:
    context = {"title": "T", "extra": {"note": "{{ 7*7 }}"}}
    output = docxtpl_engine.render(
        untrusted.footnote_in_two_sections(), context, max_output_bytes=1 << 30
    )
    notes = member(output, "word/footnotes.xml")
    assert "Note: {{ 7*7 }}" in notes


def test_the_compiled_only_render_never_falls_back() -> None:
    prepared = engine.prepare(untrusted.xml_comment_in_body())
    assert prepared.engine == engine.DOCXTPL
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, {"title": "T"}, compiled_only=True)
    assert caught.value.message == engine.UNSUPPORTED


def test_footnotes_declared_by_a_default_type_are_inspected(
    client: FlaskClient, key: str
) -> None:
    broken = untrusted.footnotes_by_default_type("Note: {{ title ")
    response = upload(client, key, broken, name="default broken")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["part"] == "customXml/item1.xml"


def test_footnotes_declared_by_a_default_type_are_rendered(
    client: FlaskClient, key: str
) -> None:
    source = untrusted.footnotes_by_default_type("Note: {{ title }}")
    template_id = uploaded(client, key, source, "default notes")
    response = render_with(client, key, template_id)
    assert response.status_code == 200
    notes = member(response.data, "customXml/item1.xml")
    assert "Note: " + load_example("agreement.en.json")["title"] in notes


# -- the template's fault, never a 500 ------------------------------------------------


@pytest.mark.parametrize(
    "text", untrusted.TOO_COMPLEX.values(), ids=untrusted.TOO_COMPLEX.keys()
)
def test_templates_too_complex_to_compile_are_refused_at_upload(
    client: FlaskClient, key: str, text: str
) -> None:
    response = upload(client, key, untrusted.template(text), name="complex")
    assert response.status_code == 422
    body = response.get_json()
    assert body["errors"][0]["part"] == "word/document.xml"
    message = body["errors"][0]["message"]
    assert "nested too deeply" in message or "too large" in message


@pytest.mark.parametrize(
    "text", untrusted.RECURSIVE.values(), ids=untrusted.RECURSIVE.keys()
)
def test_endless_recursion_at_render_is_the_templates_fault(
    client: FlaskClient, key: str, text: str
) -> None:
    template_id = uploaded(client, key, untrusted.template(text), "recursive")
    response = render_with(client, key, template_id)
    assert response.status_code == 422
    problem = response.get_json()["errors"][0]
    assert problem["message"].startswith("The template calls itself without end")
    assert problem["part"] == "word/document.xml"


# -- only data prints --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    untrusted.OBJECT_DESCRIPTIONS.values(),
    ids=untrusted.OBJECT_DESCRIPTIONS.keys(),
)
def test_templates_never_print_python_object_descriptions(
    client: FlaskClient, key: str, text: str
) -> None:
    template_id = uploaded(client, key, untrusted.template(f"[{text}]"), "objects")
    response = render_with(client, key, template_id)
    assert response.status_code == 200
    text_out = all_text(open_docx(response.data))
    assert "[]" in text_out
    for description in untrusted.PYTHON_DESCRIPTIONS:
        assert description not in text_out


def test_data_still_prints_through_methods_and_filters(
    client: FlaskClient, key: str
) -> None:
    source = untrusted.template(
        "{{ title.upper() }}|{{ parties|map(attribute='name')|join('; ') }}"
    )
    template_id = uploaded(client, key, source, "methods")
    response = render_with(client, key, template_id)
    example = load_example("agreement.en.json")
    names = "; ".join(party["name"] for party in example["parties"])
    assert f"{example['title'].upper()}|{names}" in all_text(open_docx(response.data))


def test_the_report_does_not_call_printing_expressions_always_empty(
    client: FlaskClient, key: str
) -> None:
    source = untrusted.template("{% block b %}x{% endblock %}{{ self.b() }}")
    response = upload(client, key, source, name="blocks")
    assert response.status_code == 201
    notes = response.get_json()["report"]["problems"]
    assert not [note for note in notes if "always empty" in note["message"]]
