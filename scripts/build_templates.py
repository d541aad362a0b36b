"""Build the six built-in Word templates in agreement_templates/.

    .venv/bin/python scripts/build_templates.py

Writes ``agreement_templates/<kind>.<language>.docx`` for the partnership
agreement, the understanding paper and the first-contact letter, in Danish and
English. The templates are ordinary Word documents with docxtpl (Jinja) tags, so
they can be opened and adjusted in Word; this script is their source of truth.

Layout of this file:

* the words live in ``scripts/template_words.py``: one dict per document, Danish
  and English side by side, so the two languages stay structurally identical
  (checked when the script runs);
* shared helpers: page set-up, styles, numbering, header and footer, tables and
  the docxtpl tag paragraphs (class ``Template``);
* one function per document section, and one function per document.

docxtpl rules the helpers keep: a tag lives in a single run; ``{%p ... %}``,
``{%tr ... %}`` and ``{%tc ... %}`` tags sit alone in their paragraph, row or cell,
which docxtpl removes; every table cell keeps at least one plain paragraph.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import re
import sys
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph

# The words live beside this script; the test suite loads it by path.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from template_words import (  # noqa: E402
    AGREEMENT,
    COMMON,
    LETTER,
    STYLE_NAMES,
    UNDERSTANDING,
    check_languages_match,
)

ROOT = Path(__file__).resolve().parent.parent
OUTPUT_DIR = ROOT / "agreement_templates"
KINDS = ("agreement", "understanding", "first_contact")
LANGUAGES = ("da", "en")

# ------------------------------------------------------------------ page and look
PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4 in twips
MARGIN = 1418  # 2.5 cm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN  # 9070 twips, 16 cm
FONT = "Arial"
BODY_SIZE = 10.5
ACCENT = "1F4E79"  # dark blue for headings and the title
MUTED = "595959"  # grey for header, footer and captions
RULE = "A6A6A6"  # table borders
HEADER_FILL = "DCE6F0"  # shaded table header row
LABEL_FILL = "F2F2F2"  # first column of label/value tables
NOTICE_FILL = "EAF1F8"
LOCALE_TAGS = {"da": "da-DK", "en": "en-GB"}
#: Fixed timestamps make a rebuild without changes byte-identical.
BUILD_TIMESTAMP = (2026, 1, 1, 0, 0, 0)

# Numbering definitions (numbering.xml): headings, bullets, numbered list.
HEADING_NUM, BULLET_NUM, NUMBER_NUM = 1, 2, 3


# ============================================================== shared helpers


@dataclass(frozen=True)
class Column:
    """One column of a data table: header, width in twips and the cell's text."""

    header: str
    width: int
    value: str
    amount: bool = False
    bold: bool = False


#: A total row: its cells (``None`` joins a cell to the one on its left), or
#: ``(loop, cells)`` for a row repeated per element of ``loop``.
Total = Sequence[str | None] | tuple[str, Sequence[str | None]]


def _drop_cells(total: Total, dropped: set[int]) -> Total:
    """A total row without the cells of the ``dropped`` columns; a dropped cell's
    text moves right when the cell it joined would otherwise lose it."""
    loop, cells = total if isinstance(total, tuple) else (None, total)
    cells = list(cells)
    for index in sorted(dropped):
        if (
            cells[index] is not None
            and index + 1 < len(cells)
            and (cells[index + 1] is None)
        ):
            cells[index + 1] = cells[index]
    kept = [cell for index, cell in enumerate(cells) if index not in dropped]
    return (loop, kept) if loop is not None else kept


#: Schema order of the children Word insists on (CT_PPr, CT_TblPr).
PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
    "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap "
    "overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
    "sectPr pPrChange"
).split()
TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize "
    "tblW jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook "
    "tblCaption tblDescription"
).split()


def unbreakable_dates(text: str) -> str:
    """Jinja text whose printed dates never break over two lines: the spaces
    of "20. januar 2026" become no-break spaces."""
    return text.replace("|date }}", "|date|replace(' ', '\\u00a0') }}")


def _put(parent, xml: str, order: Sequence[str]):
    """Insert the element ``xml`` (replacing one of its kind) in schema order."""
    element = _with_ns(xml)
    existing = parent.find(element.tag)
    if existing is not None:
        parent.replace(existing, element)
        return element
    name = element.tag.split("}")[1]
    successors = order[order.index(name) + 1 :]
    for child in parent:
        if child.tag.split("}")[1] in successors:
            child.addprevious(element)
            return element
    parent.append(element)
    return element


def _with_ns(xml: str):
    """Parse one w: element written without its namespace declaration."""
    head = xml.split(">", 1)[0]
    cut = head.index(" ") if " " in head else len(head) - head.endswith("/")
    return parse_xml(f"{xml[:cut]} {nsdecls('w')}{xml[cut:]}")


def _set_attrs(element, **attributes: str) -> None:
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)


