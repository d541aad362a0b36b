"""Uploaded templates render in worker processes a runaway template cannot escape."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from service.rendering import engine
from service.rendering.context import build_context
from service.rendering.errors import TemplateError
from service.rendering.isolation import (
    IsolatedRenderer,
    IsolationLimits,
    MiB,
    RendererBusy,
    unprepared,
)
from tests import hostile_templates as hostile
from tests.conftest import load_example
from tests.docx_factory import agreement_template, read_docx

STRICT = IsolationLimits(
    timeout_seconds=1.0, memory_bytes=256 * MiB, max_output_bytes=1 * MiB
)
CONTEXT = {"title": "Samarbejde om læsning", "language": "da"}
FAILURES = {
    "runaway loop": hostile.RUNAWAY_LOOP,
    "memory bomb": hostile.MEMORY_BOMB,
    "huge output": hostile.HUGE_OUTPUT,
    "template error": "{{ title|date(1, 2, 3) }}",
}


@pytest.fixture(scope="module")
def strict() -> Iterator[IsolatedRenderer]:
    """One worker with a 1 s deadline, 256 MiB of memory and 1 MiB of output."""
    with IsolatedRenderer(workers=1, limits=STRICT) as renderer:
        yield renderer


@pytest.fixture(scope="module")
def pool() -> Iterator[IsolatedRenderer]:
    """Two workers with the default limits."""
    with IsolatedRenderer(workers=2) as renderer:
        yield renderer


def template(text: str) -> engine.PreparedTemplate:
    """An uploaded one-paragraph template, not compiled in this process."""
    return unprepared(hostile.docx("Title: {{ title }}", text))


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


def test_runaway_loop_is_stopped_after_the_timeout(strict: IsolatedRenderer) -> None:
    started = time.monotonic()
    error = render_error(strict, hostile.RUNAWAY_LOOP)
    assert error.status == 422
    assert error.message.startswith("The template took longer than 1 s to render")
    assert time.monotonic() - started < STRICT.timeout_seconds + 2


def test_memory_bomb_is_413(strict: IsolatedRenderer) -> None:
    error = render_error(strict, hostile.MEMORY_BOMB)
    assert error.status == 413
    assert "more than 256 MiB of memory" in error.message


def test_huge_output_is_413(strict: IsolatedRenderer) -> None:
    error = render_error(strict, hostile.HUGE_OUTPUT)
    assert error.status == 413


def test_template_error_keeps_its_location(strict: IsolatedRenderer) -> None:
    error = render_error(strict, FAILURES["template error"])
    assert error.status == 422
    assert error.problems[0].paragraph == 2
    assert error.problems[0].tag == FAILURES["template error"]


def test_server_side_template_injection_never_runs(
    strict: IsolatedRenderer, tmp_path: Path
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
            strict.render(template(payload), CONTEXT)
        except TemplateError as error:
            assert error.status == 422
    assert not marker.exists()


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES.keys())
def test_next_render_succeeds_after_a_failure(
    strict: IsolatedRenderer, failure: str
) -> None:
    with pytest.raises(TemplateError):
        strict.render(template(failure), CONTEXT)
    rendered = strict.render(template("All well."), CONTEXT)
    assert "Title: Samarbejde om læsning" in read_docx(rendered)["body"]


def test_threads_render_concurrently(pool: IsolatedRenderer) -> None:
    def render(number: int) -> str:
        output = pool.render(template(f"Copy {number}"), CONTEXT)
        return str(read_docx(output)["body"][1])

    with ThreadPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(render, range(8)))
    assert results == [f"Copy {number}" for number in range(8)]


def test_caller_gets_503_when_every_worker_stays_busy() -> None:
    limits = IsolationLimits(timeout_seconds=1.5, wait_seconds=0.2)
    with IsolatedRenderer(workers=1, limits=limits) as renderer:
        renderer.render(template("warm up"), CONTEXT)
        runaway = threading.Thread(
            target=lambda: pytest.raises(
                TemplateError, renderer.render, template(hostile.RUNAWAY_LOOP), CONTEXT
            )
        )
        runaway.start()
        time.sleep(0.3)
        with pytest.raises(RendererBusy) as caught:
            renderer.render(template("waiting"), CONTEXT)
        runaway.join()
    assert caught.value.status == 503


def test_closed_renderer_refuses_to_render() -> None:
    renderer = IsolatedRenderer(workers=1)
    renderer.close()
    with pytest.raises(RuntimeError):
        renderer.render(template("late"), CONTEXT)
