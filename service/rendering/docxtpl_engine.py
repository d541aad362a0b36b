"""Plain docxtpl: ``DocxTemplate(...).render(context, ENVIRONMENT)`` and ``save``.

The fallback for templates (or contexts) the compiled engine does not take, and
the baseline the compiled engine is tested and benchmarked against. Errors are
reported like the compiled engine's: a :class:`TemplateError` naming the part,
paragraph and tag where docxtpl can tell.
"""

from __future__ import annotations

import io
import types
import zipfile
from collections.abc import Mapping
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from lxml import etree

from service.rendering.environment import ENVIRONMENT
from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
    describe,
)
from service.rendering.links import collecting, unused_prefix
from service.rendering.package import NOT_A_DOCX
from service.rendering.parts import RENDER_ERRORS, docxtpl_source

_OPEN_ERRORS = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    etree.XMLSyntaxError,
)


_FOOTNOTES_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
)


class _DocxTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl, rendering each footnotes part once.

    docxtpl renders every footnotes part once per section of the document, so
    with two sections the text the data printed into a footnote is rendered a
    second time, as template code.
    """

    def render_xml_part(
        self, src_xml: str, part: Any, context: Any, jinja_env: Any = None
    ) -> str:
        """Render a part; the main document's body may print links, as it does
        with the compiled engine (see :mod:`service.rendering.links`)."""
        if part is not self.docx.part:
            return str(super().render_xml_part(src_xml, part, context, jinja_env))
        with collecting(unused_prefix(list(part.rels))) as targets:
            xml = str(super().render_xml_part(src_xml, part, context, jinja_env))
        for target, identifier in targets.ids.items():
            part.rels.add_relationship(RT.HYPERLINK, target, identifier, True)
        return xml

    def render_footnotes(self, context: dict[str, Any], jinja_env: Any = None) -> None:
        """Render each footnotes part of the package exactly once."""
        for part in self.docx.part.package.iter_parts():
            if part.content_type != _FOOTNOTES_TYPE:
                continue
            blob = part.blob
            text = blob.decode("utf-8") if isinstance(blob, bytes) else blob
            xml = self.patch_xml(text)
            xml = self.render_xml_part(xml, part, context, jinja_env)
            part._blob = xml.encode("utf-8")


def check_opens(source: bytes) -> None:
    """Raise :class:`TemplateError` unless python-docx can open ``source``."""
    try:
        docx.Document(io.BytesIO(source))
    except _OPEN_ERRORS as exc:
        raise TemplateError(NOT_A_DOCX) from exc


def render(
    source: bytes, context: Mapping[str, Any], *, max_output_bytes: int
) -> bytes:
    """Render template bytes with plain docxtpl to the bytes of a .docx file."""
    document = _DocxTemplate(io.BytesIO(source))
    try:
        document.render(dict(context), ENVIRONMENT)
    except RENDER_ERRORS as exc:
        raise TemplateError(
            "The template could not be rendered.", [_problem(document, exc)]
        ) from exc
    except etree.XMLSyntaxError as exc:  # a header whose tags break its XML
        raise TemplateError(
            "The template produced XML Word cannot read.",
            [TemplateProblem(message=str(exc))],
        ) from exc
    output = io.BytesIO()
    document.save(output)
    data = output.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as written:
        if sum(info.file_size for info in written.infolist()) > max_output_bytes:
            raise TemplateLimitExceeded(
                "The rendered document is larger than the limit allows."
            )
    return data


def _raised_in(exc: BaseException, function: str) -> bool:
    tb: types.TracebackType | None = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_name == function:
            return True
        tb = tb.tb_next
    return False


def _problem(document: DocxTemplate, exc: BaseException) -> TemplateProblem:
    """Locate an error raised inside ``document.render`` as well as docxtpl allows."""
    if _raised_in(exc, "render_properties"):
        return describe(exc, "", "docProps/core.xml")
    part = getattr(document, "current_rendering_part", None)
    if part is None:
        return TemplateProblem(message=getattr(exc, "message", None) or str(exc))
    name = str(part.partname).lstrip("/")
    if part is document.docx.part:
        xml = document.get_xml()
    elif _raised_in(exc, "render_footnotes"):
        xml = part.blob.decode("utf-8")
    else:
        xml = document.get_part_xml(part)
    return describe(exc, docxtpl_source(xml), name)