def _child(parent, tag: str, **attributes: str):
    """Return ``parent``'s first ``tag`` child, created (in schema order) if absent."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        parent.append(element)
    _set_attrs(element, **attributes)
    return element


class Template:
    """A Word document being built into a docxtpl template, in one language."""

    def __init__(
        self,
        language: str,
        *,
        title_property: str,
        subject: str,
        author: str = "",
    ) -> None:
        self.language = language
        self.words = COMMON[language]
        self.document = Document()
        self.style_names = STYLE_NAMES[language]
        self._set_up_page()
        self._set_up_styles()
        self._set_up_numbering()
        self._set_up_properties(title_property, subject, author)
        self.body = self.document.element.body
        # The default template starts with one empty paragraph; drop it.
        for paragraph in list(self.document.paragraphs):
            paragraph._element.getparent().remove(paragraph._element)

    # ---------------------------------------------------------------- set-up
    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.start_type = WD_SECTION_START.NEW_PAGE
        section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Twips(MARGIN))
        section.header_distance = section.footer_distance = Twips(709)

    def _set_up_styles(self) -> None:
        styles = self.document.styles
        root = styles.element
        # Fonts: Arial everywhere, no theme fonts (they would win over Arial).
        for fonts in root.iter(qn("w:rFonts")):
            for attribute in list(fonts.attrib):
                if attribute.endswith("Theme") or attribute.endswith("theme"):
                    del fonts.attrib[attribute]
        defaults = root.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_attrs(
            run_defaults.find(qn("w:rFonts")),
            ascii=FONT, hAnsi=FONT, cs=FONT, eastAsia=FONT,
        )  # fmt: skip
        for size in ("w:sz", "w:szCs"):
            _child(run_defaults, size, val=str(int(BODY_SIZE * 2)))
        language = LOCALE_TAGS[self.language]
        _set_attrs(run_defaults.find(qn("w:lang")), val=language, eastAsia=language)
        paragraph_defaults = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        _set_attrs(
            paragraph_defaults.find(qn("w:spacing")),
            after="120", line="264", lineRule="auto",
        )  # fmt: skip

        self._paragraph_style("Normal", space_after=6)
        self._paragraph_style(
            "Title", size=22, bold=True, color=ACCENT, space_before=0,
            space_after=10, keep_with_next=True,
        )  # fmt: skip
        title = styles["Title"].element.get_or_add_pPr()
        for border in title.findall(qn("w:pBdr")):
            title.remove(border)
        self._paragraph_style(
            "Heading 1", size=13, bold=True, color=ACCENT, space_before=16,
            space_after=6, keep_with_next=True,
        )  # fmt: skip
        self._paragraph_style(
            "Heading 2", size=11, bold=True, color=ACCENT, space_before=10,
            space_after=4, keep_with_next=True,
        )  # fmt: skip
        for name in ("Heading 1", "Heading 2"):
            # No italics or theme colours left over from the default template.
            run = styles[name].element.get_or_add_rPr()
            for tag in ("w:i", "w:iCs"):
                for element in run.findall(qn(tag)):
                    run.remove(element)
        self._paragraph_style("List Bullet", space_after=6)
        self._paragraph_style("List Number", space_after=6)
        self._paragraph_style("Header", size=8.5, color=MUTED, space_after=0)
        self._paragraph_style("Footer", size=8.5, color=MUTED, space_after=0)
        for name in ("Header", "Footer"):
            # The default template's tab stops are for US Letter; ours are set below.
            properties = styles[name].element.get_or_add_pPr()
            for tabs in properties.findall(qn("w:tabs")):
                properties.remove(tabs)

        self._new_style(
            "Kicker", size=9, bold=True, color=ACCENT, space_after=2, caps=True,
            keep_with_next=True,
        )  # fmt: skip
        self._new_style("Label", bold=True, space_before=6, space_after=2,
                        keep_with_next=True)  # fmt: skip
        self._new_style("Notice", space_before=10, space_after=14)
        self._new_style("TableText", size=9.5, space_after=0, line=1.0)
        self._new_style("TableAmount", base="TableText", align="right")
        self._new_style("SignatureLine", base="TableText", space_before=34)
        self._new_style("SignatureField", base="TableText", space_before=16)
        self._new_style("Letterhead", size=15, bold=True, color=ACCENT,
                        space_after=0)  # fmt: skip
        self._new_style("LetterheadDetails", size=8.5, color=MUTED, space_after=28)
        self._new_style("Recipient", space_after=0)
        self._new_style("LetterDate", align="right", space_before=12, space_after=12)
        self._new_style("Subject", bold=True, space_after=12, keep_with_next=True)
        # Room for a handwritten signature between the closing and the name.
        self._new_style("Closing", space_after=30, keep_with_next=True)
        self._new_style("Small", size=8.5, color=MUTED, space_after=0)
        # Word's own character style for links (the link and mailto filters).
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.element.set(qn("w:styleId"), "Hyperlink")
        link.font.color.rgb = RGBColor.from_string(ACCENT)
        link.font.underline = True

        # A shaded box with an accent bar on the left; borders in the fill colour
        # pad the text on the other three sides.
        notice = styles[self.style_names["Notice"]].element.get_or_add_pPr()
        pad = f'w:val="single" w:sz="4" w:color="{NOTICE_FILL}"'
        _put(notice, (
            f'<w:pBdr><w:top {pad} w:space="4"/>'
            f'<w:left w:val="single" w:sz="24" w:space="8" w:color="{ACCENT}"/>'
            f'<w:bottom {pad} w:space="4"/><w:right {pad} w:space="8"/></w:pBdr>'
        ), PPR_ORDER)  # fmt: skip
        _put(notice, f'<w:shd w:val="clear" w:color="auto" w:fill="{NOTICE_FILL}"/>',
             PPR_ORDER)  # fmt: skip
        _put(notice, '<w:ind w:left="198" w:right="170"/>', PPR_ORDER)
        # A line to sign on, the signer's name below it; a line with the place and
        # date written on it.
        for key, side in (("SignatureLine", "top"), ("SignatureField", "bottom")):
            line = styles[self.style_names[key]].element.get_or_add_pPr()
            _put(line, (
                f'<w:pBdr><w:{side} w:val="single" w:sz="6" w:space="2" '
                'w:color="000000"/></w:pBdr>'
            ), PPR_ORDER)  # fmt: skip
        self._add_table_style()

    def _style_name(self, key: str) -> str:
        return self.style_names.get(key, key)

    def _paragraph_style(
        self,
        name: str,
        *,
        size: float | None = None,
        bold: bool | None = None,
        color: str | None = None,
        caps: bool = False,
        space_before: float | None = None,
        space_after: float | None = None,
        line: float | None = None,
        keep_with_next: bool | None = None,
        align: str | None = None,
    ) -> None:
        style = self.document.styles[self._style_name(name)]
        font = style.font
        font.name = FONT
        if size is not None:
            font.size = Pt(size)
        if bold is not None:
            font.bold = bold
        if caps:
            font.all_caps = True
        run_properties = style.element.get_or_add_rPr()
        for old in run_properties.findall(qn("w:color")):
            run_properties.remove(old)
        if color is not None:
            font.color.rgb = RGBColor.from_string(color)
        paragraph = style.paragraph_format
        if space_before is not None:
            paragraph.space_before = Pt(space_before)
        if space_after is not None:
            paragraph.space_after = Pt(space_after)
        if line is not None:
            paragraph.line_spacing = line
        if keep_with_next is not None:
            paragraph.keep_with_next = keep_with_next
        if align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def _new_style(self, key: str, *, base: str = "Normal", **look) -> None:
        style = self.document.styles.add_style(
            self.style_names[key], WD_STYLE_TYPE.PARAGRAPH
        )
        style.element.set(qn("w:styleId"), key)
        style.base_style = self.document.styles[self._style_name(base)]
        style.quick_style = True
        self._paragraph_style(key, **look)

    def _add_table_style(self) -> None:
        border = f'w:val="single" w:sz="4" w:space="0" w:color="{RULE}"'
        self.document.styles.element.append(
            parse_xml(f"""
<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="PartnerTable">
  <w:name w:val="{self.style_names["Table"]}"/>
  <w:basedOn w:val="TableNormal"/>
  <w:uiPriority w:val="59"/>
  <w:qFormat/>
  <w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
  <w:tblPr>
    <w:tblBorders>
      <w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>
      <w:insideH {border}/><w:insideV {border}/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="lastRow">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr><w:tcBorders>
      <w:top w:val="single" w:sz="12" w:space="0" w:color="000000"/>
    </w:tcBorders></w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="firstCol">
    <w:rPr><w:b/><w:bCs/></w:rPr>
    <w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{LABEL_FILL}"/></w:tcPr>
  </w:tblStylePr>
