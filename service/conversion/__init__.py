"""PDF from .docx: a pool of warm LibreOffice converters (no Flask below here
but :func:`init_app` and :func:`converter`)."""

from __future__ import annotations

import weakref

from flask import Flask, current_app

from service.conversion.pool import (
    ConversionBusy,
    ConversionError,
    ConversionFailed,
    ConversionUnavailable,
    ConverterPool,
    ConverterSettings,
)

__all__ = [
    "ConversionBusy",
    "ConversionError",
    "ConversionFailed",
    "ConversionUnavailable",
    "ConverterPool",
    "ConverterSettings",
    "converter",
    "init_app",
    "settings_from_config",
]
EXTENSION_KEY = "partnerdocs.pdf"


def settings_from_config(config: dict[str, object]) -> ConverterSettings:
    """The converter settings of an app's configuration."""
    return ConverterSettings(
        soffice=str(config["SOFFICE"]),
        python=str(config["UNO_PYTHON"]),
        converters=int(config["PDF_CONVERTERS"]),  # type: ignore[call-overload]
        queue_size=int(config["PDF_QUEUE_SIZE"]),  # type: ignore[call-overload]
        timeout_seconds=float(config["PDF_TIMEOUT_SECONDS"]),  # type: ignore[arg-type]
    )


def init_app(app: Flask) -> ConverterPool:
    """Give the app its converter pool; converters start on the first PDF."""
    pool = ConverterPool(settings_from_config(app.config))
    app.extensions[EXTENSION_KEY] = pool
    weakref.finalize(app, pool.close)
    return pool


def converter() -> ConverterPool:
    """The current app's converter pool."""
    pool: ConverterPool = current_app.extensions[EXTENSION_KEY]
    return pool
