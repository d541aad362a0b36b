"""``flask --app wsgi templates export|import``: an organisation's templates as a zip.

The archive (see :mod:`service.storage.archive`) holds every template and
version with names, metadata and checksums; import verifies them all and
writes all or nothing, so it also moves templates between databases
(SQLite to PostgreSQL: export with one DATABASE_URL, import with the other).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from service.rendering.errors import TemplateError
from service.storage.archive import ArchiveInvalid, ImportConflict
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
