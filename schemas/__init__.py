"""The data contract: marshmallow schemas for each kind of partnership document.

``load_document(kind, payload)`` validates and normalises a JSON document; its
output is the template context. See docs/data-contract.md.
"""

from __future__ import annotations

from schemas.problems import Problem, flatten_errors
from schemas.registry import (
    KINDS,
    LANGUAGES,
    DocumentInvalid,
    LoadedDocument,
    load_document,
    schema_for,
)

__all__ = [
    "KINDS",
    "LANGUAGES",
    "DocumentInvalid",
    "LoadedDocument",
    "Problem",
    "flatten_errors",
    "load_document",
    "schema_for",
]
