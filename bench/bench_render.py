"""Benchmark rendering: plain docxtpl, the compiled engine, and the HTTP service.

One run, one template, one document:

1. plain docxtpl (``DocxTemplate(...).render(...)`` and ``save``) in process;
2. the compiled engine (``prepare`` once, ``render`` many times) in process;
3. the HTTP service under gunicorn (2 workers, ``wsgi:app``) with 16 locust
   clients (FastHttpUser, headless subprocess, localhost) posting the JSON to
   ``POST /v1/documents/<kind>``.

It prints ms per document (median, p99), documents per second, the engine's
speed-up over docxtpl, and for HTTP the error count and the peak RSS (VmHWM)
of each gunicorn worker. ``--many N`` instead loads N distinct templates into
one process's cache and prints the RSS before and after.

    .venv/bin/python bench/bench_render.py                 # about a minute
    .venv/bin/python bench/bench_render.py --quick         # under 30 s
    .venv/bin/python bench/bench_render.py --skip-http     # in-process only
    .venv/bin/python bench/bench_render.py --many 100      # memory, 100 templates
    .venv/bin/python bench/bench_render.py --profile       # cProfile the engine
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.rendering import docxtpl_engine, engine  # noqa: E402
from service.rendering.cache import TemplateCache  # noqa: E402

DEFAULT_TEMPLATE = ROOT / "agreement_templates" / "agreement.da.docx"
DEFAULT_DATA = ROOT / "agreement_templates" / "examples" / "agreement.da.json"
NO_LIMIT = 1 << 40


@dataclass
class Timing:
    """Per-document times of one benchmark."""

    name: str
    seconds: list[float]
    wall: float

    @property
    def docs_per_second(self) -> float:
        """Documents per second over the whole run."""
        return len(self.seconds) / self.wall

    def line(self) -> str:
        """One line of the report."""
        ordered = sorted(self.seconds)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"{self.name:<22} {statistics.median(ordered) * 1000:9.3f} ms median "
            f"{p99 * 1000:9.3f} ms p99 {self.docs_per_second:9.1f} docs/s "
            f"({len(ordered)} documents)"
        )


def load_context(kind: str, path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the JSON as posted, the render context) for an example document."""
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle, parse_float=Decimal)
    with open(path, encoding="utf-8") as handle:
        posted = json.load(handle)
    try:
        from schemas.registry import load_document
        from service.rendering.context import build_context
    except ImportError:
        return posted, dict(raw)
    return posted, build_context(kind, load_document(kind, raw).data)


def timed(name: str, render: Callable[[], bytes], iterations: int) -> Timing:
    """Run ``render`` ``iterations`` times (after one warm-up) and time each."""
    render()
    seconds = []
    start = time.perf_counter()
    for _ in range(iterations):
        begin = time.perf_counter()
        render()
        seconds.append(time.perf_counter() - begin)
    return Timing(name, seconds, time.perf_counter() - start)


def bench_in_process(
    source: bytes, context: Mapping[str, Any], args: argparse.Namespace
) -> tuple[Timing, Timing]:
    """Plain docxtpl and the compiled engine on the same template and data."""
    plain = timed(
        "plain docxtpl",
        lambda: docxtpl_engine.render(source, context, max_output_bytes=NO_LIMIT),
        args.docxtpl_iterations,
    )
    prepared = engine.prepare(source)
    print(f"engine: {prepared.engine}, fallback: {prepared.fallback_reason}")
    start = time.perf_counter()
    for _ in range(5):
        engine.prepare(source)
    prepare_ms = (time.perf_counter() - start) / 5 * 1000
    print(f"prepare: {prepare_ms:.1f} ms (once per template and process)")
    fast = timed(
        "compiled engine",
        lambda: engine.render(prepared, context),
        args.engine_iterations,
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [engine.render(prepared, context) for _ in range(300)])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
    return plain, fast


