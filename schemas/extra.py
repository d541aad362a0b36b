"""The ``extra`` field: free-form JSON handed to templates as given, within limits.

Its strings follow the same text rule as every text field (`schemas.text`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import marshmallow as ma

from schemas.problems import Path, nest_errors
from schemas.text import normalise_line_breaks, text_problem

KEY_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
MAX_KEY_LENGTH = 64
MAX_DEPTH = 5
MAX_VALUES = 1000
MAX_STRING_BYTES = 64 * 1024

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Extra(ma.fields.Field[dict[str, Any]]):
    """A JSON object of template-specific values, checked for shape, size and text.

    Keys at every level must be identifiers. Values may be any JSON value;
    strings follow the text rule (their line breaks normalised, nothing else
    changed). The
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
        loaded = walker.walk(value, (), depth=1)
        if walker.errors:
            raise ma.ValidationError(nest_errors(walker.errors))
        return loaded


class _Walker:
    """Checks one ``extra`` value and returns it with its strings' line breaks
    normalised, collecting (path, message) pairs; never recurses deeper than
    ``MAX_DEPTH``, and stops once the size limits are exceeded."""

    def __init__(self, messages: Mapping[str, Any]) -> None:
        self.messages = messages
        self.errors: list[tuple[Path, str]] = []
        self.values = 0
        self.text_bytes = 0
        self.stopped = False

    def fail(self, path: Path, key: str) -> None:
        self.errors.append((path, str(self.messages[key])))

    def text(self, text: str, path: Path) -> str:
        problem = text_problem(text)
        if problem is not None:
            self.errors.append((path, problem))
        self.count_text(text)
        return normalise_line_breaks(text)

    def count_text(self, text: str) -> None:
        # len(text) is a lower bound of its UTF-8 size: avoids encoding huge strings.
        # Lone surrogates (refused by the text rule) count as their 3 bytes.
        size = (
            len(text)
            if len(text) > MAX_STRING_BYTES
            else len(text.encode(errors="surrogatepass"))
        )
        self.text_bytes += size
        if self.text_bytes > MAX_STRING_BYTES:
            self.fail((), "too_big")
            self.stopped = True

    def walk(self, value: Any, path: Path, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self.fail(path, "too_deep")
            return value
        if isinstance(value, dict):
            loaded: dict[str, Any] = {}
            for key, item in value.items():
                if self.stopped:
                    break
                if not isinstance(key, str) or not self.key_ok(key):
                    self.fail((*path, str(key)), "bad_key")
                    continue
                self.count_text(key)
                loaded[key] = self.visit(item, (*path, key), depth)
            return loaded
        items: list[Any] = []
        for index, item in enumerate(value):
            if self.stopped:
                break
            items.append(self.visit(item, (*path, index), depth))
        return items

    def visit(self, value: Any, path: Path, depth: int) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            self.fail((), "too_many")
            self.stopped = True
        elif isinstance(value, dict | list):
            return self.walk(value, path, depth + 1)
        elif isinstance(value, str):
            return self.text(value, path)
        elif isinstance(value, float | Decimal) and not _finite(value):
            self.fail(path, "special")
        elif value is not None and not isinstance(value, bool | int | float | Decimal):
            self.fail(path, "bad_value")
        return value

    @staticmethod
    def key_ok(key: str) -> bool:
        return len(key) <= MAX_KEY_LENGTH and _KEY.fullmatch(key) is not None


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
