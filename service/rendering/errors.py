"""Errors a template can cause, located for the person who wrote the template.

A template problem is never a bug in the service: it is reported as a 4xx with
the part, the paragraph, the tag and a few words of surrounding text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any

from jinja2 import TemplateSyntaxError

_TAG = re.compile(r"<[^>]+>")
_JINJA_TAG = re.compile(r"{[{%#].*?[}%#]}")
EXCERPT_CHARS = 80


@dataclass(frozen=True)
class TemplateProblem:
    """Where a template went wrong and what happened."""

    message: str
    part: str | None = None
    paragraph: int | None = None
    tag: str | None = None
    excerpt: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON, leaving out what is not known."""
        return {key: value for key, value in asdict(self).items() if value is not None}


class TemplateError(Exception):
    """A template cannot be prepared or rendered (answered with ``status``)."""

    status = 422

    def __init__(self, message: str, problems: list[TemplateProblem] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class TemplateLimitExceeded(TemplateError):
    """A template or its output is larger than the configured limits allow."""

    status = 413


def paragraph_text(line: str) -> str:
    """The visible text of one line of template XML (tags removed)."""
    return " ".join(_TAG.sub("", line).split())


def locate(
    source_xml: str, lineno: int | None
) -> tuple[int | None, str | None, str | None]:
    """Map a Jinja line number to (paragraph number, first tag, excerpt).

    docxtpl puts a newline before every ``<w:p``, so line 1 is the part's start
    and line ``n`` is paragraph ``n - 1`` (counting paragraphs in tables too).
    """
    if lineno is None:
        return None, None, None
    lines = source_xml.split("\n")
    if not 1 <= lineno <= len(lines):
        return None, None, None
    text = paragraph_text(lines[lineno - 1])
    tag = _JINJA_TAG.search(text)
    excerpt = text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"
    return (
        (lineno - 1 if lineno > 1 else None),
        (tag.group(0) if tag else None),
        (excerpt or None),
    )


def template_lineno(exc: BaseException) -> int | None:
    """The template line an exception was raised at, if Jinja code raised it."""
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    lineno = None
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def describe(exc: BaseException, source_xml: str, part: str) -> TemplateProblem:
    """Locate ``exc``, raised by the template compiled from ``source_xml``."""
    paragraph, tag, excerpt = locate(source_xml, template_lineno(exc))
    if isinstance(exc, RecursionError):
        message = (
            "The template calls itself without end (a recursive macro, block or loop)."
        )
    else:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return TemplateProblem(
        message=message, part=part, paragraph=paragraph, tag=tag, excerpt=excerpt
    )
