"""A problem's field path in words: the form's labels from the kind's JSON Schema."""

from __future__ import annotations

import re
from typing import Any

from schemas.jsonschema import json_schema

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_name(kind: str, path: str, language: str) -> str:
    """Return ``path`` in the form's labels (``Parties › 1 › Name``), keys where
    a part has no label."""
    document = json_schema(kind)
    schema: dict[str, Any] | None = document
    words: list[str] = []
    for key, index in _PART.findall(path):
        schema = _resolve(document, schema)
        if index:
            words.append(str(int(index) + 1))
            schema = schema.get("items") if schema else None
            continue
        properties = schema.get("properties", {}) if schema else {}
        schema = properties.get(key)
        words.append(_label(_resolve(document, schema), key, language))
    return " › ".join(words)


def _resolve(document: dict[str, Any], schema: Any) -> dict[str, Any] | None:
    if not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found = document["$defs"].get(ref.removeprefix("#/$defs/"))
        return found if isinstance(found, dict) else None
    return schema


def _label(schema: dict[str, Any] | None, key: str, language: str) -> str:
    if not schema:
        return key
    if language == "da" and schema.get("x-title-da"):
        return str(schema["x-title-da"])
    return str(schema.get("title") or key)
