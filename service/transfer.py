"""Export and import an organisation's templates, for the API and the command line.

The app-side glue around :mod:`service.storage.archive`: the app's database,
its upload limits, and the upload check run in the isolated workers on every
imported version.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from service.extensions import services
from service.observability.events import notable
from service.rendering.package_limits import PackageLimits
from service.storage import archive
from service.storage.db import database


def _limits() -> PackageLimits:
    config = current_app.config
    return PackageLimits(
        max_upload_bytes=config["TEMPLATE_MAX_UPLOAD_BYTES"],
        max_members=config["TEMPLATE_MAX_MEMBERS"],
        max_member_bytes=config["TEMPLATE_MAX_MEMBER_BYTES"],
        max_total_bytes=config["TEMPLATE_MAX_UNCOMPRESSED_BYTES"],
    )


def _check(source: bytes, kind: str) -> Mapping[str, Any]:
    """The upload check of one version, in an isolated worker."""
    return services().isolated.check(source, kind, _limits())


def export_templates(organisation: str) -> bytes | None:
    """The organisation's templates as a zip; None if it does not exist."""
    data = archive.export_archive(database(), organisation)
    if data is not None:
        notable("templates_exported", organisation=organisation, bytes=len(data))
    return data


def import_templates(organisation: str, data: bytes) -> archive.Imported:
    """Import an archive into ``organisation``: verified, checked, all or nothing."""
    imported = archive.import_archive(
        database(),
        organisation,
        data,
        check=_check,
        max_file_bytes=current_app.config["TEMPLATE_MAX_UPLOAD_BYTES"],
    )
    notable(
        "templates_imported",
        organisation=organisation,
        templates=len(imported.templates),
        versions=sum(count for _, _, count in imported.templates),
    )
    return imported
