"""The one Jinja environment every template renders in: sandboxed, immutable, escaped.

Funders' templates are untrusted code, so built-in and uploaded templates alike
render in an :class:`ImmutableSandboxedEnvironment` (no ``__class__``,
``__globals__`` or mutation of the context), with autoescaping on so that text
such as "Teater Vest & Co." or "<3" can never break the document's XML.
Only an explicit allow-list of Jinja's built-in filters is kept beside the
project's own; filters that bypass escaping (``safe``), inflate output from a
tiny template (``format``, ``center``, ``indent``, ``wordwrap``) or are
non-deterministic (``random``) are left out, and so are Jinja's default globals.
Operators that could build huge values from a tiny template are bounded.

Nothing is evaluated while compiling. Jinja's optimiser folds constant
expressions, filter and call chains included (``'x'|batch(20000000)|list``), and
its code generator folds every printed constant through ``finalize``; compiling
would then run the template's expressions in whatever process compiles it. The
optimiser is switched off and ``finalize`` takes the evaluation context, which
makes the code generator leave every printed expression to render time.
Finally, only data prints: a method, a generator, a macro or Jinja's ``loop``
and ``self`` print nothing rather than a Python description of themselves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jinja2 import ChainableUndefined, pass_eval_context
from jinja2.defaults import DEFAULT_FILTERS
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

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


#: Largest string or list one operator may build, and largest number in bits.
MAX_OPERATOR_RESULT_LENGTH = 1_000_000
MAX_OPERATOR_RESULT_BITS = 64_000


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _bits(value: Any) -> int:
    return abs(value).bit_length() if isinstance(value, int) else 0


class BoundedSandboxedEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with ``*``, ``**``, ``+`` and ``%`` bounded.

    Jinja's sandbox caps ``range`` but not ``"x" * 300000000`` or ``9 ** 9 ** 9``,
    and its compiler folds such constants while compiling, i.e. in the web
    process before any render limit applies. Intercepted operators are never
    folded, and here they refuse results that could only be an attack.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Apply ``operator`` unless its result would be unreasonably large."""
        if operator == "%" and isinstance(left, str):
            raise SecurityError("String formatting with % is not allowed in templates.")
        if operator == "*":
            size, count = _size(left), right
            if size is None:
                size, count = _size(right), left
            if size is not None and isinstance(count, int):
                self._check_length(size * count)
            elif _bits(left) + _bits(right) > MAX_OPERATOR_RESULT_BITS:
                raise SecurityError("The multiplication's result is too large.")
        elif operator == "**":
            if (
                isinstance(right, int)
                and _bits(left) * abs(right) > MAX_OPERATOR_RESULT_BITS
            ):
                raise SecurityError("The power's result is too large.")
        elif operator == "+":
            left_size, right_size = _size(left), _size(right)
            if left_size is not None and right_size is not None:
                self._check_length(left_size + right_size)
        return super().call_binop(context, operator, left, right)

    @staticmethod
    def _check_length(length: int) -> None:
        if length > MAX_OPERATOR_RESULT_LENGTH:
            raise SecurityError(
                f"The expression would build a value of {length:,} items; "
                f"at most {MAX_OPERATOR_RESULT_LENGTH:,} are allowed."
            )


#: Values that print as themselves; containers print when all they hold does.
PRINTABLE_TYPES = frozenset(
    {str, int, float, bool, Decimal, dt.date, dt.datetime, dt.time}
)
_CONTAINERS = (list, tuple, dict)
_MAX_PRINT_DEPTH = 16


def printable(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is data (not a callable, generator or Jinja internal)."""
    if type(value) in PRINTABLE_TYPES or hasattr(value, "__html__"):
        return True
    if not isinstance(value, _CONTAINERS) or depth > _MAX_PRINT_DEPTH:
        return False
    items = (
        [item for pair in value.items() for item in pair]
        if isinstance(value, dict)
        else value
    )
    return all(printable(item, depth + 1) for item in items)


@pass_eval_context
def _finalize(eval_context: EvalContext, value: Any) -> Any:
    """Print data only: ``None``, undefined values and non-data print nothing.

    Taking the evaluation context is what keeps Jinja's code generator from
    folding printed constants at compile time (see the module docstring).
    """
    if type(value) is str:
        return value
    if value is None or isinstance(value, Undefined) or not printable(value):
        return ""
    return value


def create_environment() -> BoundedSandboxedEnvironment:
    """Build the sandboxed environment with the project's filters and no globals."""
    env = BoundedSandboxedEnvironment(
        autoescape=True,
        optimized=False,
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
