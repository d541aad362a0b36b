"""Shared fixtures: an app on a temporary SQLite database, its client and CLI runner."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from service import create_app, examples

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: The project's own example request bodies; PARTNERDOCS_EXAMPLES_DIR overrides.
EXAMPLES_DIR = Path(os.environ.get("PARTNERDOCS_EXAMPLES_DIR", examples.EXAMPLES_DIR))
SHARED_EXAMPLES = sorted(path.name for path in EXAMPLES_DIR.glob("*.json"))


def load_example(name: str) -> dict[str, Any]:
    """An example request body, numbers with a fraction parsed as Decimal."""
    with open(EXAMPLES_DIR / name, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return data


def example_text(name: str) -> str:
    """An example's raw JSON text, as a web form would post it."""
    return (EXAMPLES_DIR / name).read_text(encoding="utf-8")


def kind_of(example_name: str) -> str:
    """``agreement.da.json`` → ``agreement``."""
    return example_name.split(".", 1)[0]


def open_docx(content: bytes) -> DocumentObject:
    """Open rendered bytes with python-docx, as a user's Word would."""
    return Document(io.BytesIO(content))


def all_text(document: DocumentObject) -> str:
    """Every piece of text in body paragraphs, tables, headers and footers."""
    chunks = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            chunks.extend(cell.text for cell in row.cells)
    for section in document.sections:
        for part in (section.header, section.footer):
            chunks.extend(paragraph.text for paragraph in part.paragraphs)
            for table in part.tables:
                for row in table.rows:
                    chunks.extend(cell.text for cell in row.cells)
    return "\n".join(chunks).replace("\xa0", " ")


@pytest.fixture()
def unconfigured_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    """The root logger as before the service configured it (restored after),
    so the next app or ``configure_logging`` sets it up afresh."""
    from service.observability import logs

    root = logging.getLogger()
    kept = [each for each in root.handlers if not getattr(each, logs._MARKER, False)]
    monkeypatch.setattr(root, "handlers", kept)
    monkeypatch.setattr(root, "level", root.level)


@pytest.fixture()
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh SQLite database in a temporary folder."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        }
    )
    yield app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A test client for ``app``."""
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner for ``app``'s commands."""
    return app.test_cli_runner()


#: Skips CI may take: the case itself has nothing to test, whatever is installed.
SKIPS_CI_ALLOWS = ("has no input that can be made invalid",)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None]:
    """Under CI (``CI=true``) a test skipped for a missing tool fails instead.

    Locally a missing Chromium, LibreOffice, PostgreSQL or Redis skips its
    tests; on CI every tool is installed by the project's scripts, so such a
    skip means an install step is missing and must not pass unnoticed.
    """
    report = yield
    if (
        os.environ.get("CI") == "true"
        and report.skipped
        and not hasattr(report, "wasxfail")
        and not any(reason in str(report.longrepr) for reason in SKIPS_CI_ALLOWS)
    ):
        report.outcome = "failed"
        report.longrepr = (
            f"Skipped on CI, where every tool must be installed: {report.longrepr}"
        )
    return report
