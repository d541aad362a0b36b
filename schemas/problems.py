"""Problems with a document: one path and one message each.

Marshmallow reports errors as a nested dict (``{"parties": {1: {"id": [...]}}}``);
the API answers with a flat list of ``{"path", "message"}``. This module converts
between the two and builds nested error dicts for cross-field validators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

SCHEMA_KEY = "_schema"
MAX_KEY_IN_PATH = 80

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Problem:
    """One error or warning about one place in a document."""

    path: str
    message: str
    code: str | None = None

    def as_dict(self) -> dict[str, str]:
        """Return the JSON form: path and message, and the code when set."""
        result = {"path": self.path, "message": self.message}
        if self.code is not None:
            result["code"] = self.code
        return result


def join_path(prefix: str, part: PathPart) -> str:
    """Append a key (``.key``) or a list index (``[i]``) to a path string."""
    if isinstance(part, int) and not isinstance(part, bool):
        return f"{prefix}[{part}]"
    key = str(part)
    if len(key) > MAX_KEY_IN_PATH:
        key = key[:MAX_KEY_IN_PATH] + "…"
    return f"{prefix}.{key}" if prefix else key


def format_path(path: Sequence[PathPart]) -> str:
    """Return the path string for a sequence of keys and indices."""
    text = ""
    for part in path:
        text = join_path(text, part)
    return text


def flatten_errors(
    messages: dict[Any, Any] | list[Any] | str, prefix: str = ""
) -> list[Problem]:
    """Flatten marshmallow's nested error messages into problems with path strings."""
    problems: list[Problem] = []
    _flatten(messages, prefix, problems)
    return problems


def _flatten(messages: Any, prefix: str, out: list[Problem]) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = prefix if key == SCHEMA_KEY else join_path(prefix, key)
            _flatten(value, path, out)
    elif isinstance(messages, list | tuple):
        for item in messages:
            _flatten(item, prefix, out)
    else:
        out.append(Problem(prefix, str(messages)))


def nest_errors(errors: Iterable[tuple[Path, str]]) -> dict[Any, Any]:
    """Build marshmallow's nested error dict from (path, message) pairs.

    Messages are stored under ``"_schema"`` inside each node, so a node can hold
    both its own messages and its children's; `flatten_errors` undoes this.
    """
    root: dict[Any, Any] = {}
    for path, message in errors:
        node = root
        for part in path:
            node = node.setdefault(part, {})
        node.setdefault(SCHEMA_KEY, []).append(message)
    return root


_NUMBER = re.compile(r"(\d+)")


def path_sort_key(path: str) -> tuple[tuple[int, str], ...]:
    """Sort key that orders ``parties[2]`` before ``parties[10]``."""
    # Digit runs compare by (length, digits): numeric order without int().
    return tuple(
        (len(part), part) if index % 2 else (0, part)
        for index, part in enumerate(_NUMBER.split(path))
    )


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Return the problems sorted by path (list indices numerically), stably."""
    return sorted(problems, key=lambda problem: path_sort_key(problem.path))
