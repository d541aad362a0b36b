"""Prepare a .docx template once, render it many times to .docx bytes.

The narrow interface the rest of the service uses: :func:`prepare` and
:func:`render`. What happens inside may change (see docs/engine.md) without
touching the API.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError as JinjaTemplateError

from service.rendering.environment import ENVIRONMENT
from service.rendering.errors import TemplateError, TemplateProblem


@dataclass(frozen=True)
class PreparedTemplate:
    """A template ready to render; identified by the SHA-256 of its bytes."""

    digest: str
    source: bytes


def prepare(source: bytes) -> PreparedTemplate:
    """Prepare template bytes for rendering."""
    return PreparedTemplate(digest=hashlib.sha256(source).hexdigest(), source=source)


def render(template: PreparedTemplate, context: Mapping[str, Any]) -> bytes:
    """Render a prepared template with ``context`` to the bytes of a .docx file."""
    document = DocxTemplate(io.BytesIO(template.source))
    try:
        document.render(dict(context), ENVIRONMENT)
    except JinjaTemplateError as exc:
        raise TemplateError(
            "The template could not be rendered.",
            [TemplateProblem(message=getattr(exc, "message", None) or str(exc))],
        ) from exc
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
