"""``flask --app wsgi templates …``: export, import, and the bin of deleted ones.

The archive (see :mod:`service.storage.archive`) holds every template and
version with names, metadata and checksums; import verifies them all and
writes all or nothing, so it also moves templates between databases
(SQLite to PostgreSQL: export with one DATABASE_URL, import with the other).
``deleted``, ``restore`` and ``purge`` manage deleted templates
(:mod:`service.template_bin`).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from service import template_bin
from service.observability.events import template_event
from service.rendering.errors import TemplateError
from service.storage import repository
from service.storage.archive import ArchiveInvalid, ImportConflict
from service.storage.db import database
from service.storage.models import Organisation
from service.transfer import export_templates, import_templates


@click.group("templates", cls=AppGroup)
def templates_command() -> None:
    """Export and import an organisation's templates."""


@templates_command.command("export")
@click.argument("organisation")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The .zip file to write.",
)
def export_command(organisation: str, output: Path) -> None:
    """Write every template of ORGANISATION, all versions, to a zip."""
    data = export_templates(organisation)
    if data is None:
        raise click.ClickException(f"There is no organisation {organisation!r}.")
    output.write_bytes(data)
    click.echo(f"Exported the templates of {organisation} to {output}.")


@templates_command.command("import")
@click.argument("organisation")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(organisation: str, archive: Path) -> None:
    """Import ARCHIVE (from export) into ORGANISATION (created if new)."""
    try:
        imported = import_templates(organisation, archive.read_bytes())
    except ArchiveInvalid as exc:
        details = "".join(
            f"\n  {problem['path']}: {problem['message']}" for problem in exc.problems
        )
        raise click.ClickException(exc.message + details) from exc
    except (ImportConflict, TemplateError) as exc:
        raise click.ClickException(str(exc)) from exc
    versions = sum(count for _, _, count in imported.templates)
    click.echo(
        f"Imported {len(imported.templates)} templates ({versions} versions) "
        f"into {organisation}."
    )
    for template_id, name, count in imported.templates:
        click.echo(f"{template_id}  {name}  ({count} versions)")


def _organisation_id(name: str) -> int:
    with database().transaction() as session:
        found = session.scalar(select(Organisation.id).filter_by(name=name))
    if found is None:
        raise click.ClickException(f"There is no organisation {name!r}.")
    return found


@templates_command.command("deleted")
@click.argument("organisation")
def deleted_command(organisation: str) -> None:
    """List ORGANISATION's deleted templates that can still be restored."""
    organisation_id = _organisation_id(organisation)
    with database().transaction() as session:
        deleted = repository.list_deleted(session, organisation_id)
    for template in deleted:
        purge = template_bin.purge_after(template)
        assert purge is not None
        click.echo(
            f"{template.id}  {template.name}  ({template.latest_version} versions), "
            f"purged after {purge:%Y-%m-%d %H:%M} UTC"
        )


@templates_command.command("restore")
@click.argument("organisation")
@click.argument("template_id")
def restore_command(organisation: str, template_id: str) -> None:
    """Restore ORGANISATION's deleted template TEMPLATE_ID, with every version."""
    organisation_id = _organisation_id(organisation)
    try:
        with database().transaction(writing=True) as session:
            restored = repository.restore_template(
                session, organisation_id, template_id
            )
            name = None if restored is None else restored.name
    except repository.NameTaken as exc:
        raise click.ClickException(str(exc)) from exc
    if name is None:
        raise click.ClickException(f"There is no deleted template {template_id!r}.")
    template_event("restored", template_id=template_id, organisation=organisation)
    click.echo(f"Restored {name} ({template_id}).")


@templates_command.command("purge")
def purge_command() -> None:
    """Delete for good every template deleted longer ago than the grace period."""
    purged = template_bin.purge_expired()
    click.echo(f"Purged {len(purged)} deleted templates.")
