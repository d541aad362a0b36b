"""``flask --app wsgi batch KIND BASE.json ROWS.xlsx -o letters.zip``: mail merge."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import click
from flask.cli import with_appcontext

from schemas.registry import KINDS
from service.jobs.merge import merge_patch
from service.jobs.render import item_converter, item_renderer
from service.jobs.run import write_batch
from service.jobs.spec import FORMATS, BatchInvalid, BatchSpec
from service.jobs.spreadsheet import patches, read_rows, row_number

EXIT_ROWS_FAILED = 1
EXIT_USAGE = 2


@click.command("batch")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("base", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("rows", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The zip to write.",
)
@click.option("--format", "chosen", type=click.Choice(FORMATS), default="docx")
@with_appcontext
def batch_command(kind: str, base: Path, rows: Path, output: Path, chosen: str) -> None:
    """Write one document per spreadsheet row (headers are field paths) to a zip."""
    try:
        base_body = json.loads(base.read_text("utf-8"), parse_float=Decimal)
        items = patches(read_rows(rows.read_bytes(), rows.name))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.UsageError(f"Cannot read the input: {exc}") from exc
    except BatchInvalid as exc:
        raise click.UsageError(
            "; ".join(f"{p.path}: {p.message}" for p in exc.problems)
        ) from exc
    spec = BatchSpec(kind, [merge_patch(base_body, item) for item in items], chosen)
    convert = item_converter() if chosen != "docx" else None
    with (
        open(output, "wb") as out,
        click.progressbar(length=len(items), label="Rendering") as bar,
    ):
        report = write_batch(
            spec,
            item_renderer(spec),
            out,
            convert=convert,
            progress=lambda done, failed: bar.update(done - bar.pos),
        )
    failures = [item for item in report["items"] if "file" not in item]
    click.echo(f"{len(items) - len(failures)} of {len(items)} documents in {output}.")
    for item in failures:
        row = row_number(item["index"])
        for error in item["errors"] or [{"path": "", "message": item.get("message")}]:
            click.echo(f"row {row}: {error['path']}: {error['message']}", err=True)
    if failures:
        raise SystemExit(EXIT_ROWS_FAILED)
