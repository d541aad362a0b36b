#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine and run them:
# system packages, the virtualenv, a throwaway PostgreSQL and Redis, then pytest.
# Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
bash scripts/setup.sh test,bench
if [ -z "${DATABASE_URL_TEST:-}" ] && [ -x scripts/postgres.sh ]; then
  DATABASE_URL_TEST="$(bash scripts/postgres.sh start | tail -n 1)"
  export DATABASE_URL_TEST
  stop_postgres=1
fi
if [ -z "${REDIS_URL_TEST:-}" ]; then
  REDIS_URL_TEST="$(bash scripts/redis.sh start | tail -n 1)"
  export REDIS_URL_TEST
  stop_redis=1
fi
cleanup() {
  if [ -n "${stop_postgres:-}" ]; then bash scripts/postgres.sh stop >/dev/null 2>&1 || true; fi
  if [ -n "${stop_redis:-}" ]; then bash scripts/redis.sh stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
export PLAYWRIGHT_CHROMIUM="${PLAYWRIGHT_CHROMIUM:-/usr/bin/chromium}"
status=0
.venv/bin/python -m pytest -p no:cacheprovider "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing." >&2
  exit 1
fi
exit "$status"
