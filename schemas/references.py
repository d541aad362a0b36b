"""Cross-field rules: checking that party references name declared parties.

The checks read the raw input, collect every error and raise them together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import marshmallow as ma

from schemas.fields import ID_MAX, LIST_MAX
from schemas.problems import Path, PathPart, nest_errors
from schemas.text import text_problem


class ErrorCollector:
    """Collects (path, message) pairs in a validator and raises them together."""

    def __init__(self) -> None:
        self.errors: list[tuple[Path, str]] = []

    def add(self, path: Sequence[PathPart], message: str) -> None:
        """Record one error at ``path`` (keys and list indices)."""
        self.errors.append((tuple(path), message))

    def raise_if_any(self) -> None:
        """Raise one `ValidationError` holding every recorded error."""
        if self.errors:
            raise ma.ValidationError(nest_errors(self.errors))


def raw_items(container: Any, key: str) -> list[tuple[int, Mapping[str, Any]]]:
    """Return (index, object) for the objects in the raw list ``container[key]``.

    Cross-field rules read the raw input: after field errors the loaded data lacks
    the failed parts, and list indices could shift.
    """
    if not isinstance(container, Mapping):
        return []
    items = container.get(key)
    if not isinstance(items, list):
        return []
    return [
        (index, item)
        for index, item in enumerate(items[:LIST_MAX])
        if isinstance(item, Mapping)
    ]


def raw_text(value: Any) -> str | None:
    """Return stripped, non-empty text, or None for anything else."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


class PartyIndex:
    """The party ids declared in a raw document, for checking references."""

    def __init__(self, document: Any) -> None:
        self.document: Mapping[str, Any] = (
            document if isinstance(document, Mapping) else {}
        )
        self.ids: dict[str, int] = {}
        self.duplicates: list[tuple[int, str, int]] = []
        for index, party in raw_items(document, "parties"):
            party_id = raw_text(party.get("id"))
            if party_id is None or len(party_id) > ID_MAX:
                continue
            if party_id in self.ids:
                self.duplicates.append((index, party_id, self.ids[party_id]))
            else:
                self.ids[party_id] = index

    def check(
        self, errors: ErrorCollector, path: Sequence[PathPart], value: Any
    ) -> None:
        """Record an error when ``value`` names no declared party."""
        party_id = raw_text(value)
        if not self.ids or party_id is None or party_id in self.ids:
            return
        if len(party_id) > ID_MAX or text_problem(party_id):  # the field reports it
            return
        declared = ", ".join(self.ids)
        errors.add(path, f"Unknown party '{party_id}'. Declared parties: {declared}.")

    def check_fields(
        self,
        errors: ErrorCollector,
        path: Sequence[PathPart],
        container: Any,
        fields: Iterable[str],
    ) -> None:
        """Check the party reference ``fields`` of each object in a raw list.

        ``container`` is the raw list found at ``path``; errors go to
        ``path[i].field``.
        """
        if not isinstance(container, list):
            return
        for index, item in enumerate(container[:LIST_MAX]):
            if isinstance(item, Mapping):
                for field in fields:
                    self.check(errors, (*path, index, field), item.get(field))

    def check_list(
        self, errors: ErrorCollector, path: Sequence[PathPart], values: Any
    ) -> None:
        """Check a raw list of party ids found at ``path``."""
        if isinstance(values, list):
            for index, value in enumerate(values[:LIST_MAX]):
                self.check(errors, (*path, index), value)


def check_references(
    original: Any, checks: Callable[[PartyIndex, ErrorCollector], None]
) -> None:
    """Run reference checks against the declared parties; raise what they find."""
    errors = ErrorCollector()
    checks(PartyIndex(original), errors)
    errors.raise_if_any()
