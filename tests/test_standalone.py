"""A fresh clone stands alone: nothing in the project reads a folder beside it.

A user's clone has no sibling ``shared/`` folder; the project's own example
bodies are ``agreement_templates/examples/*.json``. (``.ci/run`` also runs the
suite from a copy of the checkout in an empty temporary folder.)
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import PROJECT_ROOT

#: Folders that are not the project's own files (tools' and builds' output).
SKIPPED_DIRS = {".git", ".venv", "node_modules", "instance", "__pycache__", "build"}
TEXT_SUFFIXES = {".py", ".md", ".sh", ".toml", ".json", ".txt", ".cfg", ".ini", ""}
#: Ways of reaching a ``shared`` folder outside the project. Written so that
#: this file does not match them itself.
OUTSIDE = re.compile(r'\.\./shared\b|/work/(?:shared)\b|"shared"\s*/|/\s*"shared"')


def project_text_files() -> list[Path]:
    """Every text file of the project (scripts, tests, bench, docs, code)."""
    found = []
    for path in PROJECT_ROOT.rglob("*"):
        relative = path.relative_to(PROJECT_ROOT)
        skipped = SKIPPED_DIRS.intersection(relative.parts) or any(
            part.endswith((".egg-info", "_cache")) for part in relative.parts
        )
        if skipped or not path.is_file():
            continue
        if path.suffix in TEXT_SUFFIXES:
            found.append(path)
    return found


def test_no_file_reads_a_shared_folder_beside_the_project() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}"
        for path in project_text_files()
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        )
        if OUTSIDE.search(line)
    ]
    assert offenders == []
