"""The documents' filters, in Danish and English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from jinja2.sandbox import SecurityError

from service.rendering.environment import ENVIRONMENT

PARTIES = [
    {"id": "lib", "name": "Byens Bibliotek"},
    {"id": "th", "name": "Teater Vest & Co."},
]


def render(source: str, language: str, **context: Any) -> str:
    """Render a one-line template and undo the XML escaping for comparison."""
    context.setdefault("parties", PARTIES)
    output = ENVIRONMENT.from_string(source).render(language=language, **context)
    return output.replace("\xa0", " ").replace("&amp;", "&")


@pytest.mark.parametrize(
    ("language", "expected"), (("da", "15. januar 2026"), ("en", "15 January 2026"))
)
def test_date(language: str, expected: str) -> None:
    assert render("{{ d|date }}", language, d=dt.date(2026, 1, 15)) == expected
    assert render("{{ d|date }}", language, d="2026-01-15") == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    (
        ("da", "mandag den 12. januar 2026 kl. 10.00"),
        ("en", "Monday 12 January 2026 at 10:00"),
    ),
)
def test_datetime(language: str, expected: str) -> None:
    assert render("{{ t|datetime }}", language, t="2026-01-12T10:00") == expected


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    (
        ("da", "DKK", "85.000,50 kr."),
        ("en", "DKK", "DKK 85,000.50"),
        ("en", "EUR", "EUR 85,000.50"),
        ("da", "EUR", "85.000,50 €"),
    ),
)
def test_money_uses_the_budget_currency(
    language: str, currency: str, expected: str
) -> None:
    budget = {"currency": currency}
    assert (
        render("{{ a|money }}", language, a=Decimal("85000.5"), budget=budget)
        == expected
    )


def test_money_keeps_exact_decimals() -> None:
    assert (
        render("{{ a|money('DKK') }}", "da", a=Decimal("0.1") + Decimal("0.2"))
        == "0,30 kr."
    )


@pytest.mark.parametrize(
    ("language", "expected"), (("da", "A, B og C"), ("en", "A, B and C"))
)
def test_join_and(language: str, expected: str) -> None:
    assert render("{{ l|join_and }}", language, l=["A", "B", "C"]) == expected


def test_party_lookup_shows_names_not_ids() -> None:
    assert render("{{ 'th'|party_name }}", "da") == "Teater Vest & Co."
    assert render("{{ ['lib', 'th']|party_names|join_and }}", "da") == (
        "Byens Bibliotek og Teater Vest & Co."
    )
    assert render("{{ ('lib'|party).name }}", "en") == "Byens Bibliotek"


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    (("da", "public", "offentlig"), ("en", "relationship", "relationship goal")),
)
def test_label(language: str, code: str, expected: str) -> None:
    assert render("{{ c|label }}", language, c=code) == expected


def test_months_is_singular_and_plural() -> None:
    assert render("{{ 1|months }} / {{ 3|months }}", "da") == "1 måned / 3 måneder"


def test_absent_values_render_empty() -> None:
    assert (
        render("[{{ missing|date }}{{ x.y.z }}{{ none_value }}]", "da", none_value=None)
        == "[]"
    )


def test_user_text_is_escaped_for_xml() -> None:
    output = ENVIRONMENT.from_string("{{ name }}").render(name="<3 & Co.")
    assert output == "&lt;3 &amp; Co."


@pytest.mark.parametrize(
    "source",
    (
        "{{ cycler.__init__.__globals__ }}",
        "{{ ''.__class__.__mro__ }}",
        "{{ parties.__class__.__subclasses__() }}",
    ),
)
def test_internals_are_out_of_reach(source: str) -> None:
    try:
        assert render(source, "da") == ""
    except SecurityError as refused:
        assert "unsafe" in str(refused)


def test_bypassing_escaping_is_not_possible() -> None:
    assert "safe" not in ENVIRONMENT.filters
    assert ENVIRONMENT.globals == {}


@pytest.mark.parametrize(
    ("language", "expected"),
    (("da", "Danmark / Tanzania"), ("en", "Denmark / Tanzania")),
)
def test_country_names_come_from_iso_codes(language: str, expected: str) -> None:
    assert render("{{ 'DK'|country }} / {{ 'TZ'|country }}", language) == expected


@pytest.mark.parametrize(
    "source",
    (
        "{{ 'x' * 300000000 }}",
        "{{ 300000000 * 'x' }}",
        "{{ [1] * 300000000 }}",
        "{{ 9 ** 999999 }}",
        "{{ '%999999999s' % 'x' }}",
    ),
)
def test_operators_cannot_build_huge_values(source: str) -> None:
    with pytest.raises(SecurityError):
        ENVIRONMENT.from_string(source).render()


def test_huge_constants_are_not_folded_while_compiling() -> None:
    source = "{% if false %}{{ 'x' * 3000000 }}{% endif %}"
    compiled = ENVIRONMENT.compile(source, raw=True)
    assert "call_binop" in compiled
    assert len(compiled) < 10_000


def test_ordinary_arithmetic_still_works() -> None:
    assert render("{{ 'ab' * 2 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ 'a' + 'b' }}", "da") == (
        "abab 1024 1 ab"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("da", "Skovby Kommune, Kultur og Fritid; Lund & Søn ApS og Gårdmusik"),
        ("en", "Skovby Kommune, Kultur og Fritid; Lund & Søn ApS and Gårdmusik"),
    ],
)
def test_join_and_keeps_names_with_commas_whole(language: str, expected: str) -> None:
    names = ["Skovby Kommune, Kultur og Fritid", "Lund & Søn ApS", "Gårdmusik"]
    assert render("{{ l|join_and }}", language, l=names) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Teater Vest & Co.", "Teater Vest & Co."), ("Byens Bibliotek", "Byens "
     "Bibliotek."), ("Hvorfor?", "Hvorfor?"), ("", "")],
)  # fmt: skip
def test_full_stop_ends_a_sentence_once(value: str, expected: str) -> None:
    assert render("{{ v|full_stop }}", "da", v=value) == expected


def test_danish_time_has_no_leading_zero() -> None:
    assert render("{{ t|datetime }}", "da", t="2026-02-18T09:30") == (
        "onsdag den 18. februar 2026 kl. 9.30"
    )
