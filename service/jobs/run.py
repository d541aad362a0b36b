"""Render a batch into a zip: invalid or failing items are reported, never fatal.

Nothing here knows of Flask or of queues: the caller passes how to render one
validated document and, for PDF, how to convert it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from schemas.registry import DocumentInvalid, LoadedDocument
from service.documents import RenderedDocument, validate_document
from service.jobs.archive import BatchArchive
from service.jobs.spec import BatchSpec

RenderOne = Callable[[LoadedDocument], RenderedDocument]
Convert = Callable[[bytes, bool], bytes]
#: Called after each item with (done, failed).
Progress = Callable[[int, int], None]


class ItemFailed(Exception):
    """One item could not be rendered or converted; the batch goes on."""

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []


def _numbered(index: int, total: int, filename: str) -> str:
    width = len(str(total))
    return f"{index + 1:0{width}d}_{filename}"


def write_batch(
    spec: BatchSpec,
    render_one: RenderOne,
    out: IO[bytes],
    *,
    convert: Convert | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the batch's zip to ``out``; the report (also in the zip as report.json).

    Each file is named ``<number>_<title>_<kind>_<language>.<ext>``, numbered
    from 1 in the order of the items.
    """
    archive = BatchArchive(out)
    total = len(spec.payloads)
    items: list[dict[str, Any]] = []
    failed = 0
    for index, payload in enumerate(spec.payloads):
        try:
            items.append(
                {
                    "index": index,
                    "file": _render_item(
                        spec, index, payload, render_one, convert, archive
                    ),
                }
            )
        except DocumentInvalid as exc:
            failed += 1
            errors = [problem.as_dict() for problem in exc.problems]
            items.append({"index": index, "status": 422, "errors": errors})
        except ItemFailed as exc:
            failed += 1
            items.append({"index": index, "message": exc.message, "errors": exc.errors})
        if progress is not None:
            progress(index + 1, failed)
    report = {
        "kind": spec.kind,
        "format": spec.format,
        "total": total,
        "succeeded": total - failed,
        "failed": failed,
        "items": items,
    }
    archive.finish(report)
    return report


def _render_item(
    spec: BatchSpec,
    index: int,
    payload: Any,
    render_one: RenderOne,
    convert: Convert | None,
    archive: BatchArchive,
) -> str:
    loaded = validate_document(spec.kind, payload)
    rendered = render_one(loaded)
    content, filename = rendered.content, rendered.filename
    if spec.format != "docx":
        if convert is None:
            raise ItemFailed("PDF conversion is not available.")
        content = convert(content, spec.format == "pdfa")
        filename = filename.removesuffix(".docx") + ".pdf"
    return archive.add(_numbered(index, len(spec.payloads), filename), content)
