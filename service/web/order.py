"""The order the schemas declare their fields in, for laying out the form.

The served JSON Schema lists properties alphabetically; a person reads the
form in the order the contract tells the story (title, parties, vision …).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from schemas.registry import schema_for


def field_order(kind: str) -> dict[str, Any]:
    """RJSF ``ui:order`` for the kind's objects, nested like its uiSchema."""
    return _order(schema_for(kind))


def _order(schema: ma.Schema) -> dict[str, Any]:
    order: dict[str, Any] = {"ui:order": [*schema.load_fields, "*"]}
    for name, field in schema.load_fields.items():
        nested = _nested(field)
        if nested:
            order[name] = nested
    return order


def _nested(field: ma.fields.Field[Any]) -> dict[str, Any]:
    if isinstance(field, ma.fields.Nested) and isinstance(field.schema, ma.Schema):
        return _order(field.schema)
    if isinstance(field, ma.fields.List):
        inner = _nested(field.inner)
        return {"items": inner} if inner else {}
    return {}
