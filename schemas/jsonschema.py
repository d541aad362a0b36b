"""A standalone JSON Schema (2020-12) per kind, for form generators and clients.

Built from the marshmallow schemas by apispec's converter in its OpenAPI 3.1
flavour, then made standalone: nested schemas move to ``$defs``.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import marshmallow as ma
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.openapi import OpenAPIConverter

from schemas.extra import KEY_PATTERN, MAX_DEPTH, MAX_KEY_LENGTH, Extra
from schemas.registry import schema_for

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLES: dict[str, str] = {
    "agreement": "Partnership agreement",
    "understanding": "Understanding paper (memorandum of understanding)",
    "first_contact": "First-contact letter",
}
_REF_PREFIX = "#/components/schemas/"


class JsonSchemaConverter(OpenAPIConverter):
    """apispec's converter, also describing the keys ``extra`` accepts."""

    def init_attribute_functions(self) -> None:
        """Register the converters, ours last."""
        super().init_attribute_functions()  # type: ignore[no-untyped-call]
        self.attribute_functions.append(self.extra2properties)

    def extra2properties(
        self, field: ma.fields.Field[Any], **kwargs: Any
    ) -> dict[str, Any]:
        """Describe the keys the ``extra`` object accepts."""
        if not isinstance(field, Extra):
            return {}
        return {
            "propertyNames": {"pattern": KEY_PATTERN, "maxLength": MAX_KEY_LENGTH},
            "x-max-depth": MAX_DEPTH,
        }


class JsonSchemaPlugin(MarshmallowPlugin):
    """The marshmallow plugin using `JsonSchemaConverter`."""

    Converter = JsonSchemaConverter


def json_schema(kind: str) -> dict[str, Any]:
    """Return a standalone JSON Schema document for ``kind`` (KeyError if unknown)."""
    return copy.deepcopy(_build(kind))


@functools.cache
def _build(kind: str) -> dict[str, Any]:
    schema = schema_for(kind)
    spec = APISpec(
        title=TITLES[kind],
        version="1",
        openapi_version="3.1.0",
        plugins=[JsonSchemaPlugin()],
    )
    name = type(schema).__name__.removesuffix("Schema")
    spec.components.schema(name, schema=schema)
    definitions = spec.to_dict()["components"]["schemas"]
    root = definitions.pop(name)
    document = {
        "$schema": DIALECT,
        "$id": f"urn:partnership-documents:schema:{kind}",
        "title": TITLES[kind],
        **root,
        "$defs": definitions,
    }
    standalone: dict[str, Any] = _standalone(document)
    return standalone


def _standalone(value: Any) -> Any:
    """Point every ``$ref`` at ``$defs`` instead of OpenAPI's components."""
    if isinstance(value, dict):
        return {key: _standalone_item(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_standalone(item) for item in value]
    return value


def _standalone_item(key: str, value: Any) -> Any:
    if key == "$ref" and isinstance(value, str) and value.startswith(_REF_PREFIX):
        return "#/$defs/" + value.removeprefix(_REF_PREFIX)
    return _standalone(value)
