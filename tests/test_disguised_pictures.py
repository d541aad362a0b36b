"""Which pictures are read as SVG whatever their name says.

A member named ``.png`` whose bytes begin as XML does (after a byte-order mark
or XML's blanks) can only be an SVG picture, and is checked as one; a picture
whose first bytes are anything else is left as the raster picture it claims to
be. Mutation testing showed neither edge checked.
"""

from __future__ import annotations

import codecs

import pytest

from service.rendering.package_limits import check_package
from tests import hostile_templates as hostile
from tests.test_outside_references import problems

DISGUISED = "word/media/image8.png"
PICTURE = hostile.svg('<image href="http://attacker.example/p.png"/>').encode()


def with_picture(data: bytes) -> bytes:
    """An ordinary template carrying ``data`` as a .png picture."""
    return hostile.rezip(hostile.docx("Hello"), add=[(DISGUISED, data)])


@pytest.mark.parametrize(
    "before",
    [codecs.BOM_UTF8, b" \t\r\n", codecs.BOM_UTF8 + b"\n  "],
    ids=["byte-order-mark", "blanks", "mark-and-blanks"],
)
def test_svg_after_a_mark_or_blanks_is_checked_as_svg(before: bytes) -> None:
    [(part, message)] = problems(with_picture(before + PICTURE))
    assert part == DISGUISED
    assert message.startswith("The SVG picture refers to an outside address")


@pytest.mark.parametrize(
    "before", [b"X", b"\x0b", b"\x0c"], ids=["letter", "vertical-tab", "form-feed"]
)
def test_picture_beginning_with_other_bytes_is_not_read_as_xml(before: bytes) -> None:
    # XML may begin only with a mark or its own blanks (space, tab, CR, LF);
    # read as XML these would be refused as not well-formed.
    check_package(with_picture(before + PICTURE))
