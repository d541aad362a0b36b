#!/usr/bin/env bash
# Set up and run the service on its embedded defaults (SQLite in instance/,
# built-in templates from agreement_templates/) under gunicorn.
# HOST, PORT and WORKERS override the defaults; any other setting is an
# environment variable of its own (see docs/configuration.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "${HOST:-127.0.0.1}:${PORT:-8000}" \
  --access-logfile - wsgi:app
