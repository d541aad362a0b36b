"""The compiled load (schemas/compiled.py) is marshmallow's load, only faster.

For any JSON value: when ``Schema.load`` accepts it, the compiled load returns
the very same data (same types: Decimal, date, str); when ``Schema.load``
refuses it, the compiled load is `Unsure`, so the schema's own load reports
every problem. Checked on the examples, on generated valid documents, and on
those documents with one value replaced by any JSON value, one key removed or
one unknown key added.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import marshmallow as ma
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemas.compiled import NotCompilable, Unsure, compile_schema
from schemas.fields import Text
from schemas.registry import (
    KINDS,
    DocumentInvalid,
    compiled_load_for,
    load_document,
    schema_for,
)
from tests.document_bodies import bodies
from tests.schema_fixtures import example_names, load_example, minimal

Path = tuple[Any, ...]

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.text(max_size=12),
    st.sampled_from(["", " ", "2026-02-30", "2026-05-01", "DK", "dk", "EUR", "x@y.dk"]),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def typed(value: Any) -> Any:
    """``value`` with the type of every part in it: 1 and Decimal(1) differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def compiled_or_unsure(kind: str, payload: Any) -> Any:
    try:
        return typed(compiled_load_for(kind)(payload))
    except Unsure:
        return Unsure


def assert_same_answer(kind: str, payload: Any) -> None:
    """The compiled load gives marshmallow's data, or is unsure when it refuses."""
    try:
        expected = typed(schema_for(kind).load(copy.deepcopy(payload)))
    except ma.ValidationError:
        expected = Unsure
    before = copy.deepcopy(payload)
    assert compiled_or_unsure(kind, payload) == expected
    assert payload == before  # the fallback sees the body as it was sent


@pytest.mark.parametrize(
    "kind,name", [(kind, name) for kind in KINDS for name in example_names(kind)]
)
def test_examples_load_to_what_marshmallow_gives(kind: str, name: str) -> None:
    payload = load_example(name, decimals=True)
    loaded = compiled_load_for(kind)(payload)
    assert typed(loaded) == typed(schema_for(kind).load(payload))
    assert isinstance(loaded["language"], str)


@pytest.mark.parametrize("kind", KINDS)
def test_minimal_documents_load_to_what_marshmallow_gives(kind: str) -> None:
    payload = minimal(kind)
    assert compiled_or_unsure(kind, payload) == typed(schema_for(kind).load(payload))


def test_loaded_values_keep_their_types() -> None:
    load = compiled_load_for("agreement")
    loaded = load(load_example("agreement.da.json", decimals=True))
    assert isinstance(loaded["budget"]["lines"][0]["amount"], Decimal)
    assert isinstance(loaded["term"]["start_date"], dt.date)


