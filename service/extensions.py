"""The service objects one app holds: template cache and built-in templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from service.rendering.builtin import BuiltinTemplates
from service.rendering.cache import TemplateCache

EXTENSION_KEY = "partnerdocs"


@dataclass
class Services:
    """What the views need beyond configuration, built once per app."""

    cache: TemplateCache
    builtin: BuiltinTemplates


def init_services(app: Flask) -> Services:
    """Build the app's services from its configuration."""
    cache = TemplateCache(
        max_entries=app.config["TEMPLATE_CACHE_MAX_ENTRIES"],
        max_bytes=app.config["TEMPLATE_CACHE_MAX_BYTES"],
    )
    built = Services(
        cache=cache,
        builtin=BuiltinTemplates(Path(app.config["TEMPLATES_DIR"]), cache),
    )
    app.extensions[EXTENSION_KEY] = built
    return built


def services() -> Services:
    """The current app's services."""
    built: Services = current_app.extensions[EXTENSION_KEY]
    return built
