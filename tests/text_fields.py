"""Every string field of a kind, found by walking its JSON Schema, and helpers to
put a value at a field's path in a request body."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from schemas.problems import Path, format_path

#: JSON Schema formats whose strings are parsed into dates, never printed as sent.
PARSED_FORMATS = {"date", "date-time"}
#: Strings inside ``extra``, one per kind of place: a key, a list item, deeper.
EXTRA_PATHS: tuple[Path, ...] = (
    ("extra", "note"),
    ("extra", "lines", 0),
    ("extra", "grant", "officer", "name"),
)


def string_fields(schema: dict[str, Any]) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(path, property schema) of every string in a kind's JSON Schema; a list's
    items as index 0, and ``extra`` as the strings in `EXTRA_PATHS`."""
    yield from _walk(schema, schema, ())


def _walk(
    node: dict[str, Any], root: dict[str, Any], path: Path
) -> Iterator[tuple[Path, dict[str, Any]]]:
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        node = {**root["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    kind = node.get("type")
    if path == ("extra",):
        for extra_path in EXTRA_PATHS:
            yield extra_path, {"type": "string"}
    elif kind == "object":
        for key, child in node.get("properties", {}).items():
            yield from _walk(child, root, (*path, key))
    elif kind == "array":
        yield from _walk(node["items"], root, (*path, 0))
    elif kind == "string":
        yield path, node


def with_value(body: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """A copy of ``body`` with ``value`` at ``path``, making the objects and lists
    on the way (a missing list gets one item)."""
    result = copy.deepcopy(body)
    node: Any = result
    for part, after in zip(path, (*path[1:], None), strict=True):
        fresh: Any = [] if isinstance(after, int) else {}
        if isinstance(part, int):
            if len(node) <= part:
                node.append(fresh)
        elif part not in node or not isinstance(node[part], dict | list):
            node[part] = fresh
        if after is None:
            node[part] = value
        else:
            node = node[part]
    return result


def path_text(path: Path) -> str:
    """The path as the API writes it: ``parties[0].representative.name``."""
    return format_path(path)
