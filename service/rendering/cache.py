"""A bounded, thread-safe cache of prepared templates, keyed by content hash.

Preparing a template (parsing its parts, running docxtpl's preprocessing,
compiling Jinja) costs tens of milliseconds; rendering a prepared one costs
about one. The cache keeps prepared templates by the SHA-256 of their bytes, so
a changed template has a new key and can never be served stale, and the same
bytes uploaded twice are prepared once.

Each process holds its own cache: under gunicorn every worker process has an
independent, bounded copy and nothing is shared, so there is nothing to lock
across processes or to invalidate. Inside a process the cache is thread-safe
(gthread workers) and prepares a template once even when several threads ask
for it at the same moment. It is bounded both by entry count and by an estimate
of the bytes each prepared template holds, evicting the least recently used:
the larger of the engine's estimate and what the process kept after preparing
it, measured once garbage is collected and free memory handed back
(:mod:`service.rendering.memory`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from service.rendering.engine import PreparedTemplate, prepare
from service.rendering.memory import settled_resident_bytes

DEFAULT_MAX_ENTRIES = 256
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass
class _Pending:
    """A preparation under way, which other threads wait for."""

    done: threading.Event = field(default_factory=threading.Event)
    result: PreparedTemplate | None = None


class TemplateCache:
    """Prepared templates, least recently used evicted first.

    At most ``max_entries`` templates and about ``max_bytes`` of memory (each
    weighed by :attr:`PreparedTemplate.weight` or the memory its preparation
    took, whichever is larger); a template heavier than ``max_bytes`` is
    prepared and returned but not kept.
    """

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        *,
        preparer: Callable[[bytes], PreparedTemplate] = prepare,
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a template cache needs room for something")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._prepare = preparer
        self._entries: OrderedDict[str, PreparedTemplate] = OrderedDict()
        self._weights: dict[str, int] = {}
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._bytes = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self.uncached = 0

    def get(self, source: bytes, *, digest: str | None = None) -> PreparedTemplate:
        """The prepared form of ``source``, preparing it on a miss.

        ``digest`` is the SHA-256 hex digest of ``source`` when the caller
        already knows it (it is computed otherwise). Raises what
        :func:`~service.rendering.engine.prepare` raises; failures are not kept.
        """
        key = digest or hashlib.sha256(source).hexdigest()
        with self._lock:
            prepared = self._entries.get(key)
            if prepared is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return prepared
            pending = self._pending.get(key)
            owner = pending is None
            if pending is None:
                pending = self._pending[key] = _Pending()
                self.misses += 1
        if not owner:
            pending.done.wait()
            if pending.result is not None:
                with self._lock:
                    self.hits += 1
                return pending.result
            return self.get(source, digest=key)  # the other thread's attempt failed
        before = settled_resident_bytes()
        try:
            prepared = self._prepare(source)
        except BaseException:
            with self._lock:
                del self._pending[key]
            pending.done.set()  # waiters try for themselves (and fail alike)
            raise
        with self._lock:
            del self._pending[key]
            self._store(key, prepared, settled_resident_bytes() - before)
        pending.result = prepared
        pending.done.set()
        return prepared

    def _store(self, key: str, prepared: PreparedTemplate, grown: int) -> None:
        weight = max(prepared.weight, grown)
        if weight > self.max_bytes:
            self.uncached += 1
            return
        self._entries[key] = prepared
        self._weights[key] = weight
        self._bytes += weight
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            evicted, _ = self._entries.popitem(last=False)
            self._bytes -= self._weights.pop(evicted)
            self.evictions += 1

    def __contains__(self, digest: object) -> bool:
        """Whether a template with this digest is held (does not count a hit)."""
        with self._lock:
            return digest in self._entries

    def __len__(self) -> int:
        """How many prepared templates are held."""
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Forget every prepared template (the counters stay)."""
        with self._lock:
            self._entries.clear()
            self._weights.clear()
            self._bytes = 0

    def stats(self) -> dict[str, Any]:
        """Entries, estimated bytes, hits, misses and evictions, for health checks."""
        with self._lock:
            return {
                "entries": len(self._entries),
                "bytes": self._bytes,
                "max_entries": self.max_entries,
                "max_bytes": self.max_bytes,
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
                "uncached": self.uncached,
            }
