"""An organisation's templates as one zip, and back: every version, verified.

The archive holds ``manifest.json`` (what each template and version is: names,
kinds, languages, file names, dates, check reports, sizes and SHA-256 sums)
and each version's ``.docx`` as ``templates/<id>/<version>.docx``. Importing
verifies every size and checksum before anything is written, then writes the
whole archive in one transaction: all of it, or nothing. Templates keep their
ids and version numbers, so links to them work on the new database too.

Nothing here knows Flask; the caller passes the upload check to run on every
version (the same check as an upload: an archive is no way around it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, undefer

from schemas.problems import flatten_errors
from schemas.registry import KINDS, LANGUAGES
from service.storage import repository
from service.storage.db import Database
from service.storage.models import (
    MAX_INTEGER,
    Organisation,
    Template,
    TemplateVersion,
    utcnow,
)

FORMAT = "partnerdocs-templates"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The manifest is names, dates and reports: far less than this.
MAX_MANIFEST_BYTES = 16 * 1024 * 1024

#: Runs the upload check on one version's bytes (for its kind); returns the
#: report to store, raises what an upload's check raises.
Check = Callable[[bytes, str], Mapping[str, Any]]

_NO_CONTROL = ma.validate.Regexp(
    r"[^\x00-\x1f\x7f]*\Z", error="Must not contain control characters."
)


class ArchiveInvalid(Exception):
    """The archive is not one this service wrote, or it was changed since."""

    def __init__(self, message: str, problems: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class ImportConflict(Exception):
    """Templates of the archive exist already (same name, or same id)."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(
            "These templates exist already: "
            + ", ".join(repr(name) for name in names)
            + ". Delete them first, or import into another organisation."
        )
        self.names = names


