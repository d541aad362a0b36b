"""The render worker's own code, run in this process so each step is seen.

The workers of :mod:`service.rendering.isolation` run
:mod:`service.rendering.isolated_worker` in child processes (see
tests/test_isolation.py for the pool); here the same functions answer real
templates directly: the prepared-template cache, the requests and their
replies, the limits a worker sets itself, and ``serve`` over a real pipe.
"""

from __future__ import annotations

import gc
import hashlib
import math
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

import pytest

from service.rendering import engine
from service.rendering.errors import TemplateError
from service.rendering.isolated_worker import (
    MiB,
    PreparedCache,
    Worker,
    WorkerLimits,
    _answer,
    limit_cpu,
    limit_memory,
    serve,
)
from service.rendering.memory import resident_bytes, settled_resident_bytes
from service.rendering.package_limits import DEFAULT_LIMITS as PACKAGE_LIMITS
from service.rendering.package_limits import PackageLimits
from tests import hostile_templates as hostile
from tests import untrusted_templates as untrusted
from tests.docx_factory import read_docx

CONTEXT = {"title": "Samarbejde om læsning", "language": "da"}
LIMITS = WorkerLimits(
    memory_bytes=resource.RLIM_INFINITY,
    cpu_seconds=600,
    max_output_bytes=1 * MiB,
    cache_bytes=64 * MiB,
    cache_entries=16,
    working_bytes=64 * MiB,
)


def source(text: str) -> bytes:
    """An uploaded one-paragraph template's bytes."""
    return hostile.docx("Title: {{ title }}", text)


def digest(data: bytes) -> str:
    """The digest the pool names a template by."""
    return hashlib.sha256(data).hexdigest()


def body(docx: bytes) -> list[str]:
    """The paragraphs of a rendered document."""
    return list(read_docx(docx)["body"])


def prepared(text: str) -> engine.PreparedTemplate:
    """A template compiled as a worker compiles it."""
    return engine.prepare(source(text), compiled_only=True)


# --- the prepared-template cache ------------------------------------------------


def test_the_cache_weighs_an_entry_by_growth_or_estimate_whichever_is_larger() -> None:
    cache = PreparedCache(max_bytes=10 * MiB, max_entries=4)
    small, big = prepared("small"), prepared("big")
    cache.put(small, 1)
    assert cache.weight == small.weight
    cache.put(big, 3 * MiB)
    assert cache.weight == small.weight + 3 * MiB
    assert cache.digests() == (small.digest, big.digest)


def test_the_cache_lets_the_least_recently_used_go_beyond_its_count() -> None:
    cache = PreparedCache(max_bytes=10 * MiB, max_entries=2)
    first, second, third = prepared("1"), prepared("2"), prepared("3")
    cache.put(first, 0)
    cache.put(second, 0)
    assert cache.get(first.digest) is first  # now the most recently used
    cache.put(third, 0)
    assert cache.digests() == (first.digest, third.digest)
    assert cache.get(second.digest) is None
    assert cache.weight == first.weight + third.weight


def test_the_cache_lets_templates_go_beyond_its_bytes() -> None:
    cache = PreparedCache(max_bytes=5 * MiB, max_entries=16)
    first, second, third = prepared("1"), prepared("2"), prepared("3")
    cache.put(first, 2 * MiB)
    cache.put(second, 2 * MiB)
    assert cache.digests() == (first.digest, second.digest)
    cache.put(third, 2 * MiB)
    assert cache.digests() == (second.digest, third.digest)
    assert cache.weight == 4 * MiB


def test_the_cache_keeps_exactly_its_budget() -> None:
    template = prepared("fits")
    cache = PreparedCache(max_bytes=template.weight, max_entries=1)
    cache.put(template, 0)
    assert cache.digests() == (template.digest,)
    assert cache.weight == template.weight


def test_a_template_heavier_than_the_whole_cache_is_not_kept() -> None:
    cache = PreparedCache(max_bytes=1 * MiB, max_entries=16)
    cache.put(prepared("heavy"), 2 * MiB)
    assert cache.digests() == ()
    assert cache.weight == 0


def test_clearing_the_cache_forgets_templates_and_weight() -> None:
    cache = PreparedCache(max_bytes=10 * MiB, max_entries=4)
    template = prepared("gone")
    cache.put(template, 0)
    cache.clear()
    assert cache.digests() == ()
    assert cache.weight == 0
    assert cache.get(template.digest) is None


# --- one worker's requests --------------------------------------------------------


