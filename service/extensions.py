"""The service objects one app holds: template cache, built-in templates and the
isolated workers that render funders' templates."""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app

from service.rendering import engine
from service.rendering.builtin import BuiltinTemplates
from service.rendering.cache import TemplateCache
from service.rendering.isolation import IsolatedRenderer, IsolationLimits

if TYPE_CHECKING:  # service.documents reaches this module through observability
    from service.documents import Renderer

EXTENSION_KEY = "partnerdocs"


@dataclass
class Services:
    """What the views need beyond configuration, built once per app."""

    cache: TemplateCache
    builtin: BuiltinTemplates
    #: Renders built-in templates in this process, within MAX_OUTPUT_BYTES.
    in_process: Renderer
    #: Checks and renders funders' templates in worker processes (started on
    #: first use): nothing of an uploaded template runs in this process.
    isolated: IsolatedRenderer


def init_services(app: Flask) -> Services:
    """Build the app's services from its configuration."""
    cache = TemplateCache(
        max_entries=app.config["TEMPLATE_CACHE_MAX_ENTRIES"],
        max_bytes=app.config["TEMPLATE_CACHE_MAX_BYTES"],
    )
    built = Services(
        cache=cache,
        builtin=BuiltinTemplates(Path(app.config["TEMPLATES_DIR"]), cache),
        in_process=functools.partial(
            engine.render, max_output_bytes=app.config["MAX_OUTPUT_BYTES"]
        ),
        isolated=IsolatedRenderer(
            app.config["ISOLATION_WORKERS"],
            IsolationLimits(
                timeout_seconds=app.config["RENDER_TIMEOUT_SECONDS"],
                memory_bytes=app.config["RENDER_MEMORY_BYTES"],
                max_output_bytes=app.config["MAX_OUTPUT_BYTES"],
                cache_bytes=app.config["TEMPLATE_CACHE_MAX_BYTES"],
            ),
        ),
    )
    app.extensions[EXTENSION_KEY] = built
    # Stop the app's worker processes with it (test suites create many apps).
    weakref.finalize(app, built.isolated.close)
    return built


def services() -> Services:
    """The current app's services."""
    built: Services = current_app.extensions[EXTENSION_KEY]
    return built
