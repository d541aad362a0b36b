"""``flask --app wsgi keys create|list|revoke``: the API keys of organisations.

A key is printed once, when it is created, on the last line of the output so
that scripts can take it with ``tail -n 1``; the store keeps only its SHA-256
and its first characters (the prefix) to tell keys apart in listings.
"""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

from service.storage import repository
from service.storage.db import database


def _when(moment: dt.datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


@click.group("keys", cls=AppGroup)
def keys_command() -> None:
    """Create, list and revoke API keys."""


@keys_command.command("create")
@click.argument("organisation")
def create_key_command(organisation: str) -> None:
    """Create a key for ORGANISATION (created if new); print it once, last."""
    name = organisation.strip()
    if not name:
        raise click.BadParameter("must not be empty", param_hint="ORGANISATION")
    with database().transaction() as session:
        api_key, key = repository.create_key(session, name)
        prefix = api_key.prefix
    click.echo(f"Created key {prefix} for {name}. It is shown only this once:")
    click.echo(key)


@keys_command.command("list")
def list_keys_command() -> None:
    """List every key: organisation, prefix, created, revoked."""
    with database().transaction() as session:
        rows = [
            (key.organisation.name, key.prefix, key.created_at, key.revoked_at)
            for key in repository.list_keys(session)
        ]
    if not rows:
        click.echo("No keys yet: create one with `keys create <organisation>`.")
        return
    headings = ("organisation", "prefix", "created", "revoked")
    table = [headings] + [
        (name, prefix, _when(created), _when(revoked))
        for name, prefix, created, revoked in rows
    ]
    widths = [max(len(row[column]) for row in table) for column in range(3)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        click.echo("  ".join([*cells, row[3]]))


@keys_command.command("revoke")
@click.argument("key", metavar="PREFIX-OR-ID")
def revoke_key_command(key: str) -> None:
    """Revoke the key with this prefix (or id); it stops working at once."""
    with database().transaction() as session:
        api_key = repository.revoke_key(session, key.strip())
        if api_key is None:
            raise click.ClickException(f"No key has the prefix or id {key!r}.")
        name, prefix = api_key.organisation.name, api_key.prefix
    click.echo(f"Revoked key {prefix} of {name}.")
