#!/usr/bin/env bash
# A throwaway Redis server for the tests; installs nothing.
#
#   scripts/redis.sh [start]   start it (or find it running); the LAST line
#                              printed is its REDIS_URL
#   scripts/redis.sh stop      stop it and delete its folder
#
# It lives in $PARTNERDOCS_REDIS_DIR (default /tmp/partnerdocs-redis), listens
# on 127.0.0.1 on a free port, keeps nothing on disk.
set -euo pipefail

dir="${PARTNERDOCS_REDIS_DIR:-/tmp/partnerdocs-redis}"
port_file="$dir/port"
pid_file="$dir/redis.pid"

free_port() {
  python3 - <<'PY'
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
PY
}

url() {
  echo "redis://127.0.0.1:$(cat "$port_file")/0"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

start() {
  if running; then
    url
    return
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  free_port >"$port_file"
  redis-server --bind 127.0.0.1 --port "$(cat "$port_file")" --save "" \
    --appendonly no --dir "$dir" --daemonize yes --pidfile "$pid_file" \
    --logfile "$dir/server.log"
  for _ in $(seq 50); do
    if redis-cli -p "$(cat "$port_file")" ping 2>/dev/null | grep -q PONG; then
      url
      return
    fi
    sleep 0.1
  done
  echo "Redis did not start; see $dir/server.log" >&2
  exit 1
}

stop() {
  if running; then
    pid="$(cat "$pid_file")"
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -rf "$dir"
}

case "${1:-start}" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  *) echo "usage: $0 [start|url|stop]" >&2; exit 2 ;;
esac
