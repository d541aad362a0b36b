#!/usr/bin/env bash
# Set up and run the service on its embedded defaults (SQLite in instance/,
# built-in templates from agreement_templates/) under gunicorn, with the
# settings of gunicorn.conf.py (threaded workers, JSON errors, an access log
# without secrets). HOST, PORT, WORKERS and THREADS override the defaults; any
# other setting is an environment variable of its own (docs/configuration.md).
# In production put a buffering reverse proxy in front (docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/gunicorn --config gunicorn.conf.py \
  --workers "${WORKERS:-2}" --threads "${THREADS:-16}" \
  --bind "${HOST:-127.0.0.1}:${PORT:-8000}" wsgi:app
