"""The database of one app: its engine, its sessions and its schema migrations.

``init_app`` builds a :class:`Database` from ``DATABASE_URL`` and, unless
``DATABASE_AUTO_MIGRATE`` is false, upgrades the schema to the newest Alembic
revision. Several processes may start at once (gunicorn workers, two hosts on
one PostgreSQL): the upgrade runs under a lock, a PostgreSQL advisory lock or a
file lock beside the SQLite file, so only one of them migrates.

The app boots without its database: built-in templates need none. When the
database cannot be reached at boot, the upgrade waits for the first
transaction, which tries again (one thread at a time) until it succeeds; until
then every use of the database raises and the API answers 503.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

EXTENSION_KEY = "partnerdocs.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Key of the PostgreSQL advisory lock held while migrating ("pdocs" in ASCII).
MIGRATION_LOCK_KEY = 0x70646F6373
#: Seconds a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT = 30
#: Seconds a PostgreSQL connection attempt may take (unless the URL says).
CONNECT_TIMEOUT = 10
#: Execution option of the engine that begins SQLite transactions IMMEDIATE.
_WRITING = "partnerdocs_writing"

log = logging.getLogger(__name__)


class DatabaseUnavailable(Exception):
    """The database cannot be used right now (down, unreachable, too busy).

    Worth trying again later: the API answers 503 with ``Retry-After``.
    """


class Database:
    """An engine and a session factory for one database URL.

    With ``migrate``, the first transaction upgrades the schema to the newest
    revision if nothing has yet (see :meth:`ensure_schema`).
    """

    def __init__(self, url: str | URL, *, migrate: bool = False) -> None:
        self.url = make_url(url)
        self.engine = _create_engine(self.url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writing_sessions = sessionmaker(
            self.engine.execution_options(**{_WRITING: True}), expire_on_commit=False
        )
        self._schema_ready = not migrate
        self._schema_lock = threading.Lock()

    @property
    def dialect(self) -> str:
        """The database's dialect name: "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def transaction(self, *, writing: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, else rolled back.

        ``writing`` takes SQLite's write lock when the transaction begins
        (``BEGIN IMMEDIATE``), so that what it reads stays true until it
        commits; other writers wait their turn (PostgreSQL locks rows instead).
        """
        self.ensure_schema()
        sessions = self._writing_sessions if writing else self.sessions
        with sessions.begin() as session:
            yield session

    def ensure_schema(self) -> None:
        """Upgrade the schema once, if this database migrates itself and has not.

        Thread-safe; a failure (the database is down) leaves the upgrade to
        the next call.
        """
        if self._schema_ready:
            return
        with self._schema_lock:
            if not self._schema_ready:
                self.upgrade()
                self._schema_ready = True

    def try_to_migrate(self) -> bool:
        """Upgrade the schema now if the database answers; False if it does not."""
        try:
            self.ensure_schema()
        except (SQLAlchemyError, DatabaseUnavailable) as exc:
            log.warning(
                "The database cannot be reached (%s); its schema will be "
                "upgraded on the first request that needs it.",
                exc,
            )
            return False
        return True

    def alembic_config(self, connection: Connection | None = None) -> Config:
        """The Alembic configuration of the package's migrations."""
        config = Config(stdout=io.StringIO())
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option(
            "sqlalchemy.url",
            self.url.render_as_string(hide_password=False).replace("%", "%%"),
        )
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Migrate the schema to ``revision``, one process at a time."""
        with self._migration_lock() as connection:
            config = self.alembic_config(connection)
            if revision == "head" and _stamped(connection) == _head(config):
                connection.rollback()
                return  # up to date: the usual case, and quiet
            command.upgrade(config, revision)
            if connection.in_transaction():
                connection.commit()

    def downgrade(self, revision: str) -> None:
        """Migrate the schema back to ``revision``, one process at a time."""
        with self._migration_lock() as connection:
            command.downgrade(self.alembic_config(connection), revision)
            if connection.in_transaction():
                connection.commit()

    def current_revision(self) -> str | None:
        """The revision the database is at, or None before the first migration."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[Connection]:
        if self.dialect == "sqlite":
            # The file lock first: no connection touches the file before it.
            with _file_lock(_sqlite_file(self.url)):
                with self.engine.connect() as connection:
                    _use_write_ahead_log(connection)
                    yield connection
            return
        with self.engine.connect() as connection:
            if self.dialect == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                connection.commit()
                try:
                    yield connection
                finally:
                    if connection.in_transaction():
                        connection.rollback()
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"),
                        {"key": MIGRATION_LOCK_KEY},
                    )
                    connection.commit()
            else:
                yield connection


