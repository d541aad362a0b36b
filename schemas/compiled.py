"""marshmallow's load, compiled once per schema, for documents that are valid.

``Schema.load`` is the contract, and for a valid document most of its time goes
to machinery it repeats for each nested object: an error store, the hook
lists looked up by tag, a closure per field, checks for ``partial`` and
``many``. This module walks each schema once and keeps, per object, only the
steps that schema has, in marshmallow's order: the schema's own ``pre_load``
hooks, each field's own ``deserialize`` (marshmallow's code and ours, so every
value is checked and converted exactly as before), the field validators, the
``validates_schema`` methods and the ``post_load`` hooks.

It never reports a problem. At the first sign of one — a field that raises,
a validator that fails, an unknown key, a value of a shape it does not
expect — it raises `Unsure`, and the caller runs ``Schema.load``, which finds
every problem with its path. So a valid document loads to what marshmallow
gives, and an invalid one is reported by marshmallow word for word
(tests/test_compiled_load.py checks both on generated documents).

A schema that uses a marshmallow feature this walk does not reproduce
(``many``, ``partial``, ``@validates``, collection hooks, nested ``only``…)
is refused with `NotCompilable` when the module is imported, not at a
request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import marshmallow as ma
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA

from schemas.fields import Text

__all__ = ["Load", "NotCompilable", "Unsure", "compile_schema"]

#: A compiled load: the loaded value, or `Unsure`.
Load = Callable[[Any], Any]

_MISSING = ma.missing


class Unsure(Exception):
    """The input may be invalid: ``Schema.load`` must answer."""


class NotCompilable(TypeError):
    """The schema uses a marshmallow feature the compiled load does not have."""


def compile_schema(schema: ma.Schema) -> Load:
    """Return the compiled load of ``schema`` (an instance, as ``load`` uses it)."""
    name = type(schema).__name__
    if schema.many or schema.partial or schema.unknown != ma.RAISE:
        raise NotCompilable(f"{name}: only many=False, no partial, unknown=RAISE.")
    if schema._hooks[VALIDATES]:
        raise NotCompilable(f"{name}: @validates field methods are not compiled.")
    pre_load = _hooks(schema, PRE_LOAD)
    validators = _hooks(schema, VALIDATES_SCHEMA)
    post_load = _hooks(schema, POST_LOAD)
    steps = [_field_step(name, key, field) for key, field in schema.load_fields.items()]
    known = frozenset(step.data_key for step in steps)
    options = {"partial": schema.partial, "many": False, "unknown": schema.unknown}

    def load(original: Any) -> dict[str, Any]:
        if not isinstance(original, Mapping):
            raise Unsure
        data = original
        for hook, pass_original in pre_load:
            data = _call(hook, data, original, pass_original, options)
        if not isinstance(data, Mapping) or not known.issuperset(data):
            raise Unsure
        result: dict[str, Any] = {}
        for step in steps:
            value = step.load(data.get(step.data_key, _MISSING), data)
            if value is not _MISSING:
                result[step.attribute] = value
        for validator, pass_original in validators:
            _call(validator, result, original, pass_original, options)
        for hook, pass_original in post_load:
            result = _call(hook, result, original, pass_original, options)
        return result

    return load


class _FieldStep:
    """Where a field's value is read and written, and how it is loaded."""

    __slots__ = ("attribute", "data_key", "load")

    def __init__(
        self, data_key: str, attribute: str, load: Callable[[Any, Any], Any]
    ) -> None:
        self.data_key = data_key
        self.attribute = attribute
        self.load = load


def _field_step(schema_name: str, key: str, field: ma.fields.Field) -> _FieldStep:
    where = f"{schema_name}.{key}"
    attribute = field.attribute or key
    if "." in attribute:
        raise NotCompilable(f"{where}: dotted attributes are not compiled.")
    data_key = field.data_key if field.data_key is not None else key
    return _FieldStep(data_key, attribute, _value_load(where, field, data_key))


def _value_load(
    where: str, field: ma.fields.Field, data_key: str | None
) -> Callable[[Any, Any], Any]:
    """How ``field`` loads a raw value (``missing`` when absent) of ``data``.

    ``data_key`` is the key the value was read from, as marshmallow passes it
    to ``deserialize`` (None for a list's items).
    """
    if isinstance(field, ma.fields.Nested):
        return _structured(where, field, _nested(where, field))
    if isinstance(field, ma.fields.List):
        return _structured(where, field, _list(where, field))
    if isinstance(field, ma.fields.Tuple | ma.fields.Dict):
        raise NotCompilable(f"{where}: {type(field).__name__} fields are not compiled.")
    deserialize = field.deserialize

    def leaf(raw: Any, data: Any) -> Any:
        try:
            return deserialize(raw, data_key, data)
        except ma.ValidationError:
            raise Unsure from None

    if not isinstance(field, Text) or field.pre_load or field.post_load:
        return leaf
    load_text = field.load_text

    def text(raw: Any, data: Any) -> Any:
        if type(raw) is not str:  # absent, null, or not text: as any field
            return leaf(raw, data)
        try:
            return load_text(raw)
        except ma.ValidationError:
            raise Unsure from None

    return text


def _nested(where: str, field: ma.fields.Nested) -> Load:
    if type(field) is not ma.fields.Nested:
        raise NotCompilable(f"{where}: {type(field).__name__} is not compiled.")
    if field.many or field.only is not None or field.exclude or field.unknown:
        raise NotCompilable(f"{where}: many, only, exclude, unknown not compiled.")
    return compile_schema(field.schema)


def _list(where: str, field: ma.fields.List) -> Load:
    item = _value_load(f"{where}[]", field.inner, None)

    def load(raw: Any) -> list[Any]:
        if type(raw) is not list:  # JSON arrays; other collections: marshmallow
            raise Unsure
        return [item(each, None) for each in raw]

    return load


def _structured(
    where: str, field: ma.fields.Field, inner: Load
) -> Callable[[Any, Any], Any]:
    """``Field.deserialize`` around ``inner``, for Nested and List fields."""
    if field.pre_load or field.post_load:
        raise NotCompilable(f"{where}: field pre_load/post_load are not compiled.")
    required, allow_none = field.required, field.allow_none
    default, validators = field.load_default, tuple(field.validators)

    def load(raw: Any, _data: Any) -> Any:
        if raw is _MISSING:
            if required:
                raise Unsure
            return default() if callable(default) else default
        if raw is None:
            if allow_none:
                return None
            raise Unsure
        value = inner(raw)
        for validator in validators:  # marshmallow 4: a validator raises
            try:
                validator(value)
            except ma.ValidationError:
                raise Unsure from None
        return value

    return load


_Hook = tuple[Callable[..., Any], bool]


def _hooks(schema: ma.Schema, tag: str) -> list[_Hook]:
    """The schema's bound hooks of ``tag``, in marshmallow's order."""
    found = []
    for attribute, pass_collection, options in schema._hooks[tag]:
        if pass_collection:
            raise NotCompilable(f"{type(schema).__name__}.{attribute}: pass_many.")
        found.append((getattr(schema, attribute), options.get("pass_original", False)))
    return found


def _call(
    hook: Callable[..., Any],
    data: Any,
    original: Any,
    pass_original: bool,
    options: dict[str, Any],
) -> Any:
    try:
        if pass_original:
            return hook(data, original, **options)
        return hook(data, **options)
    except ma.ValidationError:
        raise Unsure from None
