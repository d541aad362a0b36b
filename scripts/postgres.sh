#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests; installs nothing.
#
#   scripts/postgres.sh [start]   start it (or find it running); the LAST line
#                                 printed is its DATABASE_URL
#   scripts/postgres.sh url       print the DATABASE_URL of the running server
#   scripts/postgres.sh stop      stop it and delete its data
#
# The cluster lives in $PARTNERDOCS_PG_DIR (default /tmp/partnerdocs-postgres),
# listens on 127.0.0.1 on a free port, trusts local connections and holds one
# database, $PARTNERDOCS_PG_DB (default partnerdocs_test). Run as root, the
# server runs as the postgres user; run as anyone else, as that user.
# Binaries: $PG_BIN, else `pg_config --bindir`, else the newest
# /usr/lib/postgresql/*/bin.
set -euo pipefail

dir="${PARTNERDOCS_PG_DIR:-/tmp/partnerdocs-postgres}"
db="${PARTNERDOCS_PG_DB:-partnerdocs_test}"
data="$dir/data"
port_file="$dir/port"
log="$dir/server.log"

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
  elif [ -x "$(command -v pg_config 2>/dev/null || true)" ] \
      && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
  else
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
      echo "PostgreSQL server binaries not found; install them or set PG_BIN." >&2
      exit 1
    fi
    echo "$found"
  fi
}

# Run a command as the server's owner: postgres when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    # From /, which postgres may enter (it may not enter a root-owned checkout).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'EOF'
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

url() {
  echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$port_file")/$db"
}

running() {
  [ -f "$port_file" ] && [ -d "$data" ] \
    && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  if running; then
    url
    return
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
    fi
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local port
  port="$(free_port)"
  as_owner sh -c "echo $port > '$port_file'"
  as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off" start >/dev/null
  if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$db"
  fi
  url
}

stop() {
  if running; then
    as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
  echo "stopped"
}

bin="$(find_bin)"
case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  url)
    if running; then url; else echo "not running" >&2; exit 1; fi
    ;;
  *)
    echo "usage: $0 [start|stop|url]" >&2
    exit 2
    ;;
esac
