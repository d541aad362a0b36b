"""SVG checks that mutation testing showed untested.

A comment or processing instruction before the SVG's elements must not end
the walk over them, and a CSS escape past the last code point (which ``chr``
refuses) must be read as the replacement character, not raise.
"""

from __future__ import annotations

import pytest

from service.rendering.package_limits import check_package
from tests import hostile_templates as hostile
from tests.test_outside_references import SVG_PART, problems


@pytest.mark.parametrize(
    "before", ["<!-- a picture -->", "<?render fast?>"], ids=["comment", "instruction"]
)
def test_elements_after_a_comment_are_still_checked(before: str) -> None:
    picture = hostile.svg(f"{before}<script>alert(1)</script>")
    assert problems(hostile.svg_picture(picture)) == [
        (
            SVG_PART,
            "The SVG picture holds <script>, which runs code or loads other content.",
        )
    ]


@pytest.mark.parametrize("escape", ["\\110000", "\\0", "\\FFFFFF"])
def test_a_css_escape_outside_unicode_is_read_not_raised(escape: str) -> None:
    picture = hostile.svg(f'<rect style="fill:{escape}red" width="1" height="1"/>')
    check_package(hostile.svg_picture(picture))


def test_an_escaped_url_after_an_impossible_escape_is_still_refused() -> None:
    picture = hostile.svg(
        '<rect style="fill:\\110000 u\\72l(http://attacker.example/p.png)"/>'
    )
    [(part, message)] = problems(hostile.svg_picture(picture))
    assert part == SVG_PART
    assert message.startswith("The SVG picture loads an outside resource in <rect>")
