"""Built-in example documents, one per kind and language, for template previews.

They live in ``agreement_templates/examples/<kind>.<language>.json`` beside the
built-in templates, and every one of them is valid against its kind's schema.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from schemas.registry import KINDS, LANGUAGES
from service.config import PROJECT_ROOT

EXAMPLES_DIR = PROJECT_ROOT / "agreement_templates" / "examples"


def example_path(kind: str, language: str, directory: Path | None = None) -> Path:
    """Where the example of ``kind`` in ``language`` is kept."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    return (directory or EXAMPLES_DIR) / f"{kind}.{language}.json"


def example_payload(
    kind: str, language: str, directory: Path | None = None
) -> dict[str, Any]:
    """A fresh copy of the example request body, amounts as exact Decimals."""
    with open(example_path(kind, language, directory), encoding="utf-8") as handle:
        payload: dict[str, Any] = json.load(handle, parse_float=Decimal)
    return payload
