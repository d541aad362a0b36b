"""The compiled engine gives the documents plain docxtpl gives, only faster.

Each template is rendered by :mod:`service.rendering.engine` and by plain
docxtpl (:mod:`service.rendering.docxtpl_engine`), both outputs are opened with
python-docx, and their text, tables, headers, footers, footnotes and core
properties are compared. Core properties differ in one documented way: docxtpl
escapes "&" twice under autoescape, the engine gives the literal text.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from service.rendering import docxtpl_engine, engine
from service.rendering.engine import PreparedTemplate
from service.rendering.errors import TemplateError, TemplateLimitExceeded
from tests.conftest import EXAMPLES_DIR, open_docx
from tests.docx_factory import (
    Image,
    PageBreak,
    Runs,
    Table,
    agreement_template,
    body_text,
    build_docx,
    read_docx,
)

ROOT = Path(__file__).resolve().parents[1]
BUILTIN_DIR = ROOT / "agreement_templates"
NO_LIMIT = 1 << 40

PARTIES = [
    {
        "name": "Teater Vest & Co.",
        "sector": "voluntary",
        "motto": "We <3 \"quotes\" & 'apostrophes'",
        "contributions": ["Scene & lys", "Skuespillere"],
        "representative": {"name": "Ida Sørensen", "title": "Leder"},
    },
    {
        "name": "Byens Bibliotek",
        "sector": "public",
        "motto": "Æble, ø og å",
        "contributions": [],
        "representative": {"name": "Mette Holm", "title": "Bibliotekschef"},
    },
    {
        "name": "Messecenter Vest A/S",
        "sector": "private",
        "motto": "",
        "contributions": ["Hal", "Teknik", "Markedsføring"],
        "representative": {"name": "Anders Bach", "title": "Direktør"},
    },
]
CONTEXT: dict[str, Any] = {
    "language": "da",
    "title": "Sansefortællingen & venner <3",
    "reference": 'PA-"2026"-014',
    "parties": PARTIES,
    "budget": {"currency": "DKK", "total": Decimal("170000.50")},
    "notes": "Første linje\nAnden linje\n\tmed tabulator",
    "show_budget": True,
    "empty": [],
}


def render_both(source: bytes, context: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """(compiled engine output, plain docxtpl output), checking the engine's path."""
    prepared = engine.prepare(source)
    assert prepared.engine == "compiled", prepared.fallback_reason
    assert prepared.fallback_reason is None
    fast = engine.render(prepared, context)
    plain = docxtpl_engine.render(source, context, max_output_bytes=NO_LIMIT)
    return fast, plain