def test_a_worker_renders_a_template_sent_and_then_the_one_it_holds() -> None:
    worker = Worker(LIMITS)
    data = source("Hello {{ title }}")
    first = worker.render(digest(data), data, CONTEXT)
    again = worker.render(digest(data), None, CONTEXT)
    assert body(first) == body(again)
    assert body(first)[:2] == [
        "Title: Samarbejde om læsning",
        "Hello Samarbejde om læsning",
    ]
    assert worker.cache.digests() == (digest(data),)


def test_a_template_neither_held_nor_sent_is_a_lookup_error_naming_it() -> None:
    worker = Worker(LIMITS)
    name = digest(b"never sent")
    with pytest.raises(LookupError) as caught:
        worker.render(name, None, CONTEXT)
    assert str(caught.value) == f"template {name[:12]} is neither held nor sent"
    assert worker.prepared(name, None) is None


def test_a_template_the_worker_holds_is_not_compiled_again() -> None:
    worker = Worker(LIMITS)
    data = source("Once")
    _answer(worker, "check", digest(data), data, ("agreement", PACKAGE_LIMITS))
    held = worker.cache.get(digest(data))
    assert held is not None
    worker.render(digest(data), data, CONTEXT)
    _answer(worker, "check", digest(data), data, ("agreement", PACKAGE_LIMITS))
    assert worker.cache.get(digest(data)) is held


def test_a_template_only_docxtpl_could_render_is_refused_when_prepared() -> None:
    data = untrusted.xml_comment_in_body()
    reply = _answer(Worker(LIMITS), "render", digest(data), data, {"title": "T"})
    with pytest.raises(TemplateError) as caught:
        engine.prepare(data, compiled_only=True)
    assert reply[:3] == ("template", 422, caught.value.message)
    assert reply[2].startswith("The template cannot be used")
    assert reply[3] == [problem.as_dict() for problem in caught.value.problems]
    assert "cannot be told apart" in reply[3][0]["message"]


def test_a_check_applies_the_package_limits_it_is_given() -> None:
    data = hostile.docx("{{ title }}")
    tight = PackageLimits(max_upload_bytes=len(data) - 1)
    reply = _answer(Worker(LIMITS), "check", digest(data), data, ("agreement", tight))
    assert reply[:2] == ("template", 413)
    assert Worker(LIMITS).check(digest(data), data, "agreement", PACKAGE_LIMITS)


def test_data_holding_word_markup_never_makes_the_worker_use_docxtpl() -> None:
    from docxtpl import RichText

    data = source("{{ title }}")
    context = {**CONTEXT, "title": RichText("bold")}
    reply = _answer(Worker(LIMITS), "render", digest(data), data, context)
    assert reply[:3] == ("template", 422, engine.UNSUPPORTED)
    assert reply[3] == [{"message": "the data holds Word markup"}]


def test_the_worker_renders_within_its_output_budget() -> None:
    limits = WorkerLimits(**{**LIMITS.__dict__, "max_output_bytes": 200_000})
    data = source(hostile.HUGE_OUTPUT)
    reply = _answer(Worker(limits), "render", digest(data), data, CONTEXT)
    assert reply[0] == "template"
    assert reply[1] == 413


def test_a_check_reports_and_keeps_the_prepared_template() -> None:
    worker = Worker(LIMITS)
    data = hostile.docx("{{ title }} {{ parties[0].nmae }}")
    reply = _answer(worker, "check", digest(data), data, ("agreement", PACKAGE_LIMITS))
    assert reply[0] == "ok"
    assert reply[1]["unknown_variables"] == ["parties[].nmae"]
    assert worker.cache.digests() == (digest(data),)
    rendered = _answer(worker, "render", digest(data), None, CONTEXT)
    assert rendered[0] == "ok"
    assert body(rendered[1])[0] == "Samarbejde om læsning "


def test_a_check_is_made_for_the_kind_asked() -> None:
    data = hostile.docx("{{ title }}")
    letter = ("first_contact", PACKAGE_LIMITS)
    reply = _answer(Worker(LIMITS), "check", digest(data), data, letter)
    assert reply[0] == "ok"
    assert reply[1]["unknown_variables"] == ["title"]


def test_a_template_error_is_replied_with_its_status_message_and_problems() -> None:
    data = source("{{ title|date(1, 2, 3) }}")
    reply = _answer(Worker(LIMITS), "render", digest(data), data, CONTEXT)
    assert reply[0] == "template"
    _, status, message, problems = reply
    expected = engine.prepare(data, compiled_only=True)
    with pytest.raises(TemplateError) as caught:
        engine.render(expected, CONTEXT, compiled_only=True)
    assert status == caught.value.status == 422
    assert message == caught.value.message
    assert problems == [problem.as_dict() for problem in caught.value.problems]
    assert problems and problems[0]["part"] == "word/document.xml"


