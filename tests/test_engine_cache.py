"""The template cache and the built-in templates: hits, bounds, invalidation."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from service.rendering import engine
from service.rendering.builtin import BuiltinTemplates
from service.rendering.cache import TemplateCache
from service.rendering.engine import PreparedTemplate
from service.rendering.errors import TemplateError
from tests.docx_factory import body_text, build_docx


def template(marker: str) -> bytes:
    """A small distinct template."""
    return build_docx([f"Skabelon {marker}: {{{{ title }}}}"])


@pytest.fixture(scope="module")
def sources() -> list[bytes]:
    """Five distinct templates."""
    return [template(str(number)) for number in range(5)]


def test_second_get_is_a_hit(sources: list[bytes]) -> None:
    cache = TemplateCache()
    first = cache.get(sources[0])
    second = cache.get(sources[0])
    assert first is second
    assert cache.stats()["hits"] == 1
    assert cache.stats()["misses"] == 1


def test_same_bytes_are_one_entry(sources: list[bytes]) -> None:
    cache = TemplateCache()
    cache.get(sources[0])
    cache.get(bytes(sources[0]))  # equal content, another object
    assert len(cache) == 1


def test_changed_template_is_a_new_entry(sources: list[bytes]) -> None:
    cache = TemplateCache()
    old = cache.get(sources[0])
    new = cache.get(sources[1])
    assert old.digest != new.digest
    assert "Skabelon 1" in body_text(engine.render(new, {"title": "x"}))


def test_least_recently_used_is_evicted_by_count(sources: list[bytes]) -> None:
    cache = TemplateCache(max_entries=2)
    a, b = cache.get(sources[0]), cache.get(sources[1])
    cache.get(sources[0])  # a is now the most recently used
    cache.get(sources[2])
    assert a.digest in cache
    assert b.digest not in cache
    assert cache.stats()["evictions"] == 1


def test_cache_is_bounded_by_bytes(sources: list[bytes]) -> None:
    weight = engine.prepare(sources[0]).weight
    cache = TemplateCache(max_bytes=int(weight * 2.5))
    for source in sources:
        cache.get(source)
    stats = cache.stats()
    assert stats["entries"] == 2
    assert stats["bytes"] <= stats["max_bytes"]
    assert stats["evictions"] == 3


def test_template_heavier_than_the_cache_is_served_not_kept(
    sources: list[bytes],
) -> None:
    cache = TemplateCache(max_bytes=1000)
    prepared = cache.get(sources[0])
    assert prepared.engine == "compiled"
    assert len(cache) == 0
    assert cache.stats()["uncached"] == 1


def test_failed_preparation_is_not_cached() -> None:
    cache = TemplateCache()
    for _ in range(2):
        with pytest.raises(TemplateError):
            cache.get(b"not a docx")
    assert cache.stats()["misses"] == 2
    assert len(cache) == 0


def test_concurrent_misses_prepare_once(sources: list[bytes]) -> None:
    calls = []

    def slow_prepare(source: bytes) -> PreparedTemplate:
        calls.append(source)
        time.sleep(0.05)
        return engine.prepare(source)

    cache = TemplateCache(preparer=slow_prepare)
    results: list[PreparedTemplate] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get(sources[3])))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({id(result) for result in results}) == 1
    assert cache.stats()["hits"] == 7


def test_waiters_retry_when_the_first_preparation_fails(sources: list[bytes]) -> None:
    attempts = []

    def flaky_prepare(source: bytes) -> PreparedTemplate:
        attempts.append(source)
        time.sleep(0.02)
        if len(attempts) == 1:
            raise TemplateError("first attempt fails")
        return engine.prepare(source)

    cache = TemplateCache(preparer=flaky_prepare)
    outcomes: list[object] = []

    def get() -> None:
        try:
            outcomes.append(cache.get(sources[4]))
        except TemplateError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=get) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(outcome, TemplateError) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, PreparedTemplate) for outcome in outcomes) == 2


# -- built-in templates -------------------------------------------------------


def test_builtin_template_is_served_from_the_cache(
    tmp_path: Path, sources: list[bytes]
) -> None:
    (tmp_path / "agreement.da.docx").write_bytes(sources[0])
    cache = TemplateCache()
    builtin = BuiltinTemplates(tmp_path, cache)
    first = builtin.get("agreement", "da")
    assert builtin.get("agreement", "da") is first
    assert cache.stats()["hits"] == 1


def test_builtin_template_picks_up_a_changed_file(
    tmp_path: Path, sources: list[bytes]
) -> None:
    path = tmp_path / "agreement.da.docx"
    path.write_bytes(sources[0])
    builtin = BuiltinTemplates(tmp_path, TemplateCache())
    before = builtin.get("agreement", "da")
    path.write_bytes(sources[1])
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = builtin.get("agreement", "da")
    assert after.digest != before.digest
    assert "Skabelon 1" in body_text(engine.render(after, {"title": "x"}))


def test_builtin_and_uploaded_templates_share_the_cache(
    tmp_path: Path, sources: list[bytes]
) -> None:
    (tmp_path / "agreement.en.docx").write_bytes(sources[2])
    cache = TemplateCache()
    uploaded = cache.get(sources[2])
    assert BuiltinTemplates(tmp_path, cache).get("agreement", "en") is uploaded


def test_missing_builtin_template_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        BuiltinTemplates(tmp_path, TemplateCache()).get("agreement", "da")


def test_available_lists_kind_language_and_path(
    tmp_path: Path, sources: list[bytes]
) -> None:
    for name in ("agreement.da.docx", "first_contact.en.docx", "~$agreement.da.docx"):
        (tmp_path / name).write_bytes(sources[0])
    (tmp_path / "notes.txt").write_text("not a template")
    assert BuiltinTemplates(tmp_path, TemplateCache()).available() == [
        ("agreement", "da", tmp_path / "agreement.da.docx"),
        ("first_contact", "en", tmp_path / "first_contact.en.docx"),
    ]