def assert_valid_docx(data: bytes) -> None:
    """A zip with sound CRCs, [Content_Types].xml first, every XML part parsing."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml"
        assert len(names) == len(set(names))
        for name in names:
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))


def _unescaped_properties(content: dict[str, Any]) -> dict[str, Any]:
    properties = dict(content["properties"])
    for name, value in properties.items():
        if isinstance(value, str):
            properties[name] = html.unescape(value)
    return {**content, "properties": properties}


def assert_equivalent(source: bytes, context: Mapping[str, Any]) -> dict[str, Any]:
    """Render with both engines; the documents must read the same."""
    fast, plain = render_both(source, context)
    assert_valid_docx(fast)
    ours, theirs = read_docx(fast), read_docx(plain)
    assert ours == _unescaped_properties(theirs)
    return ours


# -- templates made in the tests ---------------------------------------------

CASES: dict[str, bytes] = {
    "special characters": build_docx(
        [
            "Titel: {{ title }}",
            "Reference: {{ reference }}",
            "{{ parties[0].name }} siger: {{ parties[0].motto }}",
            "{{ parties[1].motto }} og {{ 'a < b > c' }}",
        ]
    ),
    "tags split over runs": build_docx(
        [
            Runs("Kære {{ parties[0]", ".representative.name }}", ","),
            Runs(
                "{%",
                " if show_budget %}",
                "Budget: {{ budget.total|money }}",
                "{% endif %}",
            ),
        ]
    ),
    "paragraph loops and conditions": build_docx(
        [
            "Parter:",
            "{%p for party in parties %}",
            "{{ loop.index }}. {{ party.name }} ({{ party.sector|label }})",
            "{%p if party.contributions %}",
            "Bidrag: {{ party.contributions|join_and }}",
            "{%p else %}",
            "Ingen bidrag endnu.",
            "{%p endif %}",
            "{%p endfor %}",
            "{%p if empty %}",
            "Aldrig vist",
            "{%p endif %}",
            "Slut.",
        ]
    ),
    "nested loops": build_docx(
        [
            "{%p for party in parties %}",
            "{{ party.name }}",
            "{%p for item in party.contributions %}",
            "– {{ item }} ({{ loop.index }}/{{ loop.length }})",
            "{%p else %}",
            "– intet",
            "{%p endfor %}",
            "{%p endfor %}",
        ]
    ),
    "table row loops": build_docx(
        [
            Table(
                [
                    ["Part", "Sektor", "Repræsentant"],
                    ["{%tr for party in parties %}", "", ""],
                    [
                        "{{ party.name }}",
                        "{{ party.sector|label }}",
                        "{{ party.representative.name }}",
                    ],
                    ["{%tr endfor %}", "", ""],
                    ["I alt", "", "{{ parties|length }} parter"],
                ]
            ),
        ]
    ),
    "cell comments remove their cell": build_docx(
        [
            Table(
                [
                    ["Part", "{#tc internal note #}", "Sektor"],
                    ["{{ parties[0].name }}", "{#tc hidden #}", "{{ title }}"],
                ]
            ),
        ]
    ),
    "table column loops": build_docx(
        [
            "Underskrifter",
            Table(
                [
                    [
                        "{%tc for party in parties %}",
                        "{{ party.name }}",
                        "{%tc endfor %}",
                    ],
                    [
                        "{%tc for party in parties %}",
                        "{{ party.representative.name }}",
                        "{%tc endfor %}",
                    ],
                ]
            ),
            Table([["Uberørt", "tabel"], ["{{ title }}", "x"]]),
        ]
    ),
    "merged cells": build_docx(
        [
            Table(
                [
                    ["Overskrift over det hele", "", ""],
                    ["{{ parties[0].name }}", "{{ title }}", "c"],
                    ["lodret", "{{ reference }}", "d"],
                    ["", "e", "f"],
                ],
                merges=[((0, 0), (0, 2)), ((2, 0), (3, 0))],
            ),
        ]
    ),
    "colspan, hm and vm": build_docx(
        [
            Table(
                [
                    [
                        "{% colspan parties|length %}Spænder over {{ parties|length }}",
                        "",
                        "",
                    ],
                    [
                        "{%tc for party in parties %}",
                        "{% hm %}Fælles",
                        "{%tc endfor %}",
                    ],
                    ["{%tr for party in parties %}", "", ""],
                    ["{% vm %}Samme", "{{ party.name }}", "x"],
                    ["{%tr endfor %}", "", ""],
                ]
            ),
        ]
    ),
    "headers and footers": build_docx(
        ["Brødtekst"],
        header=[
            "{{ title }} — {{ reference }}",
            Table([["{{ parties[0].name }}", "x"]]),
        ],
        footer=["Parter: {{ parties|map(attribute='name')|join_and }}"],
    ),
    "footnotes": build_docx(
        ["Se noten."],
        footnotes=["Udarbejdet af {{ parties[0].name }}.", "Reference {{ reference }}"],
    ),
    "document properties": build_docx(
        ["{{ title }}"],
        properties={
            "title": "{{ title }}",
            "subject": "Aftale med {{ parties[0].name }}",
            "author": "{{ parties[1].representative.name }}",
            "comments": "{{ parties[0].motto }}",
            "identifier": "{{ reference }}",
        },
    ),
    "line breaks and tabs in data": build_docx(
        [
            "Noter: {{ notes }}",
            "{%p for party in parties %}",
            "{{ party.name }}:\t{{ party.contributions|join('\\n') }}",
            "{%p endfor %}",
        ]
    ),
    "line break written in the template": build_docx(
        ["Fra {{ parties[0].name }}\ntil {{ parties[1].name }}", "Tab\tefter"],
    ),
    "pictures in a loop": build_docx(
        [
            Image("Logo: "),
            "{%p for party in parties %}",
            Image("{{ party.name }} "),
            "{%p endfor %}",
        ]
    ),
    "escaped braces and comments": build_docx(
        [
            "Skriv {_{ navn }_} og {_% tag %_} i skabelonen.",
            "{# en kommentar #}Synlig {{ title }}",
            "{%p if show_budget %}{# skjult #}",
            "Vist",
            "{%p endif %}",
        ]
    ),
    "run tags and whitespace control": build_docx(
        [
            Runs(
                "Før ", "{%r if show_budget %}", "fed tekst", "{%r endif %}", " efter"
            ),
            "Første {%- if show_budget %} sammen{% endif -%}",
            "næste afsnit",
        ]
    ),
    "agreement-like": agreement_template(),
}

AGREEMENT_CONTEXT_NAMES = {"agreement-like"}


def _agreement_context() -> dict[str, Any]:
    path = EXAMPLES_DIR / "agreement.da.json"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    return load_context("agreement", path)


def load_context(kind: str, path: Path, language: str | None = None) -> dict[str, Any]:
    """An example document, validated when the schemas exist, as a context."""
    from service.rendering.context import build_context

    with open(path, encoding="utf-8") as handle:
        data = json.load(handle, parse_float=Decimal)
    if language is not None:
        data["language"] = language
    try:
        from schemas.registry import load_document
    except ImportError:
        return build_context(kind, data)
    return build_context(kind, load_document(kind, data).data)


@pytest.mark.parametrize("name", sorted(CASES))
def test_engine_matches_docxtpl(name: str) -> None:
    context = _agreement_context() if name in AGREEMENT_CONTEXT_NAMES else CONTEXT
    assert_equivalent(CASES[name], context)


def test_special_characters_are_literal_text() -> None:
    content = assert_equivalent(CASES["special characters"], CONTEXT)
    assert content["body"][0] == "Titel: Sansefortællingen & venner <3"
    assert content["body"][2] == (
        "Teater Vest & Co. siger: We <3 \"quotes\" & 'apostrophes'"
    )
    assert content["body"][3] == "Æble, ø og å og a < b > c"


def test_line_breaks_and_tabs_in_data_become_breaks_and_tabs() -> None:
    content = assert_equivalent(CASES["line breaks and tabs in data"], CONTEXT)
    assert content["body"][0] == "Noter: Første linje\nAnden linje\n\tmed tabulator"
    assert content["body"][3] == "Messecenter Vest A/S:\tHal\nTeknik\nMarkedsføring"


def test_column_loops_give_one_column_per_party() -> None:
    content = assert_equivalent(CASES["table column loops"], CONTEXT)
    table = content["body"][1]
    assert table["cells"][0] == [party["name"] for party in PARTIES]
    assert table["structure"]["grid_columns"] == len(PARTIES)
    untouched = content["body"][2]
    assert untouched["structure"]["grid_columns"] == 2


@pytest.mark.parametrize("count", (0, 1, 2, 3, 5))
def test_column_loops_match_docxtpl_for_any_number_of_columns(count: int) -> None:
    parties = [{**PARTIES[n % 3], "name": f"Part {n}"} for n in range(count)]
    for name in ("table column loops", "colspan, hm and vm"):
        assert_equivalent(CASES[name], {**CONTEXT, "parties": parties})


def test_pictures_in_loops_get_distinct_ids() -> None:
    content = assert_equivalent(CASES["pictures in a loop"], CONTEXT)
    ids = content["drawing_ids"]
    assert len(ids) == 1 + len(PARTIES)
    assert len(set(ids)) == len(ids)


def test_core_properties_are_literal_text_including_keywords() -> None:
    source = build_docx(
        ["x"],
        properties={
            "title": "{{ title }}",
            "keywords": "{{ parties|map(attribute='name')|join(', ') }}",
            "category": (
                "{% autoescape false %}{{ parties[0].name }}{% endautoescape %}"
            ),
        },
    )
    properties = read_docx(engine.render(engine.prepare(source), CONTEXT))["properties"]
    assert properties["title"] == "Sansefortællingen & venner <3"
    assert properties["keywords"] == (
        "Teater Vest & Co., Byens Bibliotek, Messecenter Vest A/S"
    )
    assert properties["category"] == "Teater Vest & Co."


def test_core_property_with_autoescape_off_matches_docxtpl() -> None:
    source = build_docx(
        ["x"],
        properties={"title": "{% autoescape false %}{{ title }}{% endautoescape %}"},
    )
    fast, plain = render_both(source, CONTEXT)
    assert read_docx(fast)["properties"] == read_docx(plain)["properties"]


# -- the built-in templates ---------------------------------------------------


def _builtin_cases() -> list[Any]:
    cases = []
    for path in sorted(BUILTIN_DIR.glob("*.*.docx")):
        kind, language = path.name.removesuffix(".docx").split(".", 1)
        cases.append(pytest.param(kind, language, id=path.name))
    return cases or [pytest.param("", "", id="no built-in templates")]


@pytest.mark.parametrize(("kind", "language"), _builtin_cases())
def test_builtin_template_matches_docxtpl(kind: str, language: str) -> None:
    if not kind:
        pytest.skip("agreement_templates/ holds no templates yet")
    example = EXAMPLES_DIR / f"{kind}.{language}.json"
    others = sorted(EXAMPLES_DIR.glob(f"{kind}.*.json"))
    if not example.exists() and not others:
        pytest.skip(f"no example document for {kind}")
    context = (
        load_context(kind, example)
        if example.exists()
        else load_context(kind, others[0], language)
    )
    source = (BUILTIN_DIR / f"{kind}.{language}.docx").read_bytes()
    content = assert_equivalent(source, context)
    text = json.dumps(content, ensure_ascii=False)
    assert "{{" not in text and "{%" not in text


# -- behaviour ----------------------------------------------------------------


def test_prepared_template_renders_independent_documents() -> None:
    prepared = engine.prepare(CASES["paragraph loops and conditions"])
    first = engine.render(prepared, CONTEXT)
    second = engine.render(
        prepared, {**CONTEXT, "parties": [{**PARTIES[1], "name": "Solo"}]}
    )
    third = engine.render(prepared, CONTEXT)
    assert "Teater Vest & Co." in body_text(first)
    assert "Solo" in body_text(second)
    assert "Teater Vest & Co." not in body_text(second)
    assert first == third


def test_prepared_template_keeps_digest_source_and_engine() -> None:
    source = CASES["special characters"]
    prepared = engine.prepare(source)
    assert prepared.source == source
    assert len(prepared.digest) == 64
    assert prepared.engine == "compiled"
    assert prepared.fallback_reason is None


def test_parts_without_tags_are_copied_byte_for_byte() -> None:
    source = CASES["special characters"]
    output = engine.render(engine.prepare(source), CONTEXT)
    with (
        zipfile.ZipFile(io.BytesIO(source)) as before,
        zipfile.ZipFile(io.BytesIO(output)) as after,
    ):
        for info in before.infolist():
            if info.filename != "word/document.xml":
                assert after.read(info.filename) == before.read(info.filename)


def test_syntax_error_names_part_paragraph_and_tag() -> None:
    source = build_docx(["Indledning", "Kære {{ name | }}", "Slut"])
    with pytest.raises(TemplateError) as caught:
        engine.prepare(source)
    (problem,) = caught.value.problems
    assert problem.part == "word/document.xml"
    assert problem.paragraph == 2
    assert problem.tag == "{{ name | }}"
    assert problem.excerpt == "Kære {{ name | }}"


def test_syntax_error_in_header_names_the_header() -> None:
    source = build_docx(["Fint"], header=["{% if title %}uden slutning"])
    with pytest.raises(TemplateError) as caught:
        engine.prepare(source)
    assert caught.value.problems[0].part == "word/header1.xml"


def test_unknown_filter_is_a_syntax_error() -> None:
    source = build_docx(["{{ title|nonexistent }}"])
    with pytest.raises(TemplateError) as caught:
        engine.prepare(source)
    assert caught.value.problems[0].tag == "{{ title|nonexistent }}"


@pytest.mark.parametrize(
    ("tag", "error"),
    (
        ("{{ parties.append(1) }}", "unsafe"),
        ("{{ 1 / 0 }}", "division"),
        ("{{ title + 1 }}", "concatenate"),
        ("{{ parties|dictsort }}", "items"),
    ),
)
def test_runtime_error_is_a_located_template_error(tag: str, error: str) -> None:
    prepared = engine.prepare(build_docx(["Først", "Her: " + tag]))
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, CONTEXT)
    (problem,) = caught.value.problems
    assert error in problem.message
    assert problem.part == "word/document.xml"
    assert problem.paragraph == 2
    assert problem.tag == tag


def test_runtime_error_in_footer_names_the_footer() -> None:
    prepared = engine.prepare(build_docx(["x"], footer=["{{ 1 / 0 }}"]))
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, CONTEXT)
    assert caught.value.problems[0].part == "word/footer1.xml"


def test_output_over_the_limit_is_refused() -> None:
    prepared = engine.prepare(
        build_docx(["{%p for i in numbers %}", "Linje {{ i }}", "{%p endfor %}"])
    )
    context = {**CONTEXT, "numbers": list(range(2000))}
    assert engine.render(prepared, context)
    with pytest.raises(TemplateLimitExceeded):
        engine.render(prepared, context, max_output_bytes=50_000)


def test_runaway_loop_stops_at_the_limit() -> None:
    prepared = engine.prepare(
        build_docx(
            [
                "{%p for i in numbers %}{%p for j in numbers %}",
                "{{ i }} {{ j }}",
                "{%p endfor %}{%p endfor %}",
            ]
        )
    )
    context = {**CONTEXT, "numbers": list(range(100_000))}  # 10¹⁰ paragraphs
    with pytest.raises(TemplateLimitExceeded):
        engine.render(prepared, context, max_output_bytes=2_000_000)


def test_output_that_would_need_zip64_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from service.rendering import zipwriter

    monkeypatch.setattr(zipwriter, "_LIMIT32", 10_000)
    with pytest.raises(TemplateLimitExceeded):
        engine.render(engine.prepare(agreement_template()), CONTEXT)


def test_not_a_docx_is_a_template_error() -> None:
    with pytest.raises(TemplateError):
        engine.prepare(b"PK\x03\x04 but not really a zip")
    with pytest.raises(TemplateError):
        engine.prepare(b"%PDF-1.7")


def test_rich_text_in_the_context_renders_with_docxtpl() -> None:
    from docxtpl import RichText

    prepared = engine.prepare(build_docx(["Navn: {{r name }}"]))
    assert prepared.engine == "compiled"
    output = engine.render(prepared, {"name": RichText("Fed & flot", bold=True)})
    assert "Navn: Fed & flot" in body_text(output)
    (paragraph,) = [p for p in open_docx(output).paragraphs if p.text]
    assert [(run.text, bool(run.bold)) for run in paragraph.runs if run.text] == [
        ("Navn: ", False),
        ("Fed & flot", True),
    ]


def _with_member(source: bytes, name: str, data: bytes) -> bytes:
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as before,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as after,
    ):
        for info in before.infolist():
            content = data if info.filename == name else before.read(info.filename)
            after.writestr(info, content)
    return output.getvalue()


def test_unreadable_part_falls_back_to_docxtpl() -> None:
    source = build_docx(["{{ title }}"], footnotes=["{{ reference }}"])
    broken = _with_member(
        source,
        "word/footnotes.xml",
        # docxtpl renders footnotes as text; lxml cannot parse this (no end tag)
        b'<?xml version="1.0"?><w:footnotes xmlns:w="'
        b'http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:footnote w:id="1"><w:p><w:r><w:t>{{ reference }}</w:t></w:r></w:p>'
        b"</w:footnote>",
    )
    prepared = engine.prepare(broken)
    assert prepared.engine == "docxtpl"
    assert prepared.fallback_reason is not None
    assert "word/footnotes.xml" in prepared.fallback_reason
    output = engine.render(prepared, CONTEXT)
    assert "Sansefortællingen & venner <3" in body_text(output)


def test_fallback_keeps_errors_located() -> None:
    source = build_docx(["Først", "{{ 1 / 0 }}"], footnotes=["x"])
    broken = _with_member(source, "word/footnotes.xml", b"not xml at all")
    prepared = engine.prepare(broken)
    assert prepared.engine == "docxtpl"
    with pytest.raises(TemplateError) as caught:
        engine.render(prepared, CONTEXT)
    problem = caught.value.problems[0]
    assert (problem.part, problem.paragraph) == ("word/document.xml", 2)


def test_unbalanced_template_is_repaired_like_docxtpl() -> None:
    source = build_docx(
        [
            Table([["{% if show_budget %}inde i tabellen", "x"]]),
            "{% endif %}uden for tabellen",
        ]
    )
    prepared = engine.prepare(source)
    assert prepared.engine == "compiled"
    for show in (True, False):
        output = engine.render(prepared, {**CONTEXT, "show_budget": show})
        assert_valid_docx(output)
        assert "uden for tabellen" in body_text(output)


def test_prepared_template_estimates_its_weight() -> None:
    prepared: PreparedTemplate = engine.prepare(agreement_template())
    assert len(prepared.source) < prepared.weight < 20 * len(prepared.source)


def test_page_break_and_bell_in_data_match_docxtpl() -> None:
    source = build_docx(["Før {{ notes }} efter", PageBreak(), "{{ title }}"])
    context = {**CONTEXT, "notes": "side et\fside to\aafsnit"}
    assert_equivalent(source, context)


def test_one_prepared_template_renders_in_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    prepared = engine.prepare(CASES["table column loops"])
    contexts = [
        {**CONTEXT, "parties": PARTIES[: 1 + n % 3], "title": f"Nr. {n}"}
        for n in range(24)
    ]
    expected = [engine.render(prepared, context) for context in contexts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda c: engine.render(prepared, c), contexts))
    assert results == expected
