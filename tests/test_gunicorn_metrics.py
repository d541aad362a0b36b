"""/metrics under gunicorn counts every worker's requests (multiprocess mode)."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path
from unittest import mock

from tests.gunicorn_server import running_gunicorn

REQUESTS = 40
ROUTE = "/v1/validate/agreement"


def _validate(url: str) -> None:
    request = urllib.request.Request(
        f"{url}{ROUTE}", data=b"{}", headers={"Content-Type": "application/json"}
    )
    try:
        urllib.request.urlopen(request, timeout=20)
    except urllib.error.HTTPError as error:  # the 422 expected
        assert error.code == 422


def _counted(url: str) -> float:
    with urllib.request.urlopen(f"{url}/metrics", timeout=20) as answer:
        text = answer.read().decode()
    pattern = (
        r'partnerdocs_http_requests_total\{method="POST",route="'
        + re.escape(ROUTE)
        + r'",status="422"\} (\S+)'
    )
    found = re.search(pattern, text)
    return float(found.group(1)) if found else 0.0


def test_metrics_add_up_the_requests_of_every_worker(tmp_path: Path) -> None:
    metrics_dir = tmp_path / "metrics"
    env = {"METRICS_ACCESS": "open", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    with running_gunicorn(tmp_path, "--workers", "2", env=env) as server:
        for _ in range(REQUESTS):
            _validate(server.url)
        scrapes = {_counted(server.url) for _ in range(6)}
        lines = [
            json.loads(line)
            for line in server.error_log.read_text().splitlines()
            if line.startswith("{")
        ]
    served_by = {line["pid"] for line in lines if line.get("route") == ROUTE}
    assert len(served_by) == 2  # both workers answered some
    assert scrapes == {float(REQUESTS)}  # whichever worker answered the scrape


def test_a_metrics_folder_gunicorn_made_is_removed_when_it_exits(
    tmp_path: Path,
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary)}
    environ_without = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PROMETHEUS_MULTIPROC_DIR", "PARTNERDOCS_METRICS_DIR_READY")
    }
    with mock.patch.dict(os.environ, environ_without, clear=True):
        with running_gunicorn(tmp_path, env=env):
            assert len(list(temporary.glob("partnerdocs-metrics-*"))) == 1
    assert list(temporary.glob("partnerdocs-metrics-*")) == []
