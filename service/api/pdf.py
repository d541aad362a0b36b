"""Content negotiation for renders: .docx by default, PDF or PDF/A when asked.

``?format=pdf|pdfa|docx`` wins over ``Accept``; ``Accept: application/pdf``
(preferred over the .docx type) asks for PDF. Conversion failures answer in
the error shape: 503 when LibreOffice is not installed or every converter is
busy, 502 when the conversion itself fails or overruns.
"""

from __future__ import annotations

from flask import Response, request

from service.conversion import (
    ConversionBusy,
    ConversionFailed,
    ConversionUnavailable,
    converter,
)
from service.documents import RenderedDocument
from service.errors import ApiError
from service.filenames import content_disposition

PDF_MEDIA_TYPE = "application/pdf"
DOCX_MEDIA_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
FORMATS = ("docx", "pdf", "pdfa")
#: Seconds a client is asked to wait when every converter is busy.
RETRY_AFTER_SECONDS = 2


def requested_format() -> str:
    """``docx``, ``pdf`` or ``pdfa``: from ``?format=``, else from ``Accept``."""
    chosen = request.args.get("format")
    if chosen is not None:
        if chosen not in FORMATS:
            message = f"Must be one of: {', '.join(FORMATS)}."
            raise ApiError(
                422,
                f"Unknown format '{chosen}'. {message}",
                [{"path": "format", "message": message}],
            )
        return chosen
    best = request.accept_mimetypes.best_match([DOCX_MEDIA_TYPE, PDF_MEDIA_TYPE])
    return "pdf" if best == PDF_MEDIA_TYPE else "docx"


def require_pdf() -> None:
    """Answer 503 now, before any work, when this server cannot make PDF."""
    if not converter().available():
        raise ApiError(
            503,
            "PDF conversion is not available on this server (LibreOffice is "
            "not installed); ask for the .docx instead.",
        )


def to_pdf(docx: bytes, *, pdfa: bool) -> bytes:
    """Convert on the warm pool; failures as API errors."""
    try:
        return converter().convert(docx, pdfa=pdfa)
    except ConversionUnavailable as exc:
        raise ApiError(503, "PDF conversion is not available on this server.") from exc
    except ConversionBusy as exc:
        raise ApiError(
            503,
            "Every PDF converter is busy; try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from exc
    except ConversionFailed as exc:
        raise ApiError(502, f"The PDF conversion failed: {exc}") from exc


def pdf_filename(docx_filename: str) -> str:
    """The .docx download name with a .pdf extension."""
    stem = docx_filename.removesuffix(".docx")
    return f"{stem}.pdf"


def pdf_response(rendered: RenderedDocument, *, pdfa: bool) -> Response:
    """The rendered document converted to PDF, as an attachment."""
    response = Response(to_pdf(rendered.content, pdfa=pdfa), mimetype=PDF_MEDIA_TYPE)
    response.headers["Content-Disposition"] = content_disposition(
        pdf_filename(rendered.filename)
    )
    response.headers["Cache-Control"] = "no-store"
    return response
