"""The committed form bundle is what ``npm ci && npm run build`` makes.

``frontend/form/`` holds the source and its lockfile; the build writes
``service/web/static/form/`` (served by a Python-only install) and vendors
axe-core into ``tests/assets/`` for the browser tests. This test builds from a
clean copy into a temporary folder and compares byte for byte, so a change to
the source without a rebuild (or a hand-edited bundle) fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

FRONTEND = PROJECT_ROOT / "frontend" / "form"
ASSETS = PROJECT_ROOT / "service" / "web" / "static" / "form"
AXE = PROJECT_ROOT / "tests" / "assets" / "axe.min.js"
SOURCES = ("package.json", "package-lock.json", "build.mjs", "src")

pytestmark = pytest.mark.npm


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_lockfile_pins_what_package_json_asks_for() -> None:
    package = json.loads((FRONTEND / "package.json").read_text())
    lock = json.loads((FRONTEND / "package-lock.json").read_text())["packages"]
    wanted = {**package["dependencies"], **package["devDependencies"]}
    for name, version in wanted.items():
        assert lock[f"node_modules/{name}"]["version"] == version


def test_committed_bundle_is_the_build_of_the_source(tmp_path: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed")
    source = tmp_path / "form"
    source.mkdir()
    for name in SOURCES:
        if (FRONTEND / name).is_dir():
            shutil.copytree(FRONTEND / name, source / name)
        else:
            shutil.copy2(FRONTEND / name, source / name)
    built, axe = tmp_path / "built", tmp_path / "axe"
    env = {**os.environ, "FORM_OUT": str(built), "AXE_OUT": str(axe)}
    for command in (
        [npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"],
        [npm, "run", "build"],
    ):
        done = subprocess.run(
            command, cwd=source, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert _files(built) == _files(ASSETS), (
        "service/web/static/form/ is stale: run "
        "`cd frontend/form && npm ci && npm run build` and commit the result"
    )
    assert (axe / "axe.min.js").read_bytes() == AXE.read_bytes()
