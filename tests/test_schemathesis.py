"""schemathesis over the whole OpenAPI document: no 500, every answer as documented.

Every operation gets generated requests through the app (WSGI), with an API key
of an organisation that has one uploaded template, so the template operations
run authenticated and against a template that exists. The cases run and the
failures are recorded in docs/testing.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from service import create_app
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import bearer, create_api_key, upload

#: Generated cases per operation (and phase): the run stays within a few minutes.
MAX_EXAMPLES = 30
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
CASES_RUN: list[str] = []


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on its own database, with a key and one uploaded template."""
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'api.sqlite3'}"}
    )
    key = create_api_key(app)
    created = upload(app.test_client(), key, funder_agreement_template())
    assert created.status_code == 201, created.json
    assert created.json is not None
    app.config["FUZZ_KEY"] = key
    app.config["FUZZ_TEMPLATE_ID"] = created.json["id"]
    yield app
    print(f"\nschemathesis: {len(CASES_RUN)} cases run")


def _operation_labels() -> list[str]:
    """``METHOD /path`` of every operation in the OpenAPI document."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": "sqlite://", "DATABASE_AUTO_MIGRATE": False}
    )
    document = app.test_client().get("/openapi.json").json
    assert document is not None
    return [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


@pytest.fixture(scope="module")
def api_schema(fuzzed_app: Flask) -> schemathesis.BaseSchema:
    """The app's OpenAPI document, loaded through the app itself."""
    return schemathesis.openapi.from_wsgi("/openapi.json", fuzzed_app)


@pytest.mark.parametrize("mode", list(GenerationMode))
@pytest.mark.parametrize("label", _operation_labels())
def test_api_answers_as_documented(
    api_schema: schemathesis.BaseSchema,
    fuzzed_app: Flask,
    label: str,
    mode: GenerationMode,
) -> None:
    """No 500, and status, content type, body and headers as documented."""
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None
    key = fuzzed_app.config["FUZZ_KEY"]
    template_id = fuzzed_app.config["FUZZ_TEMPLATE_ID"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=True,
    )
    def answers_as_documented(case: schemathesis.Case) -> None:
        if case.path_parameters and "template_id" in case.path_parameters:
            if case.method != "DELETE":  # the template that exists
                case.path_parameters["template_id"] = template_id
        CASES_RUN.append(label)
        case.call_and_validate(headers=bearer(key), checks=CHECKS)

    try:
        answers_as_documented()
    except Unsatisfiable:
        pytest.skip(f"{label} has no input that can be made invalid")


def test_version_past_the_documented_maximum_is_not_a_server_error(
    fuzzed_app: Flask,
) -> None:
    """Found by schemathesis before the document gave versions a maximum."""
    template_id = fuzzed_app.config["FUZZ_TEMPLATE_ID"]
    response = fuzzed_app.test_client().get(
        f"/v1/templates/{template_id}?version={2**63}",
        headers=bearer(fuzzed_app.config["FUZZ_KEY"]),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "version"
