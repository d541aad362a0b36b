"""Uploaded templates render in worker processes a runaway template cannot escape."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service.rendering import engine, isolation
from service.rendering.context import build_context
from service.rendering.errors import TemplateError
from service.rendering.isolation import (
    IsolatedRenderer,
    IsolationLimits,
    MiB,
    RendererBusy,
    RendererUnavailable,
    unprepared,
)
from tests import hostile_templates as hostile
from tests.conftest import load_example
from tests.docx_factory import agreement_template, read_docx

#: 256 MiB of memory and 1 MiB of output, with a deadline no busy machine
#: reaches first. Only the tests of the deadline itself use a short one: on a
#: 2-core machine under load, 1 s turned a memory bomb into a timeout and even
#: a one-line render into one (the deadline includes preparing the template).
ROOMY = IsolationLimits(
    timeout_seconds=60.0, memory_bytes=256 * MiB, max_output_bytes=1 * MiB
)
#: The same, with a runaway loop ended by the CPU backstop (1 CPU second,
#: however long the machine makes that take) instead of the deadline.
BACKSTOP = IsolationLimits(
    timeout_seconds=60.0,
    cpu_seconds=1,
    memory_bytes=256 * MiB,
    max_output_bytes=1 * MiB,
)
CONTEXT = {"title": "Samarbejde om læsning", "language": "da"}
FAILURES = {
    "runaway loop": hostile.RUNAWAY_LOOP,
    "memory bomb": hostile.MEMORY_BOMB,
    "huge output": hostile.HUGE_OUTPUT,
    "template error": "{{ title|date(1, 2, 3) }}",
}


@pytest.fixture(scope="module")
def backstop() -> Iterator[IsolatedRenderer]:
    """One worker with 256 MiB of memory, 1 MiB of output and 1 CPU second."""
    with IsolatedRenderer(workers=1, limits=BACKSTOP) as renderer:
        yield renderer


@pytest.fixture(scope="module")
def roomy() -> Iterator[IsolatedRenderer]:
    """One worker with 256 MiB of memory, 1 MiB of output and a 60 s deadline."""
    with IsolatedRenderer(workers=1, limits=ROOMY) as renderer:
        yield renderer


@pytest.fixture(scope="module")
def pool() -> Iterator[IsolatedRenderer]:
    """Two workers with the default limits but a deadline no load reaches."""
    with IsolatedRenderer(
        workers=2, limits=IsolationLimits(timeout_seconds=60)
    ) as renderer:
        yield renderer


def template(text: str) -> engine.PreparedTemplate:
    """An uploaded one-paragraph template, not compiled in this process."""
    return unprepared(hostile.docx("Title: {{ title }}", text))


def _cpu_ticks(pid: int) -> int:
    """The CPU time ``pid`` has used, in clock ticks (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def run_away_in_a_thread(
    renderer: IsolatedRenderer, outcome: list[BaseException]
) -> threading.Thread:
    """Start rendering a never-ending loop in a thread; return once the (only,
    already started) worker is running it, however busy the machine is.

    The worker is idle until the request arrives, so its CPU time growing by
    a fifth of a second means the loop is under way: no sleep guesses when.
    What the render raises is appended to ``outcome``.
    """
    (pid,) = renderer.pids()
    before = _cpu_ticks(pid)

    def run() -> None:
        try:
            renderer.render(template(hostile.RUNAWAY_LOOP), CONTEXT)
        except BaseException as exc:  # handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    ticks = os.sysconf("SC_CLK_TCK")
    waited = time.monotonic()
    while _cpu_ticks(pid) - before < ticks // 5:
        assert time.monotonic() - waited < 120, "the worker never started the loop"
        time.sleep(0.01)
    return thread


def render_error(renderer: IsolatedRenderer, text: str) -> TemplateError:
    """The error rendering ``text`` in ``renderer`` raises."""
    with pytest.raises(TemplateError) as caught:
        renderer.render(template(text), CONTEXT)
    return caught.value


def test_render_gives_the_same_document_as_the_engine(pool: IsolatedRenderer) -> None:
    source = agreement_template()
    context = build_context("agreement", load_example("agreement.da.json"))
    expected = engine.render(engine.prepare(source), context)
    assert read_docx(pool.render(unprepared(source), context)) == read_docx(expected)


def test_runaway_loop_is_stopped_after_the_timeout() -> None:
    # The CPU backstop is far away, so only the deadline can stop the loop: on
    # a busy machine the loop gets little CPU, and a backstop close to the
    # deadline could fire first.
    limits = IsolationLimits(timeout_seconds=1.0, cpu_seconds=600)
    started = time.monotonic()
    with IsolatedRenderer(workers=1, limits=limits) as renderer:
        error = render_error(renderer, hostile.RUNAWAY_LOOP)
    assert error.status == 422
    assert error.message.startswith("The template took longer than 1 s to render")
    assert time.monotonic() - started < 300  # the deadline, not the backstop


def test_memory_bomb_is_413(roomy: IsolatedRenderer) -> None:
    error = render_error(roomy, hostile.MEMORY_BOMB)
    assert error.status == 413
    assert "more than 256 MiB of memory" in error.message


def test_huge_output_is_413(roomy: IsolatedRenderer) -> None:
    error = render_error(roomy, hostile.HUGE_OUTPUT)
    assert error.status == 413


def test_template_error_keeps_its_location(roomy: IsolatedRenderer) -> None:
    error = render_error(roomy, FAILURES["template error"])
    assert error.status == 422
    assert error.problems[0].paragraph == 2
    assert error.problems[0].tag == FAILURES["template error"]


def test_server_side_template_injection_never_runs(
    roomy: IsolatedRenderer, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    payloads = [
        payload.replace("touch MARKER", f"touch {marker}")
        for payload in hostile.SSTI_PAYLOADS
    ]
    payloads.append(
        "{{ self._TemplateReference__context.cycler.__init__.__globals__"
        f".os.popen('touch {marker}').read() }}"
    )
    for payload in payloads:
        try:
            rendered = read_docx(roomy.render(template(payload), CONTEXT))
        except TemplateError as error:
            assert error.status == 422
            assert "Security" in error.problems[0].message or error.problems
        else:
            text = " ".join(map(str, rendered["body"]))
            for internal in ("<class", "subclasses", "<function", "<module", " at 0x"):
                assert internal not in text
    assert not marker.exists()


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_next_render_succeeds_after_a_failure(
    backstop: IsolatedRenderer, failure: str
) -> None:
    with pytest.raises(TemplateError):
        backstop.render(template(failure), CONTEXT)
    rendered = backstop.render(template("All well."), CONTEXT)
    assert "Title: Samarbejde om læsning" in read_docx(rendered)["body"]


def test_threads_render_concurrently(pool: IsolatedRenderer) -> None:
    def render(number: int) -> str:
        output = pool.render(template(f"Copy {number}"), CONTEXT)
        return str(read_docx(output)["body"][1])

    with ThreadPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(render, range(8)))
    assert results == [f"Copy {number}" for number in range(8)]


def test_caller_gets_503_when_every_worker_stays_busy() -> None:
    limits = IsolationLimits(timeout_seconds=600, wait_seconds=0.2)
    outcome: list[BaseException] = []
    with IsolatedRenderer(workers=1, limits=limits) as renderer:
        renderer.render(template("warm up"), CONTEXT)
        runaway = run_away_in_a_thread(renderer, outcome)
        with pytest.raises(RendererBusy) as caught:
            renderer.render(template("waiting"), CONTEXT)
        os.kill(renderer.pids()[0], signal.SIGTERM)  # end the loop: it never ends
        runaway.join()
    assert caught.value.status == 503
    assert caught.value.message == "Every renderer is busy; try again in a moment."
    assert [type(error) for error in outcome] == [RendererUnavailable]


def test_closed_renderer_refuses_to_render() -> None:
    renderer = IsolatedRenderer(workers=1)
    renderer.close()
    with pytest.raises(RuntimeError):
        renderer.render(template("late"), CONTEXT)


# -- the pool's own failures and bounds -------------------------------------------


def exit_at_start(*args: object) -> None:
    """A worker process that dies before it says it is ready."""
    os._exit(7)


def test_a_worker_that_cannot_start_is_503_not_out_of_memory(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolation, "serve", exit_at_start)
    with IsolatedRenderer(workers=1) as renderer:
        with pytest.raises(RendererUnavailable) as caught:
            renderer.render(template("never"), CONTEXT)
    assert caught.value.status == 503
    assert "unavailable" in caught.value.message
    assert "memory" not in caught.value.message
    assert "died while starting (exit code 7)" in caplog.text


def test_a_worker_that_cannot_be_forked_is_503(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_more_processes(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    with IsolatedRenderer(workers=1) as renderer:
        monkeypatch.setattr(
            type(renderer._context.Process()), "start", no_more_processes
        )
        with pytest.raises(RendererUnavailable) as caught:
            renderer.render(template("never"), CONTEXT)
    assert caught.value.status == 503
    assert "could not start: [Errno 11]" in caplog.text


def test_the_cpu_backstop_is_reported_as_too_slow_not_out_of_memory() -> None:
    limits = IsolationLimits(timeout_seconds=60, cpu_seconds=1)
    with IsolatedRenderer(workers=1, limits=limits) as renderer:
        error = render_error(renderer, hostile.RUNAWAY_LOOP)
    assert error.status == 422
    assert "took longer than" in error.message


def test_a_worker_killed_from_outside_is_503_and_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outcome: list[BaseException] = []
    with IsolatedRenderer(workers=1, limits=ROOMY) as renderer:
        renderer.render(template("warm up"), CONTEXT)
        (pid,) = renderer.pids()
        runaway = run_away_in_a_thread(renderer, outcome)
        os.kill(pid, signal.SIGTERM)
        runaway.join()
        [error] = outcome
        assert isinstance(error, RendererUnavailable)
        assert error.status == 503
        assert f"died (exit code {-signal.SIGTERM})" in caplog.text
        rendered = renderer.render(template("Again"), CONTEXT)
        assert renderer.pids() != [pid]
    assert read_docx(rendered)["body"][1] == "Again"


def test_a_template_the_worker_let_go_is_sent_again() -> None:
    limits = IsolationLimits(timeout_seconds=60, cache_entries=1)
    first, second = template("First"), template("Second")
    with IsolatedRenderer(workers=1, limits=limits) as renderer:
        outputs = [
            read_docx(renderer.render(each, CONTEXT))["body"][1]
            for each in (first, second, first, first)
        ]
    assert outputs == ["First", "Second", "First", "First"]


def test_close_stops_a_busy_worker_when_it_is_done() -> None:
    # The deadline is what ends the busy request: long enough that close()
    # comes while the worker is busy, however slow the machine.
    renderer = IsolatedRenderer(
        workers=1, limits=IsolationLimits(timeout_seconds=5, cpu_seconds=600)
    )
    renderer.render(template("warm up"), CONTEXT)
    (pid,) = renderer.pids()
    outcome: list[BaseException] = []
    busy = run_away_in_a_thread(renderer, outcome)
    renderer.close()
    assert renderer.pids() == [pid]  # busy: left to finish its request
    busy.join()
    [error] = outcome
    assert isinstance(error, TemplateError)
    assert error.message.startswith("The template took longer than 5 s")
    assert renderer.pids() == []
    assert not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _zombie(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status").read_text()
    return "State:\tZ" in status


def test_check_runs_the_upload_check_in_the_worker() -> None:
    with IsolatedRenderer(workers=1, limits=ROOMY) as renderer:
        report = renderer.check(
            hostile.docx("{{ title }} {{ parties[0].nmae }}"), "agreement"
        )
        with pytest.raises(TemplateError) as caught:
            renderer.check(hostile.docx("{{ title "), "agreement")
    assert report["unknown_variables"] == ["parties[].nmae"]
    assert caught.value.problems[0].part == "word/document.xml"


def _resident(pid: int) -> int:
    pages = Path(f"/proc/{pid}/statm").read_text().split()[1]
    return int(pages) * os.sysconf("SC_PAGE_SIZE")


def test_a_workers_prepared_templates_are_bounded_by_real_memory() -> None:
    """Heavy templates (thousands of tags: megabytes each once compiled, far
    more than their size suggests) never grow a worker past its budget, and
    the worker still keeps what fits."""
    budget, working = 24 * MiB, 8 * MiB
    limits = IsolationLimits(
        timeout_seconds=60, cache_bytes=budget, working_bytes=working, cache_entries=64
    )
    heavy = [
        template("".join(f"{{{{ title }}}} {n} w{i} " for i in range(6000)))
        for n in range(16)
    ]
    with IsolatedRenderer(workers=1, limits=limits) as renderer:
        renderer.render(template("warm up"), CONTEXT)
        (pid,) = renderer.pids()
        baseline = _resident(pid)
        peak, most_held = 0, 0
        for each in heavy:
            renderer.render(each, CONTEXT)
            most_held = max(most_held, len(renderer.held()))
            for pid in renderer.pids():  # none when the worker was retired
                peak = max(peak, _resident(pid) - baseline)
    assert 0 < peak < budget + working + 16 * MiB
    assert 2 <= most_held < len(heavy)