def leaf_paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every path in ``value`` to an object member or list item, depth first."""
    children: Any = ()
    if isinstance(value, dict):
        children = value.items()
    elif isinstance(value, list):
        children = enumerate(value)
    for key, child in children:
        yield (*path, key)
        yield from leaf_paths(child, (*path, key))


def replaced(body: Any, path: Path, value: Any) -> Any:
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if value is _REMOVE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return changed


_REMOVE = object()


@st.composite
def changed_bodies(draw: st.DrawFn, kind: str) -> Any:
    """A valid body with one value replaced (by any JSON value or one from
    elsewhere in the body), one key removed or one unknown key added."""
    body = draw(bodies(kind))
    paths = list(leaf_paths(body))
    path = draw(st.sampled_from(paths))
    change = draw(st.sampled_from(["replace", "copy", "remove", "add"]))
    if change == "replace":
        return replaced(body, path, draw(JSON_VALUES))
    if change == "copy":  # a value from elsewhere: shared ids, swapped dates
        source: Any = body
        for key in draw(st.sampled_from(paths)):
            source = source[key]
        return replaced(body, path, copy.deepcopy(source))
    if change == "remove" and not isinstance(path[-1], int):
        return replaced(body, path, _REMOVE)
    container = body  # the object or list that holds the value at ``path``
    for key in path[:-1]:
        container = container[key]
    if isinstance(container, dict):
        container[draw(st.text(min_size=1, max_size=8))] = draw(JSON_SCALARS)
    return body


SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_generated_documents_load_to_what_marshmallow_gives(
    kind: str, data: st.DataObject
) -> None:
    payload = data.draw(bodies(kind))
    expected = typed(schema_for(kind).load(copy.deepcopy(payload)))
    assert compiled_or_unsure(kind, payload) == expected  # never unsure when valid


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_changed_documents_get_marshmallows_answer(
    kind: str, data: st.DataObject
) -> None:
    assert_same_answer(kind, data.draw(changed_bodies(kind)))


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        "text",
        {"language": "da", "unknown": 1},
        {"language": "da", "title": " \u0007 "},
    ],
)
def test_values_that_are_not_documents_get_marshmallows_answer(value: Any) -> None:
    for kind in KINDS:
        assert_same_answer(kind, value)


def _second_party_id_is_the_firsts(body: dict[str, Any]) -> None:
    body["parties"][1]["id"] = body["parties"][0]["id"]


def _first_party_is_dependent(body: dict[str, Any]) -> None:
    body["parties"][0]["dependent"] = True
    body.pop("phase_out")


CROSS_FIELD_PROBLEMS = [
    # What only a schema's @validates_schema can see: each value alone is valid.
    (
        "agreement.da.json",
        lambda body: body["term"].update(end_date=body["term"]["start_date"]),
        "term.end_date",
    ),
    (
        "agreement.da.json",
        lambda body: body["activities"][0].update(end="2026-01-31"),
        "activities[0].end",
    ),
    ("agreement.da.json", _second_party_id_is_the_firsts, "parties[1].id"),
    (
        "agreement.da.json",
        lambda body: body["roles"][0].update(party="nobody"),
        "roles[0].party",
    ),
    ("agreement.da.json", _first_party_is_dependent, "phase_out"),
    (
        "understanding.en.json",
        lambda body: body["next_steps"][0].update(responsible="nobody"),
        "next_steps[0].responsible",
    ),
]


@pytest.mark.parametrize("name,change,path", CROSS_FIELD_PROBLEMS)
def test_problems_between_fields_are_left_to_marshmallow(
    name: str, change: Any, path: str
) -> None:
    kind = name.split(".")[0]
    body = load_example(name, decimals=True)
    change(body)
    with pytest.raises(Unsure):
        compiled_load_for(kind)(body)
    with pytest.raises(DocumentInvalid) as raised:
        load_document(kind, body)
    assert path in [problem.path for problem in raised.value.problems]


def test_an_invalid_document_is_reported_by_marshmallow_with_every_problem() -> None:
    payload = load_example("agreement.da.json")
    payload["title"] = "\u0007"
    payload["parties"][0]["country"] = "XX"
    with pytest.raises(DocumentInvalid) as raised:
        load_document("agreement", payload)
    paths = [problem.path for problem in raised.value.problems]
    assert "title" in paths and "parties[0].country" in paths


@pytest.mark.parametrize(
    "text,expected",
    [("  Hej  ", "Hej"), ("a\r\nb", "a\nb"), ("dk", "dk")],
)
def test_load_text_is_what_deserialize_gives_for_a_string(
    text: str, expected: str
) -> None:
    field = Text(max_length=10)
    assert field.load_text(text) == field.deserialize(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "x" * 11, "\u0007"])
def test_load_text_refuses_what_deserialize_refuses(text: str) -> None:
    field = Text(max_length=10)
    with pytest.raises(ma.ValidationError):
        field.deserialize(text)
    with pytest.raises(ma.ValidationError):
        field.load_text(text)


def test_load_text_runs_the_fields_own_validators() -> None:
    field = Text(validate=ma.validate.OneOf(["ja"]))
    assert field.load_text("ja") == "ja"
    with pytest.raises(ma.ValidationError):
        field.load_text("nej")
    refusing = Text(validate=lambda text: False)
    with pytest.raises(ma.ValidationError):
        refusing.load_text("ja")


class _Item(ma.Schema):
    name = ma.fields.String()


def _schema_with(**fields: Any) -> type[ma.Schema]:
    return type("Odd", (ma.Schema,), dict(fields))


@pytest.mark.parametrize(
    "schema,reason",
    [
        (_Item(many=True), "many=False"),
        (_Item(partial=True), "no partial"),
        (_Item(unknown=ma.EXCLUDE), "unknown=RAISE"),
        (_schema_with(item=ma.fields.Nested(_Item, only=("name",)))(), "only"),
        (_schema_with(item=ma.fields.Nested(_Item, many=True))(), "many"),
        (_schema_with(item=ma.fields.Pluck(_Item, "name"))(), "Pluck"),
        (_schema_with(pair=ma.fields.Tuple((ma.fields.String(),)))(), "Tuple"),
        (_schema_with(map=ma.fields.Dict())(), "Dict"),
        (_schema_with(name=ma.fields.String(attribute="a.b"))(), "dotted"),
        (
            _schema_with(items=ma.fields.List(ma.fields.String(), pre_load=[str]))(),
            "pre_load",
        ),
    ],
)
def test_schemas_the_compiled_load_cannot_follow_are_refused(
    schema: ma.Schema, reason: str
) -> None:
    with pytest.raises(NotCompilable, match=reason):
        compile_schema(schema)


def test_field_methods_and_collection_hooks_are_refused() -> None:
    class Validated(ma.Schema):
        name = ma.fields.String()

        @ma.validates("name")
        def _check(self, value: str, **kwargs: Any) -> None:
            """Never called."""

    class Collected(ma.Schema):
        name = ma.fields.String()

        @ma.pre_load(pass_collection=True)
        def _all(self, data: Any, **kwargs: Any) -> Any:
            return data

    with pytest.raises(NotCompilable, match="@validates"):
        compile_schema(Validated())
    with pytest.raises(NotCompilable, match="_all: pass_many"):
        compile_schema(Collected())


def test_hooks_and_validators_run_in_marshmallows_order() -> None:
    calls: list[str] = []

    class Hooked(ma.Schema):
        name = ma.fields.String(required=True)
        size = ma.fields.Integer(load_default=lambda: 3)

        @ma.pre_load
        def _first(self, data: Any, **kwargs: Any) -> Any:
            calls.append("pre")
            if "name" not in data:
                return data
            return {**data, "name": data["name"].upper()}

        @ma.validates_schema(pass_original=True)
        def _check(self, data: Any, original: Any, **kwargs: Any) -> None:
            calls.append(f"validate {data['name']} {original['name']}")
            if original["name"] == "stop":
                raise ma.ValidationError("stopped")

        @ma.post_load
        def _last(self, data: Any, **kwargs: Any) -> Any:
            calls.append("post")
            return {**data, "done": True}

    load = compile_schema(Hooked())
    assert load({"name": "ib"}) == {"name": "IB", "size": 3, "done": True}
    assert calls == ["pre", "validate IB ib", "post"]
    with pytest.raises(Unsure):
        load({"name": "stop"})
    with pytest.raises(Unsure):
        load({"size": 1})  # name is required
