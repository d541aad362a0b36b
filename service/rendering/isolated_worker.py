"""The worker side of :mod:`service.rendering.isolation`: one request at a time.

Everything a funder's template costs happens here, under the worker's limits:
the upload check (package limits, inspection, the structure probe), compiling,
and rendering. The worker caps its own address space (``RLIMIT_AS``) before
it reads any request, then answers requests from its pipe until the parent
closes it. Requests and replies are tuples:

- ``("check", digest, source, (kind, package_limits))`` → ``("ok", report)``,
  the upload check's report as JSON; the template is then prepared and kept;
- ``("render", digest, source | None, context)`` → ``("ok", docx_bytes)``;
  ``source`` is None when the worker said it holds ``digest``;
- a template's fault → ``("template", status, message, problems)``;
- out of memory → ``("memory",)``, after which the worker exits;
- a bug → ``("crash", description)``.

Every reply ends with the digests the worker holds, so the parent knows when
to send a template's bytes, and whether the worker asks to be retired: the
prepared-template cache is bounded by the memory the process really grew by
(its resident set), not by an estimate, and a worker that stays above its
budget with an empty cache is replaced.
"""

from __future__ import annotations

import logging
import math
import os
import resource
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from service.rendering.engine import PreparedTemplate
from service.rendering.errors import TemplateError
from service.rendering.memory import resident_bytes, settled_resident_bytes

logger = logging.getLogger(__name__)

MiB = 1024 * 1024


@dataclass(frozen=True)
class WorkerLimits:
    """What one worker process may use (see :class:`IsolationLimits`)."""

    memory_bytes: int
    cpu_seconds: float
    max_output_bytes: int
    cache_bytes: int
    cache_entries: int
    #: Growth beyond the cache's budget a request may leave behind.
    working_bytes: int


class PreparedCache:
    """Prepared templates by digest, bounded by count and by measured growth.

    Each entry weighs what the process kept after preparing it (or the
    engine's estimate, whichever is larger), measured once garbage is
    collected and free memory handed back (:mod:`service.rendering.memory`).
    """

    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.entries: OrderedDict[str, tuple[PreparedTemplate, int]] = OrderedDict()
        self.weight = 0

    def get(self, digest: str) -> PreparedTemplate | None:
        """The prepared template, marked as used, or None."""
        found = self.entries.get(digest)
        if found is None:
            return None
        self.entries.move_to_end(digest)
        return found[0]

    def put(self, template: PreparedTemplate, grown: int) -> None:
        """Keep ``template``; evict the least recently used beyond the budget."""
        weight = max(grown, template.weight)
        self.entries[template.digest] = (template, weight)
        self.weight += weight
        while self.entries and (
            len(self.entries) > self.max_entries or self.weight > self.max_bytes
        ):
            _, (_, evicted) = self.entries.popitem(last=False)
            self.weight -= evicted

    def clear(self) -> None:
        """Forget every template."""
        self.entries.clear()
        self.weight = 0

    def digests(self) -> tuple[str, ...]:
        """The digests held, least recently used first."""
        return tuple(self.entries)


class Worker:
    """The state of one worker process between requests."""

    def __init__(self, limits: WorkerLimits) -> None:
        self.limits = limits
        self.cache = PreparedCache(limits.cache_bytes, limits.cache_entries)
        self.baseline = settled_resident_bytes()

    def prepared(self, digest: str, source: bytes | None) -> PreparedTemplate | None:
        """The template for ``digest``: held, or prepared from ``source``."""
        from service.rendering import engine

        template = self.cache.get(digest)
        if template is None and source is not None:
            before = settled_resident_bytes()
            template = engine.prepare(source, compiled_only=True)
            self.cache.put(template, settled_resident_bytes() - before)
        return template

    def check(self, digest: str, source: bytes, kind: str, limits: Any) -> Any:
        """The upload check's report; the template is prepared and kept too."""
        from service.rendering.inspection import inspect_template

        report = inspect_template(source, kind, limits=limits)
        self.prepared(digest, source)
        return report.as_dict()

    def render(
        self, digest: str, source: bytes | None, context: dict[str, Any]
    ) -> bytes:
        """The rendered .docx."""
        from service.rendering import engine

        template = self.prepared(digest, source)
        if template is None:
            raise LookupError(f"template {digest[:12]} is neither held nor sent")
        return engine.render(
            template,
            context,
            max_output_bytes=self.limits.max_output_bytes,
            compiled_only=True,
        )

    def should_retire(self) -> bool:
        """Whether the process grew past its budget.

        Cheap while under budget (one read of /proc); over it, free memory is
        handed back first, then the cache is emptied, and only a process still
        over budget after that is retired.
        """
        budget = self.baseline + self.limits.cache_bytes + self.limits.working_bytes
        if resident_bytes() <= budget or settled_resident_bytes() <= budget:
            return False
        self.cache.clear()
        return settled_resident_bytes() > budget


def limit_memory(limits: WorkerLimits) -> None:
    """Cap this process's address space; from here on big allocations fail."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))


def limit_cpu(limits: WorkerLimits) -> None:
    """A CPU-time backstop for the next request: SIGXCPU ends the process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = math.ceil(used + limits.cpu_seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def serve(connection: Connection, limits: WorkerLimits) -> None:
    """The worker process: set limits, say it is ready, answer until EOF."""
    limit_memory(limits)
    worker = Worker(limits)
    connection.send(("ready", os.getpid()))
    while True:
        try:
            operation, digest, source, argument = connection.recv()
        except (EOFError, OSError):
            return
        limit_cpu(limits)
        reply = _answer(worker, operation, digest, source, argument)
        if reply[0] == "memory":
            worker.cache.clear()
            try:
                connection.send((*reply, (), True))
            finally:
                os._exit(3)  # a process that ran out of memory is not trusted
        retire = worker.should_retire()
        connection.send((*reply, worker.cache.digests(), retire))


def _answer(
    worker: Worker, operation: str, digest: str, source: bytes | None, argument: Any
) -> tuple[Any, ...]:
    try:
        if operation == "check":
            kind, package_limits = argument
            assert source is not None
            return ("ok", worker.check(digest, source, kind, package_limits))
        return ("ok", worker.render(digest, source, argument))
    except TemplateError as exc:
        problems = [problem.as_dict() for problem in exc.problems]
        return ("template", exc.status, exc.message, problems)
    except MemoryError:
        return ("memory",)
    except Exception as exc:  # noqa: BLE001 - carried to the parent and raised there
        logger.exception("template %s failed in a worker", operation)
        return ("crash", f"{type(exc).__name__}: {exc}")
