"""The disk fills up while a template is uploaded: a clean 507, nothing half-stored.

The test mounts a small tmpfs of its own (tests run as root) and keeps the
SQLite database there.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import create_app
from tests.funder_template import funder_agreement_template
from tests.store_fixtures import bearer, create_api_key, upload

SIZE = "3m"


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MiB tmpfs, unmounted afterwards."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; the filler file."""
    filler = folder / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError as error:
                assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)
    return filler


def test_a_full_disk_refuses_the_upload_cleanly_and_keeps_the_store_whole(
    small_disk: Path,
) -> None:
    app: Flask = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{small_disk / 'store.sqlite3'}"}
    )
    client = app.test_client()
    key = create_api_key(app)
    first = funder_agreement_template()
    created = upload(client, key, first)
    assert created.status_code == 201
    template_id = created.json["id"]

    filler = fill(small_disk)
    refused = upload(client, key, funder_agreement_template(heading="Second"))
    assert refused.status_code == 507
    assert refused.json["message"] == (
        "The template store is out of disk space; the template was not stored. "
        "Try again later."
    )
    assert refused.json["errors"] == []

    # nothing half-stored: still one version, whole
    listed = client.get(f"/v1/templates/{template_id}", headers=bearer(key)).json
    assert listed["latest_version"] == 1
    assert [each["version"] for each in listed["versions"]] == [1]
    download = client.get(f"/v1/templates/{template_id}/file", headers=bearer(key))
    assert hashlib.sha256(download.data).hexdigest() == listed["sha256"]

    # room again: the next upload is version 2, no manual step
    os.unlink(filler)
    again = upload(client, key, funder_agreement_template(heading="Second"))
    assert again.status_code == 201
    assert again.json["version"] == 2
    assert [each["version"] for each in again.json["versions"]] == [1, 2]