class _VersionEntry(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    version = ma.fields.Integer(
        required=True, validate=ma.validate.Range(1, MAX_INTEGER), strict=True
    )
    language = ma.fields.String(required=True, validate=ma.validate.OneOf(LANGUAGES))
    filename = ma.fields.String(
        required=True, validate=[ma.validate.Length(1, 255), _NO_CONTROL]
    )
    size = ma.fields.Integer(required=True, validate=ma.validate.Range(0), strict=True)
    sha256 = ma.fields.String(
        required=True, validate=ma.validate.Regexp(r"[0-9a-f]{64}\Z")
    )
    created_at = ma.fields.AwareDateTime(required=True)
    engine = ma.fields.String(load_default=None, allow_none=True)
    fallback_reason = ma.fields.String(load_default=None, allow_none=True)
    report = ma.fields.Dict(required=True)
    file = ma.fields.String(required=True)


class _TemplateEntry(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    id = ma.fields.String(required=True, validate=ma.validate.Regexp(r"[0-9a-f]{32}\Z"))
    name = ma.fields.String(
        required=True, validate=[ma.validate.Length(1, 200), _NO_CONTROL]
    )
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    created_at = ma.fields.AwareDateTime(required=True)
    versions = ma.fields.List(
        ma.fields.Nested(_VersionEntry),
        required=True,
        validate=ma.validate.Length(min=1),
    )

    @ma.validates_schema
    def _numbered(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        numbers = [version["version"] for version in data.get("versions", [])]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ma.ValidationError(
                "Versions must be numbered 1, 2, 3… in order.", "versions"
            )


class _ManifestSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    format = ma.fields.String(required=True, validate=ma.validate.Equal(FORMAT))
    format_version = ma.fields.Integer(
        required=True, validate=ma.validate.Equal(FORMAT_VERSION), strict=True
    )
    organisation = ma.fields.String(required=True)
    exported_at = ma.fields.AwareDateTime(required=True)
    templates = ma.fields.List(ma.fields.Nested(_TemplateEntry), required=True)

    @ma.validates_schema
    def _unique(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        for field in ("id", "name"):
            values = [entry[field] for entry in data.get("templates", [])]
            if len(values) != len(set(values)):
                raise ma.ValidationError(
                    f"Two templates share one {field}.", "templates"
                )


MANIFEST_SCHEMA = _ManifestSchema()


@dataclass(frozen=True)
class Imported:
    """What an import wrote: each template's id, name and version count."""

    organisation: str
    templates: list[tuple[str, str, int]]


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def export_archive(db: Database, organisation: str) -> bytes | None:
    """The organisation's templates as a zip archive; None if there is no such one."""
    with db.transaction() as session:
        found = session.scalar(select(Organisation).filter_by(name=organisation))
        if found is None:
            return None
        templates = list(
            session.scalars(
                select(Template)
                .filter_by(organisation_id=found.id, deleted_at=None)
                .options(
                    selectinload(Template.versions).options(
                        undefer(TemplateVersion.content)
                    )
                )
                .order_by(Template.name, Template.id)
            )
        )
        buffer = io.BytesIO()
        entries = []
        with zipfile.ZipFile(buffer, "w") as archive:
            for template in templates:
                versions = []
                for version in template.versions:
                    path = f"templates/{template.id}/{version.version}.docx"
                    archive.writestr(path, version.content, zipfile.ZIP_STORED)
                    versions.append(_version_entry(version, path))
                entries.append(
                    {
                        "id": template.id,
                        "name": template.name,
                        "kind": template.kind,
                        "created_at": _when(template.created_at),
                        "versions": versions,
                    }
                )
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "organisation": found.name,
                "exported_at": _when(utcnow()),
                "templates": entries,
            }
            archive.writestr(
                MANIFEST,
                json.dumps(manifest, indent=1, ensure_ascii=False),
                zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def _version_entry(version: TemplateVersion, path: str) -> dict[str, Any]:
    return {
        "version": version.version,
        "language": version.language,
        "filename": version.filename,
        "size": version.size,
        "sha256": version.sha256,
        "created_at": _when(version.created_at),
        "engine": version.engine,
        "fallback_reason": version.fallback_reason,
        "report": version.report,
        "file": path,
    }


def read_archive(
    data: bytes, *, max_file_bytes: int
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and every version's bytes, each size and checksum verified.

    Raises :class:`ArchiveInvalid` naming what is wrong (a field path in the
    manifest, or the version whose file does not match it).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ArchiveInvalid("The file is not a zip archive.") from exc
    with archive:
        try:
            manifest = MANIFEST_SCHEMA.load(_manifest_json(archive))
        except ma.ValidationError as error:
            problems = [problem.as_dict() for problem in flatten_errors(error.messages)]
            raise ArchiveInvalid(
                "The archive's manifest is not valid.", problems
            ) from error
        files: dict[str, bytes] = {}
        for at, template in enumerate(manifest["templates"]):
            for number, version in enumerate(template["versions"]):
                path = f"templates[{at}].versions[{number}]"
                files[version["file"]] = _verified(
                    archive, version, path, max_file_bytes
                )
    return manifest, files


def _manifest_json(archive: zipfile.ZipFile) -> Any:
    try:
        info = archive.getinfo(MANIFEST)
    except KeyError as exc:
        raise ArchiveInvalid(f"The archive has no {MANIFEST}.") from exc
    if info.file_size > MAX_MANIFEST_BYTES:
        raise ArchiveInvalid(f"{MANIFEST} is larger than any this service writes.")
    try:
        with archive.open(info) as member:
            return json.loads(member.read(MAX_MANIFEST_BYTES + 1))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ArchiveInvalid(f"{MANIFEST} cannot be read: {exc}") from exc


def _verified(
    archive: zipfile.ZipFile, version: Mapping[str, Any], path: str, limit: int
) -> bytes:
    def wrong(message: str) -> ArchiveInvalid:
        return ArchiveInvalid(
            "A template file does not match the manifest.",
            [{"path": path, "message": message}],
        )

    if version["size"] > limit:
        raise wrong(f"Larger than the upload limit ({limit} bytes).")
    try:
        info = archive.getinfo(version["file"])
        with archive.open(info) as member:
            content = member.read(version["size"] + 1)
    except KeyError as exc:
        raise wrong(f"The archive has no file {version['file']!r}.") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise wrong(f"The file cannot be read: {exc}") from exc
    if len(content) != version["size"]:
        raise wrong(f"Its size is not {version['size']} bytes.")
    if hashlib.sha256(content).hexdigest() != version["sha256"]:
        raise wrong("Its SHA-256 checksum differs: the file was changed or damaged.")
    return content


def import_archive(
    db: Database,
    organisation: str,
    data: bytes,
    *,
    check: Check,
    max_file_bytes: int,
) -> Imported:
    """Verify the archive, check every version, then store it all in one transaction.

    Raises :class:`ArchiveInvalid`, what ``check`` raises, or
    :class:`ImportConflict` when a template of the archive (by name in this
    organisation, or by id anywhere) exists already; nothing is written then.
    """
    manifest, files = read_archive(data, max_file_bytes=max_file_bytes)
    reports = {
        version["file"]: check(files[version["file"]], template["kind"])
        for template in manifest["templates"]
        for version in template["versions"]
    }
    with db.transaction(writing=True) as session:
        owner = repository.get_or_create_organisation(session, organisation)
        _refuse_conflicts(session, owner.id, manifest["templates"])
        written = []
        for entry in manifest["templates"]:
            template = Template(
                id=entry["id"],
                organisation_id=owner.id,
                name=entry["name"],
                kind=entry["kind"],
                created_at=entry["created_at"],
                latest_version=len(entry["versions"]),
            )
            session.add(template)
            for version in entry["versions"]:
                content = files[version["file"]]
                session.add(
                    TemplateVersion(
                        template=template,
                        version=version["version"],
                        language=version["language"],
                        filename=version["filename"],
                        size=len(content),
                        sha256=version["sha256"],
                        content=content,
                        report=dict(reports[version["file"]]),
                        engine=version["engine"],
                        fallback_reason=version["fallback_reason"],
                        created_at=version["created_at"],
                    )
                )
            written.append((entry["id"], entry["name"], len(entry["versions"])))
        session.flush()
    return Imported(organisation, written)


def _refuse_conflicts(
    session: Session, organisation_id: int, entries: list[Mapping[str, Any]]
) -> None:
    names = [entry["name"] for entry in entries]
    ids = [entry["id"] for entry in entries]
    taken_names = set(
        session.scalars(
            select(Template.name).where(
                Template.organisation_id == organisation_id,
                Template.name.in_(names),
                Template.deleted_at.is_(None),
            )
        )
    )
    taken_ids = set(session.scalars(select(Template.id).where(Template.id.in_(ids))))
    clashes = taken_names | {
        entry["name"] for entry in entries if entry["id"] in taken_ids
    }
    if clashes:
        raise ImportConflict(sorted(clashes))
