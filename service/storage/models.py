"""The tables: organisations (tenants), their API keys, templates and versions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

#: Constraint names spelled out, so that migrations can refer to them on every
#: database (SQLite needs names to alter tables in batch mode).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: The largest value of an Integer column on every database (PostgreSQL's int4).
MAX_INTEGER = 2**31 - 1


def utcnow() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def new_template_id() -> str:
    """A random, non-sequential template id: ids must not reveal other tenants'."""
    return uuid.uuid4().hex


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no time zone; without this, its timestamps would come back naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware datetimes")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)  # type: ignore[no-any-return]
        return value.astimezone(dt.UTC)  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    """The declarative base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organisation(Base):
    """A tenant: a funder whose keys share one set of templates."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    keys: Mapped[list[ApiKey]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )


class ApiKey(Base):
    """An API key of an organisation; only its SHA-256 digest is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    #: The key's first characters: not secret, enough to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    #: Hex SHA-256 of the whole key.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)

    organisation: Mapped[Organisation] = relationship(back_populates="keys")

    @property
    def revoked(self) -> bool:
        """Whether the key has been revoked."""
        return self.revoked_at is not None


class Template(Base):
    """A funder's template: a name and kind, with one or more versions."""

    __tablename__ = "templates"
    #: A name is unique among the organisation's templates not deleted (a
    #: deleted one waits in the bin with its name, see deleted_at).
    __table_args__ = (
        Index(
            "uq_templates_live_name",
            "organisation_id",
            "name",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(
        String(32), primary_key=True, default=new_template_id
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    #: The document kind it serves: agreement, understanding or first_contact.
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: The newest version number, kept here so listings need no aggregate.
    latest_version: Mapped[int] = mapped_column(Integer, default=0)
    #: When it was deleted: it can be restored until it is purged, after
    #: TEMPLATE_DELETE_GRACE_DAYS. None while it is in use.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, default=None)

    versions: Mapped[list[TemplateVersion]] = relationship(
        back_populates="template",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="TemplateVersion.version",
    )


class TemplateVersion(Base):
    """One uploaded .docx of a template, with what the upload check found."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[str] = mapped_column(
        ForeignKey("templates.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: The .docx itself, stored with its metadata in one transaction; loaded
    #: only when asked for, so that listings stay light.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: The upload check's findings (variables used, unknown ones, problems).
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: Which engine renders it ("compiled" or "docxtpl"), and why not compiled.
    engine: Mapped[str | None] = mapped_column(String(20), default=None)
    fallback_reason: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utcnow)

    template: Mapped[Template] = relationship(back_populates="versions")
