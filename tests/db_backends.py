"""Databases for tests that must hold on SQLite and on PostgreSQL alike.

Parametrize a fixture with ``BACKENDS`` and open its URL with
:func:`database_url`: a file in the test's folder, or a fresh schema of
``DATABASE_URL_TEST`` (dropped afterwards) when that names a PostgreSQL
database; the PostgreSQL case is skipped otherwise.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

DATABASE_URL_TEST = os.environ.get("DATABASE_URL_TEST", "")

BACKENDS = (
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(
                not DATABASE_URL_TEST.startswith("postgresql"),
                reason="DATABASE_URL_TEST does not name a PostgreSQL database",
            ),
        ],
    ),
)


@contextlib.contextmanager
def database_url(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of ``backend``, removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'store.sqlite3'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(DATABASE_URL_TEST)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(DATABASE_URL_TEST).update_query_dict(
        {"options": f"-csearch_path={schema}"}
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
