"""Plain functions over the store: keys, organisations, templates and versions.

Every function takes a session (or, when it must retry a whole transaction, the
:class:`~service.storage.db.Database`) and knows nothing of Flask. Templates are
always looked up together with the organisation asking: another tenant's
template is simply not found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, undefer

from service.storage.db import Database, DatabaseUnavailable
from service.storage.models import (
    ApiKey,
    Organisation,
    Template,
    TemplateVersion,
    utcnow,
)

#: Every key starts with this, so that a leaked one is recognisable in logs
#: and by secret scanners.
KEY_MARKER = "pdk_"
#: Characters of the key kept in clear as its prefix: the marker and 8 random
#: characters (48 bits), enough to tell keys apart, far too few to guess one.
PREFIX_LENGTH = len(KEY_MARKER) + 8
#: Attempts at writing a new version when another upload takes the same number.
VERSION_ATTEMPTS = 5
#: What every template id looks like (see ``new_template_id``).
TEMPLATE_ID = re.compile(r"[0-9a-f]{32}")

log = logging.getLogger(__name__)


class KindConflict(Exception):
    """A new version would serve another document kind than its template."""

    def __init__(self, template: Template, kind: str) -> None:
        super().__init__(
            f"The template '{template.name}' serves {template.kind} documents, "
            f"not {kind}; upload it under another name."
        )
        self.template = template
        self.kind = kind


class VersionWriteFailed(DatabaseUnavailable):
    """Every attempt at storing a new version collided with another write."""


# --- keys and organisations -------------------------------------------------


def hash_key(key: str) -> str:
    """The hex SHA-256 of a key: what is stored, and what a key is looked up by.

    Keys are 256 random bits, so a plain hash is enough: there is nothing to
    brute-force that a slow password hash would protect.
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> str:
    """A new random key: ``pdk_`` and 43 URL-safe characters (256 bits)."""
    return KEY_MARKER + secrets.token_urlsafe(32)


def get_or_create_organisation(session: Session, name: str) -> Organisation:
    """The organisation called ``name``, created if it is new."""
    organisation = session.scalar(select(Organisation).filter_by(name=name))
    if organisation is None:
        organisation = Organisation(name=name)
        session.add(organisation)
        session.flush()
    return organisation


def create_key(session: Session, organisation_name: str) -> tuple[ApiKey, str]:
    """A new key for the organisation (created if new): the row and the key itself.

    The key is returned only here; the store keeps its hash and prefix.
    """
    organisation = get_or_create_organisation(session, organisation_name)
    existing = set(session.scalars(select(ApiKey.prefix)))
    key = generate_key()
    while key[:PREFIX_LENGTH] in existing:  # pragma: no cover - 1 in 2**48
        key = generate_key()
    api_key = ApiKey(
        organisation=organisation, prefix=key[:PREFIX_LENGTH], key_hash=hash_key(key)
    )
    session.add(api_key)
    session.flush()
    return api_key, key


