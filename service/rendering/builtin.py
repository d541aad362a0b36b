"""The built-in templates: agreement_templates/<kind>.<language>.docx."""

from __future__ import annotations

import threading
from pathlib import Path

from service.rendering.cache import TemplateCache
from service.rendering.engine import PreparedTemplate


class BuiltinTemplates:
    """Finds built-in templates on disk and serves them prepared from the cache.

    A file is re-read only when its modification time or size changes.
    """

    def __init__(self, directory: Path, cache: TemplateCache):
        self.directory = directory
        self.cache = cache
        self._sources: dict[Path, tuple[tuple[int, int], bytes]] = {}
        self._lock = threading.Lock()

    def path(self, kind: str, language: str) -> Path:
        """Where the template for ``kind`` in ``language`` lives."""
        return self.directory / f"{kind}.{language}.docx"

    def get(self, kind: str, language: str) -> PreparedTemplate:
        """The prepared template; FileNotFoundError if there is none."""
        path = self.path(kind, language)
        stat = path.stat()
        signature = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._sources.get(path)
        if known is None or known[0] != signature:
            known = (signature, path.read_bytes())
            with self._lock:
                self._sources[path] = known
        return self.cache.get(known[1])

    def available(self) -> list[tuple[str, str, Path]]:
        """Every (kind, language, path) found in the directory."""
        found = []
        for path in sorted(self.directory.glob("*.*.docx")):
            kind, language = path.name.removesuffix(".docx").split(".", 1)
            found.append((kind, language, path))
        return found
