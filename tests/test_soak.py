"""The soak in short (30 s): mixed load against gunicorn holds, memory stays flat.

Runs bench/soak.py as an operator would (``--seconds 300`` is the full run;
see README.md) and reads its JSON report. Needs locust (the bench extra,
installed by scripts/test.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

LOCUST = Path(sys.executable).with_name("locust")

pytestmark = [
    pytest.mark.soak,
    pytest.mark.skipif(
        not LOCUST.exists() and shutil.which("locust") is None,
        reason="locust is not installed (bash scripts/setup.sh test,bench)",
    ),
]


def test_thirty_seconds_of_mixed_load_hold(tmp_path: Path) -> None:
    report_file = tmp_path / "soak.json"
    # A CI machine may be shared and slow: a funder's render may take longer
    # than the 5 s production limit without anything being wrong.
    env = dict(os.environ, RENDER_TIMEOUT_SECONDS="30")
    done = subprocess.run(
        [sys.executable, "bench/soak.py", "--seconds", "30", "--warmup", "15",
         "--users", "6", "--report", str(report_file)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert report_file.exists(), done.stderr[-3000:]
    report = json.loads(report_file.read_text())
    told = done.stdout  # the soak's own table, shown when an assertion fails
    assert report["errors"] == 0, told
    assert report["warmup"]["errors"] == 0, told
    assert report["workers_replaced"] == [], told
    assert set(report["routes"]) == {
        "/v1/documents/agreement",
        "/v1/documents/understanding",
        "/v1/documents/first_contact",
        "/v1/documents/agreement?template=<id>",
        "/v1/validate/<kind> (invalid)",
        "/v1/templates (upload)",
        "/v1/templates",
        "/v1/templates/<id> (delete)",
    }
    assert all(route["requests"] > 0 for route in report["routes"].values()), told
    assert len(report["workers"]) == 2
    for worker in report["workers"]:
        assert worker["growth"] <= 0.10, told
    assert done.returncode == 0, told
