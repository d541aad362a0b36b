"""Check, compile and render uploaded templates in processes they cannot escape.

Jinja's sandbox stops a template from reaching Python's internals, but not from
looping for hours, building a 100 MB string, or costing quadratic time in a
regular expression. Nothing a funder uploads is therefore parsed, compiled or
rendered in the web process: :class:`IsolatedRenderer` keeps a small pool of
worker processes (:mod:`service.rendering.isolated_worker`), started lazily
from a fork server (safe inside gunicorn workers and Flask's threads: the fork
server is a fresh, single-threaded process, and workers are forked from it,
never from the threaded web process). Each worker caps its own address space
(``RLIMIT_AS``) and, as a backstop, its CPU time (``RLIMIT_CPU``); the parent
gives each request a wall-clock deadline and kills (SIGKILL) a worker that
overruns it or dies, replacing it on the next use.

:meth:`IsolatedRenderer.check` runs the whole upload check there (package
limits, inspection, compiling); :meth:`IsolatedRenderer.render` renders. A
worker keeps the templates it prepared by digest, so a template's bytes cross
the pipe only when that worker does not hold them. Pass uploaded templates as
:func:`unprepared`. Outcomes come back as exceptions in the calling thread:

- too slow, or over the CPU backstop: :class:`TemplateError` (422), "took
  longer than 5 s";
- out of memory: :class:`TemplateLimitExceeded` (413);
- output too large: :class:`TemplateLimitExceeded` (413), from the engine;
- a template error: the engine's :class:`TemplateError`, problems and all;
- every worker busy for longer than the wait allows: :class:`RendererBusy` (503);
- a worker that cannot start, or dies of something no template causes:
  :class:`RendererUnavailable` (503), logged with the cause.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import queue
import signal
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from service.rendering.engine import PreparedTemplate
from service.rendering.errors import (
    TemplateError,
    TemplateLimitExceeded,
    TemplateProblem,
)
from service.rendering.isolated_worker import WorkerLimits, serve
from service.rendering.package_limits import DEFAULT_LIMITS as DEFAULT_PACKAGE_LIMITS
from service.rendering.package_limits import PackageLimits

MiB = 1024 * 1024
logger = logging.getLogger(__name__)

#: Modules the fork server imports once, so each new worker starts in
#: milliseconds instead of importing docxtpl, lxml and Babel again.
PRELOAD = ["service.rendering.engine", "service.rendering.inspection"]
#: How long a new worker may take to say it is ready.
START_SECONDS = 30.0


@dataclass(frozen=True)
class IsolationLimits:
    """What one check or rendering of an uploaded template may cost."""

    #: Wall-clock time for one request, preparing the template included.
    timeout_seconds: float = 5.0
    #: Address space of each worker process (RLIMIT_AS).
    memory_bytes: int = 512 * MiB
    #: Uncompressed XML the rendered parts may add up to.
    max_output_bytes: int = 20 * MiB
    #: How long a caller waits for a free worker before giving up (503).
    wait_seconds: float = 30.0
    #: Prepared templates each worker keeps, by count ...
    cache_entries: int = 16
    #: ... and by the memory the worker grew by preparing them.
    cache_bytes: int = 64 * MiB
    #: Growth beyond ``cache_bytes`` a worker may keep between requests; a
    #: worker above both, with its cache emptied, is replaced.
    working_bytes: int = 64 * MiB
    #: CPU seconds one request may use (the backstop behind the deadline);
    #: twice the deadline and a second when left out.
    cpu_seconds: float | None = None

    def for_worker(self) -> WorkerLimits:
        """The limits a worker process applies to itself."""
        cpu = self.cpu_seconds
        return WorkerLimits(
            memory_bytes=self.memory_bytes,
            cpu_seconds=2 * self.timeout_seconds + 1 if cpu is None else cpu,
            max_output_bytes=self.max_output_bytes,
            cache_bytes=self.cache_bytes,
            cache_entries=self.cache_entries,
            working_bytes=self.working_bytes,
        )


DEFAULT_LIMITS = IsolationLimits()


def unprepared(source: bytes) -> PreparedTemplate:
    """An uploaded template as the renderer takes it, without compiling it here."""
    return PreparedTemplate(digest=hashlib.sha256(source).hexdigest(), source=source)


class RendererBusy(TemplateError):
    """Every worker stayed busy for longer than a caller may wait."""

    status = 503


class RendererUnavailable(TemplateError):
    """A worker could not start, or died of something no template causes."""

    status = 503


class RenderWorkerError(RuntimeError):
    """A worker failed in a way no template should cause: a bug, logged as such."""


class IsolatedRenderer:
    """A pool of worker processes checking and rendering uploaded templates.

    Thread-safe: each worker serves one request at a time and callers wait for
    a free one. Call :meth:`close` (or use it as a context manager) to stop the
    workers; they are daemons and also end with the process.
    """

    def __init__(
        self, workers: int = 2, limits: IsolationLimits = DEFAULT_LIMITS
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.limits = limits
        self._context = multiprocessing.get_context("forkserver")
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._all = [_Worker(index, self._context, limits) for index in range(workers)]
        for worker in self._all:
            self._idle.put(worker)
        self._closed = False
        self._lock = threading.Lock()

    def __enter__(self) -> IsolatedRenderer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def render(self, template: PreparedTemplate, context: Mapping[str, Any]) -> bytes:
        """Render ``template`` with ``context`` in a worker; the .docx bytes."""
        output: bytes = self._run(
            "render", template.digest, template.source, dict(context)
        )
        return output

    def check(
        self,
        source: bytes,
        kind: str,
        package_limits: PackageLimits = DEFAULT_PACKAGE_LIMITS,
    ) -> dict[str, Any]:
        """The upload check of ``source`` as a ``kind`` template, run in a worker.

        Returns the report (:meth:`TemplateReport.as_dict`); raises what the
        check raises (:class:`TemplateError`, :class:`TemplateLimitExceeded`).
        The worker keeps the prepared template, so a preview that follows is
        quick.
        """
        digest = hashlib.sha256(source).hexdigest()
        report: dict[str, Any] = self._run(
            "check", digest, source, (kind, package_limits)
        )
        return report

    def pids(self) -> list[int]:
        """The process ids of the running workers (for monitoring and tests)."""
        return [
            worker.process.pid
            for worker in self._all
            if worker.process is not None and worker.process.pid is not None
        ]

    def held(self) -> set[str]:
        """The digests of the templates the workers hold prepared."""
        return {digest for worker in self._all for digest in worker.held}

    def _run(self, operation: str, digest: str, source: bytes, argument: Any) -> Any:
        """One request in the first free worker (see :meth:`_Worker.request`)."""
        if self._closed:
            raise RuntimeError("the renderer is closed")
        try:
            worker = self._idle.get(timeout=self.limits.wait_seconds)
        except queue.Empty:
            raise RendererBusy(
                "Every renderer is busy; try again in a moment.",
                [TemplateProblem(message="No renderer became free in time.")],
            ) from None
        try:
            return worker.request(operation, digest, source, argument)
        finally:
            with self._lock:
                closed = self._closed
            if closed:
                worker.stop()
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker process (idle ones at once, busy ones when done)."""
        with self._lock:
            self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            worker.stop()


