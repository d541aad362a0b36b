"""Variables: the syntax tree of a part walked for every path it reads.

Loop variables and ``{% set %}`` aliases resolve to their source, so the paths
can be measured against :mod:`service.rendering.contract`. On the way it
refuses unknown filters and tests, calls, includes, ``{% autoescape %}`` in
Word's XML, any reach into Python internals and huge constant expressions.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes

from service.rendering.contract import ITEM, LOOP_ATTRIBUTES, Path
from service.rendering.environment import ENVIRONMENT
from service.rendering.inspection.findings import Findings
from service.rendering.inspection.sources import Source

#: Attribute names that lead from a value to Python's internals.
INTERNAL_NAMES = frozenset(
    {
        "mro", "format", "format_map", "gi_frame", "gi_code", "gi_yieldfrom",
        "cr_frame", "cr_code", "cr_await", "ag_frame", "ag_code", "f_globals",
        "f_locals", "f_builtins", "f_back", "f_code", "tb_frame", "tb_next",
        "func_globals", "func_code", "co_code", "im_func", "im_self", "im_class",
    }
)  # fmt: skip
#: Filters whose result is the same list (or value) they were given.
_KEEPING_FILTERS = frozenset(
    {"sort", "reverse", "list", "unique", "select", "reject", "selectattr",
     "rejectattr", "default", "d", "dictsort"}
)  # fmt: skip
#: Filters that pick one item of a list.
_ITEM_FILTERS = frozenset({"first", "last", "min", "max"})
#: Filters with an ``attribute`` argument naming a path in each item.
_ATTRIBUTE_FILTERS = frozenset(
    {"map", "sort", "groupby", "sum", "unique", "min", "max", "join",
     "selectattr", "rejectattr"}
)  # fmt: skip


@dataclass(frozen=True)
class _Value:
    """What an expression evaluates to, as far as the contract can tell."""

    path: Path | None = None  # where it comes from in the context
    items: Path | None = None  # what iterating it gives, when not path + "[]"
    loop: _Value | None = None  # set for a loop object: the loop's item
    callable: bool = False

    def item(self) -> _Value:
        """The value of one item of this list."""
        if self.items is not None:
            return _Value(path=self.items)
        if self.path is not None:
            return _Value(path=(*self.path, ITEM))
        return _OPAQUE


_OPAQUE = _Value()
_CALLABLE = _Value(callable=True)


class Analyser:
    """Walks one part's syntax tree: variables, filters, tests, internals."""

    def __init__(self, inspection: Findings, source: Source) -> None:
        self.inspection = inspection
        self.source = source
        self.scopes: list[dict[str, _Value]] = [{}]

    def fail(self, node: nodes.Node, message: str, needle: str | None = None) -> None:
        """A problem that makes the template unusable."""
        self.inspection.problem(self.source, node.lineno, message, needle=needle)

    # -- scopes

    def lookup(self, name: str) -> _Value | None:
        """The local value bound to ``name``, if any."""
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def bind(self, target: nodes.Node, value: _Value) -> None:
        """Bind an assignment or loop target."""
        if isinstance(target, nodes.Name):
            self.scopes[-1][target.name] = value
        elif isinstance(target, nodes.Tuple):
            for item in target.items:
                self.bind(item, _OPAQUE)

    # -- statements

    def visit_template(self, tree: nodes.Template) -> None:
        """Walk a whole template."""
        self.statements(tree.body)

    def statements(self, body: Sequence[nodes.Node]) -> None:
        """Walk statements in order."""
        for node in body:
            self.statement(node)

    def statement(self, node: nodes.Node) -> None:  # noqa: C901 - one branch a node
        """Walk one statement."""
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.use(child)
        elif isinstance(node, nodes.For):
            items = self.use(node.iter).item()
            self.scopes.append({})
            self.bind(node.target, items)
            self.scopes[-1]["loop"] = _Value(loop=items, callable=node.recursive)
            if node.test is not None:
                self.use(node.test)
            self.statements(node.body)
            self.scopes.pop()
            self.statements(node.else_)
        elif isinstance(node, nodes.If):
            self.use(node.test)
            self.statements(node.body)
            for branch in node.elif_:
                self.statement(branch)
            self.statements(node.else_)
        elif isinstance(node, nodes.Assign):
            self.bind(node.target, self.use(node.node))
        elif isinstance(node, nodes.AssignBlock):
            self.statements(node.body)
            if node.filter is not None:
                self.use(node.filter)
            self.bind(node.target, _OPAQUE)
        elif isinstance(node, nodes.With):
            values = [self.use(value) for value in node.values]
            self.scopes.append({})
            for target, value in zip(node.targets, values, strict=False):
                self.bind(target, value)
            self.statements(node.body)
            self.scopes.pop()
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            if isinstance(node, nodes.Macro):
                self.scopes[-1][node.name] = _CALLABLE
            else:
                self.use(node.call)
            for default in node.defaults:
                self.use(default)
            scope = {arg.name: _OPAQUE for arg in node.args}
            scope.update(caller=_CALLABLE, varargs=_OPAQUE, kwargs=_OPAQUE)
            self.scopes.append(scope)
            self.statements(node.body)
            self.scopes.pop()
        elif isinstance(node, nodes.FilterBlock):
            self.use(node.filter)
            self.statements(node.body)
        elif isinstance(node, nodes.Include | nodes.Import | nodes.FromImport):
            self.fail(node, "Templates cannot include or import other templates.")
        elif isinstance(node, nodes.Extends):
            self.fail(node, "Templates cannot extend other templates.")
        elif isinstance(
            node, nodes.ScopedEvalContextModifier | nodes.EvalContextModifier
        ):
            # Document properties are plain text (escaped when saved), so turning
            # escaping off is right there; in Word's XML it lets data break it.
            if self.source.word_xml:
                self.fail(
                    node,
                    "'{% autoescape %}' is not allowed here: escaping is what keeps "
                    "text such as 'Teater Vest & Co.' from breaking the document.",
                    needle="autoescape",
                )
            for option in node.options:
                self.use(option.value)
            if isinstance(node, nodes.ScopedEvalContextModifier):
                self.statements(node.body)
        else:  # Block, Scope, ExprStmt and the like: walk what they hold
            for inner in node.iter_child_nodes():
                if isinstance(inner, nodes.Expr):
                    self.use(inner)
                else:
                    self.statement(inner)

    # -- expressions

    def use(self, node: nodes.Node) -> _Value:
        """Evaluate an expression whose value the template reads; record its path."""
        value = self.resolve(node)
        if value.path is not None:
            self.inspection.use(value.path, self.source, node.lineno)
        return value

    def resolve(self, node: nodes.Node) -> _Value:  # noqa: C901 - one branch a node
        """What ``node`` evaluates to, without recording it."""
        if isinstance(node, nodes.Name):
            return self.name(node)
        if isinstance(node, nodes.Getattr):
            self.check_attribute(node, node.attr)
            return self.attribute(node, self.resolve(node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.resolve(node.node)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                self.check_attribute(node, node.arg.value)
                return self.attribute(node, base, node.arg.value)
            if isinstance(node.arg, nodes.Slice):
                self.use(node.arg)
                return base
            if not isinstance(node.arg, nodes.Const):
                self.use(node.arg)
            return base.item() if base.loop is None else _OPAQUE
        if isinstance(node, nodes.Filter):
            return self.filter(node)
        if isinstance(node, nodes.Test):
            self.check_named(node, node.name, ENVIRONMENT.tests, "test")
            self.use(node.node)
            self.arguments(node)
            return _OPAQUE
        if isinstance(node, nodes.Call):
            return self.call(node)
        if isinstance(node, nodes.Const | nodes.TemplateData):
            return _OPAQUE
        if isinstance(node, nodes.BinExpr | nodes.Concat) and _too_big(node):
            self.fail(
                node,
                "This expression computes a huge text or number from constants; "
                "Jinja would build it while preparing the template.",
            )
            return _OPAQUE
        for child in node.iter_child_nodes():  # operators, literals, conditions
            self.use(child)
        return _OPAQUE

    def name(self, node: nodes.Name) -> _Value:
        """A variable: a local (loop variable, set, macro argument) or the context's."""
        local = self.lookup(node.name)
        if local is not None:
            return local
        if node.name == "self":  # Jinja's reference to the template's blocks
            return _CALLABLE
        if node.name.startswith("_"):
            self.fail(node, _internal(node.name), needle=node.name)
            return _OPAQUE
        return _Value(path=(node.name,))

    def attribute(self, node: nodes.Node, base: _Value, name: str) -> _Value:
        """``base.name``."""
        if base.loop is not None:
            if name in ("previtem", "nextitem"):
                return base.loop
            if name not in LOOP_ATTRIBUTES:
                self.inspection.use(("loop", name), self.source, node.lineno)
            return _OPAQUE
        if base.path is not None:
            return _Value(path=(*base.path, name))
        return _OPAQUE

    def check_attribute(self, node: nodes.Node, name: str) -> None:
        """Refuse any reach into Python internals."""
        if name.startswith("_") or name in INTERNAL_NAMES:
            self.fail(node, _internal(name), needle=name)

    def check_named(self, node: nodes.Node, name: str, known: Any, noun: str) -> None:
        """Refuse a filter or test the environment does not have."""
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            self.fail(node, f"Unknown {noun} '{name}'.{hint}", needle=name)

    def arguments(self, node: nodes.Filter | nodes.Test | nodes.Call) -> None:
        """Read every argument."""
        for arg in node.args:
            self.use(arg)
        for keyword in node.kwargs:
            self.use(keyword.value)
        for extra in (node.dyn_args, node.dyn_kwargs):
            if extra is not None:
                self.use(extra)

    def filter(self, node: nodes.Filter) -> _Value:
        """``value|name(args)``: check the filter; follow lists through it."""
        self.check_named(node, node.name, ENVIRONMENT.filters, "filter")
        self.check_filter_names(node)
        base = self.use(node.node) if node.node is not None else _OPAQUE
        self.arguments(node)
        name = node.name
        attribute = _attribute_argument(node)
        if name in _ATTRIBUTE_FILTERS and attribute is not None:
            if any(
                part.startswith("_") or part in INTERNAL_NAMES
                for part in attribute.split(".")
            ):
                self.fail(node, _internal(attribute), needle=attribute)
                return _OPAQUE
            item = base.item()
            if item.path is not None:
                path = (*item.path, *(_segment(part) for part in attribute.split(".")))
                self.inspection.use(path, self.source, node.lineno)
                if name == "map":
                    return _Value(items=path)
        if name == "attr" and node.args and isinstance(node.args[0], nodes.Const):
            value = str(node.args[0].value)
            self.check_attribute(node, value)
            return self.attribute(node, base, value)
        if name in _KEEPING_FILTERS:
            return base
        if name in _ITEM_FILTERS:
            return base.item()
        if name == "party":
            return _Value(path=self.inspection.contract.party)
        return _OPAQUE

    def check_filter_names(self, node: nodes.Filter) -> None:
        """``map('label')`` names a filter; ``select('odd')`` a test.

        With a name first, ``map`` calls that filter even when ``attribute=``
        is given too (it goes to the filter), so the name is checked then too;
        ``map('attr', name)`` reads ``name`` of each item.
        """
        index = {"map": 0, "select": 0, "reject": 0, "selectattr": 1, "rejectattr": 1}
        position = index.get(node.name)
        if position is None or len(node.args) <= position:
            return
        argument = node.args[position]
        if isinstance(argument, nodes.Const) and isinstance(argument.value, str):
            if node.name == "map":
                self.check_named(node, argument.value, ENVIRONMENT.filters, "filter")
                if argument.value == "attr" and len(node.args) > 1:
                    name = node.args[1]
                    if isinstance(name, nodes.Const):
                        self.check_attribute(node, str(name.value))
            else:
                self.check_named(node, argument.value, ENVIRONMENT.tests, "test")

    def call(self, node: nodes.Call) -> _Value:
        """A call: of a macro, ``caller``, a loop, or a method of a value."""
        self.arguments(node)
        callee = node.node
        if isinstance(callee, nodes.Name):
            local = self.lookup(callee.name)
            if local is None or not local.callable:
                self.fail(
                    node,
                    f"'{callee.name}()' is not a function templates can use.",
                    needle=callee.name,
                )
            return _OPAQUE
        if isinstance(callee, nodes.Getattr):  # a method: str.upper(), loop.cycle()
            self.check_attribute(callee, callee.attr)
            self.use(callee.node)
            return _OPAQUE
        self.use(callee)
        return _OPAQUE


#: Constant expressions Jinja folds while compiling may not exceed these: text
#: of a million characters, numbers of ten thousand digits.
MAX_CONSTANT_CHARS = 1_000_000
MAX_CONSTANT_DIGITS = 10_000


def _too_big(node: nodes.Node) -> bool:
    """Whether folding this constant expression would build something huge."""
    estimate = _constant_size(node)
    if estimate is None:
        return False
    kind, size = estimate
    limit = MAX_CONSTANT_CHARS if kind == "text" else MAX_CONSTANT_DIGITS
    return size > limit


def _constant_size(node: nodes.Node) -> tuple[str, float] | None:
    """("text", length) or ("number", digits) of a constant expression, or None.

    Estimated without computing it: ``"x" * 300000000`` is 3e8 characters and
    ``9 ** (9 ** 9)`` about 3.7e8 digits.
    """
    if isinstance(node, nodes.Const):
        value = node.value
        if isinstance(value, str):
            return "text", float(len(value))
        if isinstance(value, bool) or value is None:
            return "number", 1.0
        if isinstance(value, int | float):
            return "number", math.log10(abs(value) + 1) + 1
        return None
    if isinstance(node, nodes.List | nodes.Tuple):
        items = [_constant_size(item) for item in node.items]
        if any(item is None for item in items):
            return None
        return "text", float(len(items))
    if isinstance(node, nodes.Neg | nodes.Pos):
        return _constant_size(node.node)
    if isinstance(node, nodes.Concat):
        parts = [_constant_size(item) for item in node.nodes]
        if any(part is None for part in parts):
            return None
        return "text", sum(part[1] for part in parts if part is not None)
    if not isinstance(node, nodes.BinExpr):
        return None
    left, right = _constant_size(node.left), _constant_size(node.right)
    if left is None or right is None:
        return None
    if isinstance(node, nodes.Mul):
        if left[0] == "number" and right[0] == "number":
            return "number", left[1] + right[1]
        text, count = (left, right) if left[0] == "text" else (right, left)
        return "text", text[1] * _magnitude(count[1])
    if isinstance(node, nodes.Pow) and left[0] == right[0] == "number":
        return "number", left[1] * _magnitude(right[1])
    if isinstance(node, nodes.Add):
        if left[0] == right[0] == "text":
            return "text", left[1] + right[1]
        return "number", max(left[1], right[1]) + 1
    return left[0], max(left[1], right[1])


def _magnitude(digits: float) -> float:
    """The value of a number with this many digits (inf when astronomical)."""
    return math.inf if digits > 300 else 10 ** (digits - 1)


def _attribute_argument(node: nodes.Filter) -> str | None:
    for keyword in node.kwargs:
        if keyword.key == "attribute" and isinstance(keyword.value, nodes.Const):
            return str(keyword.value.value)
    if node.name in ("selectattr", "rejectattr", "groupby") and node.args:
        first = node.args[0]
        if isinstance(first, nodes.Const) and isinstance(first.value, str):
            return first.value
    return None


def _segment(part: str) -> str:
    return ITEM if part.isdigit() else part


def _internal(name: str) -> str:
    return (
        f"'{name}' reaches into Python's internals; templates may only read the "
        "document's data."
    )
