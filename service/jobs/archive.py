"""The zip a batch answers: one file per rendered item, then report.json.

Entries are written as they are made (the zip is streamed to a file or any
writable binary stream), so a batch holds one document in memory at a time.
Documents are stored, not deflated: .docx files are zips already and PDF
streams are compressed.
"""

from __future__ import annotations

import json
import zipfile
from typing import IO, Any

REPORT_NAME = "report.json"


class BatchArchive:
    """A zip being written: add documents, then :meth:`finish` with the report."""

    def __init__(self, out: IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED)
        self._names: set[str] = set()

    def add(self, name: str, content: bytes) -> str:
        """Add a document under ``name`` (made unique); the name it got."""
        unique = name
        stem, dot, extension = name.rpartition(".")
        counter = 2
        while unique in self._names or unique == REPORT_NAME:
            unique = f"{stem}-{counter}{dot}{extension}"
            counter += 1
        self._names.add(unique)
        self._zip.writestr(unique, content)
        return unique

    def finish(self, report: dict[str, Any]) -> None:
        """Write report.json and close the zip."""
        text = json.dumps(report, ensure_ascii=False, indent=1, default=str)
        self._zip.writestr(
            REPORT_NAME, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED
        )
        self._zip.close()