def find_key(session: Session, key: str) -> ApiKey | None:
    """The stored key matching ``key`` (revoked ones too), with its organisation."""
    return session.scalar(
        select(ApiKey)
        .options(joinedload(ApiKey.organisation))
        .filter_by(key_hash=hash_key(key))
    )


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, by organisation and age, with its organisation loaded."""
    return list(
        session.scalars(
            select(ApiKey)
            .join(ApiKey.organisation)
            .options(joinedload(ApiKey.organisation))
            .order_by(Organisation.name, ApiKey.created_at, ApiKey.id)
        )
    )


def revoke_key(session: Session, prefix_or_id: str) -> ApiKey | None:
    """Revoke the key with this prefix (or numeric id); None if there is none."""
    condition = ApiKey.prefix == prefix_or_id
    if prefix_or_id.isdigit():
        condition = condition | (ApiKey.id == int(prefix_or_id))
    api_key = session.scalar(
        select(ApiKey).options(joinedload(ApiKey.organisation)).where(condition)
    )
    if api_key is not None and api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        session.flush()
    return api_key


# --- templates --------------------------------------------------------------


@dataclass(frozen=True)
class NewVersion:
    """What an upload stores: the file and what checking it found."""

    name: str
    kind: str
    language: str
    filename: str
    content: bytes
    report: Mapping[str, Any]
    engine: str | None = None
    fallback_reason: str | None = None


def create_or_version_template(
    db: Database, organisation_id: int, upload: NewVersion
) -> TemplateVersion:
    """Store an upload: a new template, or the next version of the one so named.

    The template row, the version row and the bytes are written in one
    transaction, so a crash leaves the old state or the new. Uploads of one
    name take their turn (SQLite: one writer at a time; PostgreSQL: a lock on
    the organisation and name), so versions are numbered 1, 2, 3... without
    gaps. Should the unique version number still collide, the transaction is
    retried; when every attempt does, :class:`VersionWriteFailed` is raised.
    Raises :class:`KindConflict` if the name is taken by a template of another
    kind.
    """
    for attempt in range(1, VERSION_ATTEMPTS + 1):
        try:
            with db.transaction(writing=True) as session:
                return _store_version(session, organisation_id, upload)
        except IntegrityError as exc:
            log.warning(
                "upload of %r collided with another write (attempt %d of %d): %s",
                upload.name,
                attempt,
                VERSION_ATTEMPTS,
                exc.orig,
            )
            collision = exc
    raise VersionWriteFailed(
        f"The template '{upload.name}' could not be stored: {VERSION_ATTEMPTS} "
        "attempts collided with other writes. Try again."
    ) from collision


def _lock_name(session: Session, organisation_id: int, name: str) -> None:
    """On PostgreSQL, make uploads of one name wait their turn until commit.

    A row lock (FOR UPDATE) cannot do this for a name that has no row yet.
    SQLite needs nothing: its writing transactions run one at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_advisory_xact_lock(:organisation, :name)"),
        # The two-key form: a space apart from the migration lock's one key.
        {"organisation": organisation_id, "name": zlib.crc32(name.encode()) - 2**31},
    )


def _store_version(
    session: Session, organisation_id: int, upload: NewVersion
) -> TemplateVersion:
    _lock_name(session, organisation_id, upload.name)
    # FOR UPDATE: a delete of the template waits until this version is in.
    template = session.scalar(
        select(Template)
        .filter_by(organisation_id=organisation_id, name=upload.name, deleted_at=None)
        .with_for_update()
    )
    if template is None:
        template = Template(
            organisation_id=organisation_id,
            name=upload.name,
            kind=upload.kind,
            latest_version=0,
        )
        session.add(template)
    elif template.kind != upload.kind:
        raise KindConflict(template, upload.kind)
    number = template.latest_version + 1
    version = TemplateVersion(
        template=template,
        version=number,
        language=upload.language,
        filename=upload.filename,
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        content=upload.content,
        report=dict(upload.report),
        engine=upload.engine,
        fallback_reason=upload.fallback_reason,
    )
    session.add(version)
    template.latest_version = number
    session.flush()
    return version


def get_template(
    session: Session, organisation_id: int, template_id: str
) -> Template | None:
    """The organisation's template with this id, or None (also for others',
    and for deleted ones)."""
    if not TEMPLATE_ID.fullmatch(template_id):
        return None
    return session.scalar(
        select(Template).filter_by(
            id=template_id, organisation_id=organisation_id, deleted_at=None
        )
    )


