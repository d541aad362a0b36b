"""gunicorn settings for ``wsgi:app`` (see docs/deployment.md).

gunicorn reads this file itself when started from the project's folder;
scripts/serve.sh names it. Settings on the command line win over these.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

# Threaded workers: a client sending its body slowly holds one thread, not the
# whole worker, so a few slow clients cannot stop /healthz or a render.
worker_class = "service.gunicorn_worker.JsonErrorWorker"
workers = 2
threads = 16

# The access log never shows what can carry a secret: no Basic-auth user name
# (%(u)s), no query string (%(r)s, %(q)s), no Authorization or other request
# headers, no referrer. Address, time, method, path, protocol, status, bytes,
# duration in ms.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# gunicorn's own limits on the request head (it answers them in JSON: 414, 431).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# No control socket: the service needs no runtime control, and several servers
# on one machine would otherwise share $HOME/.gunicorn/gunicorn.ctl.
control_socket_disable = True

# Prometheus metrics from every worker (service/observability/metrics.py): each
# worker writes its values to files in PROMETHEUS_MULTIPROC_DIR, /metrics adds
# them up. Set it to a folder of your own, or a fresh one is made per start
# (and removed when gunicorn exits).
# It is emptied once, when gunicorn reads this file first (values of an earlier
# run must not be added), before anything imports prometheus_client.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
        prefix="partnerdocs-metrics-"
    )
    os.environ["PARTNERDOCS_METRICS_DIR_MADE"] = "1"
if not os.environ.get("PARTNERDOCS_METRICS_DIR_READY"):
    _metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    _metrics_dir.mkdir(parents=True, exist_ok=True)
    for _stale in _metrics_dir.glob("*.db"):
        _stale.unlink()
    os.environ["PARTNERDOCS_METRICS_DIR_READY"] = "1"


def child_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges (its counters stay counted)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """Remove the metrics folder if this file made it."""
    if os.environ.get("PARTNERDOCS_METRICS_DIR_MADE"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
