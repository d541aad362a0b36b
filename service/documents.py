"""The pipeline: payload → schema → context → engine → .docx bytes.

Each arrow is a plain function call; nothing here knows about Flask, so the API
and the command line share exactly this code path.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from schemas.problems import Problem
from schemas.registry import DocumentInvalid, LoadedDocument, load_document
from service.filenames import document_filename
from service.observability import context, metrics
from service.rendering import engine
from service.rendering.context import build_context
from service.rendering.engine import PreparedTemplate

#: Renders a prepared template with a context to .docx bytes; the in-process
#: engine by default, an isolated worker pool for funders' templates.
Renderer = Callable[[PreparedTemplate, Mapping[str, Any]], bytes]


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered .docx with the name to download it under and the warnings."""

    content: bytes
    filename: str
    warnings: list[Problem]


def validate_document(kind: str, payload: Any) -> LoadedDocument:
    """Validate and normalise ``payload`` as a document of ``kind``."""
    try:
        return load_document(kind, payload)
    except DocumentInvalid:
        metrics.VALIDATION_FAILURES.labels(kind=kind).inc()
        raise


def render_loaded(
    loaded: LoadedDocument,
    template: PreparedTemplate,
    *,
    renderer: Renderer = engine.render,
    today: dt.date | None = None,
) -> RenderedDocument:
    """Render a validated document with ``template``."""
    values = build_context(loaded.kind, loaded.data, today=today)
    started = time.perf_counter()
    content = renderer(template, values)
    metrics.observe_render(loaded.kind, template.engine, time.perf_counter() - started)
    context.note(kind=loaded.kind, engine=template.engine)
    return RenderedDocument(
        content=content,
        filename=document_filename(loaded.kind, loaded.data),
        warnings=loaded.warnings,
    )
