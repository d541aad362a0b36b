"""How a batch renders and converts one item, in an app context (web or worker)."""

from __future__ import annotations

from schemas.registry import LoadedDocument
from service.conversion import ConversionError, converter
from service.documents import RenderedDocument, render_loaded
from service.extensions import services
from service.jobs.run import Convert, ItemFailed, RenderOne
from service.jobs.spec import BatchSpec
from service.rendering.engine import PreparedTemplate
from service.rendering.errors import TemplateError
from service.rendering.isolation import unprepared
from service.storage import repository
from service.storage.db import database


class TemplateNotFound(LookupError):
    """The batch names a template (or version) its organisation does not have."""


def stored_template(spec: BatchSpec) -> PreparedTemplate:
    """The funder's template a batch names, unprepared (compiled in the workers)."""
    if spec.template_id is None or spec.organisation_id is None:
        raise TemplateNotFound(spec.template_id)
    with database().transaction() as session:
        found = repository.get_version(
            session,
            spec.organisation_id,
            spec.template_id,
            spec.template_version,
            with_content=True,
        )
        if found is None or found.template.kind != spec.kind:
            raise TemplateNotFound(spec.template_id)
        return unprepared(found.content)


def _failed(exc: TemplateError) -> ItemFailed:
    return ItemFailed(exc.message, [problem.as_dict() for problem in exc.problems])


def item_renderer(spec: BatchSpec) -> RenderOne:
    """Render one validated item: built-in templates in process, a funder's
    template (looked up once) in the isolated workers."""
    if spec.template_id is not None:
        template = stored_template(spec)

        def render_stored(loaded: LoadedDocument) -> RenderedDocument:
            try:
                return render_loaded(
                    loaded, template, renderer=services().isolated.render
                )
            except TemplateError as exc:
                raise _failed(exc) from exc

        return render_stored

    def render_builtin(loaded: LoadedDocument) -> RenderedDocument:
        language = loaded.data["language"]
        try:
            builtin = services().builtin.get(loaded.kind, language)
            return render_loaded(loaded, builtin, renderer=services().in_process)
        except TemplateError as exc:
            raise _failed(exc) from exc
        except OSError as exc:
            raise ItemFailed(
                f"The built-in {loaded.kind} template in '{language}' is unavailable."
            ) from exc

    return render_builtin


def item_converter() -> Convert:
    """Convert one item to PDF on the app's warm converters."""
    pool = converter()

    def convert(docx: bytes, pdfa: bool) -> bytes:
        try:
            return pool.convert(docx, pdfa=pdfa)
        except ConversionError as exc:
            raise ItemFailed(str(exc)) from exc

    return convert
