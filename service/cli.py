"""Command line: ``flask --app wsgi render|validate`` and the ``partnerdocs`` alias.

Exit codes scripts can rely on: 0 success, 1 the document is invalid,
2 bad usage or unreadable input, 3 the template could not be rendered.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from schemas.problems import Problem
from schemas.registry import KINDS, DocumentInvalid, LoadedDocument
from service.cli_keys import keys_command
from service.cli_templates import templates_command
from service.documents import render_loaded, validate_document
from service.extensions import services
from service.jobs.commands import batch_command
from service.jobs.worker import worker_command
from service.rendering.errors import TemplateError

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_TEMPLATE = 3

KIND_CHOICE = click.Choice(KINDS)


def _read_payload(path: str) -> Any:
    """Parse the input file (``-`` for standard input) as JSON, amounts exact."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
        return json.loads(text, parse_float=Decimal)
    except OSError as exc:
        _fail(f"Cannot read {path}: {exc.strerror}.", EXIT_USAGE)
    except UnicodeDecodeError:
        _fail(f"{path} is not UTF-8 text.", EXIT_USAGE)
    except json.JSONDecodeError as exc:
        _fail(
            f"{path} is not valid JSON: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno}).",
            EXIT_USAGE,
        )


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _echo_problems(title: str, problems: list[Problem]) -> None:
    click.echo(title, err=True)
    for problem in problems:
        click.echo(f"  {problem.path or '(document)'}: {problem.message}", err=True)


def _load(kind: str, path: str) -> LoadedDocument:
    try:
        return validate_document(kind, _read_payload(path))
    except DocumentInvalid as exc:
        _echo_problems("The document is not valid:", exc.problems)
        sys.exit(EXIT_INVALID)


@click.command("validate")
@with_appcontext
@click.argument("kind", type=KIND_CHOICE)
@click.argument("input_file", metavar="INPUT.json")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer.")
def validate_command(kind: str, input_file: str, as_json: bool) -> None:
    """Validate INPUT.json as a document of KIND; exit 1 if it is invalid."""
    loaded = _load(kind, input_file)
    if as_json:
        warnings = [warning.as_dict() for warning in loaded.warnings]
        click.echo(
            json.dumps({"valid": True, "warnings": warnings}, ensure_ascii=False)
        )
        return
    click.echo("The document is valid.")
    if loaded.warnings:
        _echo_problems("Warnings:", loaded.warnings)


@click.command("render")
@with_appcontext
@click.argument("kind", type=KIND_CHOICE)
@click.argument("input_file", metavar="INPUT.json")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the .docx (default: the API's file name, here).",
)
def render_command(kind: str, input_file: str, output: str | None) -> None:
    """Render INPUT.json as a Word document of KIND with the built-in template."""
    loaded = _load(kind, input_file)
    try:
        template = services().builtin.get(kind, loaded.data["language"])
        rendered = render_loaded(loaded, template, renderer=services().in_process)
    except FileNotFoundError as exc:
        _fail(f"The built-in template {exc.filename} is not installed.", EXIT_USAGE)
    except TemplateError as exc:
        _echo_problems(exc.message, [])
        for problem in exc.problems:
            click.echo(
                f"  {json.dumps(problem.as_dict(), ensure_ascii=False)}", err=True
            )
        sys.exit(EXIT_TEMPLATE)
    target = Path(output or rendered.filename)
    target.write_bytes(rendered.content)
    if loaded.warnings:
        _echo_problems("Warnings:", loaded.warnings)
    click.echo(str(target))


def register_commands(app: Flask) -> None:
    """Add the document commands to ``flask --app wsgi``."""
    app.cli.add_command(render_command)
    app.cli.add_command(validate_command)
    app.cli.add_command(keys_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(batch_command)
    app.cli.add_command(templates_command)


def main() -> None:
    """The ``partnerdocs`` console script: the same commands without ``flask --app``."""
    from service import create_app

    FlaskGroup(create_app=create_app, add_default_commands=True)(
        prog_name="partnerdocs"
    )
