"""The one Jinja environment every template renders in: sandboxed, immutable, escaped.

Funders' templates are untrusted code, so built-in and uploaded templates alike
render in an :class:`ImmutableSandboxedEnvironment` (no ``__class__``,
``__globals__`` or mutation of the context), with autoescaping on so that text
such as "Teater Vest & Co." or "<3" can never break the document's XML.
Only an explicit allow-list of Jinja's built-in filters is kept beside the
project's own; filters that bypass escaping (``safe``), inflate output from a
tiny template (``format``, ``center``, ``indent``, ``wordwrap``) or are
non-deterministic (``random``) are left out, and so are Jinja's default globals.
"""

from __future__ import annotations

from typing import Any

from jinja2 import ChainableUndefined
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.sandbox import ImmutableSandboxedEnvironment

from service.rendering.filters import PROJECT_FILTERS

ALLOWED_BUILTIN_FILTERS: frozenset[str] = frozenset(
    {
        "abs", "attr", "batch", "capitalize", "count", "d", "default", "dictsort",
        "e", "escape", "first", "float", "groupby", "int", "items", "join", "last",
        "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
        "replace", "reverse", "round", "select", "selectattr", "slice", "sort",
        "string", "striptags", "sum", "title", "trim", "truncate", "unique",
        "upper", "wordcount",
    }
)  # fmt: skip


def _finalize(value: Any) -> Any:
    """Render ``None`` as nothing rather than the word "None"."""
    return "" if value is None else value


def create_environment() -> ImmutableSandboxedEnvironment:
    """Build the sandboxed environment with the project's filters and no globals."""
    env = ImmutableSandboxedEnvironment(
        autoescape=True,
        undefined=ChainableUndefined,
        finalize=_finalize,
        keep_trailing_newline=True,
    )
    env.filters = {
        name: DEFAULT_FILTERS[name] for name in sorted(ALLOWED_BUILTIN_FILTERS)
    }
    env.filters.update(PROJECT_FILTERS)
    env.globals = {}
    return env


#: Shared by every render in the process; creating it is cheap but compiling is
#: not, and compiled templates are bound to the environment that made them.
ENVIRONMENT = create_environment()