def bench_validation(kind: str, path: Path, rounds: int = 7) -> None:
    """marshmallow's ``Schema.load`` against the compiled load, same document.

    Best of ``rounds`` alternating rounds of 200 loads each, so both meet the
    same machine.
    """
    from schemas.registry import compiled_load_for, schema_for

    with open(path, encoding="utf-8") as handle:
        payload = json.load(handle, parse_float=Decimal)
    loads = {
        "Schema.load": schema_for(kind).load,
        "compiled load": compiled_load_for(kind),
    }
    best = dict.fromkeys(loads, float("inf"))
    for _ in range(rounds):
        for name, load in loads.items():
            start = time.perf_counter()
            for _ in range(200):
                load(payload)
            best[name] = min(best[name], (time.perf_counter() - start) / 200)
    marshmallow, compiled = best["Schema.load"], best["compiled load"]
    print(
        f"validation: Schema.load {marshmallow * 1000:.3f} ms, compiled load "
        f"{compiled * 1000:.3f} ms ({marshmallow / compiled:.1f}× faster)"
    )


# -- HTTP ---------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, deadline: float) -> None:
    """Poll ``url`` until it answers (any status), or fail at ``deadline``."""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def post(url: str, body: bytes) -> tuple[int, bytes]:
    """POST JSON; (status, body)."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    return []


def peak_rss_kib(pid: int) -> int:
    """VmHWM (peak resident set) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def rss_kib(pid: int | None = None) -> int:
    """VmRSS (current resident set) of a process (default: this one), in KiB."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU time of this process's waited-for children (locust), in seconds."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def read_locust_stats(prefix: Path) -> dict[str, str]:
    """The 'Aggregated' row of locust's ``<prefix>_stats.csv``."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return next(row for row in rows if row["Name"] == "Aggregated")


def bench_http(posted: Mapping[str, Any], args: argparse.Namespace) -> float | None:
    """The service under gunicorn, loaded by locust; prints the results and
    returns the documents per second (None when it could not run)."""
    if not (ROOT / "wsgi.py").exists():
        print("HTTP: skipped (no wsgi.py yet)")
        return None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    path = f"/v1/documents/{args.kind}"
    body = json.dumps(posted).encode()
    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    body_file = workdir / "body.json"
    body_file.write_bytes(body)
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers", str(args.workers),
        "--bind", f"127.0.0.1:{port}",
        "--worker-class", args.worker_class,
        "--threads", str(args.threads),
        "--log-level", "warning",
        *(["--config", str(args.gunicorn_config)] if args.gunicorn_config else []),
        "wsgi:app",
    ]  # fmt: skip
    server = subprocess.Popen(
        gunicorn,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=open(workdir / "gunicorn.log", "wb"),  # noqa: SIM115
    )
    try:
        wait_until_up(f"{base}/healthz", time.monotonic() + 60)
        for _ in range(4 * args.workers):  # every worker prepares its template
            status, answer = post(base + path, body)
            if status != 200:
                print(f"HTTP: warm-up answered {status}: {answer[:300]!r}")
                return None
        prefix = workdir / "locust"
        workers = worker_pids(server.pid)
        worker_cpu = sum(cpu_seconds(pid) for pid in workers)
        client_cpu = children_cpu_seconds()
        locust = subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.http_seconds}s",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "5",
                "--loglevel",
                "WARNING",
            ],  # fmt: skip
            cwd=ROOT,
            env={**environment, "BENCH_BODY_FILE": str(body_file), "BENCH_PATH": path},
            capture_output=True,
            text=True,
            timeout=args.http_seconds + 120,
            check=False,
        )
        if not Path(f"{prefix}_stats.csv").exists():
            print("HTTP: locust failed:", locust.stderr[-2000:])
            return None
        worker_cpu = sum(cpu_seconds(pid) for pid in workers) - worker_cpu
        client_cpu = children_cpu_seconds() - client_cpu
        stats = read_locust_stats(prefix)
        peaks = [peak_rss_kib(pid) for pid in worker_pids(server.pid)]
        requests = int(stats["Request Count"])
        failures = int(stats["Failure Count"])
        print(
            f"{'HTTP (gunicorn+locust)':<22} {float(stats['50%']):9.3f} ms median "
            f"{float(stats['99%']):9.3f} ms p99 "
            f"{float(stats['Requests/s']):9.1f} docs/s "
            f"({requests} documents, {failures} errors, "
            f"{args.workers} workers × {args.threads} threads "
            f"{args.worker_class}, {args.users} clients, {args.http_seconds} s)"
        )
        print(
            "peak RSS per worker (VmHWM): "
            + ", ".join(f"{peak / 1024:.1f} MiB" for peak in peaks)
        )
        per_request = 1000 / max(requests, 1)
        print(
            f"CPU per request: gunicorn workers {worker_cpu * per_request:.2f} ms, "
            f"locust {client_cpu * per_request:.2f} ms "
            f"({os.cpu_count()} CPUs shared by both)"
        )
        if failures:
            print(locust.stdout[-2000:])
        return float(stats["Requests/s"])
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


