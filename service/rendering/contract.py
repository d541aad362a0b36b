"""The data contract of a kind: every variable path a template of that kind may use.

The paths come from the kind's marshmallow schema (``schemas.registry``): nested
schemas become objects, lists get items (written ``parties[].name``), scalar
fields are leaves, and free-form fields such as ``extra`` accept anything below
them. Added to those are the values :mod:`service.rendering.context` derives
(``kind``, ``language``, ``extra``; for agreements ``impact_goals[]``,
``relationship_goals[]``, ``dependent_parties[]``, ``agreement_topics[]``,
``budget.totals``, ``budget.party_totals[]`` and
``budget.external_by_status[]``; for first-contact letters ``date``). Keep
:func:`_add_derived` in step with that module; the tests load the shared
examples through it and check that every path they produce is in the contract.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma

from schemas.registry import schema_for

ITEM = "[]"
Path = tuple[str, ...]

#: Attributes a template may read on the ``loop`` of a ``{% for %}``.
LOOP_ATTRIBUTES = frozenset(
    {
        "index", "index0", "revindex", "revindex0", "first", "last", "length",
        "depth", "depth0", "previtem", "nextitem", "cycle", "changed",
    }
)  # fmt: skip
_MAX_DEPTH = 12


@dataclass(eq=False)
class Shape:
    """What a value in the template context looks like."""

    fields: dict[str, Shape] = field(default_factory=dict)
    item: Shape | None = None  # the shape of each item when the value is a list
    open: bool = False  # anything below is allowed (``extra``, free-form fields)

    def child(self, segment: str) -> Shape | None:
        """The shape one step down (an attribute, or ``[]`` for an item)."""
        if self.open:
            return self
        if segment == ITEM:
            return self.item
        return self.fields.get(segment)


def _scalar() -> Shape:
    return Shape()


def _date() -> Shape:
    return Shape({name: _scalar() for name in ("year", "month", "day")})


def _datetime() -> Shape:
    names = ("year", "month", "day", "hour", "minute", "second")
    return Shape({name: _scalar() for name in names})


def _open() -> Shape:
    return Shape(open=True)


_SCALAR_FIELDS: tuple[type[ma.fields.Field[Any]], ...] = (
    ma.fields.String,
    ma.fields.Number,
    ma.fields.Boolean,
    ma.fields.Time,
    ma.fields.TimeDelta,
    ma.fields.UUID,
    ma.fields.Enum,
    ma.fields.Constant,
    ma.fields.IP,
    ma.fields.Pluck,
)


def shape_of_schema(schema: ma.Schema, seen: tuple[type, ...] = ()) -> Shape:
    """The shape of what ``schema.load`` returns."""
    if type(schema) in seen or len(seen) > _MAX_DEPTH:
        return _open()  # a recursive schema: accept anything below
    seen = (*seen, type(schema))
    fields = {
        (value.attribute or name): shape_of_field(value, seen)
        for name, value in schema.fields.items()
        if not value.dump_only
    }
    return Shape(fields)


def shape_of_field(value: ma.fields.Field[Any], seen: tuple[type, ...] = ()) -> Shape:
    """The shape of one loaded field's value."""
    shape: Shape
    if isinstance(value, ma.fields.Date):
        shape = _date()
    elif isinstance(value, ma.fields.DateTime):
        shape = _datetime()
    elif isinstance(value, _SCALAR_FIELDS):
        shape = _scalar()
    elif isinstance(value, ma.fields.Nested):
        shape = shape_of_schema(value.schema, seen)
    elif isinstance(value, ma.fields.List):
        return Shape(item=shape_of_field(value.inner, seen))
    else:  # Dict, Raw and free-form fields (extra): their keys are the data's
        return _open()
    many = bool(getattr(value, "many", False))
    return Shape(item=shape) if many else shape


