"""Locating: Jinja lines and paragraph text turned into paragraph, tag, excerpt.

Also what can be read from the text alone: tags whose delimiters do not open
and close in one paragraph, the paragraph, row or cell a ``{%p``/``{%tr``/
``{%tc`` tag replaces, and the block tags paired by a stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError

from service.rendering.environment import ENVIRONMENT
from service.rendering.errors import EXCERPT_CHARS
from service.rendering.inspection.sources import Paragraph, Source

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_DELIMITER = re.compile(r"\{[{%#]|[}%#]\}")
_NEAR_MISS = re.compile(r"\{\s+[{%]|[%}]\s+\}")
_STRUCTURAL = re.compile(r"^(\{%|\{\{|\{#)(p|tr|tc|r)\s")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})

#: Block tags that need an end tag (``set`` only in its block form).
_BLOCKS = frozenset(
    {"for", "if", "macro", "call", "filter", "with", "block", "autoescape", "set"}
)


def _normal(tag: str) -> str:
    body = tag[2:-2].translate(_QUOTES)
    body = re.sub(r"^(p|tr|tc|r)\s", "", body.strip().lstrip("-"))
    return " ".join(body.rstrip("-").split())


@dataclass(frozen=True)
class _Scope:
    """The paragraph, row or cell a {%p/{%tr/{%tc tag replaces when rendered."""

    tag: str
    kind: str  # "p", "tr" or "tc"
    noun: str
    number: int  # the paragraph holding the tag
    paragraphs: tuple[Paragraph, ...]


def replaced_scopes(source: Source) -> list[_Scope]:
    """Each paragraph, row and cell a structural tag replaces (once each)."""
    rows: dict[tuple[int, int], list[Paragraph]] = {}
    cells: dict[tuple[int, int, int], list[Paragraph]] = {}
    ordered = sorted(source.paragraphs.values(), key=lambda item: item.number)
    for info in ordered:
        if info.table is not None and info.row is not None and info.cell is not None:
            rows.setdefault((info.table, info.row), []).append(info)
            cells.setdefault((info.table, info.row, info.cell), []).append(info)
    scopes: list[_Scope] = []
    seen: set[tuple[str, int]] = set()
    for info in ordered:
        for tag in TAG.findall(info.text):
            match = _STRUCTURAL.match(tag)
            if match is None or match.group(2) == "r":
                continue
            kind = match.group(2)
            scope, noun = [info], "paragraph"
            if info.table is not None and info.row is not None:
                if kind == "tr":
                    scope, noun = rows[(info.table, info.row)], "table row"
                elif kind == "tc":
                    scope = cells[(info.table, info.row, info.cell or 0)]
                    noun = "table cell"
            key = (noun, scope[0].number)
            if key not in seen:
                seen.add(key)
                scopes.append(_Scope(tag, kind, noun, info.number, tuple(scope)))
    return scopes


def moved_by_docxtpl(tag: str) -> bool:
    """Tags docxtpl moves out of their paragraph or expands into several."""
    body = tag[2:-2].strip()
    return bool(_STRUCTURAL.match(tag)) or bool(
        re.match(r"^(vm|hm|colspan|cellbg)\b", body)
    )


def paragraph_of(source: Source, lineno: int | None) -> int | None:
    if lineno is None or not 1 <= lineno <= len(source.lines):
        return None
    return source.lines[lineno - 1]


def original_tag(text: str, line_tag: str | None, needle: str | None) -> str | None:
    """The tag as the author wrote it in the paragraph, else as Jinja saw it."""
    tags = TAG.findall(text)
    if line_tag is not None:
        wanted = _normal(line_tag)
        for tag in tags:
            if _normal(tag) == wanted:
                return str(tag)
    if needle is not None:
        for tag in tags:
            if needle in tag:
                return str(tag)
        if needle.startswith(("{", "}", "%")) or needle in text:
            return needle
    if line_tag is not None:
        return line_tag
    return str(tags[0]) if tags else None


def excerpt(text: str, tag: str | None) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    start = text.find(" ".join(tag.split())) if tag else 0
    start = max(0, min(start - 20, len(text) - EXCERPT_CHARS + 2))
    window = text[start : start + EXCERPT_CHARS - 2]
    return (
        ("…" if start else "")
        + window
        + ("…" if start + len(window) < len(text) else "")
    )


def delimiter_problem(
    text: str, *, after_unclosed: bool
) -> tuple[str, str, bool] | None:
    """(message, tag, unclosed) for a tag that does not open and close in this
    paragraph's visible text; ``unclosed`` when one runs on past its end."""
    near = _NEAR_MISS.search(text)
    if near:
        return (
            f"'{near.group(0)}' has a space between the braces: Jinja needs "
            "'{{', '{%', '%}' or '}}' written together.",
            near.group(0),
            False,
        )
    position = 0
    while True:
        found = _DELIMITER.search(text, position)
        if found is None:
            return None
        token = found.group(0)
        if token in _CLOSERS:
            end = text.find(_CLOSERS[token], found.end())
            if end < 0:
                return (
                    f"A tag starts in this paragraph ('{token}') but does not end in "
                    "it: a tag must start and end in the same paragraph.",
                    text[found.start() : found.start() + 30],
                    True,
                )
            position = end + 2
        else:
            if after_unclosed and position == 0:
                position = found.end()  # the end of the previous paragraph's tag
                continue
            return (
                f"'{token}' closes a tag that was not opened in this paragraph.",
                token,
                False,
            )


def block_structure(text: str) -> tuple[dict[int, int], list[tuple[int, str]]]:
    """Pair block tags by scanning them with a stack: (pairs, problems).

    ``pairs`` maps the line of each opening tag to the line of its end tag;
    problems name an unclosed block where it opens.
    """
    pairs: dict[int, int] = {}
    problems: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []
    for lineno, name, assigns in _block_tags(text):
        if name in _BLOCKS and not (name == "set" and assigns):
            stack.append((name, lineno))
        elif name.startswith("end") and name[3:] in _BLOCKS:
            kind = name[3:]
            if not any(open_name == kind for open_name, _ in stack):
                problems.append(
                    (lineno, f"'{{% {name} %}}' has no '{{% {kind} … %}}' to close.")
                )
                continue
            while stack[-1][0] != kind:
                inner, line = stack.pop()
                problems.append(
                    (
                        line,
                        f"This '{inner}' block is not closed before '{{% {name} %}}': "
                        f"add '{{% end{inner} %}}' (or '{{%p end{inner} %}}') first.",
                    )
                )
            _, line = stack.pop()
            pairs[line] = lineno
        elif name in ("else", "elif") and not (
            stack
            and stack[-1][0] in ("if", "for")
            and (name == "else" or stack[-1][0] == "if")
        ):
            problems.append((lineno, f"'{{% {name} %}}' stands outside an 'if' block."))
    for name, line in stack:
        problems.append(
            (
                line,
                f"This '{name}' block is never closed: add '{{% end{name} %}}' "
                f"(or '{{%p end{name} %}}') where it should end.",
            )
        )
    return pairs, problems


def _block_tags(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line, name, has '=') of each block tag, as far as the lexer gets."""
    tokens = ENVIRONMENT.lexer.tokeniter(text, None)
    current: tuple[int, str] | None = None
    expecting_name = False
    assigns = False
    try:
        for lineno, kind, value in tokens:
            if kind == "whitespace":
                continue
            if kind == "block_begin":
                expecting_name, current, assigns = True, None, False
            elif expecting_name:
                expecting_name = False
                if kind == "name":
                    current = (lineno, value)
            elif kind == "operator" and value == "=" and current is not None:
                assigns = True
            elif kind == "block_end" and current is not None:
                yield current[0], current[1], assigns
                current = None
    except TemplateSyntaxError:
        return
