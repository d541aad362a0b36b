"""What hostile template uploads cost the web process, under the real gunicorn.

Starts gunicorn on ``wsgi:app`` with the project's ``gunicorn.conf.py`` (a
fresh SQLite database in a temporary folder), creates an API key, then uploads
each template that was found to attack the service (issue 14) while a thread
polls ``/healthz`` and renders the built-in agreement. For each upload it
prints the answer, its wall time, the CPU time and resident-memory growth of
the gunicorn web workers (the isolated workers are other processes), and the
slowest health check and built-in render seen while the upload ran. The
baseline is the same measurement for an ordinary template, in the same run.

    .venv/bin/python bench/bench_uploads.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import untrusted_templates as untrusted  # noqa: E402
from tests.gunicorn_server import free_port  # noqa: E402
from tests.load_client import call, multipart  # noqa: E402

EXAMPLE = (ROOT / "agreement_templates" / "examples" / "agreement.da.json").read_bytes()
CASES = {
    "ordinary template (baseline)": untrusted.template("{{ title }}"),
    "folded batch (20,000,000)": untrusted.template(
        untrusted.FOLDED_BATCH % 20_000_000
    ),
    "64,000 braces": untrusted.template(untrusted.BRACES),
    "84,000 tags": untrusted.template(untrusted.MANY_TAGS),
    **{name: untrusted.template(text) for name, text in untrusted.TOO_COMPLEX.items()},
    "docxtpl forced by a comment": untrusted.xml_comment_in_body(),
}
RENDER = "/v1/documents/agreement"
JSON = {"Content-Type": "application/json"}
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _usage(pids: list[int]) -> tuple[float, int]:
    """CPU seconds and resident bytes of ``pids`` together."""
    cpu, rss = 0.0, 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu += (int(fields[11]) + int(fields[12])) / TICKS
        rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return cpu, rss


def _post(url: str, data: bytes, headers: dict[str, str]) -> int:
    """The status of a POST, error statuses too."""
    return call(url, data=data, headers=headers, method="POST", timeout=120)[0]


class Watcher(threading.Thread):
    """Polls /healthz and renders the built-in agreement, keeping the slowest."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.running = True
        self.worst_health = self.worst_render = 0.0
        self.failures = 0

    def run(self) -> None:
        while self.running:
            for path, data in (("/healthz", None), (RENDER, EXAMPLE)):
                started = time.perf_counter()
                status = (
                    call(self.url + path)[0]
                    if data is None
                    else _post(self.url + path, data, JSON)
                )
                took = time.perf_counter() - started
                self.failures += status != 200
                if data is None:
                    self.worst_health = max(self.worst_health, took)
                else:
                    self.worst_render = max(self.worst_render, took)
            time.sleep(0.05)


def main() -> None:
    """Run every case and print a table."""
    folder = Path(tempfile.mkdtemp(prefix="bench-uploads-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
    }
    flask = str(ROOT / ".venv" / "bin" / "flask")
    subprocess.run([flask, "--app", "wsgi", "db", "upgrade"], env=env, check=True,
                   cwd=ROOT, capture_output=True)  # fmt: skip
    created = subprocess.run(
        [flask, "--app", "wsgi", "keys", "create", "Bench Fund"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    key = created.stdout.strip().splitlines()[-1]
    port = free_port()
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "wsgi:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if call(url + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        workers = _children(gunicorn.pid)
        print(f"gunicorn workers {workers}\n")
        for index in range(4):  # warm both workers and their isolated workers
            body, content_type = multipart(
                {"name": f"warm {index}", "kind": "agreement", "language": "da"},
                CASES["ordinary template (baseline)"],
            )
            _post(
                url + "/v1/templates", body,
                {"Content-Type": content_type, "Authorization": f"Bearer {key}"},
            )  # fmt: skip
            _post(url + RENDER, EXAMPLE, JSON)
        print(
            f"{'upload':34} {'answer':>6} {'wall s':>7} {'web CPU s':>9} "
            f"{'web RSS +MB':>11} {'worst /healthz ms':>17} "
            f"{'worst render ms':>15}"
        )
        for index, (name, content) in enumerate(CASES.items()):
            body, content_type = multipart(
                {"name": f"case {index}", "kind": "agreement", "language": "da"},
                content,
            )
            watcher = Watcher(url)
            cpu_before, rss_before = _usage(workers)
            watcher.start()
            started = time.perf_counter()
            status = _post(
                url + "/v1/templates", body,
                {"Content-Type": content_type, "Authorization": f"Bearer {key}"},
            )  # fmt: skip
            wall = time.perf_counter() - started
            cpu_after, rss_after = _usage(workers)
            time.sleep(0.3)
            watcher.running = False
            watcher.join()
            print(
                f"{name:34} {status:>6} {wall:>7.2f} {cpu_after - cpu_before:>9.2f} "
                f"{(rss_after - rss_before) / 2**20:>11.1f} "
                f"{watcher.worst_health * 1000:>17.0f} "
                f"{watcher.worst_render * 1000:>15.0f}"
            )
            assert watcher.failures == 0, "a health check or render failed"
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)


if __name__ == "__main__":
    main()