def get_version(
    session: Session,
    organisation_id: int,
    template_id: str,
    version: int | None = None,
    *,
    with_content: bool = False,
) -> TemplateVersion | None:
    """A version (the latest when ``version`` is None) of the organisation's template.

    The bytes are loaded only ``with_content``.
    """
    if not TEMPLATE_ID.fullmatch(template_id):
        return None  # not an id: and PostgreSQL would refuse a NUL in it
    query = (
        select(TemplateVersion)
        .join(TemplateVersion.template)
        .options(joinedload(TemplateVersion.template))
        .where(
            Template.id == template_id,
            Template.organisation_id == organisation_id,
            Template.deleted_at.is_(None),
            TemplateVersion.version
            == (Template.latest_version if version is None else version),
        )
    )
    if with_content:
        query = query.options(undefer(TemplateVersion.content))
    return session.scalar(query)


def list_versions(session: Session, template: Template) -> list[TemplateVersion]:
    """Every version of ``template``, oldest first, without their bytes."""
    return list(
        session.scalars(
            select(TemplateVersion)
            .filter_by(template_id=template.id)
            .order_by(TemplateVersion.version)
        )
    )


def list_templates(session: Session, organisation_id: int) -> list[TemplateVersion]:
    """The latest version of each of the organisation's templates, by name."""
    return list(
        session.scalars(
            select(TemplateVersion)
            .join(TemplateVersion.template)
            .options(joinedload(TemplateVersion.template))
            .where(
                Template.organisation_id == organisation_id,
                Template.deleted_at.is_(None),
                TemplateVersion.version == Template.latest_version,
            )
            .order_by(Template.name, Template.id)
        )
    )


class NameTaken(Exception):
    """A deleted template cannot be restored: a live one has its name now."""

    def __init__(self, template: Template) -> None:
        super().__init__(
            f"Another template is called '{template.name}' now: delete or rename "
            "it before restoring this one."
        )
        self.template = template


def delete_template(session: Session, organisation_id: int, template_id: str) -> bool:
    """Move the organisation's template to the bin; False if not found.

    It stays restorable (:func:`restore_template`) until it is purged
    (:func:`purge_deleted`); its name is free for a new template meanwhile.
    """
    template = get_template(session, organisation_id, template_id)
    if template is None:
        return False
    template.deleted_at = utcnow()
    session.flush()
    return True


def list_deleted(session: Session, organisation_id: int) -> list[Template]:
    """The organisation's templates in the bin, most recently deleted first."""
    return list(
        session.scalars(
            select(Template)
            .where(
                Template.organisation_id == organisation_id,
                Template.deleted_at.is_not(None),
            )
            .order_by(Template.deleted_at.desc(), Template.id)
        )
    )


def restore_template(
    session: Session, organisation_id: int, template_id: str
) -> Template | None:
    """Take a template out of the bin; None if it is not there.

    Raises :class:`NameTaken` when a live template has its name meanwhile.
    """
    if not TEMPLATE_ID.fullmatch(template_id):
        return None
    template = session.scalar(
        select(Template)
        .where(
            Template.id == template_id,
            Template.organisation_id == organisation_id,
            Template.deleted_at.is_not(None),
        )
        .with_for_update()
    )
    if template is None:
        return None
    _lock_name(session, organisation_id, template.name)
    clash = session.scalar(
        select(Template).filter_by(
            organisation_id=organisation_id, name=template.name, deleted_at=None
        )
    )
    if clash is not None:
        raise NameTaken(clash)
    template.deleted_at = None
    session.flush()
    return template


def purge_deleted(
    session: Session, deleted_before: dt.datetime, organisation_id: int | None = None
) -> list[str]:
    """Delete for good the templates in the bin since before ``deleted_before``.

    Only the organisation's when ``organisation_id`` is given; returns their ids.
    """
    query = select(Template.id).where(
        Template.deleted_at.is_not(None), Template.deleted_at < deleted_before
    )
    if organisation_id is not None:
        query = query.where(Template.organisation_id == organisation_id)
    purged = list(session.scalars(query))
    if purged:
        # Versions first, in the same transaction: no reliance on ON DELETE CASCADE.
        session.execute(
            delete(TemplateVersion).where(TemplateVersion.template_id.in_(purged))
        )
        session.execute(delete(Template).where(Template.id.in_(purged)))
    return purged
