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
from schemas.problems import Problem
from schemas.registry import (
    KINDS,
    MAX_PROBLEMS,
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


def compiled(kind: str) -> Any:
    """The kind's schema compiled now (as the registry did at import), so
    that what the test sees is what compile_schema does today."""
    return compile_schema(schema_for(kind))


def agrees(schema: ma.Schema, payload: Any) -> Any:
    """Load ``payload`` with ``schema`` and with its compiled load, compiled
    now: the same data, or marshmallow refuses and the compiled load is
    unsure; either way the payload is left as sent (the fallback reads it).
    Returns the data (or Unsure)."""
    try:
        expected = typed(schema.load(copy.deepcopy(payload)))
    except ma.ValidationError:
        expected = Unsure
    before = copy.deepcopy(payload)
    try:
        got = typed(compile_schema(schema)(payload))
    except Unsure:
        got = Unsure
    assert got == expected
    assert payload == before
    return got


@pytest.mark.parametrize(
    "kind,name", [(kind, name) for kind in KINDS for name in example_names(kind)]
)
def test_examples_load_to_what_marshmallow_gives(kind: str, name: str) -> None:
    payload = load_example(name, decimals=True)
    loaded = compiled(kind)(payload)
    assert typed(loaded) == typed(schema_for(kind).load(payload))
    assert isinstance(loaded["language"], str)


@pytest.mark.parametrize("kind", KINDS)
def test_minimal_documents_load_to_what_marshmallow_gives(kind: str) -> None:
    assert agrees(schema_for(kind), minimal(kind)) is not Unsure


def test_loaded_values_keep_their_types() -> None:
    load = compiled("agreement")
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
    assert agrees(schema_for(kind), payload) is not Unsure  # valid: never unsure


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_changed_documents_get_marshmallows_answer(
    kind: str, data: st.DataObject
) -> None:
    agrees(schema_for(kind), data.draw(changed_bodies(kind)))


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
        agrees(schema_for(kind), value)


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
        compiled(kind)(body)
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
    # marshmallow 4 asks validators to raise; what they return is ignored.
    answering = Text(validate=lambda text: False)
    assert answering.load_text("ja") == answering.deserialize("ja") == "ja"


class _Item(ma.Schema):
    name = ma.fields.String()


def _schema_with(**fields: Any) -> type[ma.Schema]:
    return type("Odd", (ma.Schema,), dict(fields))


@pytest.mark.parametrize(
    "schema,message",
    [
        (_Item(many=True), "_Item: only many=False, no partial, unknown=RAISE."),
        (_Item(partial=True), "_Item: only many=False, no partial, unknown=RAISE."),
        (
            _Item(unknown=ma.EXCLUDE),
            "_Item: only many=False, no partial, unknown=RAISE.",
        ),
        (
            _schema_with(item=ma.fields.Nested(_Item, only=("name",)))(),
            "Odd.item: many, only, exclude, unknown not compiled.",
        ),
        (
            _schema_with(item=ma.fields.Nested(_Item, exclude=("name",)))(),
            "Odd.item: many, only, exclude, unknown not compiled.",
        ),
        (
            _schema_with(item=ma.fields.Nested(_Item, unknown=ma.EXCLUDE))(),
            "Odd.item: many, only, exclude, unknown not compiled.",
        ),
        (
            _schema_with(item=ma.fields.Nested(_Item, many=True))(),
            "Odd.item: many, only, exclude, unknown not compiled.",
        ),
        (
            _schema_with(item=ma.fields.Pluck(_Item, "name"))(),
            "Odd.item: Pluck is not compiled.",
        ),
        (
            _schema_with(pair=ma.fields.Tuple((ma.fields.String(),)))(),
            "Odd.pair: Tuple fields are not compiled.",
        ),
        (
            _schema_with(map=ma.fields.Dict())(),
            "Odd.map: Dict fields are not compiled.",
        ),
        (
            _schema_with(name=ma.fields.String(attribute="a.b"))(),
            "Odd.name: dotted attributes are not compiled.",
        ),
        (
            _schema_with(items=ma.fields.List(ma.fields.String(), pre_load=[str]))(),
            "Odd.items: field pre_load/post_load are not compiled.",
        ),
        (
            _schema_with(item=ma.fields.Nested(_Item, post_load=[dict]))(),
            "Odd.item: field pre_load/post_load are not compiled.",
        ),
        (
            _schema_with(items=ma.fields.List(ma.fields.List(ma.fields.Dict())))(),
            "Odd.items[][]: Dict fields are not compiled.",
        ),
        (
            _schema_with(item=ma.fields.Nested(_schema_with(map=ma.fields.Dict())))(),
            "Odd.map: Dict fields are not compiled.",
        ),
    ],
)
def test_schemas_the_compiled_load_cannot_follow_are_refused(
    schema: ma.Schema, message: str
) -> None:
    with pytest.raises(NotCompilable) as refused:
        compile_schema(schema)
    assert str(refused.value) == message


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

    with pytest.raises(NotCompilable) as refused:
        compile_schema(Validated())
    assert str(refused.value) == "Validated: @validates field methods are not compiled."
    with pytest.raises(NotCompilable) as refused:
        compile_schema(Collected())
    assert str(refused.value) == "Collected._all: pass_many."


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


def test_the_registry_loads_with_the_compiled_schemas() -> None:
    for kind in KINDS:
        load = compiled_load_for(kind)
        assert load is compiled_load_for(kind)
        payload = minimal(kind)
        assert typed(load(payload)) == typed(schema_for(kind).load(payload))


def test_a_valid_document_never_reaches_schema_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema = schema_for("agreement")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Schema.load was called for a valid document")

    monkeypatch.setattr(schema, "load", refuse)
    loaded = load_document("agreement", load_example("agreement.da.json"))
    assert loaded.data["title"] == load_example("agreement.da.json")["title"]
    with pytest.raises(AssertionError, match="was called"):
        load_document("agreement", {"language": "da"})  # invalid: marshmallow


# -- the compiled load against marshmallow, feature by feature ----------------


class _Inner(ma.Schema):
    name = ma.fields.String(required=True)


def _at_most_three_letters(inner: dict[str, Any]) -> bool:
    if len(inner["name"]) > 3:
        raise ma.ValidationError("Too long.")
    return False  # what a validator returns is ignored (marshmallow 4)


class _Fields(ma.Schema):
    renamed = ma.fields.String(data_key="other-name")
    stored = ma.fields.String(attribute="kept_as")
    counted = ma.fields.Integer(load_default=7)
    made = ma.fields.List(ma.fields.Integer(), load_default=lambda: [1, 2])
    given = ma.fields.Nested(_Inner, load_default={"name": "x"})
    maybe = ma.fields.Nested(_Inner, allow_none=True)
    needed = ma.fields.List(ma.fields.String(), required=True)
    words = ma.fields.List(ma.fields.String(), validate=ma.validate.Length(max=2))
    inners = ma.fields.List(ma.fields.Nested(_Inner))
    short = ma.fields.Nested(_Inner, validate=_at_most_three_letters)
    shouted = Text(pre_load=[str.upper])
    spoken = Text(post_load=[str.lower])


@pytest.mark.parametrize(
    "payload",
    [
        {"needed": []},
        {"needed": ["a"], "other-name": "r", "stored": "s", "counted": 1},
        {"needed": ["a"], "renamed": "r"},  # the attribute name is not the key
        {"needed": ["a"], "kept_as": "s"},
        {"needed": ["a"], "maybe": None},
        {"needed": ["a"], "given": None},
        {"needed": None},
        {"needed": ["a"], "made": None},
        {"needed": ["a"], "made": [3]},
        {"needed": ["a"], "made": "3"},
        {"needed": ["a"], "words": ["a", "b"]},
        {"needed": ["a"], "words": ["a", "b", "c"]},
        {"needed": ["a"], "inners": [{"name": "n"}, {"name": "m"}]},
        {"needed": ["a"], "inners": [None]},
        {"needed": ["a"], "inners": [{"name": 1}]},
        {"needed": ["a"], "short": {"name": "abc"}},
        {"needed": ["a"], "short": {"name": "abcd"}},
        {"needed": ["a"], "shouted": " hej ", "spoken": " HEJ "},
        {"needed": ["a"], "shouted": None},
    ],
)
def test_each_kind_of_field_loads_as_marshmallow_loads_it(payload: Any) -> None:
    agrees(_Fields(), payload)


def test_defaults_and_renamed_fields_land_where_marshmallow_puts_them() -> None:
    loaded = agrees(_Fields(), {"needed": [], "other-name": "r", "stored": "s"})
    assert loaded == {
        "renamed": ("str", "r"),
        "kept_as": ("str", "s"),
        "counted": ("int", 7),
        "made": [("int", 1), ("int", 2)],
        "given": {"name": ("str", "x")},
        "needed": [],
    }


class _Seeing(ma.fields.Field):
    """A field that loads what it is told: its key and the object's keys."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        return [value, attr, sorted(data) if data is not None else None]


def test_fields_are_given_their_key_and_the_object_they_are_in() -> None:
    schema = _schema_with(
        seen=_Seeing(data_key="seen-as"), items=ma.fields.List(_Seeing())
    )()
    loaded = agrees(schema, {"seen-as": 1, "items": [2]})
    assert loaded["seen"] == [
        ("int", 1),
        ("str", "seen-as"),
        [("str", "items"), ("str", "seen-as")],
    ]
    assert loaded["items"] == [[("int", 2), ("NoneType", None), ("NoneType", None)]]


def test_collections_json_does_not_have_are_left_to_marshmallow() -> None:
    payload = {"needed": ("a",)}
    with pytest.raises(Unsure):
        compile_schema(_Fields())(payload)
    assert _Fields().load(payload)["needed"] == ["a"]


def test_hooks_get_the_arguments_marshmallow_gives_them() -> None:
    calls: list[tuple[str, Any, Any, dict[str, Any]]] = []

    class Watched(ma.Schema):
        name = ma.fields.String()

        @ma.pre_load
        def _before(self, data: Any, **kwargs: Any) -> Any:
            calls.append(("pre", data, None, kwargs))
            return {"name": data["name"] + "!"}

        @ma.validates_schema(pass_original=True)
        def _check(self, data: Any, original: Any, **kwargs: Any) -> None:
            calls.append(("validate", data, original, kwargs))

        @ma.validates_schema
        def _check_alone(self, data: Any, **kwargs: Any) -> None:
            calls.append(("validate alone", data, None, kwargs))

        @ma.post_load(pass_original=True)
        def _after(self, data: Any, original: Any, **kwargs: Any) -> Any:
            calls.append(("post", data, original, kwargs))
            return {**data, "was": original["name"]}

    schema = Watched()
    loaded = schema.load({"name": "a"})
    by_marshmallow, calls[:] = list(calls), []
    assert compile_schema(schema)({"name": "a"}) == loaded == {"name": "a!", "was": "a"}
    assert calls == by_marshmallow
    options = {"many": False, "partial": None, "unknown": ma.RAISE}
    assert calls == [
        ("pre", {"name": "a"}, None, options),
        ("validate", {"name": "a!"}, {"name": "a"}, options),
        ("validate alone", {"name": "a!"}, None, options),
        ("post", {"name": "a!"}, {"name": "a"}, options),
    ]


def test_a_document_invalid_says_how_many_problems() -> None:
    one = DocumentInvalid([Problem("title", "Must not be empty.")])
    two = DocumentInvalid([Problem("a", "x"), Problem("b", "y")])
    assert str(one) == "The document has 1 problem."
    assert str(two) == "The document has 2 problems."
    assert one.problems == [Problem("title", "Must not be empty.")]


@pytest.mark.parametrize("payload", [None, [], "text", 3])
def test_a_document_that_is_not_an_object_is_one_problem(payload: Any) -> None:
    with pytest.raises(DocumentInvalid) as raised:
        load_document("first_contact", payload)
    assert raised.value.problems == [Problem("", "The document must be a JSON object.")]


@pytest.mark.parametrize("extra", [0, 1])
def test_up_to_the_limit_every_problem_is_listed(extra: int) -> None:
    document = minimal("first_contact")
    count = MAX_PROBLEMS + extra
    document.update({f"unknown_{index:03}": 1 for index in range(count)})
    with pytest.raises(DocumentInvalid) as raised:
        load_document("first_contact", document)
    problems = raised.value.problems
    if extra:
        assert problems[:-1] == [
            Problem(f"unknown_{index:03}", "Unknown field.")
            for index in range(MAX_PROBLEMS)
        ]
        assert problems[-1] == Problem("", "1 more problems not listed.")
    else:
        assert len(problems) == MAX_PROBLEMS
        assert problems[-1] == Problem(f"unknown_{count - 1:03}", "Unknown field.")


def test_a_loaded_document_carries_its_kind_and_sorted_warnings() -> None:
    loaded = load_document("agreement", minimal("agreement"))
    assert loaded.kind == "agreement"
    assert [(w.path, w.code) for w in loaded.warnings][:3] == [
        ("follow_up", "no_follow_up"),
        ("goals", "no_relationship_goal"),
        ("parties[0].contributions", "party_without_contributions"),
    ]


def test_text_takes_the_short_way_and_anything_else_the_fields_own() -> None:
    seen: list[tuple[Any, Any, Any]] = []

    def deserialize(value: Any, attr: Any = None, data: Any = None) -> Any:
        seen.append((value, attr, data))
        return "by deserialize"

    schema = _schema_with(note=Text(allow_none=True), other=ma.fields.Integer())()
    schema.load_fields["note"].deserialize = deserialize
    load = compile_schema(schema)
    assert load({"note": " hej "}) == {"note": "hej"}
    assert seen == []
    assert load({"note": None, "other": 1}) == {"note": "by deserialize", "other": 1}
    assert seen == [(None, "note", {"note": None, "other": 1})]
