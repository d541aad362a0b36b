"""Hypothesis strategies for valid request bodies, drawn from the JSON Schema.

``bodies(kind)`` walks the kind's JSON Schema (``schemas.jsonschema``): every
optional field is present or absent, lists have a few items, enums and formats
are honoured. Text is words, so rule checks on the laid-out document can tell
the template's sentences from the data. The parties are drawn apart: 2–8 of
them (the sender alone in a letter), with long names and names that hold commas
or end in a full stop. A last pass makes the body valid where the schema alone
cannot say so (party references name declared ids, ends follow starts, a
dependent party gets its phase-out plan and capacity building).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from schemas.jsonschema import json_schema

WORDS = (
    "samarbejde forening skole bibliotek museum musik børn unge klub værksted "
    "community learning garden school library club youth coding reading festival "
    "Kultur Fritid Nord Syd Øst Vest Gård Fjord Skov"
).split()
NAMES = st.one_of(
    # Long names, names with commas, names that end in a full stop.
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=9).map(
        lambda words: " ".join(words).capitalize()
    ),
    st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS)).map(
        lambda pair: f"{pair[0].capitalize()} Kommune, {pair[1]} og Fritid"
    ),
    st.sampled_from(WORDS).map(lambda word: f"{word.capitalize()} & Co."),
)
FIRST_DAY, LAST_DAY = dt.date(2026, 1, 1), dt.date(2029, 12, 31)
#: Fields that hold a party id (the schema says only "an id").
PARTY_REFERENCES = {"party", "responsible", "beneficiary", "controller"}


def _text(max_length: int) -> st.SearchStrategy[str]:
    """A few words; a sentence ending in a full stop when the field is long text."""
    most = 20 if max_length > 500 else 6
    words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=most).map(" ".join)
    if max_length > 500:
        return words.map(lambda text: text.capitalize() + ".")
    return words.map(lambda text: text[:max_length].strip().capitalize())


def _value(schema: Mapping[str, Any], defs: Mapping[str, Any], name: str):
    """A strategy for one value of ``schema``."""
    if "$ref" in schema:
        return _value(defs[schema["$ref"].rsplit("/", 1)[1]], defs, name)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):  # ["string", "null"] and the like
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        return _object(schema, defs)
    if kind == "array":
        items = _value(schema.get("items", {}), defs, name)
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", 3), max(low, 3))
        unique = bool(schema.get("uniqueItems"))
        return st.lists(items, min_size=low, max_size=high, unique=unique)
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = schema.get("minimum", 0)
        return st.integers(low, min(schema.get("maximum", low + 100), low + 100))
    if kind == "number":
        return st.integers(0, 250_000)
    fmt = schema.get("format")
    if fmt == "date":
        return st.dates(FIRST_DAY, LAST_DAY).map(dt.date.isoformat)
    if fmt == "date-time":
        return st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2026, 12, 31)).map(
            lambda moment: moment.replace(second=0, microsecond=0).isoformat()
        )
    if fmt == "email":
        return st.sampled_from(("anna@example.org", "kontakt@skovby.example.dk"))
    if fmt == "uri":
        return st.sampled_from(("https://example.org", "https://klub.example.dk/om"))
    if name in PARTY_REFERENCES or schema.get("maxLength") == 64:
        return st.just("REF")  # made a declared party id by _repair
    if name == "name":
        return NAMES
    return _text(schema.get("maxLength", 200))


def _object(schema: Mapping[str, Any], defs: Mapping[str, Any]):
    """Required properties always, each optional one present or absent."""
    required = set(schema.get("required", ()))
    fields = {}
    for name, prop in schema.get("properties", {}).items():
        if name in ("extra", "language", "parties"):
            continue
        value = _value(prop, defs, name)
        fields[name] = value if name in required else st.none() | value
    return st.fixed_dictionaries(fields).map(
        lambda drawn: {k: v for k, v in drawn.items() if v is not None}
    )


def _parties(schema: Mapping[str, Any], defs: Mapping[str, Any]):
    party = _object(defs["Party"], defs)
    return st.lists(party, min_size=2, max_size=8).map(
        lambda parties: [{**p, "id": f"p{i}"} for i, p in enumerate(parties)]
    )


def _repair(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """Make cross-field rules hold: references, date order, dependent parties."""
    ids = [party["id"] for party in body.get("parties", [])] or ["p0"]
    counter = iter(range(10_000))

    def walk(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if value == "REF":
            return ids[next(counter) % len(ids)]
        return value

    body = walk(body)
    for holder, start, end in (
        (body.get("term"), "start_date", "end_date"),
        *((a, "start", "end") for a in body.get("activities", [])),
    ):
        if holder and start in holder and end in holder:
            first, last = sorted((holder[start], holder[end]))
            if kind != "first_contact" and start == "start_date" and first == last:
                del holder[end]
                continue
            holder[start], holder[end] = first, last
    dependent = [p["id"] for p in body.get("parties", []) if p.get("dependent")]
    if kind == "agreement" and dependent:
        body.setdefault("phase_out", {}).setdefault("plan", "Plan for udfasning.")
        building = body.setdefault("capacity_building", [])
        for party_id in dependent:
            building.append({"beneficiary": party_id, "area": "Fundraising"})
    return body


@st.composite
def bodies(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    """A valid request body of ``kind`` in Danish or English."""
    schema = json_schema(kind)
    defs = schema.get("$defs", {})
    body = draw(_object(schema, defs))
    body["language"] = draw(st.sampled_from(("da", "en")))
    if "parties" in schema.get("properties", {}):
        body["parties"] = draw(_parties(schema, defs))
    return _repair(kind, body)
