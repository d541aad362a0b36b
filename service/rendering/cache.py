"""A bounded, thread-safe cache of prepared templates keyed by content hash."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from service.rendering.engine import PreparedTemplate, prepare


class TemplateCache:
    """Least-recently-used prepared templates, at most ``max_entries`` of them.

    Keys are SHA-256 digests of the template bytes, so a changed template can
    never be served stale, and each process (gunicorn worker) holds its own.
    """

    def __init__(self, max_entries: int = 256, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, PreparedTemplate] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, source: bytes) -> PreparedTemplate:
        """The prepared form of ``source``, preparing it on a miss."""
        digest = hashlib.sha256(source).hexdigest()
        with self._lock:
            prepared = self._entries.get(digest)
            if prepared is not None:
                self._entries.move_to_end(digest)
                self.hits += 1
                return prepared
            self.misses += 1
        prepared = prepare(source)
        with self._lock:
            self._entries[digest] = prepared
            self._evict()
        return prepared

    def _evict(self) -> None:
        held = sum(len(entry.source) for entry in self._entries.values())
        while self._entries and (
            len(self._entries) > self.max_entries or held > self.max_bytes
        ):
            _, evicted = self._entries.popitem(last=False)
            held -= len(evicted.source)

    def stats(self) -> dict[str, Any]:
        """Entries, hits and misses, for health checks and benchmarks."""
        with self._lock:
            return {
                "entries": len(self._entries),
                "hits": self.hits,
                "misses": self.misses,
            }