</w:style>""")
        )

    def _set_up_numbering(self) -> None:
        """Replace the default numbering with three lists linked to styles."""
        numbering = self.document.part.numbering_part.element
        for child in list(numbering):
            numbering.remove(child)
        indent = 567
        numbering.append(
            parse_xml(f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="{HEADING_NUM}">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:pStyle w:val="Heading1"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:pStyle w:val="Heading2"/><w:lvlText w:val="%1.%2."/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="{indent}" w:hanging="{indent}"/></w:pPr></w:lvl>
</w:abstractNum>""")
        )
        numbering.append(
            parse_xml(f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="{BULLET_NUM}">
  <w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
    <w:pStyle w:val="ListBullet"/><w:lvlText w:val="\u2022"/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr>
    <w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}"/></w:rPr></w:lvl>
</w:abstractNum>""")
        )
        numbering.append(
            parse_xml(f"""
<w:abstractNum {nsdecls("w")} w:abstractNumId="{NUMBER_NUM}">
  <w:multiLevelType w:val="singleLevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
    <w:pStyle w:val="ListNumber"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>
    <w:pPr><w:ind w:left="357" w:hanging="357"/></w:pPr></w:lvl>
</w:abstractNum>""")
        )
        for number in (HEADING_NUM, BULLET_NUM, NUMBER_NUM):
            numbering.append(parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{number}">'
                f'<w:abstractNumId w:val="{number}"/></w:num>'
            ))  # fmt: skip
        linked = {
            "Heading1": (HEADING_NUM, 0),
            "Heading2": (HEADING_NUM, 1),
            "ListBullet": (BULLET_NUM, 0),
            "ListNumber": (NUMBER_NUM, 0),
        }
        for style in self.document.styles.element.findall(qn("w:style")):
            properties = style.find(qn("w:pPr"))
            old = None if properties is None else properties.find(qn("w:numPr"))
            if old is not None:
                properties.remove(old)
            style_id = style.get(qn("w:styleId"))
            if style_id in linked:
                number, level = linked[style_id]
                level_xml = f'<w:ilvl w:val="{level}"/>' if level else ""
                _put(style.get_or_add_pPr(), (
                    f'<w:numPr>{level_xml}<w:numId w:val="{number}"/></w:numPr>'
                ), PPR_ORDER)  # fmt: skip

    def _set_up_properties(self, title: str, subject: str, author: str) -> None:
        properties = self.document.core_properties
        properties.title = title
        properties.subject = subject
        properties.author = author
        properties.comments = ""
        properties.keywords = ""
        properties.category = ""
        properties.last_modified_by = ""
        properties.language = LOCALE_TAGS[self.language]
        properties.revision = 1
        properties.created = properties.modified = dt.datetime(*BUILD_TIMESTAMP)

    # ---------------------------------------------------------------- paragraphs
    def paragraph(
        self,
        text: str = "",
        style: str | None = None,
        *,
        keep_with_next: bool = False,
        after_table: bool = False,
    ) -> Paragraph:
        """Add a paragraph whose text (tags included) is one run.

        ``keep_with_next`` keeps an introduction on the page of what follows;
        ``after_table`` adds the space a table cannot give below itself.
        """
        paragraph = self.document.add_paragraph(style=self._style(style))
        if text:
            paragraph.add_run(unbreakable_dates(text))
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        if after_table:
            paragraph.paragraph_format.space_before = Pt(9)
        return paragraph

    def _style(self, key: str | None):
        if key is None:
            return None
        return self.document.styles[self._style_name(key)]

    def labelled(
        self, label: str, value: str, condition: str, *, keep_with_next: bool = False
    ) -> None:
        """A paragraph "Label: value", shown only when ``condition`` holds."""
        with self.when(condition):
            paragraph = self.paragraph(keep_with_next=keep_with_next)
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(unbreakable_dates(value))

    def tag(self, statement: str) -> None:
        """A paragraph holding only ``{%p statement %}``; docxtpl removes it."""
        self.paragraph(f"{{%p {statement} %}}")

    @contextmanager
    def when(self, condition: str) -> Iterator[None]:
        """Everything added inside appears only when ``condition`` holds."""
        self.tag(f"if {condition}")
        yield
        self.tag("endif")

    @contextmanager
    def each(self, loop: str) -> Iterator[None]:
        """Everything added inside is repeated: ``loop`` is "item in items"."""
        self.tag(f"for {loop}")
        yield
        self.tag("endfor")

    def heading(self, text: str, level: int = 1) -> None:
        """A numbered heading (the numbering comes from the heading style)."""
        self.paragraph(text, f"Heading {level}")

    def bullets(self, items: str, item: str = "item", text: str = "{{ item }}") -> None:
        """A bulleted list with one bullet per element of ``items``."""
        with self.each(f"{item} in {items}"):
            self.paragraph(text, "List Bullet")

    # ---------------------------------------------------------------- tables
    def _table(self, widths: Sequence[int], rows: int) -> Table:
        table = self.document.add_table(rows=rows, cols=len(widths))
        table.style = self.document.styles[self.style_names["Table"]]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        properties = table._tbl.tblPr
        _put(properties, f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>', TBLPR_ORDER)
        _put(properties, '<w:tblLayout w:type="fixed"/>', TBLPR_ORDER)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Twips(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Twips(width)
            self._cant_split(row)
        return table

    @staticmethod
    def _cant_split(row) -> None:
        _child(row._tr.get_or_add_trPr(), "w:cantSplit")

    @staticmethod
    def _look(table: Table, *, first_row: bool, last_row: bool, first_column: bool):
        look = _put(table._tbl.tblPr, "<w:tblLook/>", TBLPR_ORDER)
        flags = {
            "firstRow": first_row, "lastRow": last_row, "firstColumn": first_column,
            "lastColumn": False, "noHBand": True, "noVBand": True,
        }  # fmt: skip
        bits = (0x20 * first_row) | (0x40 * last_row) | (0x80 * first_column)
        bits |= 0x200 | 0x400
        look.set(qn("w:val"), f"{bits:04X}")
        for name, on in flags.items():
            look.set(qn(f"w:{name}"), "1" if on else "0")

    def _fill_cell(self, cell, text: str, *, style: str = "TableText", bold=False):
        paragraph = cell.paragraphs[0]
        paragraph.style = self._style(style)
        run = paragraph.add_run(unbreakable_dates(text))
        if bold:
            run.bold = True
        return paragraph

    def _tag_row(self, table: Table, statement: str) -> None:
        row = table.add_row()
        self._fill_cell(row.cells[0], f"{{%tr {statement} %}}")

    def data_table(
        self,
        columns: Sequence[Column],
        loop: str,
        totals: Sequence[Total] = (),
        *,
        optional: Mapping[int, str] | None = None,
        grow: int = 0,
    ) -> None:
        """A table with a repeated header row, one row per element of ``loop``
        and optional total rows (``None`` joins a cell to the one on its left;
        a ``(loop, cells)`` total is repeated per element of its loop).

        ``optional`` maps a column's index to the condition under which some row
        has a value in it: the template then holds one table per combination,
        and a column no row fills is left out, its width given to column
        ``grow``.
        """
        if not optional:
            self._data_table(columns, loop, totals)
            return
        indices = sorted(optional)
        first = True
        for shown in itertools.product((True, False), repeat=len(indices)):
            dropped = {i for i, on in zip(indices, shown, strict=True) if not on}
            condition = " and ".join(
                f"({optional[i]})" if on else f"not ({optional[i]})"
                for i, on in zip(indices, shown, strict=True)
            )
            self.tag(f"{'if' if first else 'elif'} {condition}")
            first = False
            kept = [c for i, c in enumerate(columns) if i not in dropped]
            extra = sum(columns[i].width for i in dropped)
            target = columns[grow]
            kept = [
                dataclasses.replace(c, width=c.width + extra) if c is target else c
                for c in kept
            ]
            self._data_table(kept, loop, [_drop_cells(t, dropped) for t in totals])
        self.tag("endif")

    def _data_table(
        self, columns: Sequence[Column], loop: str, totals: Sequence[Total]
    ) -> None:
        widths = [column.width for column in columns]
        table = self._table(widths, rows=1)
        header = table.rows[0]
        _child(header._tr.get_or_add_trPr(), "w:tblHeader")
        for cell, column in zip(header.cells, columns, strict=True):
            style = "TableAmount" if column.amount else "TableText"
            self._fill_cell(cell, column.header, style=style)
            # Never leave the header row alone at the foot of a page.
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        self._tag_row(table, f"for {loop}")
        row = table.add_row()
        for cell, column in zip(row.cells, columns, strict=True):
            style = "TableAmount" if column.amount else "TableText"
            paragraph = self._fill_cell(
                cell, column.value, style=style, bold=column.bold
            )
            # A table stays whole up to a page: a short table never splits
            # one row and one, and lines and sums read together.
            paragraph.paragraph_format.keep_with_next = True
        self._tag_row(table, "endfor")
        for total in totals:
            if isinstance(total, tuple):
                total_loop, cells = total
                self._tag_row(table, f"for {total_loop}")
            else:
                cells = total
            row = table.add_row()
            for index, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
                if text is None:
                    continue
                span_end = index
                while span_end + 1 < len(cells) and cells[span_end + 1] is None:
                    span_end += 1
                if span_end > index:
                    cell = cell.merge(row.cells[span_end])
                style = "TableAmount" if columns[span_end].amount else "TableText"
                self._fill_cell(cell, text, style=style)
            if isinstance(total, tuple):
                self._tag_row(table, "endfor")
        for row in table.rows:
            self._cant_split(row)
        self._look(table, first_row=True, last_row=bool(totals), first_column=False)

    def key_value_table(self, rows: Sequence[tuple[str, Sequence[str], str | None]]):
        """A two-column table of labels and values; a row with a condition is
        shown only when it holds, and the table only when some row is shown.

        Each row is (label, value paragraphs, condition). A value paragraph may be
        "IF condition::text" to appear only when the condition holds.
        """
        conditions = [condition for _, _, condition in rows]
        table_condition = (
            None if None in conditions else " or ".join(str(c) for c in conditions)
        )
        if table_condition:
            self.tag(f"if {table_condition}")
        table = self._table([2400, TEXT_WIDTH - 2400], rows=0)
        for label, values, condition in rows:
            if condition:
                self._tag_row(table, f"if {condition}")
            row = table.add_row()
            self._fill_cell(row.cells[0], label)
            cell = row.cells[1]
            for index, value in enumerate(values):
                if value.startswith("IF "):
                    value_condition, value = value[3:].split("::", 1)
                    cell.add_paragraph(f"{{%p if {value_condition} %}}")
                    cell.add_paragraph(
                        unbreakable_dates(value), style=self._style("TableText")
                    )
                    cell.add_paragraph("{%p endif %}")
                elif index == 0:
                    self._fill_cell(cell, value)
                else:
                    cell.add_paragraph(
                        unbreakable_dates(value), style=self._style("TableText")
                    )
            if condition:
                self._tag_row(table, "endif")
        for row in table.rows:
            self._cant_split(row)
        self._look(table, first_row=False, last_row=False, first_column=True)
        if table_condition:
            self.tag("endif")

    def signature_table(self) -> None:
        """A grid of signer blocks, two to a row, for any number of parties.

        Each block (for whom, place and date, signature line, name and title)
        sits in one cell of a row that cannot split, so a signer's block never
        breaks across pages. The place and date are the party's own
        (``party.signing``), else the document's (``signing``), else a blank
        line to fill in by hand; a date never breaks inside.
        """
        half = TEXT_WIDTH // 2
        table = self._table([half, TEXT_WIDTH - half], rows=0)
        self._tag_row(table, "for pair in parties|batch(2)")
        row = table.add_row()
        for index, cell in enumerate(row.cells):
            self._signer_block(cell, f"pair[{index}]")
        self._tag_row(table, "endfor")
        for row in table.rows:
            self._cant_split(row)
        properties = table._tbl.tblPr
        _put(properties, (
            '<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
            '<w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/>'
            '<w:insideV w:val="nil"/></w:tblBorders>'
        ), TBLPR_ORDER)  # fmt: skip
        _put(properties, (
            '<w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
            '<w:right w:w="567" w:type="dxa"/></w:tblCellMar>'
        ), TBLPR_ORDER)  # fmt: skip
        self._look(table, first_row=False, last_row=False, first_column=False)

    def _signer_block(self, cell, party: str) -> None:
        """One signer's block in ``cell``; ``party`` is a Jinja expression that
        may be undefined (the empty half of the last row)."""
        words = self.words

        def place_and_date(source: str) -> str:
            return (
                f"{{{{ [{source}.place, {source}.date|date|replace(' ', '\u00a0')]"
                "|select|join(', ') }}"
            )

        lines: list[tuple[str, str, bool]] = [
            (f"{{%p if {party} is defined %}}", "TableText", False),
            (words["sign_for"].replace("party.", f"{party}."), "TableText", True),
            (
                f"{{% if {party}.signing %}}{place_and_date(f'{party}.signing')}"
                f"{{% elif signing %}}{place_and_date('signing')}{{% endif %}}",
                "SignatureField",
                False,
            ),
            (words["place_and_date"], "TableText", False),
            (
                f"{{% if {party}.representative.name %}}"
                f"{{{{ {party}.representative.name }}}}{{% else %}}"
                f"{words['name_and_title']}{{% endif %}}",
                "SignatureLine",
                False,
            ),
            (f"{{%p if {party}.representative.title %}}", "TableText", False),
            (f"{{{{ {party}.representative.title }}}}", "TableText", False),
            ("{%p endif %}", "TableText", False),
            ("{%p endif %}", "TableText", False),
        ]
        for index, (text, style, bold) in enumerate(lines):
            if index == 0:
                paragraph = self._fill_cell(cell, text, style=style, bold=bold)
            else:
                paragraph = cell.add_paragraph(style=self._style(style))
                paragraph.add_run(text).bold = bold
            paragraph.paragraph_format.keep_with_next = True
        # docxtpl removes the {%p %} paragraphs; a cell needs one paragraph left.
        cell.add_paragraph(style=self._style("TableText"))

    def closing_paragraph(self) -> None:
        """Word needs a paragraph after a final table; keep it tiny."""
        paragraph = self.paragraph(style="Small")
        paragraph.paragraph_format.space_before = Pt(0)

    # ---------------------------------------------------------------- header/footer
    def header_and_footer(self, header_text: str, right_text: str) -> None:
        """Running header (title, reference) from page 2; page X of Y on every page."""
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.style = self._style("Header")
        header.paragraph_format.tab_stops.add_tab_stop(
            Twips(TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT
        )
        header.add_run(header_text)
        header.add_run("\t")
        header.add_run(right_text)
        _put(header._p.get_or_add_pPr(), (
            f'<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="4" '
            f'w:color="{RULE}"/></w:pBdr>'
        ), PPR_ORDER)  # fmt: skip
        for footer in (section.footer, section.first_page_footer):
            paragraph = footer.paragraphs[0]
            paragraph.style = self._style("Footer")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run(f"{self.words['page']} ")
            self._field(paragraph, "PAGE")
            paragraph.add_run(f" {self.words['page_of']} ")
            self._field(paragraph, "NUMPAGES")
        first_header = section.first_page_header.paragraphs[0]
        first_header.style = self._style("Header")

    @staticmethod
    def _field(paragraph: Paragraph, instruction: str) -> None:
        for xml in (
            '<w:fldChar w:fldCharType="begin"/>',
            f'<w:instrText xml:space="preserve"> {instruction} </w:instrText>',
            '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>1</w:t>",
            '<w:fldChar w:fldCharType="end"/>',
        ):
            paragraph.add_run()._r.append(_with_ns(xml))

    # ---------------------------------------------------------------- saving
    def save(self, path: Path) -> None:
        """Write the template with fixed zip timestamps and no thumbnail."""
        package = self.document.part.package
        for key, relationship in list(package.rels.items()):
            if relationship.reltype == RT.THUMBNAIL:
                package.rels.pop(key)
        buffer = io.BytesIO()
        self.document.save(buffer)
        buffer.seek(0)
        output = io.BytesIO()
        with (
            zipfile.ZipFile(buffer) as source,
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                info = zipfile.ZipInfo(item.filename, date_time=BUILD_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                content = source.read(item.filename)
                if item.filename in PROPERTY_PARTS:
                    content = _document_properties(content.decode()).encode()
                target.writestr(info, content)
        path.write_bytes(output.getvalue())


#: Parts whose properties are set per rendered document (see _document_properties).
PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml")
APPLICATION = "Partnership documents"


def _document_properties(xml: str) -> str:
    """Created and modified become the render time (``rendered_at``), and the
    application is this service, not the Word that made python-docx's default
    template."""
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*BUILD_TIMESTAMP)
    xml = xml.replace(f">{stamp}<", ">{{ rendered_at }}<")
    return re.sub(
        r"<Application>[^<]*</Application>",
        f"<Application>{APPLICATION}</Application>",
        xml,
    )


def period(start: str, end: str, words: dict[str, str], *, wrap: bool = False) -> str:
    """Jinja text for a period: "1. februar 2026 – 15. marts 2026", or one end.

    ``wrap`` breaks the line after the dash (for narrow table columns; docxtpl
    turns the rendered newline into a Word line break).
    """
    dash = " –{{ '\\n' }}" if wrap else " – "
    return (
        f"{{% if {start} and {end} %}}{{{{ {start}|date }}}}{dash}{{{{ {end}|date }}}}"
        f"{{% elif {start} %}}{words['from']} {{{{ {start}|date }}}}"
        f"{{% elif {end} %}}{words['until']} {{{{ {end}|date }}}}{{% endif %}}"
    )


def person(path: str) -> list[str]:
    """Value paragraphs for a person: "name, title" and "e-mail · phone"."""
    return [
        f"{{{{ [{path}.name, {path}.title]|select|join(', ') }}}}",
        f"IF {path}.email or {path}.phone::"
        f"{{{{ [{path}.email|mailto, {path}.phone]|select|join(' · ') }}}}",
    ]


# ============================================================== shared sections


def title_block(t: Template, kicker: str) -> None:
    """Document type, title and the key facts: reference, type, parties, period.

    The document type is left out when the title already says it.
    """
    w = t.words
    with t.when(f"'{kicker.lower()}' not in title|lower"):
        t.paragraph(kicker, "Kicker")
    t.paragraph("{{ title }}", "Title")
    t.key_value_table([
        (w["reference"], ["{{ reference }}"], "reference"),
        (w["partnership_type"], ["{{ partnership_type|label|capitalize }}"],
         "partnership_type"),
        # One party a line (a line break, not a paragraph: the cell keeps one).
        (w["parties"], ["{{ parties|map(attribute='name')|join('\\n') }}"], None),
        (w["period"], [period("term.start_date", "term.end_date", w)],
         "term.start_date or term.end_date"),
    ])  # fmt: skip


#: A party gets its own subsection only when there is something to say about it.
PARTY_DETAILS = " or ".join(
    f"party.{field}"
    for field in (
        "sector registration_number address country website representative "
        "contact_person contributions expectations dependent"
    ).split()
)
#: True when a party's name holds a comma: a joined list would be ambiguous.
COMMA_IN_NAMES = "',' in parties|map(attribute='name')|join('')"


def parties_section(
    t: Template,
    between: str,
    between_list: str,
    dependent_note: str | None = None,
) -> None:
    """Who the parties are, then one subsection per party with its facts,
    contributions and expectations."""
    w = t.words
    t.heading(w["parties"])
    t.tag(f"if {COMMA_IN_NAMES}")
    t.paragraph(between_list, keep_with_next=True)
    t.bullets("parties", "party", "{{ party.name }}")
    t.tag("else")
    t.paragraph(between)
    t.tag("endif")
    with t.each("party in parties"), t.when(PARTY_DETAILS):
        t.heading("{{ party.name }}", 2)
        t.key_value_table([
            (w["sector"], ["{{ party.sector|label|capitalize }}"], "party.sector"),
            (w["registration_number"], ["{{ party.registration_number }}"],
             "party.registration_number"),
            (w["address"], ["{{ party.address }}"], "party.address"),
            (w["country"], ["{{ party.country|country }}"], "party.country"),
            (w["website"], ["{{ party.website|link }}"], "party.website"),
            (w["representative"], person("party.representative"),
             "party.representative"),
            (w["contact_person"], person("party.contact_person"),
             "party.contact_person"),
        ])  # fmt: skip
        with t.when("party.contributions"):
            t.paragraph(w["contributions"], "Label")
            t.bullets("party.contributions", "contribution", "{{ contribution }}")
        with t.when("party.expectations"):
            t.paragraph(w["expectations"], "Label")
            t.paragraph("{{ party.expectations }}")
        if dependent_note:
            with t.when("party.dependent"):
                t.paragraph(dependent_note, "Notice")


def text_section(t: Template, heading: str, field: str) -> None:
    """A heading and one paragraph of free text, shown when the field is given."""
    with t.when(field):
        t.heading(heading)
        t.paragraph(f"{{{{ {field} }}}}")


def values_section(t: Template, intro: str) -> None:
    """The shared values as bullets."""
    with t.when("values"):
        t.heading(t.words["values"])
        t.paragraph(intro, keep_with_next=True)
        t.bullets("values", "value", "{{ value }}")


def signatures_section(t: Template, intro: str) -> None:
    """Signature block: one column per party, kept together on one page."""
    t.heading(t.words["signatures"])
    intro_paragraph = t.paragraph(intro)
    intro_paragraph.paragraph_format.keep_with_next = True
    t.signature_table()
    t.closing_paragraph()


# ============================================================== the agreement


def agreement_parties(t: Template, a: dict[str, str]) -> None:
    """The parties, with a note on each dependent party."""
    parties_section(
        t, a["between"], a["between_list"], dependent_note=a["dependent_note"]
    )


def agreement_background(t: Template, a: dict[str, str]) -> None:
    """Background, vision and mission, bottom lines.

    The heading names what is there; the run-in labels appear only when both
    vision and mission do.
    """
    text_section(t, t.words["background"], "background")
    with t.when("vision or mission"):
        t.heading(
            f"{{% if vision and mission %}}{a['vision_mission']}"
            f"{{% elif vision %}}{t.words['vision']}{{% else %}}{a['mission']}"
            "{% endif %}"
        )
        for field, label in (("vision", t.words["vision"]), ("mission", a["mission"])):
            with t.when(field):
                with t.when("vision and mission"):
                    t.paragraph(label, "Label")
                t.paragraph(f"{{{{ {field} }}}}")
    with t.when("bottom_lines"):
        t.heading(a["bottom_lines"])
        t.paragraph(a["bottom_lines_text"])


def _every(items: str, attribute: str) -> str:
    """Jinja condition: every element of ``items`` has ``attribute``."""
    return f"not {items}|rejectattr('{attribute}')|list"


def _some(items: str, attribute: str) -> str:
    """Jinja condition: some element of ``items`` has ``attribute``."""
    return f"{items}|selectattr('{attribute}')|list"


def agreement_goals(t: Template, a: dict[str, str]) -> None:
    """Impact and relationship goals: one table, or two subsections when the
    agreement has both kinds. Indicator and deadline columns only when filled."""
    columns = [
        Column(a["goal"], 3770, "{{ goal.description }}"),
        Column(a["indicator"], 3200, "{{ goal.indicator }}"),
        Column(a["deadline"], 2100, "{{ goal.deadline|date }}"),
    ]
    with t.when("impact_goals or relationship_goals"):
        t.heading(a["goals"])
        every_indicator, every_deadline = (
            _every("goals", "indicator"),
            _every("goals", "deadline"),
        )
        t.tag(f"if {every_indicator} and {every_deadline}")
        t.paragraph(a["goals_intro"], keep_with_next=True)
        t.tag(f"elif {every_indicator}")
        t.paragraph(a["goals_intro_indicator"], keep_with_next=True)
        t.tag(f"elif {every_deadline}")
        t.paragraph(a["goals_intro_deadline"], keep_with_next=True)
        t.tag("endif")
        for kind in ("impact", "relationship"):
            goals = f"{kind}_goals"
            with t.when(goals):
                with t.when("impact_goals and relationship_goals"):
                    t.heading(a[f"{kind}_goals"], 2)
                t.paragraph(a[f"{kind}_intro"], keep_with_next=True)
                t.data_table(
                    columns,
                    f"goal in {goals}",
                    optional={
                        1: _some(goals, "indicator"),
                        2: _some(goals, "deadline"),
                    },
                )


def agreement_activities(t: Template, a: dict[str, str]) -> None:
    """Activities with responsible parties and periods; milestones."""
    with t.when("activities"):
        t.heading(a["activities"])
        with t.when(_some("activities", "responsible")):
            t.paragraph(a["activities_intro"], keep_with_next=True)
        t.data_table(
            [
                Column(a["activity"], 1900, "{{ activity.title }}", bold=True),
                Column(a["description"], 3270, "{{ activity.description }}"),
                Column(
                    t.words["responsible"],
                    1900,
                    "{% if activity.responsible %}"
                    "{{ activity.responsible|party_names|join('\\n') }}"
                    f"{{% else %}}{t.words['jointly']}{{% endif %}}",
                ),
                Column(
                    t.words["period"],
                    2000,
                    period("activity.start", "activity.end", t.words, wrap=True),
                ),
            ],
            "activity in activities",
            optional={
                1: _some("activities", "description"),
                2: _some("activities", "responsible"),
                3: f"{_some('activities', 'start')} or {_some('activities', 'end')}",
            },
            grow=1,
        )
    with t.when("milestones"):
        t.heading(a["milestones"])
        t.paragraph(a["milestones_intro"], keep_with_next=True)
        t.data_table(
            [
                Column(t.words["date"], 2300, "{{ milestone.date|date }}"),
                Column(
                    a["milestone"], TEXT_WIDTH - 2300, "{{ milestone.description }}"
                ),
            ],
            "milestone in milestones",
        )


#: Roles that say something beyond the party's name.
DESCRIBED_ROLES = f"{_some('roles', 'title')} or {_some('roles', 'responsibilities')}"


def agreement_roles(t: Template, a: dict[str, str]) -> None:
    """Each party's role and responsibilities (roles that only name a party
    say nothing and are left out)."""
    with t.when(DESCRIBED_ROLES):
        t.heading(a["roles"])
        t.paragraph(a["roles_intro"], keep_with_next=True)
        with t.each("role in roles"), t.when("role.title or role.responsibilities"):
            t.paragraph(
                "{{ role.party|party_name }}{% if role.title %} – {{ role.title }}"
                "{% endif %}",
                "Label",
            )
            t.bullets("role.responsibilities", "responsibility", "{{ responsibility }}")


def agreement_governance(t: Template, a: dict[str, str]) -> None:
    """Steering structure, meetings, decisions and minutes."""
    with t.when("governance"):
        t.heading(a["governance"])
        for label, field in (
            ("structure", "structure"),
            ("meetings", "meeting_frequency"),
            ("decisions", "decision_making"),
            ("minutes", "minutes"),
        ):
            t.labelled(a[label], f"{{{{ governance.{field} }}}}", f"governance.{field}")


#: External funding that may still be refused.
PENDING_FUNDING = (
    "budget.external_funding|selectattr('status', 'in', ['planned', 'applied'])|list"
)


def agreement_budget(t: Template, a: dict[str, str]) -> None:
    """Budget lines with their period and the parties' commitment, totals per
    party, external funding with subtotals by status and what a refusal means."""
    with t.when("budget.lines or budget.external_funding"):
        t.heading(a["budget"])
        with t.when("budget.lines"):
            t.paragraph(a["budget_intro"], keep_with_next=True)
            t.data_table(
                [
                    Column(a["item"], 3870, "{{ line.description }}"),
                    Column(a["party"], 2300, "{{ line.party|party_name }}"),
                    Column(
                        a["form"],
                        1300,
                        f"{{% if line.in_kind %}}{a['in_kind']}{{% else %}}"
                        f"{a['cash']}{{% endif %}}",
                    ),
                    Column(a["amount"], 1600, "{{ line.amount|money }}", amount=True),
                ],
                "line in budget.lines",
                totals=[
                    [a["budget_total"], None, None, "{{ budget.totals.total|money }}"]
                ],
                optional={2: "budget.totals.in_kind"},
            )
            t.paragraph(a["commitment"], after_table=True)
            with t.when("budget.party_totals|length > 1"):
                t.heading(a["party_totals"], 2)
                t.data_table(
                    [
                        Column(a["party"], 3070, "{{ share.name }}"),
                        Column(a["cash"], 2000, "{{ share.cash|money }}",
                               amount=True),
                        Column(a["in_kind"], 2000, "{{ share.in_kind|money }}",
                               amount=True),
                        Column(a["total"], 2000, "{{ share.total|money }}",
                               amount=True),
                    ],
                    "share in budget.party_totals",
                    totals=[[
                        a["total"],
                        "{{ budget.totals.cash|money }}",
                        "{{ budget.totals.in_kind|money }}",
                        "{{ budget.totals.total|money }}",
                    ]],
                    optional={1: "budget.totals.in_kind", 2: "budget.totals.in_kind"},
                )  # fmt: skip
        with t.when("budget.external_funding"):
            t.heading(a["external_funding"], 2)
            t.paragraph(a["external_intro"], keep_with_next=True)
            t.data_table(
                [
                    Column(a["source"], 3270, "{{ funding.source }}"),
                    Column(t.words["responsible"], 2300,
                           "{{ funding.responsible|party_name }}"),
                    Column(a["status"], 1600, "{{ funding.status|label|capitalize }}"),
                    Column(a["amount"], 1900, "{{ funding.amount|money }}",
                           amount=True),
                ],
                "funding in budget.external_funding",
                totals=[(
                    "subtotal in budget.external_by_status",
                    [a["status_total"], None, None, "{{ subtotal.amount|money }}"],
                )],
                optional={
                    1: _some("budget.external_funding", "responsible"),
                    3: _some("budget.external_funding", "amount"),
                },
            )  # fmt: skip
            with t.when(PENDING_FUNDING):
                t.paragraph(
                    "{% if budget.if_refused %}{{ budget.if_refused }}{% else %}"
                    f"{a['if_refused']}{{% endif %}}",
                    after_table=True,
                )


def agreement_follow_up(t: Template, a: dict[str, str]) -> None:
    """How and when progress and the partnership are reviewed."""
    with t.when("follow_up"):
        t.heading(a["follow_up"])
        t.paragraph(a["follow_up_intro"], keep_with_next=True)
        t.labelled(a["frequency"], "{{ follow_up.frequency }}", "follow_up.frequency")
        with t.when("follow_up.methods"):
            t.paragraph(a["methods"], "Label")
            t.bullets("follow_up.methods", "method", "{{ method }}")
        t.labelled(
            a["evaluation"], "{{ follow_up.evaluation }}", "follow_up.evaluation"
        )
        t.labelled(
            a["review_dates"],
            "{{ follow_up.review_dates|map('date')|map('replace', ' ', '\\u00a0')"
            "|join_and|full_stop }}",
            "follow_up.review_dates",
        )


def agreement_values_and_communication(t: Template, a: dict[str, str]) -> None:
    """Shared values and external communication."""
    values_section(t, a["values_intro"])
    text_section(t, a["communication"], "communication")


def agreement_capacity_building(t: Template, a: dict[str, str]) -> None:
    """Who builds whose capacity in what, and how."""
    with t.when("capacity_building"):
        t.heading(a["capacity_building"])
        t.paragraph(a["capacity_intro"], keep_with_next=True)
        with t.when("dependent_parties"):
            t.paragraph(a["capacity_dependent"], keep_with_next=True)
        t.data_table(
            [
                Column(a["area"], 2000, "{{ item.area }}", bold=True),
                Column(a["beneficiary"], 1900, "{{ item.beneficiary|party_name }}"),
                Column(a["measures"], 3270, "{{ item.measures }}"),
                Column(t.words["responsible"], 1900,
                       "{{ item.responsible|party_name }}"),
            ],
            "item in capacity_building",
            optional={
                2: _some("capacity_building", "measures"),
                3: _some("capacity_building", "responsible"),
            },
        )  # fmt: skip


def agreement_phase_out(t: Template, a: dict[str, str]) -> None:
    """Time horizon, phase-out plan, dated steps and notice."""
    with t.when("phase_out"):
        t.heading(a["phase_out"])
        t.paragraph(a["phase_out_intro"], keep_with_next=True)
        t.labelled(a["horizon"], "{{ phase_out.horizon }}", "phase_out.horizon")
        t.labelled(a["plan"], "{{ phase_out.plan }}", "phase_out.plan")
        with t.when("phase_out.steps"):
            t.data_table(
                [
                    Column(t.words["date"], 2300, "{{ step.date|date }}"),
                    Column(a["step"], TEXT_WIDTH - 2300, "{{ step.description }}"),
                ],
                "step in phase_out.steps",
                optional={0: _some("phase_out.steps", "date")},
                grow=1,
            )
        with t.when("phase_out.notice_months"):
            t.paragraph(a["notice"], after_table=True)


def agreement_term(t: Template, a: dict[str, str]) -> None:
    """Term, and renewal when the agreement says how."""
    with t.when("term"):
        t.heading(
            f"{{% if term.renewal %}}{a['term_and_renewal']}{{% else %}}{a['term']}"
            "{% endif %}"
        )
        with t.when("term.start_date or term.end_date"):
            t.paragraph(a["term_text"])
        t.labelled(t.words["term_renewal"], "{{ term.renewal }}", "term.renewal")


def agreement_termination(t: Template, a: dict[str, str]) -> None:
    """Disputes; ending by notice (opsigelse) as the last resort; ending for
    breach (ophævelse). Each said once."""
    t.heading(a["termination"])
    t.paragraph(a["disputes_intro"])
    with t.when("disputes"):
        t.paragraph("{{ disputes }}")
    t.paragraph(a["last_resort"])
    t.paragraph(a["notice_period"])
    with t.when("termination.conditions"):
        t.paragraph("{{ termination.conditions }}")
    t.paragraph(a["breach"])


def _clause(t: Template, label: str, text: str, *, keep_with_next: bool = False):
    t.paragraph(label, "Label")
    t.paragraph(text, keep_with_next=keep_with_next)


def agreement_general(t: Template, a: dict[str, str]) -> None:
    """The lawyer's clauses: the parties' choices where they made them, sensible
    defaults where a clause is always needed. Amendments, always there, come
    last and keep with the signatures: the signatures never stand on a page
    without text of the agreement."""
    t.heading(a["general"])
    with t.when("annexes"):
        t.paragraph(a["annexes_label"], "Label")
        t.paragraph(a["annexes_intro"], keep_with_next=True)
        with t.each("annex in annexes"):
            t.paragraph(a["annex"], "List Bullet")
        t.paragraph(a["annexes_precedence"])
    with t.when("legal.withdrawal or parties|length > 2"):
        _clause(
            t,
            a["withdrawal_label"],
            "{% if legal.withdrawal %}{{ legal.withdrawal }}{% else %}"
            f"{a['withdrawal']}{{% endif %}}",
        )
    _clause(
        t,
        a["liability_label"],
        "{% if legal.liability %}{{ legal.liability }}{% else %}"
        f"{a['liability']}{{% endif %}}",
    )
    with t.when("legal.ownership or budget.lines or phase_out"):
        _clause(
            t,
            a["ownership_label"],
            "{% if legal.ownership %}{{ legal.ownership }}{% else %}"
            f"{a['ownership']}{{% endif %}}",
        )
    with t.when("legal.accounting or budget.external_funding"):
        _clause(
            t,
            a["accounting_label"],
            "{% if legal.accounting %}{{ legal.accounting }}{% else %}"
            f"{a['accounting']}{{% endif %}}",
        )
    with t.when("legal.personal_data"):
        _clause(t, a["personal_data_label"], a["personal_data"])
        with t.when("legal.personal_data.shared"):
            t.paragraph(a["personal_data_shared"])
    with t.when("legal.safeguarding"):
        _clause(t, a["safeguarding_label"], a["safeguarding"])
    with t.when("legal.anti_corruption"):
        _clause(t, a["anti_corruption_label"], a["anti_corruption"])
    with t.when("legal.governing_law or legal.venue"):
        _clause(t, a["law_label"], a["law"])
    with t.when("legal.prevailing_language"):
        _clause(t, a["language_label"], a["language_precedence"])
    _clause(t, a["amendments_label"], a["amendments"], keep_with_next=True)


def build_agreement(language: str) -> Template:
    """The partnership agreement."""
    a = AGREEMENT[language]
    t = Template(
        language, title_property=TITLE_PROPERTY, subject=a["kicker"], author=PARTIES
    )
    t.header_and_footer("{{ title }}", "{{ reference }}")
    title_block(t, a["kicker"])
    t.paragraph(a["intro"], after_table=True)
    for section in (
        agreement_parties,
        agreement_background,
        agreement_goals,
        agreement_activities,
        agreement_roles,
        agreement_governance,
        agreement_budget,
        agreement_follow_up,
        agreement_values_and_communication,
        agreement_capacity_building,
        agreement_phase_out,
        agreement_term,
        agreement_termination,
        agreement_general,
    ):
        section(t, a)
    signatures_section(t, a["signatures_intro"])
    return t


# ============================================================== the understanding


def understanding_statement(t: Template, u: dict[str, str]) -> None:
    """Whether the paper binds the parties, said plainly."""
    t.tag("if binding")
    t.paragraph(u["binding"], "Notice")
    t.tag("else")
    t.paragraph(u["not_binding"], "Notice")
    t.tag("endif")


def understanding_content(t: Template, u: dict[str, str]) -> None:
    """Purpose, background, vision, areas of cooperation, values."""
    text_section(t, u["purpose"], "purpose")
    text_section(t, t.words["background"], "background")
    text_section(t, t.words["vision"], "vision")
    with t.when("areas_of_cooperation"):
        t.heading(u["areas"])
        t.paragraph(u["areas_intro"], keep_with_next=True)
        t.bullets("areas_of_cooperation", "area", "{{ area }}")
    values_section(t, u["values_intro"])


def understanding_next_steps(t: Template, u: dict[str, str]) -> None:
    """Next steps with responsible parties and dates."""
    with t.when("next_steps"):
        t.heading(u["next_steps"])
        t.paragraph(u["next_steps_intro"], keep_with_next=True)
        t.data_table(
            [
                Column(u["step"], 4770, "{{ step.description }}"),
                Column(
                    t.words["responsible"],
                    2300,
                    "{% if step.responsible %}{{ step.responsible|party_name }}"
                    f"{{% else %}}{t.words['jointly']}{{% endif %}}",
                ),
                Column(t.words["date"], 2000, "{{ step.date|date }}"),
            ],
            "step in next_steps",
            optional={2: _some("next_steps", "date")},
        )


def understanding_term(t: Template, u: dict[str, str]) -> None:
    """How long the paper applies, and renewal; kept with the signatures, so
    they never stand on a page without text of the paper."""
    with t.when("term"):
        t.heading(u["term"])
        with t.when("term.start_date or term.end_date"):
            t.paragraph(u["term_text"], keep_with_next=True)
        t.labelled(
            t.words["term_renewal"],
            "{{ term.renewal }}",
            "term.renewal",
            keep_with_next=True,
        )


def build_understanding(language: str) -> Template:
    """The understanding paper (memorandum of understanding)."""
    u = UNDERSTANDING[language]
    t = Template(
        language, title_property=TITLE_PROPERTY, subject=u["kicker"], author=PARTIES
    )
    t.header_and_footer("{{ title }}", "{{ reference }}")
    title_block(t, u["kicker"])
    understanding_statement(t, u)
    parties_section(t, u["between"], u["between_list"])
    understanding_content(t, u)
    understanding_next_steps(t, u)
    understanding_term(t, u)
    t.heading(t.words["signatures"])
    t.tag("if binding")
    t.paragraph(u["signatures_binding"]).paragraph_format.keep_with_next = True
    t.tag("else")
    t.paragraph(u["signatures_not_binding"]).paragraph_format.keep_with_next = True
    t.tag("endif")
    t.signature_table()
    t.closing_paragraph()
    return t


# ============================================================== the letter


def letter_head(t: Template, m: dict[str, str]) -> None:
    """Sender letterhead, recipient block, date and subject."""
    t.paragraph("{{ sender.name }}", "Letterhead")
    t.paragraph(
        "{{ [sender.address, sender.website|link]|select|join('  ·  ') }}",
        "LetterheadDetails",
    )
    t.paragraph("{{ recipient.organisation }}", "Recipient")
    with t.when("recipient.person.name"):
        t.paragraph(
            f"{m['attention']} {{{{ recipient.person.name }}}}"
            "{% if recipient.person.title %}, {{ recipient.person.title }}{% endif %}",
            "Recipient",
        )
    with t.when("recipient.address"):
        t.paragraph("{{ recipient.address }}", "Recipient")
    with t.when("recipient.email"):
        t.paragraph("{{ recipient.email|mailto }}", "Recipient")
    t.paragraph("{{ date|date }}", "LetterDate")
    with t.when("subject"):
        t.paragraph("{{ subject }}", "Subject")


def letter_body(t: Template, m: dict[str, str]) -> None:
    """The idea, why this partner, what we offer."""
    t.paragraph(m["salutation"])
    t.paragraph(m["idea"])
    t.paragraph(m["shape_together"])
    with t.when("why_you"):
        t.paragraph(m["why_you"])
    with t.when("offer"):
        t.paragraph(m["offer"]).paragraph_format.keep_with_next = True
        t.bullets("offer", "item", "{{ item }}")


def letter_meeting(t: Template, m: dict[str, str]) -> None:
    """The proposal for a short first meeting."""
    t.tag("if meeting.duration_minutes")
    t.paragraph(m["meeting"])
    t.tag("else")
    t.paragraph(m["meeting_short"])
    t.tag("endif")
    with t.when("meeting.proposals"):
        t.paragraph(m["proposals"]).paragraph_format.keep_with_next = True
        with t.each("proposal in meeting.proposals"):
            t.paragraph("{{ proposal|datetime }}", "List Number")
        t.paragraph(m["other_time"])
    with t.when("meeting.location"):
        t.paragraph(m["location"])
    with t.when("meeting.online"):
        t.paragraph(m["online"])


def letter_closing(t: Template, m: dict[str, str]) -> None:
    """Attachments, links, closing and signature."""
    with t.when("attachments"):
        t.paragraph(m["attachments"]).paragraph_format.keep_with_next = True
        t.bullets("attachments", "attachment", "{{ attachment }}")
    with t.when("links"):
        t.paragraph(m["links"])
    t.paragraph(m["looking_forward"])
    t.paragraph(m["closing"], "Closing")
    with t.when("sender.representative.name"):
        t.paragraph("{{ sender.representative.name }}", "Recipient")
    t.paragraph(
        "{% if sender.representative.title %}{{ sender.representative.title }}, "
        "{% endif %}{{ sender.name }}",
        "Recipient",
    )
    with t.when("sender.representative.email or sender.representative.phone"):
        t.paragraph(
            "{{ [sender.representative.email|mailto, sender.representative.phone]"
            "|select|join('  ·  ') }}",
            "Recipient",
        )


def build_first_contact(language: str) -> Template:
    """The first-contact letter: one page, no running header."""
    m = LETTER[language]
    t = Template(
        language,
        title_property="{% autoescape false %}{{ subject }}{% endautoescape %}",
        subject="{% autoescape false %}{{ sender.name }}{% endautoescape %}",
        author="{% autoescape false %}{{ sender.name }}{% endautoescape %}",
    )
    section = t.document.sections[0]
    section.top_margin = Twips(1134)
    section.bottom_margin = Twips(1134)
    letter_head(t, m)
    letter_body(t, m)
    letter_meeting(t, m)
    letter_closing(t, m)
    return t


# ============================================================== main

#: Core property "title": rendered by docxtpl with autoescaping switched off,
#: because the property is plain text, not XML (python-docx escapes it itself).
TITLE_PROPERTY = "{% autoescape false %}{{ title }}{% endautoescape %}"
#: Core property "creator": the parties, from the data.
PARTIES = (
    "{% autoescape false %}{{ parties|map(attribute='name')|join('; ') }}"
    "{% endautoescape %}"
)

BUILDERS = {
    "agreement": build_agreement,
    "understanding": build_understanding,
    "first_contact": build_first_contact,
}


def main() -> None:
    """Build every template into agreement_templates/."""
    check_languages_match()
    OUTPUT_DIR.mkdir(exist_ok=True)
    for kind in KINDS:
        for language in LANGUAGES:
            path = OUTPUT_DIR / f"{kind}.{language}.docx"
            BUILDERS[kind](language).save(path)
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
