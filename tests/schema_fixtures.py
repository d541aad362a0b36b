"""Fixtures and helpers for the schema tests: the project's example documents.

The examples live in ``agreement_templates/examples``; set
``PARTNERDOCS_EXAMPLES_DIR`` to read them from elsewhere.
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from schemas.problems import Problem
from schemas.registry import DocumentInvalid, load_document
from service import examples

EXAMPLES_ENV = "PARTNERDOCS_EXAMPLES_DIR"
DEFAULT_EXAMPLES_DIR = examples.EXAMPLES_DIR


def examples_path() -> Path:
    """Return the directory holding the example documents."""
    return Path(os.environ.get(EXAMPLES_ENV, DEFAULT_EXAMPLES_DIR))


@pytest.fixture()
def examples_dir() -> Path:
    """The directory holding the example documents."""
    return examples_path()


def load_example(name: str, *, decimals: bool = False) -> dict[str, Any]:
    """Return an example parsed from JSON (floats as Decimal if ``decimals``)."""
    text = (examples_path() / name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text, parse_float=Decimal if decimals else None)
    return data


def example_names(kind: str | None = None) -> list[str]:
    """Return the file names of the examples, optionally of one kind."""
    names = sorted(path.name for path in examples_path().glob("*.json"))
    return [name for name in names if kind is None or name.split(".")[0] == kind]


def minimal(kind: str) -> dict[str, Any]:
    """Return the smallest valid document of ``kind`` (a fresh copy each call)."""
    parties = [{"id": "a", "name": "Alpha"}, {"id": "b", "name": "Beta"}]
    documents: dict[str, dict[str, Any]] = {
        "agreement": {
            "title": "T",
            "parties": parties,
            "vision": "V",
            "goals": [{"description": "G"}],
            "roles": [{"party": "a"}],
        },
        "understanding": {"title": "T", "parties": parties, "purpose": "P"},
        "first_contact": {
            "sender": {"name": "S"},
            "recipient": {"organisation": "R"},
            "idea": "I",
            "meeting": {},
        },
    }
    return copy.deepcopy(documents[kind])


def problems_of(kind: str, payload: Any) -> list[Problem]:
    """Return the problems ``load_document`` reports; fail if it accepts the payload."""
    with pytest.raises(DocumentInvalid) as caught:
        load_document(kind, payload)
    return caught.value.problems


def messages_by_path(kind: str, payload: Any) -> dict[str, list[str]]:
    """Return the reported problems as {path: [messages]}."""
    found: dict[str, list[str]] = {}
    for problem in problems_of(kind, payload):
        found.setdefault(problem.path, []).append(problem.message)
    return found


def warning_codes(kind: str, payload: Any) -> set[tuple[str, str | None]]:
    """Return the (path, code) pairs of the warnings for a valid payload."""
    return {(w.path, w.code) for w in load_document(kind, payload).warnings}
