"""Render uploaded templates in worker processes a runaway template cannot escape.

Jinja's sandbox stops a template from reaching Python's internals, but not from
looping for hours or building a 100 MB string. :class:`IsolatedRenderer` keeps a
small pool of worker processes, started lazily from a fork server (safe inside
gunicorn workers and Flask's threads: the fork server itself is a fresh,
single-threaded process, and workers are forked from it, never from the
threaded web process). Each worker caps its own address space
(``RLIMIT_AS``) and, as a backstop, its CPU time (``RLIMIT_CPU``); the parent
gives each rendering a wall-clock deadline and kills (SIGKILL) a worker that
overruns it or dies, replacing it on the next use.

A worker keeps its own small cache of prepared templates by digest, so the
template's bytes cross the pipe only when that worker has not seen them.
The worker also prepares (compiles) the template: pass uploaded templates as
:func:`unprepared`, since compiling in the web process would already run
constant expressions such as ``"x" * 300000000``. Outcomes come back as
exceptions in the calling thread:

- too slow: :class:`TemplateError` (422), "took longer than 5 s";
- out of memory, or killed: :class:`TemplateLimitExceeded` (413);
- output too large: :class:`TemplateLimitExceeded` (413), from the engine;
- a template error: the engine's :class:`TemplateError`, problems and all;
- every worker busy for longer than the wait allows: :class:`RendererBusy` (503).
"""

from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import queue
import resource
import signal
import threading
import time
from collections import OrderedDict
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

MiB = 1024 * 1024
logger = logging.getLogger(__name__)

#: Modules the fork server imports once, so each new worker starts in
#: milliseconds instead of importing docxtpl, lxml and Babel again.
PRELOAD = ["service.rendering.engine"]


@dataclass(frozen=True)
class IsolationLimits:
    """What one rendering of an uploaded template may cost."""

    #: Wall-clock time for one rendering, preparing the template included.
    timeout_seconds: float = 5.0
    #: Address space of each worker process (RLIMIT_AS).
    memory_bytes: int = 512 * MiB
    #: Uncompressed XML the rendered parts may add up to.
    max_output_bytes: int = 20 * MiB
    #: How long a caller waits for a free worker before giving up (503).
    wait_seconds: float = 30.0
    #: Prepared templates each worker keeps.
    cache_entries: int = 16


DEFAULT_LIMITS = IsolationLimits()


def unprepared(source: bytes) -> PreparedTemplate:
    """An uploaded template as the renderer takes it, without compiling it here.

    Preparing compiles the template, and Jinja folds constant expressions while
    compiling: ``{{ "x" * 300000000 }}`` is built then, in the calling process.
    Hand uploaded templates to :meth:`IsolatedRenderer.render` this way, so the
    worker prepares them under its limits.
    """
    return PreparedTemplate(digest=hashlib.sha256(source).hexdigest(), source=source)


class RendererBusy(TemplateError):
    """Every worker stayed busy for longer than a caller may wait."""

    status = 503


class RenderWorkerError(RuntimeError):
    """A worker failed in a way no template should cause: a bug, logged as such."""


