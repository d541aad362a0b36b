"""Bounds on a part's tags, checked in one linear pass before anything else reads them.

docxtpl's ``patch_xml`` and the inspector's own patterns scan from each tag
opener to its closer. A tag that is never closed makes each scan run to the
end of the part, so a 37 KB paragraph of ``{`` costs minutes (quadratic
time). Before those run, every opener must find a closer within
:data:`MAX_TAG_SPAN` characters, and a part may hold at most :data:`MAX_TAGS`
tags (the built-in agreement has under 300).
"""

from __future__ import annotations

import bisect
import re

from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
)

#: Tags one part may hold.
MAX_TAGS = 10_000
#: Characters of XML between a tag's opener and its closer (Word may split a tag
#: over several runs, each with its formatting).
MAX_TAG_SPAN = 20_000

_OPENER = re.compile(r"\{[{%#]")
_CLOSER = re.compile(r"[}%#]\}")
_XML_TAG = re.compile(r"<[^>]*>?")
_EXCERPT_CHARS = 60


def check_tag_bounds(part: str, xml: str) -> None:
    """Refuse a part with too many tags, or a tag that is never closed."""
    openers = [match.start() for match in _OPENER.finditer(xml)]
    if len(openers) > MAX_TAGS:
        raise TemplateLimitExceeded(
            f"The template has too many tags: {part} holds {len(openers):,}; "
            f"a part may hold at most {MAX_TAGS:,}.",
            [TemplateProblem(message="Too many tags.", part=part)],
        )
    closers = [match.start() for match in _CLOSER.finditer(xml)]
    for opener in openers:
        index = bisect.bisect_right(closers, opener + 1)
        if index == len(closers) or closers[index] - opener > MAX_TAG_SPAN:
            raise TemplateError(
                "The template has a tag that is never closed.",
                [
                    TemplateProblem(
                        message="A tag starts here and is never closed: end it "
                        "with '}}', '%}' or '#}', or remove it.",
                        part=part,
                        excerpt=_excerpt(xml, opener),
                    )
                ],
            )


def _excerpt(xml: str, position: int) -> str:
    text = _XML_TAG.sub("", xml[position : position + 40 * _EXCERPT_CHARS])
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_CHARS else text[: _EXCERPT_CHARS - 1] + "…"
