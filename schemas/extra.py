"""The ``extra`` field: free-form JSON handed to templates untouched, within limits."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import marshmallow as ma

from schemas.problems import Path, nest_errors

KEY_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
MAX_KEY_LENGTH = 64
MAX_DEPTH = 5
MAX_VALUES = 1000
MAX_STRING_BYTES = 64 * 1024

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Extra(ma.fields.Field[dict[str, Any]]):
    """A JSON object of template-specific values, checked for shape and size only.

    Keys at every level must be identifiers. Values may be any JSON value. The
    ``extra`` object counts as the first of at most ``MAX_DEPTH`` levels of
    objects and lists; at most ``MAX_VALUES`` values (containers included) and
    ``MAX_STRING_BYTES`` bytes of UTF-8 text in keys and strings.
    """

    default_error_messages = {
        "invalid": "Must be a JSON object.",
        "bad_key": (
            "Not a valid key: use letters, digits and '_', not starting with a digit, "
            f"at most {MAX_KEY_LENGTH} characters."
        ),
        "bad_value": "Not a JSON value.",
        "special": "Not a valid number: NaN and Infinity are not allowed.",
        "too_deep": (
            f"Nested too deeply: at most {MAX_DEPTH} levels of objects and lists, "
            "counting extra itself."
        ),
        "too_many": f"Too many values: at most {MAX_VALUES} in total.",
        "too_big": f"Too much text: at most {MAX_STRING_BYTES // 1024} KiB in total.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs["metadata"] = {"type": "object", **(kwargs.get("metadata") or {})}
        super().__init__(**kwargs)

    def _deserialize(
        self,
        value: Any,
        attr: str | None,
        data: Mapping[str, Any] | None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        walker = _Walker(self.error_messages)
        walker.walk(value, (), depth=1)
        if walker.errors:
            raise ma.ValidationError(nest_errors(walker.errors))
        return value


class _Walker:
    """Checks one ``extra`` value, collecting (path, message) pairs; never recurses
    deeper than ``MAX_DEPTH``, and stops once the size limits are exceeded."""

    def __init__(self, messages: Mapping[str, Any]) -> None:
        self.messages = messages
        self.errors: list[tuple[Path, str]] = []
        self.values = 0
        self.text_bytes = 0
        self.stopped = False

    def fail(self, path: Path, key: str) -> None:
        self.errors.append((path, str(self.messages[key])))

    def count_text(self, text: str) -> None:
        # len(text) is a lower bound of its UTF-8 size: avoids encoding huge strings.
        size = len(text) if len(text) > MAX_STRING_BYTES else len(text.encode())
        self.text_bytes += size
        if self.text_bytes > MAX_STRING_BYTES:
            self.fail((), "too_big")
            self.stopped = True

    def walk(self, value: Any, path: Path, depth: int) -> None:
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                self.fail(path, "too_deep")
                return
            for key, item in value.items():
                if self.stopped:
                    return
                if not isinstance(key, str) or not self.key_ok(key):
                    self.fail((*path, str(key)), "bad_key")
                    continue
                self.count_text(key)
                self.visit(item, (*path, key), depth)
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                self.fail(path, "too_deep")
                return
            for index, item in enumerate(value):
                if self.stopped:
                    return
                self.visit(item, (*path, index), depth)

    def visit(self, value: Any, path: Path, depth: int) -> None:
        self.values += 1
        if self.values > MAX_VALUES:
            self.fail((), "too_many")
            self.stopped = True
        elif isinstance(value, dict | list):
            self.walk(value, path, depth + 1)
        elif isinstance(value, str):
            self.count_text(value)
        elif isinstance(value, float | Decimal) and not _finite(value):
            self.fail(path, "special")
        elif value is not None and not isinstance(value, bool | int | float | Decimal):
            self.fail(path, "bad_value")

    @staticmethod
    def key_ok(key: str) -> bool:
        return len(key) <= MAX_KEY_LENGTH and _KEY.fullmatch(key) is not None


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
