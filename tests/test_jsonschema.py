"""The JSON Schema per kind: structure, enums, formats, and the examples validate.

The ``jsonschema`` package is not a dependency, so a small validator below checks
the keywords these schemas use.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from apispec import APISpec

from schemas import KINDS
from schemas.extra import Extra
from schemas.fields import Text
from schemas.jsonschema import DIALECT, JsonSchemaPlugin, _standalone, json_schema
from tests.schema_fixtures import example_names, load_example, minimal

REQUIRED = {
    "agreement": ["goals", "parties", "roles", "title", "vision"],
    "understanding": ["parties", "purpose", "title"],
    "first_contact": ["idea", "meeting", "recipient", "sender"],
}
KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "title", "description", "default", "type",
    "properties", "required", "additionalProperties", "propertyNames", "items",
    "enum", "format", "pattern", "minLength", "maxLength", "minItems", "maxItems",
    "uniqueItems", "minimum", "maximum",
}  # fmt: skip
#: The form's texts beside each field's description (see ``schemas.fields.doc``).
FORM_TEXTS = ("title", "x-title-da", "x-description-da")
TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
}


def validate(
    instance: Any, schema: dict[str, Any], root: dict[str, Any], path: str = ""
) -> list[str]:
    """Return the paths where ``instance`` breaks ``schema`` (KEYWORDS only)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return validate(instance, root["$defs"][name], root, path)
    expected = schema.get("type")
    if expected is not None:
        if isinstance(instance, bool) and expected in ("integer", "number"):
            return [path]
        if not isinstance(instance, TYPES[expected]):
            return [path]
    errors: list[str] = []
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(path)
    if isinstance(instance, str):
        if len(instance) < schema.get("minLength", 0):
            errors.append(path)
        if len(instance) > schema.get("maxLength", len(instance)):
            errors.append(path)
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            errors.append(path)
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        if instance < schema.get("minimum", instance):
            errors.append(path)
        if instance > schema.get("maximum", instance):
            errors.append(path)
    if isinstance(instance, list):
        if (
            not schema.get("minItems", 0)
            <= len(instance)
            <= schema.get("maxItems", 10**9)
        ):
            errors.append(path)
        if schema.get("uniqueItems") and len(set(map(json.dumps, instance))) < len(
            instance
        ):
            errors.append(path)
        for index, item in enumerate(instance):
            errors += validate(item, schema.get("items", {}), root, f"{path}[{index}]")
    if isinstance(instance, dict):
        properties = schema.get("properties", {})
        errors += [
            f"{path}.{key}" for key in schema.get("required", []) if key not in instance
        ]
        for key, value in instance.items():
            if key in properties:
                errors += validate(value, properties[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}.{key}")
            names = schema.get("propertyNames")
            if names and not re.search(names["pattern"], key):
                errors.append(f"{path}.{key}")
    return errors


def walk(schema: Any) -> list[dict[str, Any]]:
    """Return every schema object nested in ``schema`` (properties, items, $defs)."""
    found = [schema]
    for key in ("properties", "$defs"):
        for sub in schema.get(key, {}).values():
            found += walk(sub)
    if isinstance(schema.get("items"), dict):
        found += walk(schema["items"])
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_a_standalone_2020_12_document(kind: str) -> None:
    schema = json_schema(kind)
    assert (
        schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    )
    assert schema["type"] == "object"
    assert schema["title"]
    assert schema["additionalProperties"] is False
    assert isinstance(schema["$defs"], dict)


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_plain_json(kind: str) -> None:
    schema = json_schema(kind)
    assert json.loads(json.dumps(schema)) == schema


@pytest.mark.parametrize("kind", KINDS)
def test_schema_uses_only_known_keywords(kind: str) -> None:
    for sub in walk(json_schema(kind)):
        unknown = {
            key for key in sub if key not in KEYWORDS and not key.startswith("x-")
        }
        assert not unknown, sub


@pytest.mark.parametrize("kind", KINDS)
def test_every_ref_points_into_defs(kind: str) -> None:
    schema = json_schema(kind)
    for sub in walk(schema):
        if "$ref" in sub:
            assert sub["$ref"].removeprefix("#/$defs/") in schema["$defs"]


@pytest.mark.parametrize("kind", KINDS)
def test_required_lists_the_required_fields(kind: str) -> None:
    assert json_schema(kind)["required"] == REQUIRED[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_language_is_an_enum_with_danish_default(kind: str) -> None:
    language = without_form_texts(json_schema(kind)["properties"]["language"])
    assert language == {
        "type": "string",
        "default": "da",
        "enum": ["da", "en"],
        "description": "Language of the document.",
    }


@pytest.mark.parametrize("kind", ["agreement", "understanding"])
def test_party_definition_has_enums_formats_and_pattern(kind: str) -> None:
    party = json_schema(kind)["$defs"]["Party"]
    assert party["required"] == ["id", "name"]
    properties = party["properties"]
    assert properties["sector"]["enum"] == ["public", "private", "voluntary"]
    assert "DK" in properties["country"]["enum"]
    assert properties["website"]["format"] == "uri"
    assert properties["id"]["pattern"] == "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
    assert without_form_texts(properties["dependent"]) == {
        "type": "boolean",
        "default": False,
        "description": properties["dependent"]["description"],
    }
    person = json_schema(kind)["$defs"]["Person"]["properties"]
    assert person["email"]["format"] == "email"


def test_agreement_enums_and_numbers() -> None:
    schema = json_schema("agreement")
    definitions = schema["$defs"]
    assert definitions["Goal"]["properties"]["kind"]["enum"] == [
        "impact",
        "relationship",
    ]
    assert definitions["Goal"]["properties"]["deadline"]["format"] == "date"
    assert schema["properties"]["bottom_lines"]["uniqueItems"] is True
    assert "green" in schema["properties"]["bottom_lines"]["items"]["enum"]
    assert schema["properties"]["partnership_type"]["default"] == "partnership"
    amount = definitions["BudgetLine"]["properties"]["amount"]
    assert amount["type"] == "number"
    assert amount["minimum"] == 0
    assert definitions["Budget"]["properties"]["currency"]["default"] == "DKK"
    assert "EUR" in definitions["Budget"]["properties"]["currency"]["enum"]
    assert definitions["ExternalFunding"]["properties"]["status"]["enum"] == [
        "planned",
        "applied",
        "granted",
        "rejected",
    ]
    assert schema["properties"]["parties"]["minItems"] == 2
    assert schema["properties"]["goals"]["minItems"] == 1


def test_understanding_defaults() -> None:
    properties = json_schema("understanding")["properties"]
    assert properties["partnership_type"]["default"] == "cooperation"
    assert properties["binding"]["default"] is False


def test_first_contact_meeting() -> None:
    meeting = json_schema("first_contact")["$defs"]["Meeting"]["properties"]
    assert without_form_texts(meeting["duration_minutes"]) == {
        "type": "integer",
        "default": 30,
        "minimum": 10,
        "maximum": 240,
        "description": meeting["duration_minutes"]["description"],
    }
    assert meeting["proposals"]["items"]["format"] == "date-time"
    assert json_schema("first_contact")["properties"]["date"]["format"] == "date"


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_description(kind: str) -> None:
    for sub in walk(json_schema(kind)):
        for name, prop in sub.get("properties", {}).items():
            assert prop.get("description"), name


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_a_label_and_danish_texts(kind: str) -> None:
    """The form shows a short label and help in both languages for every field."""
    for sub in walk(json_schema(kind)):
        for name, prop in sub.get("properties", {}).items():
            for key in FORM_TEXTS:
                assert isinstance(prop.get(key), str) and prop[key].strip(), (name, key)


def without_form_texts(prop: dict[str, Any]) -> dict[str, Any]:
    """A property without the form's label and Danish texts."""
    return {key: value for key, value in prop.items() if key not in FORM_TEXTS}


@pytest.mark.parametrize("kind", KINDS)
def test_extra_describes_its_keys(kind: str) -> None:
    extra = json_schema(kind)["properties"]["extra"]
    assert extra["type"] == "object"
    assert extra["propertyNames"] == {
        "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
        "maxLength": 64,
    }


def test_json_schema_returns_a_fresh_copy() -> None:
    json_schema("agreement")["title"] = "changed"
    assert json_schema("agreement")["title"] != "changed"


def test_unknown_kind_raises_key_error() -> None:
    with pytest.raises(KeyError):
        json_schema("contract")


@pytest.mark.parametrize("name", example_names())
def test_example_validates_against_its_schema(name: str) -> None:
    kind = name.split(".")[0]
    schema = json_schema(kind)
    assert validate(load_example(name), schema, schema) == []


@pytest.mark.parametrize("kind", KINDS)
def test_minimal_document_validates_against_its_schema(kind: str) -> None:
    schema = json_schema(kind)
    assert validate(minimal(kind), schema, schema) == []


def test_validator_used_here_catches_problems() -> None:
    schema = json_schema("agreement")
    document = load_example("agreement.da.json")
    document["parties"][0]["sector"] = "church"
    document["budget"]["lines"][0]["amount"] = -1
    del document["vision"]
    assert sorted(validate(document, schema, schema)) == [
        ".budget.lines[0].amount",
        ".parties[0].sector",
        ".vision",
    ]


def test_json_schema_copies_nested_values_too() -> None:
    json_schema("agreement")["properties"]["title"]["description"] = "changed"
    assert json_schema("agreement")["properties"]["title"]["description"] != "changed"


def test_standalone_points_openapi_refs_at_defs_and_leaves_the_rest() -> None:
    components = "#/components/schemas/"
    value = {
        "a": {"$ref": components + "Party"},
        "b": [{"$ref": components + "Goal"}, 1, None],
        "$ref": "#/other/Party",
        "c": components + "Text",
        "d": {"$ref": 5},
    }
    assert _standalone(value) == {
        "a": {"$ref": "#/$defs/Party"},
        "b": [{"$ref": "#/$defs/Goal"}, 1, None],
        "$ref": "#/other/Party",
        "c": components + "Text",
        "d": {"$ref": 5},
    }


def test_converter_describes_the_keys_extra_accepts_and_nothing_else() -> None:
    plugin = JsonSchemaPlugin()
    APISpec(title="t", version="1", openapi_version="3.1.0", plugins=[plugin])
    assert plugin.converter is not None
    assert plugin.converter.field2property(Extra()) == {
        "type": "object",
        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 64},
        "x-max-depth": 5,
    }
    assert plugin.converter.field2property(Text(max_length=3)) == {
        "type": "string",
        "minLength": 1,
        "maxLength": 3,
    }