def _stamped(connection: Connection) -> str | None:
    """The revision recorded in the database, read without Alembic's chatter."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(text("SELECT version_num FROM alembic_version"))


def _head(config: Config) -> str | None:
    return ScriptDirectory.from_config(config).get_current_head()


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


@contextlib.contextmanager
def _file_lock(database: Path | None) -> Iterator[None]:
    """Hold an exclusive lock on ``<database>.lock`` (nothing for memory)."""
    if database is None:
        yield
        return
    lock_path = database.with_name(database.name + ".lock")
    try:
        handle = open(lock_path, "a")
    except OSError as exc:
        raise DatabaseUnavailable(f"Cannot open {lock_path}: {exc}") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create_engine(url: URL) -> Engine:
    if url.get_backend_name() != "sqlite":
        connect_args: dict[str, Any] = {}
        if (
            "connect_timeout" not in url.query
            and url.get_backend_name() == "postgresql"
        ):
            connect_args["connect_timeout"] = CONNECT_TIMEOUT
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    database = _sqlite_file(url)
    options: dict[str, Any] = {}
    if database is None:
        # One shared connection, or every connection would see its own empty
        # in-memory database.
        options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        try:
            database.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # the first connection will fail and say so
            log.warning("Cannot create the folder of %s: %s", database, exc)
        options["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT}
    engine = create_engine(url, **options)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, record: Any) -> None:
    """Enforce foreign keys (off by default in SQLite), and let SQLAlchemy say
    when transactions begin instead of the sqlite3 module (which begins them
    only at the first write, after the reads they depend on)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a writing transaction."""
    writing = connection.get_execution_options().get(_WRITING, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def _use_write_ahead_log(connection: Connection) -> None:
    """Let readers and the writer work side by side (write-ahead log).

    The mode is kept in the file; it is set under the migration lock because
    changing it needs the database to itself ("database is locked" otherwise).
    """
    if _sqlite_file(connection.engine.url) is None:
        return  # in memory: no log to write ahead
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
    finally:
        cursor.close()


@click.group("db", cls=AppGroup)
def db_command() -> None:
    """Migrate the database schema (Alembic)."""


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    """Turn an unreachable database into a one-line error and exit status 1."""
    try:
        yield
    except (OperationalError, DatabaseUnavailable) as exc:
        raise click.ClickException(
            f"The database cannot be reached: {getattr(exc, 'orig', None) or exc}"
        ) from exc


@db_command.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Upgrade the schema to REVISION (default: the newest)."""
    with _reachable():
        database().upgrade(revision)
        click.echo(f"The database is at revision {database().current_revision()}.")


@db_command.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Downgrade the schema to REVISION ("base" removes every table)."""
    with _reachable():
        database().downgrade(revision)
        click.echo(f"The database is at revision {database().current_revision()}.")


@db_command.command("current")
def current_command() -> None:
    """Print the revision the database is at."""
    with _reachable():
        click.echo(database().current_revision() or "none (not migrated)")


def init_app(app: Flask) -> Database:
    """Open the app's database and, unless told not to, bring its schema up to date.

    A database that cannot be reached does not stop the app: it is migrated
    on first use instead.
    """
    migrate = bool(app.config["DATABASE_AUTO_MIGRATE"])
    store = Database(app.config["DATABASE_URL"], migrate=migrate)
    app.extensions[EXTENSION_KEY] = store
    app.cli.add_command(db_command)
    # Test suites create many apps: close each one's connections with it.
    weakref.finalize(app, store.dispose)
    if migrate:
        store.try_to_migrate()  # or on first use: boot never waits for it
    return store


def database() -> Database:
    """The current app's database."""
    found: Database = current_app.extensions[EXTENSION_KEY]
    return found
