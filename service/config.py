"""Configuration: safe defaults, overridden by environment variables.

Every setting can be given as an environment variable of the same name; see
docs/configuration.md for the list. Tests pass a mapping to ``create_app``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def default_config(instance_path: str) -> dict[str, Any]:
    """The embedded defaults: SQLite and local files, no CORS, no keys for built-ins."""
    return {
        "TEMPLATES_DIR": str(PROJECT_ROOT / "agreement_templates"),
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'partnerdocs.sqlite3'}",
        # Largest JSON body accepted by the document endpoints.
        "MAX_CONTENT_LENGTH": 1 * MIB,
        # Origins allowed to post from the browser; empty means no CORS headers.
        "CORS_ORIGINS": [],
        # Whether rendering with the built-in templates needs an API key.
        "REQUIRE_KEY_FOR_BUILTIN": False,
        # Largest .docx a render may produce.
        "MAX_OUTPUT_BYTES": 20 * MIB,
        # Memory the cache of prepared templates may hold, in each app process
        # and in each isolated worker (measured as the memory preparing took).
        "TEMPLATE_CACHE_MAX_BYTES": 64 * MIB,
        "TEMPLATE_CACHE_MAX_ENTRIES": 256,
        # Bring the database schema up to date when the app starts (under a
        # lock); false to run `flask --app wsgi db upgrade` yourself.
        "DATABASE_AUTO_MIGRATE": True,
        # Funders' template uploads: the file, and the zip once decompressed.
        "TEMPLATE_MAX_UPLOAD_BYTES": 5 * MIB,
        "TEMPLATE_MAX_MEMBERS": 300,
        "TEMPLATE_MAX_MEMBER_BYTES": 25 * MIB,
        "TEMPLATE_MAX_UNCOMPRESSED_BYTES": 60 * MIB,
        # Funders' templates are checked, compiled and rendered in this many
        # isolated worker processes, each request limited in time and memory.
        "ISOLATION_WORKERS": 2,
        "RENDER_TIMEOUT_SECONDS": 5,
        "RENDER_MEMORY_BYTES": 512 * MIB,
        # PDF: LibreOffice's soffice, a Python with its uno module, warm
        # converters per app process (0: no PDF), requests that may wait for
        # one, and the time one conversion may take.
        "SOFFICE": "soffice",
        "UNO_PYTHON": "/usr/bin/python3",
        "PDF_CONVERTERS": 2,
        "PDF_QUEUE_SIZE": 16,
        "PDF_TIMEOUT_SECONDS": 30,
        # Batches: up to BATCH_SYNC_MAX_ITEMS answer the zip at once, larger
        # ones (up to BATCH_MAX_ITEMS) become jobs: on Redis + RQ when
        # REDIS_URL is set, else in JOB_WORKERS threads per app process with
        # results in JOBS_DIR (default instance/jobs). Results expire after
        # JOB_RESULT_TTL_SECONDS; a running job silent for JOB_STALL_SECONDS
        # lost its worker and is tried again, JOB_MAX_ATTEMPTS times in all.
        "BATCH_SYNC_MAX_ITEMS": 50,
        "BATCH_MAX_ITEMS": 10000,
        "REDIS_URL": "",
        "JOBS_DIR": "",
        "JOB_WORKERS": 1,
        "JOB_MAX_PENDING": 8,
        "JOB_RESULT_TTL_SECONDS": 24 * 3600,
        "JOB_STALL_SECONDS": 120,
        "JOB_MAX_ATTEMPTS": 2,
        # --- observability (docs/observability.md) ---
        # Log lines: "json" (one object per line) or "text"; the level; and
        # whether each request gets its own line.
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "LOG_REQUESTS": True,
        # Who may read GET /metrics: "off" (404), "open", or "token" (a
        # scraper sending Authorization: Bearer <METRICS_TOKEN>).
        "METRICS_ACCESS": "off",
        "METRICS_TOKEN": "",
        # --- template export/import (docs/funders.md) ---
        # Largest archive POST /v1/templates/import accepts.
        "TEMPLATE_IMPORT_MAX_BYTES": 200 * MIB,
        # Days a deleted template stays restorable before it is purged; 0
        # deletes at once, for good.
        "TEMPLATE_DELETE_GRACE_DAYS": 30,
    }


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _as_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


_PARSERS: dict[type, Any] = {bool: _as_bool, int: int, list: _as_list, str: str}


def from_environment(
    defaults: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Settings from environment variables named like the keys of ``defaults``.

    Values are parsed to the type of the default: "true"/"false" for booleans,
    integers, and comma-separated lists (``CORS_ORIGINS=https://a.org,https://b.org``).
    """
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for key, default in defaults.items():
        if key in environ:
            settings[key] = _PARSERS[type(default)](environ[key])
    return settings
