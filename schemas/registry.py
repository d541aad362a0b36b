"""The public entry point: which kinds exist, and loading a document of a kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow as ma

from schemas.agreement import AGREEMENT_SCHEMA
from schemas.common import LANGUAGES
from schemas.compiled import Load, Unsure, compile_schema
from schemas.first_contact import FIRST_CONTACT_SCHEMA
from schemas.problems import Problem, flatten_errors, sort_problems
from schemas.understanding import UNDERSTANDING_SCHEMA
from schemas.warnings import WARNINGS

__all__ = [
    "KINDS",
    "LANGUAGES",
    "MAX_PROBLEMS",
    "DocumentInvalid",
    "LoadedDocument",
    "compiled_load_for",
    "load_document",
    "schema_for",
]

KINDS: tuple[str, ...] = ("agreement", "understanding", "first_contact")
MAX_PROBLEMS = 200

_SCHEMAS: dict[str, ma.Schema] = {
    "agreement": AGREEMENT_SCHEMA,
    "understanding": UNDERSTANDING_SCHEMA,
    "first_contact": FIRST_CONTACT_SCHEMA,
}


#: The same schemas compiled for valid documents (see schemas/compiled.py).
_COMPILED: dict[str, Load] = {
    kind: compile_schema(schema) for kind, schema in _SCHEMAS.items()
}


class DocumentInvalid(Exception):
    """The document breaks the data contract; ``problems`` lists every problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(f"The document has {count} problem{'s' * (count != 1)}.")


@dataclass(frozen=True)
class LoadedDocument:
    """A valid document: its kind, loaded data and soft warnings."""

    kind: str
    data: dict[str, Any]
    warnings: list[Problem]


def schema_for(kind: str) -> ma.Schema:
    """Return the schema of ``kind``; raise KeyError for an unknown kind."""
    return _SCHEMAS[kind]


def compiled_load_for(kind: str) -> Load:
    """Return the compiled load of ``kind``'s schema (schemas/compiled.py)."""
    return _COMPILED[kind]


def load_document(kind: str, payload: Any) -> LoadedDocument:
    """Validate and load ``payload`` as a document of ``kind``.

    Raises `DocumentInvalid` with every problem, sorted by path, for any invalid
    JSON value, and KeyError for an unknown kind. A valid document takes the
    compiled load; when that is unsure, the schema's own load answers.
    """
    schema = schema_for(kind)
    if not isinstance(payload, Mapping):
        raise DocumentInvalid([Problem("", "The document must be a JSON object.")])
    try:
        data = _COMPILED[kind](payload)
    except Unsure:
        data = _load(schema, payload)
    warnings = sort_problems(WARNINGS[kind](data))
    return LoadedDocument(kind=kind, data=data, warnings=warnings)


def _load(schema: ma.Schema, payload: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(payload)
    except ma.ValidationError as error:
        raise DocumentInvalid(_problems(error.messages)) from None


def _problems(messages: Any) -> list[Problem]:
    problems = sort_problems(flatten_errors(messages))
    if len(problems) > MAX_PROBLEMS:
        hidden = len(problems) - MAX_PROBLEMS
        note = Problem("", f"{hidden} more problems not listed.")
        problems = [*problems[:MAX_PROBLEMS], note]
    return problems