class IsolatedRenderer:
    """A pool of worker processes rendering prepared templates.

    Thread-safe: each worker serves one rendering at a time and callers wait for
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
            return worker.render(template, dict(context))
        finally:
            if self._closed:
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
        self.known: OrderedDict[str, None] = OrderedDict()  # digests it holds

    # -- the process

    def start(self) -> None:
        """Start the worker process."""
        _preload(self.context)
        parent, child = self.context.Pipe(duplex=True)
        process = self.context.Process(
            target=_worker_main,
            args=(child, self.limits),
            name=f"template-renderer-{self.index}",
            daemon=True,
        )
        process.start()
        child.close()
        self.process, self.connection, self.known = process, parent, OrderedDict()

    def stop(self) -> None:
        """Kill the worker process (SIGKILL) and forget it."""
        process, connection = self.process, self.connection
        self.process = self.connection = None
        self.known = OrderedDict()
        if connection is not None:
            connection.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(timeout=5)

    # -- one rendering

    def render(self, template: PreparedTemplate, context: dict[str, Any]) -> bytes:
        """Render in this worker, replacing the process if it is gone."""
        if self.process is None or not self.process.is_alive():
            self.stop()
            self.start()
        deadline = time.monotonic() + self.limits.timeout_seconds
        source = None if template.digest in self.known else template.source
        reply = self._exchange(template.digest, source, context, deadline)
        if reply[0] == "missing":  # the worker evicted it: send the bytes
            reply = self._exchange(template.digest, template.source, context, deadline)
        self._remember(template.digest)
        return self._outcome(reply)

    def _exchange(
        self,
        digest: str,
        source: bytes | None,
        context: dict[str, Any],
        deadline: float,
    ) -> tuple[Any, ...]:
        connection, process = self.connection, self.process
        assert connection is not None and process is not None
        try:
            connection.send((digest, source, context, self.limits.max_output_bytes))
            if not connection.poll(max(0.0, deadline - time.monotonic())):
                self.stop()
                raise self._timeout()
            reply: tuple[Any, ...] = connection.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError) as exc:
            process.join(timeout=5)
            code = process.exitcode
            self.stop()
            logger.warning("template renderer %s died (exit code %s)", self.index, code)
            if code == -signal.SIGXCPU:
                raise self._timeout() from exc
            raise self._memory() from exc
        return reply

    def _remember(self, digest: str) -> None:
        self.known[digest] = None
        self.known.move_to_end(digest)
        while len(self.known) > self.limits.cache_entries:
            self.known.popitem(last=False)

    def _outcome(self, reply: tuple[Any, ...]) -> bytes:
        kind = reply[0]
        if kind == "ok":
            output: bytes = reply[1]
            return output
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
            f"The template took longer than {seconds} s to render and was stopped.",
            [TemplateProblem(message="A loop in the template probably never ends.")],
        )

    def _memory(self) -> TemplateLimitExceeded:
        mib = f"{self.limits.memory_bytes / MiB:g}"
        return TemplateLimitExceeded(
            f"The template needed more than {mib} MiB of memory to render and was "
            "stopped.",
            [TemplateProblem(message="The template builds too large a text or list.")],
        )


_preload_lock = threading.Lock()


def _preload(context: Any) -> None:
    """Ask the fork server to import the engine once (before it first starts)."""
    with _preload_lock:
        context.set_forkserver_preload(PRELOAD)


# ---------------------------------------------------------------- in the worker


def _limit_resources(limits: IsolationLimits) -> None:
    """Cap this process's address space; from here on big allocations fail."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))


def _limit_cpu(limits: IsolationLimits) -> None:
    """A CPU-time backstop for this rendering: SIGXCPU ends the process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    soft = math.ceil(used + 2 * limits.timeout_seconds + 1)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _worker_main(connection: Connection, limits: IsolationLimits) -> None:
    """Serve renderings until the parent closes the pipe."""
    from service.rendering import engine

    _limit_resources(limits)
    cache: OrderedDict[str, PreparedTemplate] = OrderedDict()
    while True:
        try:
            digest, source, context, max_output_bytes = connection.recv()
        except (EOFError, OSError):
            return
        _limit_cpu(limits)
        try:
            template = cache.get(digest)
            if template is None:
                if source is None:
                    connection.send(("missing",))
                    continue
                template = engine.prepare(source)
                cache[digest] = template
                while len(cache) > limits.cache_entries:
                    cache.popitem(last=False)
            cache.move_to_end(digest)
            output = engine.render(template, context, max_output_bytes=max_output_bytes)
            connection.send(("ok", output))
        except TemplateError as exc:
            problems = [problem.as_dict() for problem in exc.problems]
            connection.send(("template", exc.status, exc.message, problems))
        except MemoryError:
            cache.clear()
            try:
                connection.send(("memory",))
            finally:
                os._exit(3)  # a process that ran out of memory is not trusted
        except Exception as exc:  # noqa: BLE001 - carried to the parent and raised there
            logger.exception("template rendering failed in a worker")
            connection.send(("crash", f"{type(exc).__name__}: {exc}"))