def test_a_check_refused_by_the_package_limits_is_a_template_reply() -> None:
    data = hostile.not_a_zip()
    reply = _answer(
        Worker(LIMITS), "check", digest(data), data, ("agreement", PACKAGE_LIMITS)
    )
    assert reply[0] == "template"
    assert reply[1] in (400, 413, 422)


def test_a_bug_in_a_request_is_a_crash_reply_naming_the_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = digest(b"never sent")
    reply = _answer(Worker(LIMITS), "render", name, None, CONTEXT)
    assert reply == (
        "crash",
        f"LookupError: template {name[:12]} is neither held nor sent",
    )
    assert [record.getMessage() for record in caplog.records] == [
        "template render failed in a worker"
    ]


def test_a_check_without_a_source_is_a_crash_not_a_check() -> None:
    reply = _answer(Worker(LIMITS), "check", "0" * 64, None, ("agreement", None))
    assert reply[0] == "crash"
    assert reply[1].startswith("AssertionError")


def test_running_out_of_memory_is_a_memory_reply() -> None:
    data = source(hostile.MEMORY_BOMB)
    worker = Worker(WorkerLimits(**{**LIMITS.__dict__, "max_output_bytes": 1 << 40}))
    template = worker.prepared(digest(data), data)  # compiled before the cap
    assert template is not None
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + 32 * MiB
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        reply = _answer(worker, "render", digest(data), None, CONTEXT)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    assert reply == ("memory",)