def _add_derived(kind: str, root: Shape) -> None:
    """The values service.rendering.context.build_context adds for ``kind``."""
    root.fields["kind"] = _scalar()
    root.fields["rendered_at"] = _scalar()
    root.fields.setdefault("language", _scalar())
    root.fields["extra"] = _open()
    if kind == "agreement":
        goals = root.fields.get("goals")
        goal = goals.item if goals is not None and goals.item else _open()
        root.fields["impact_goals"] = Shape(item=goal)
        root.fields["relationship_goals"] = Shape(item=goal)
        parties = root.fields.get("parties")
        party = parties.item if parties is not None and parties.item else _open()
        root.fields["dependent_parties"] = Shape(item=party)
        root.fields["agreement_topics"] = Shape(item=_scalar())
        budget = root.fields.get("budget")
        if budget is not None and not budget.open:
            money = ("cash", "in_kind", "total")
            budget.fields.setdefault("currency", _scalar())
            budget.fields["totals"] = Shape(
                {name: _scalar() for name in (*money, "external")}
            )
            budget.fields["party_totals"] = Shape(
                item=Shape({name: _scalar() for name in ("party", "name", *money)})
            )
            budget.fields["external_by_status"] = Shape(
                item=Shape({name: _scalar() for name in ("status", "amount")})
            )
    elif kind == "first_contact":
        root.fields["date"] = _date()


def format_path(path: Sequence[str]) -> str:
    """``("parties", "[]", "name")`` → ``"parties[].name"``."""
    text = ""
    for segment in path:
        if segment == ITEM:
            text += ITEM
        else:
            text += f".{segment}" if text else segment
    return text


@dataclass(frozen=True, eq=False)
class Contract:
    """The variable paths the data of one kind provides."""

    kind: str
    root: Shape

    def lookup(self, path: Sequence[str]) -> Shape | None:
        """The shape at ``path``, or ``None`` if the contract has no such path."""
        shape: Shape | None = self.root
        for segment in path:
            if shape is None:
                return None
            shape = shape.child(segment)
        return shape

    def is_known(self, path: Sequence[str]) -> bool:
        """Whether the data of this kind can have a value at ``path``."""
        return self.lookup(path) is not None

    @property
    def party(self) -> Path | None:
        """Where the ``party`` filter finds parties: a party's path, if any."""
        for path in (("parties", ITEM), ("sender",)):
            if self.lookup(path) is not None:
                return path
        return None

    def paths(self) -> list[str]:
        """Every path in the contract, sorted (open shapes end with ``.*``)."""
        return sorted(_walk(self.root, ()))

    def suggest(self, path: Sequence[str]) -> str | None:
        """The closest known path for an unknown ``path`` (a likely typo)."""
        known: Path = ()
        for segment in path:
            if self.lookup((*known, segment)) is None:
                parent = self.lookup(known)
                if parent is None:
                    return None
                options = list(parent.fields) + ([ITEM] if parent.item else [])
                close = difflib.get_close_matches(segment, options, n=1, cutoff=0.6)
                if not close:
                    return None
                known = (*known, close[0])
            else:
                known = (*known, segment)
        return format_path(known) if known != tuple(path) else None


def _walk(shape: Shape, path: Path) -> Iterator[str]:
    if shape.open:
        yield format_path(path) + ".*" if path else "*"
        return
    if path:
        yield format_path(path)
    for name, child in shape.fields.items():
        yield from _walk(child, (*path, name))
    if shape.item is not None:
        yield from _walk(shape.item, (*path, ITEM))


@functools.cache
def contract_for(kind: str) -> Contract:
    """The contract of ``kind``; raises KeyError for an unknown kind."""
    root = shape_of_schema(schema_for(kind))
    _add_derived(kind, root)
    return Contract(kind, root)


def flatten_paths(data: Mapping[str, object]) -> set[Path]:
    """Every path present in a context (dicts give attributes, lists items)."""
    found: set[Path] = set()

    def visit(value: object, path: Path) -> None:
        if path:
            found.add(path)
        if isinstance(value, Mapping):
            for key, item in value.items():
                visit(item, (*path, str(key)))
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item, (*path, ITEM))

    visit(data, ())
    return found
