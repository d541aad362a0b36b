"""The output limit is one budget for the whole document, exact to the byte.

Mutation testing showed nothing noticed a budget doubled, or counted per part
instead of for the document: these tests render a template whose body and
header together hold a known number of bytes and set the limit right at it.
"""

from __future__ import annotations

import pytest

from service.rendering import engine
from service.rendering.errors import TemplateLimitExceeded
from tests.docx_factory import build_docx, read_docx

NO_LIMIT = 1 << 40
CONTEXT = {"numbers": list(range(300)), "title": "Budget"}


def prepared() -> engine.PreparedTemplate:
    """A body and a header of about the same, data-driven size."""
    loop = ["{%p for i in numbers %}", "Linje {{ i }}", "{%p endfor %}"]
    return engine.prepare(build_docx(loop, header=loop))


def rendered_size(template: engine.PreparedTemplate) -> tuple[int, list[int]]:
    """The bytes the rendered parts add up to, and each part's."""
    assert template.compiled is not None
    sizes = [len(part.render(CONTEXT, NO_LIMIT)) for part in template.compiled.parts]
    return sum(sizes), sizes


def test_the_whole_document_fits_a_limit_of_exactly_its_size() -> None:
    template = prepared()
    total, sizes = rendered_size(template)
    assert len([size for size in sizes if size > total // 4]) == 2  # body, header
    document = read_docx(engine.render(template, CONTEXT, max_output_bytes=total))
    assert document["body"][-1] == "Linje 299"


def test_one_byte_less_than_the_document_is_refused() -> None:
    template = prepared()
    total, _ = rendered_size(template)
    with pytest.raises(TemplateLimitExceeded) as caught:
        engine.render(template, CONTEXT, max_output_bytes=total - 1)
    assert caught.value.status == 413
    assert caught.value.message == (
        "The rendered document is larger than the limit allows."
    )


def test_the_limit_counts_every_part_not_each_part() -> None:
    template = prepared()
    total, sizes = rendered_size(template)
    largest = max(sizes)
    assert largest < total - 1  # each part alone fits the limit below
    with pytest.raises(TemplateLimitExceeded):
        engine.render(template, CONTEXT, max_output_bytes=largest + 1)