def _address_space() -> int:
    """This process's virtual memory size now, in bytes."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * resource.getpagesize()


# --- what a worker grows to -------------------------------------------------------


def test_a_worker_within_its_budget_stays() -> None:
    worker = Worker(LIMITS)
    data = source("kept")
    worker.prepared(digest(data), data)
    assert worker.should_retire() is False
    assert worker.cache.digests() == (digest(data),)


def test_a_worker_over_budget_empties_its_cache_and_asks_to_retire() -> None:
    over = WorkerLimits(**{**LIMITS.__dict__, "cache_bytes": 0, "working_bytes": -1})
    worker = Worker(over)
    worker.baseline = 0  # a budget of -1 byte: whatever it holds is too much
    worker.prepared(digest(source("let go")), source("let go"))
    assert worker.should_retire() is True
    assert worker.cache.digests() == ()


@pytest.mark.parametrize(
    ("cache", "working"), ((300 * MiB, 1 * MiB), (1 * MiB, 300 * MiB))
)
def test_the_budget_is_the_start_plus_the_cache_plus_the_working_room(
    cache: int, working: int
) -> None:
    limits = WorkerLimits(
        **{**LIMITS.__dict__, "cache_bytes": cache, "working_bytes": working}
    )
    worker = Worker(limits)
    data = source("kept")
    worker.prepared(digest(data), data)
    # grown by 150 MiB since it started: within 301 MiB, not within 301 - 2 * 300
    worker.baseline = settled_resident_bytes() - 150 * MiB
    assert worker.should_retire() is False
    assert worker.cache.digests() == (digest(data),)


def test_memory_freed_by_collecting_garbage_keeps_the_cache() -> None:
    worker = Worker(LIMITS)
    data = source("kept")
    worker.prepared(digest(data), data)
    gc.disable()
    try:
        garbage: list[object] = [bytearray(200 * MiB)]
        garbage.append(garbage)  # a cycle: only the collector frees it
        del garbage
        # over budget until the garbage is collected, within it after
        room = LIMITS.cache_bytes + LIMITS.working_bytes
        worker.baseline = resident_bytes() - 100 * MiB - room
        assert worker.should_retire() is False
    finally:
        gc.enable()
    assert worker.cache.digests() == (digest(data),)


# --- the limits a worker sets itself -----------------------------------------------


@pytest.fixture()
def cpu_limit() -> Iterator[tuple[int, int]]:
    """RLIMIT_CPU as it was, put back after the test."""
    before = resource.getrlimit(resource.RLIMIT_CPU)
    yield before
    resource.setrlimit(resource.RLIMIT_CPU, before)


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def test_the_cpu_backstop_is_what_was_used_plus_the_requests_seconds(
    cpu_limit: tuple[int, int],
) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY,) * 2)
    used = _cpu_used()  # user and system time: both count against the limit
    # seconds that take what was used just past a whole second
    seconds = 1000 + (math.ceil(used) - used) + 0.001
    limit_cpu(WorkerLimits(**{**LIMITS.__dict__, "cpu_seconds": seconds}))
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    assert hard == resource.RLIM_INFINITY
    assert soft == math.ceil(used) + 1001


def test_the_cpu_backstop_never_passes_the_hard_limit() -> None:
    # A hard limit cannot be raised again: this one is set in a forked child.
    def lowered() -> object:
        hard = math.ceil(_cpu_used()) + 50
        resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))
        limit_cpu(WorkerLimits(**{**LIMITS.__dict__, "cpu_seconds": 1000}))
        return resource.getrlimit(resource.RLIMIT_CPU) == (hard, hard)

    assert in_a_child(lowered) is True


def test_the_memory_cap_is_the_workers_memory_limit() -> None:
    limit_memory(LIMITS)  # unlimited, as this process is
    assert resource.getrlimit(resource.RLIMIT_AS) == (resource.RLIM_INFINITY,) * 2

    def capped() -> object:
        cap = _address_space() + 4096 * MiB
        limit_memory(WorkerLimits(**{**LIMITS.__dict__, "memory_bytes": cap}))
        return resource.getrlimit(resource.RLIMIT_AS) == (cap, cap)

    assert in_a_child(capped) is True


def in_a_child(function: Callable[[], object]) -> object:
    """What ``function`` returns run in a forked child (its limits stay there)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.write(writer, repr(function()).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        answer = pipe.read()
    os.waitpid(pid, 0)
    return {"True": True, "False": False}.get(answer, answer)


# --- serve, over a real pipe --------------------------------------------------------


def test_serve_says_it_is_ready_and_answers_until_the_pipe_closes(
    cpu_limit: tuple[int, int],
) -> None:
    parent, child = multiprocessing.Pipe(duplex=True)
    limits = WorkerLimits(**{**LIMITS.__dict__, "cache_entries": 1})
    thread = threading.Thread(target=serve_then_close, args=(child, limits))
    thread.start()
    try:
        assert received(parent) == ("ready", os.getpid())
        first, second = source("First"), source("Second")
        parent.send(("render", digest(first), first, CONTEXT))
        kind, output, held, retire = received(parent)
        assert (kind, held, retire) == ("ok", (digest(first),), False)
        assert body(output)[1] == "First"
        parent.send(("render", digest(second), second, CONTEXT))
        assert received(parent)[2] == (digest(second),)  # one entry: the first let go
        parent.send(("render", digest(first), None, CONTEXT))
        kind, problem, held, retire = received(parent)
        assert kind == "crash" and "neither held nor sent" in problem
        assert (held, retire) == ((digest(second),), False)
        broken = source("{{ title ")
        parent.send(("check", digest(broken), broken, ("agreement", PACKAGE_LIMITS)))
        reply = received(parent)
        assert reply[0] == "template" and reply[1] == 422
        assert reply[-2:] == ((digest(second),), False)
        letter = hostile.docx("{{ title }}")
        parent.send(
            ("check", digest(letter), letter, ("first_contact", PACKAGE_LIMITS))
        )
        kind, report, held, retire = received(parent)
        assert (kind, report["unknown_variables"]) == ("ok", ["title"])
        assert (held, retire) == ((digest(letter),), False)
    finally:
        parent.close()
        thread.join(timeout=60)
    assert not thread.is_alive()


def serve_then_close(connection: Connection, limits: WorkerLimits) -> None:
    """``serve``, then close its end: however it ends, the test stops waiting."""
    try:
        serve(connection, limits)
    finally:
        connection.close()


def received(connection: Connection) -> Any:
    """The next message on ``connection`` (failing, not hanging, when none comes)."""
    assert connection.poll(120), "no reply"
    return connection.recv()


def test_a_worker_out_of_memory_replies_so_and_exits() -> None:
    # serve runs here too, up to its end on a closed pipe: mutmut maps a test to
    # the functions it calls in this process, not in the forked child below.
    here, there = multiprocessing.Pipe(duplex=True)
    thread = threading.Thread(target=serve_then_close, args=(there, LIMITS))
    thread.start()
    assert received(here) == ("ready", os.getpid())
    here.close()
    thread.join(timeout=60)
    assert not thread.is_alive()
    parent, child = multiprocessing.Pipe(duplex=True)
    limits = WorkerLimits(
        **{
            **LIMITS.__dict__,
            "memory_bytes": _address_space() + 64 * MiB,
            "max_output_bytes": 1 << 40,
        }
    )
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the worker
        try:
            parent.close()
            serve(child, limits)
        finally:
            os._exit(0)
    child.close()
    try:
        assert received(parent)[0] == "ready"
        data = source(hostile.MEMORY_BOMB)
        parent.send(("render", digest(data), data, CONTEXT))
        assert received(parent) == ("memory", (), True)
    finally:
        parent.close()
        _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3
