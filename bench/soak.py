"""Soak: minutes of mixed load against gunicorn on loopback, and a report.

Starts the service as scripts/serve.sh does (gunicorn, gunicorn.conf.py, its
own SQLite database and API key in a temporary folder), warms it up, then runs
bench/soak_locustfile.py with locust for ``--seconds`` (5 minutes by default):
built-in renders in both languages, validations with errors, funders' template
uploads, renders with them, deletions while they are used. Reports requests,
unexpected errors, p50/p99 per route, and each gunicorn worker's resident
memory at the start and the end of the run. Exits 1 when anything failed, a
worker was replaced, or a worker's memory grew by more than ``--rss-growth``.

    .venv/bin/python bench/soak.py                  # 5 minutes
    .venv/bin/python bench/soak.py --seconds 30     # what CI runs (tests/test_soak.py)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    """Poll /healthz until it answers 200."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return sorted(int(pid) for pid in children.read_text().split())


def rss_kib(pid: int) -> int:
    """VmRSS (current resident set) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def create_key(environment: dict[str, str]) -> str:
    """A new API key in the soak's database (the last line flask prints)."""
    done = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "keys", "create", "Soak Fund"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def run_locust(
    url: str, seconds: int, users: int, prefix: Path, environment: dict[str, str]
) -> list[dict[str, str]]:
    """Run the soak users for ``seconds``; locust's per-route rows."""
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "soak_locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
            "--loglevel",
            "WARNING",
        ],  # fmt: skip
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=False,
    )
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise RuntimeError("locust wrote no statistics")
    with stats.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def failures(prefix: Path) -> list[dict[str, str]]:
    """Locust's failures: method, route, error and how often."""
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def soak(args: argparse.Namespace) -> dict[str, Any]:
    """Run the soak; the report."""
    workdir = Path(tempfile.mkdtemp(prefix="partnerdocs-soak-"))
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'soak.sqlite3'}",
        "LOG_REQUESTS": "false",
    }
    environment["SOAK_KEY"] = create_key(environment)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (workdir / "gunicorn.log").open("wb") as log:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "wsgi:app"],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=log,
        )  # fmt: skip
        try:
            wait_until_healthy(url, server)
            warm = run_locust(
                url, args.warmup, args.users, workdir / "warmup", environment
            )
            pids = worker_pids(server.pid)
            rss_start = {pid: rss_kib(pid) for pid in pids}
            rows = run_locust(
                url, args.seconds, args.users, workdir / "soak", environment
            )
            pids_end = worker_pids(server.pid)
            rss_end = {pid: rss_kib(pid) for pid in pids_end}
        finally:
            server.terminate()
            server.wait(timeout=60)
    routes = {
        row["Name"]: {
            "method": row["Type"],
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p99_ms": float(row["99%"] or 0),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    }
    workers = [
        {
            "pid": pid,
            "rss_start_kib": rss_start[pid],
            "rss_end_kib": rss_end.get(pid),
            "growth": (
                None
                if pid not in rss_end
                else round(rss_end[pid] / rss_start[pid] - 1, 4)
            ),
        }
        for pid in pids
    ]
    return {
        "seconds": args.seconds,
        "users": args.users,
        "gunicorn_workers": args.workers,
        "warmup": {
            "seconds": args.warmup,
            "requests": sum(
                int(row["Request Count"]) for row in warm if row["Name"] != "Aggregated"
            ),
            "errors": sum(
                int(row["Failure Count"]) for row in warm if row["Name"] != "Aggregated"
            ),
        },
        "requests": sum(route["requests"] for route in routes.values()),
        "errors": sum(route["errors"] for route in routes.values()),
        "failures": failures(workdir / "soak") + failures(workdir / "warmup"),
        "routes": routes,
        "workers": workers,
        "workers_replaced": sorted(set(pids) ^ set(pids_end)),
        "log": str(workdir / "gunicorn.log"),
    }


def verdict(report: dict[str, Any], rss_growth: float) -> list[str]:
    """What went wrong in the run (empty when it held)."""
    problems = []
    if report["errors"] or report["warmup"]["errors"]:
        problems.append(
            f"{report['errors'] + report['warmup']['errors']} unexpected errors"
        )
    if report["workers_replaced"]:
        problems.append(f"gunicorn workers replaced: {report['workers_replaced']}")
    for worker in report["workers"]:
        if worker["growth"] is not None and worker["growth"] > rss_growth:
            problems.append(
                f"worker {worker['pid']} grew {worker['growth']:.1%} "
                f"({worker['rss_start_kib']} → {worker['rss_end_kib']} KiB)"
            )
    return problems


def print_report(report: dict[str, Any]) -> None:
    """The report as a table."""
    print(
        f"{report['seconds']} s, {report['users']} users, "
        f"{report['gunicorn_workers']} gunicorn workers: "
        f"{report['requests']} requests, {report['errors']} unexpected errors"
    )
    print(f"{'route':<42} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for name, route in sorted(report["routes"].items()):
        print(
            f"{route['method'] + ' ' + name:<42} {route['requests']:>8} "
            f"{route['errors']:>6} {route['p50_ms']:>8.0f} {route['p99_ms']:>8.0f}"
        )
    for worker in report["workers"]:
        print(
            f"worker {worker['pid']}: RSS {worker['rss_start_kib'] / 1024:.1f} MiB "
            f"at start, {(worker['rss_end_kib'] or 0) / 1024:.1f} MiB at end"
        )
    for failure in report["failures"]:
        print("failure:", failure)


def main(argv: list[str] | None = None) -> int:
    """Run the soak, print and (optionally) save the report; 1 if it did not hold."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=300, help="length of the run")
    parser.add_argument(
        "--warmup", type=int, default=15, help="seconds before RSS is first measured"
    )
    parser.add_argument("--users", type=int, default=8, help="locust users")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--rss-growth", type=float, default=0.10, help="largest RSS growth allowed"
    )
    parser.add_argument(
        "--report", type=Path, help="also write the report as JSON here"
    )
    args = parser.parse_args(argv)
    report = soak(args)
    report["problems"] = verdict(report, args.rss_growth)
    print_report(report)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2))
    for problem in report["problems"]:
        print("DID NOT HOLD:", problem)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
