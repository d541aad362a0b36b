"""The built-in templates: ``<directory>/<kind>.<language>.docx``, served prepared.

The directory comes from configuration (``TEMPLATES_DIR``), never from a
request. A file is read again only when its modification time or size changes
(a stat per request, no read and no hash), and the prepared template comes from
the :class:`~service.rendering.cache.TemplateCache` that funders' templates
share, keyed by content: editing a built-in template takes effect on the next
request, in every worker.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from service.rendering.cache import TemplateCache
from service.rendering.engine import PreparedTemplate
from service.rendering.errors import TemplateError

SUFFIX = ".docx"


@dataclass(frozen=True)
class _Known:
    """A template file as last read: its (mtime_ns, size), digest and bytes."""

    signature: tuple[int, int]
    digest: str
    source: bytes


class BuiltinTemplates:
    """Finds built-in templates on disk and serves them prepared from the cache."""

    def __init__(self, directory: Path, cache: TemplateCache) -> None:
        self.directory = Path(directory)
        self.cache = cache
        self._known: dict[Path, _Known] = {}
        self._lock = threading.Lock()

    def path(self, kind: str, language: str) -> Path:
        """Where the template for ``kind`` in ``language`` lives."""
        return self.directory / f"{kind}.{language}{SUFFIX}"

    def get(self, kind: str, language: str) -> PreparedTemplate:
        """The prepared template; ``FileNotFoundError`` if there is none.

        Raises :class:`~service.rendering.errors.TemplateError` if the file is
        not a usable template.
        """
        path = self.path(kind, language)
        stat = path.stat()
        signature = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._known.get(path)
        if known is None or known.signature != signature:
            source = path.read_bytes()
            known = _Known(signature, hashlib.sha256(source).hexdigest(), source)
            with self._lock:
                self._known[path] = known
        return self.cache.get(known.source, digest=known.digest)

    def problem(self, kind: str, language: str) -> str | None:
        """Why the template for ``kind`` in ``language`` cannot be used, or None.

        Prepares it through the cache, so asking again is cheap until the file
        changes.
        """
        try:
            self.get(kind, language)
        except FileNotFoundError:
            return "missing"
        except OSError as exc:
            return f"unreadable: {exc.strerror or exc}"
        except TemplateError as exc:
            return f"broken: {exc.message}"
        return None

    def available(self) -> list[tuple[str, str, Path]]:
        """Every (kind, language, path) in the directory, sorted."""
        found = []
        for path in sorted(self.directory.glob(f"*.*{SUFFIX}")):
            if path.name.startswith((".", "~$")):
                continue  # hidden files and Word's lock files
            stem = path.name.removesuffix(SUFFIX)
            kind, _, language = stem.rpartition(".")
            if kind and language and "." not in kind:
                found.append((kind, language, path))
        return found