# -- many templates -------------------------------------------------------------


def with_marker(source: bytes, marker: str) -> bytes:
    """The template with a paragraph of its own at the start of the body."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as before,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as after,
    ):
        for info in before.infolist():
            data = before.read(info.filename)
            if info.filename == "word/document.xml":
                paragraph = f"<w:p><w:r><w:t>{marker}</w:t></w:r></w:p>".encode()
                start = data.index(b">", data.index(b"<w:body")) + 1
                data = data[:start] + paragraph + data[start:]
            after.writestr(info, data)
    return output.getvalue()


def bench_many(
    source: bytes, context: Mapping[str, Any], args: argparse.Namespace
) -> None:
    """Load distinct templates into one cache; show that memory stays bounded."""
    count = args.many
    cache = TemplateCache(max_entries=args.cache_entries, max_bytes=args.cache_bytes)
    before = rss_kib()
    print(
        f"cache: max {args.cache_entries} entries, "
        f"{args.cache_bytes / 2**20:.0f} MiB; RSS before: {before / 1024:.1f} MiB"
    )
    for round_number in range(2):
        start = time.perf_counter()
        for number in range(count):
            marker = f"Skabelon {round_number * count + number}"
            prepared = cache.get(with_marker(source, marker))
            engine.render(prepared, context)
        seconds = time.perf_counter() - start
        stats = cache.stats()
        print(
            f"after {(round_number + 1) * count} distinct templates: "
            f"RSS {rss_kib() / 1024:.1f} MiB, {stats['entries']} cached "
            f"(~{stats['bytes'] / 2**20:.1f} MiB estimated), "
            f"{stats['evictions']} evicted, "
            f"{seconds / count * 1000:.1f} ms per prepare+render"
        )
    print(f"peak RSS (VmHWM): {peak_rss_kib(os.getpid()) / 1024:.1f} MiB")


def main(argv: list[str] | None = None) -> None:
    """Parse the flags and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", type=Path, default=DEFAULT_TEMPLATE)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--kind", default="agreement")
    parser.add_argument("--docxtpl-iterations", type=int, default=50)
    parser.add_argument("--engine-iterations", type=int, default=2000)
    parser.add_argument("--http-seconds", type=int, default=30)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--gunicorn-config", type=Path, help="a gunicorn.conf.py")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--quick", action="store_true", help="short run (< 30 s)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--many", type=int, default=0, metavar="N")
    parser.add_argument("--cache-entries", type=int, default=100)
    parser.add_argument("--cache-bytes", type=int, default=64 * 2**20)
    args = parser.parse_args(argv)
    if args.quick:
        args.docxtpl_iterations = min(args.docxtpl_iterations, 15)
        args.engine_iterations = min(args.engine_iterations, 500)
        args.http_seconds = min(args.http_seconds, 10)

    source = args.template.read_bytes()
    posted, context = load_context(args.kind, args.data)
    print(f"template: {args.template} ({len(source)} bytes), data: {args.data}")
    if args.many:
        bench_many(source, context, args)
        return
    plain, fast = bench_in_process(source, context, args)
    print(plain.line())
    print(fast.line())
    print(
        f"speed-up: {fast.docs_per_second / plain.docs_per_second:.1f}× docs/s, "
        f"{statistics.median(plain.seconds) / statistics.median(fast.seconds):.1f}× "
        "median time"
    )
    bench_validation(args.kind, args.data)
    if not args.skip_http:
        served = bench_http(posted, args)
        if served is not None:
            ratio = served / plain.docs_per_second
            print(f"HTTP / plain docxtpl in process: {ratio:.1f}× docs/s (same run)")


if __name__ == "__main__":
    main()