class _Worker:
    """One slot of the pool: a worker process, started when first needed."""

    def __init__(self, index: int, context: Any, limits: IsolationLimits) -> None:
        self.index = index
        self.context = context
        self.limits = limits
        self.process: BaseProcess | None = None
        self.connection: Connection | None = None
        self.held: frozenset[str] = frozenset()  # digests the worker holds
        self.operation = "render"  # the request under way, for messages

    # -- the process

    def start(self) -> None:
        """Start the worker process and wait until it says it is ready."""
        _preload(self.context)
        try:
            parent, child = self.context.Pipe(duplex=True)
            process = self.context.Process(
                target=serve,
                args=(child, self.limits.for_worker()),
                name=f"template-renderer-{self.index}",
                daemon=True,
            )
            process.start()
        except (OSError, EOFError, ValueError) as exc:
            logger.error("template renderer %s could not start: %s", self.index, exc)
            raise _unavailable() from exc
        child.close()
        self.process, self.connection, self.held = process, parent, frozenset()
        try:
            ready = parent.poll(START_SECONDS) and parent.recv()[0] == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            process.join(timeout=1)
            code = process.exitcode
            self.stop()
            logger.error(
                "template renderer %s died while starting (exit code %s)",
                self.index,
                code,
            )
            raise _unavailable()

    def stop(self) -> None:
        """Kill the worker process (SIGKILL) and forget it."""
        process, connection = self.process, self.connection
        self.process = self.connection = None
        self.held = frozenset()
        if connection is not None:
            connection.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(timeout=5)

    # -- one request

    def request(self, operation: str, digest: str, source: bytes, argument: Any) -> Any:
        """Run one request in this worker, (re)starting the process if needed."""
        if self.process is None or not self.process.is_alive():
            self.stop()
            self.start()
        self.operation = operation
        deadline = time.monotonic() + self.limits.timeout_seconds
        sent = None if digest in self.held and operation == "render" else source
        return self._outcome(
            self._exchange((operation, digest, sent, argument), deadline)
        )

    def _exchange(self, message: tuple[Any, ...], deadline: float) -> tuple[Any, ...]:
        connection, process = self.connection, self.process
        assert connection is not None and process is not None
        try:
            connection.send(message)
            if not connection.poll(max(0.0, deadline - time.monotonic())):
                self.stop()
                raise self._timeout()
            reply: tuple[Any, ...] = connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError) as exc:
            raise self._died() from exc
        *answer, held, retire = reply
        self.held = frozenset(held)
        if retire:
            logger.info("template renderer %s retired: it grew too large", self.index)
            self.stop()
        return tuple(answer)

    def _died(self) -> TemplateError:
        """The error for a worker that died during a request, logged."""
        process = self.process
        code = None
        if process is not None:
            process.join(timeout=5)
            code = process.exitcode
        self.stop()
        logger.warning("template renderer %s died (exit code %s)", self.index, code)
        if code == -signal.SIGXCPU:
            return self._timeout()
        if code == -signal.SIGKILL:  # the kernel's out-of-memory killer
            return self._memory()
        return _unavailable()

    def _outcome(self, reply: tuple[Any, ...]) -> Any:
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "template":
            _, status, message, problems = reply
            error = TemplateLimitExceeded if status == 413 else TemplateError
            raise error(message, [TemplateProblem(**problem) for problem in problems])
        if kind == "memory":
            self.stop()  # the worker exits after a MemoryError; reap it now
            raise self._memory()
        raise RenderWorkerError(f"The template renderer failed: {reply[1]}")

    def _timeout(self) -> TemplateError:
        seconds = f"{self.limits.timeout_seconds:g}"
        return TemplateError(
            f"The template took longer than {seconds} s to {self.operation} and was "
            "stopped.",
            [TemplateProblem(message="A loop in the template probably never ends.")],
        )

    def _memory(self) -> TemplateLimitExceeded:
        mib = f"{self.limits.memory_bytes / MiB:g}"
        return TemplateLimitExceeded(
            f"The template needed more than {mib} MiB of memory and was stopped.",
            [TemplateProblem(message="The template builds too large a text or list.")],
        )


def _unavailable() -> RendererUnavailable:
    return RendererUnavailable(
        "The template renderer is unavailable; try again in a moment.",
        [TemplateProblem(message="A renderer process could not run. It is logged.")],
    )


_preload_lock = threading.Lock()


def _preload(context: Any) -> None:
    """Ask the fork server to import the engine once (before it first starts)."""
    with _preload_lock:
        context.set_forkserver_preload(PRELOAD)
