"""The package limits' refusals, word for word.

Mutation testing showed the tests of service.rendering.package_limits
checking statuses and parts but not what the funder is told: any message
could change (or lose its numbers) unnoticed. These pin the messages.
"""

from __future__ import annotations

import pytest

from service.rendering import package_limits
from service.rendering.package_limits import KiB, MiB, PackageLimits
from tests import hostile_templates as hostile
from tests.test_package_limits import refusal


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 bytes"),
        (KiB - 1, "1023 bytes"),
        (KiB, "1 KiB"),
        (KiB + KiB // 2, "1.5 KiB"),
        (10 * KiB, "10 KiB"),
        (MiB - 1, "1024 KiB"),
        (MiB, "1 MiB"),
        (MiB + MiB // 2, "1.5 MiB"),
        (60 * MiB, "60 MiB"),
    ],
)
def test_byte_counts_are_told_in_the_largest_whole_unit(count: int, text: str) -> None:
    assert package_limits._size(count) == text


def test_a_member_over_the_limit_is_told_with_both_sizes() -> None:
    error = refusal(hostile.big_members(26 * MiB))
    assert error.message == (
        "A member of the template is larger than 25 MiB once decompressed."
    )
    assert [problem.message for problem in error.problems] == [
        "At least 26 MiB decompressed."
    ]


def test_the_total_over_the_limit_is_told_with_the_limit() -> None:
    error = refusal(hostile.big_members(21 * MiB, count=3))
    assert error.message == "The template is larger than 60 MiB once decompressed."
    assert [problem.message for problem in error.problems] == [
        "Too much data once decompressed."
    ]


def test_the_limit_in_the_message_is_the_one_applied() -> None:
    limits = PackageLimits(max_member_bytes=3 * MiB // 2, max_total_bytes=60 * MiB)
    error = refusal(hostile.big_members(2 * MiB), limits)
    assert error.message == (
        "A member of the template is larger than 1.5 MiB once decompressed."
    )


def test_macros_are_named_as_macros() -> None:
    error = refusal(hostile.macro_template())
    messages = {problem.part: problem.message for problem in error.problems}
    assert messages["word/vbaProject.bin"] == (
        "The template holds macros (VBA); macros are never accepted."
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "word/vbaProject.bin",
            "The template holds macros (VBA); macros are never accepted.",
        ),
        (
            "word/VBADATA.xml",
            "The template holds macros (VBA); macros are never accepted.",
        ),
        (
            "word/activeX/activeX1.xml",
            "The template holds ActiveX controls; they are never accepted.",
        ),
        (
            "word/ACTIVEX/activeX1.bin",
            "The template holds ActiveX controls; they are never accepted.",
        ),
        (
            "word/embeddings/oleObject1.bin",
            "The template holds macros, controls or embedded objects (OLE), which "
            "are never accepted.",
        ),
    ],
)
def test_each_kind_of_active_content_is_named(name: str, message: str) -> None:
    assert package_limits._refusal(name) == message
