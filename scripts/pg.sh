#!/usr/bin/env bash
# Runs a command beside a throw-away PostgreSQL 15 cluster:
#
#   scripts/pg.sh cargo test -p amigo-proxy
#
# initdb + pg_ctl on a fresh temp dir and a free loopback port, as an unprivileged user (initdb
# refuses root: as root, the system user `amigo-pg` is created if missing and runs the server).
# The command runs as the caller with AMIGO_TEST_DATABASE_URL (and AMIGO_PG_URL) set to the
# cluster's superuser URL (trust auth, loopback only). The cluster is stopped and its directory
# removed when this script exits, whatever happens (success, failure, Ctrl-C, TERM).
# With no command, it prints the URL and serves until interrupted.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
log() { printf '[pg] %s\n' "$*" >&2; }

if [ ! -x "$PG_BIN/initdb" ]; then
  log "PostgreSQL 15 is missing: apt-get install postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
fi

run_as=()
if [ "$(id -u)" = 0 ]; then
  if ! id amigo-pg >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin amigo-pg
  fi
  run_as=(runuser -u amigo-pg --)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/amigo-pg.XXXXXX")"
chmod 755 "$dir"
[ "${#run_as[@]}" -gt 0 ] && chown amigo-pg "$dir"

stop() {
  local rc=$?
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$rc"
}
child=""
# A signal to this script alone (a CI timeout) ends the command too, then `stop` runs.
on_signal() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
  exit "$1"
}
trap stop EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

"${run_as[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
  --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

# A port nothing answers on (if another process takes it first, pg_ctl fails and we try again).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

port=""
for _ in 1 2 3 4 5; do
  candidate="$(free_port)"
  # fsync off and no WAL flush waits: the cluster lives for one test run.
  if "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $candidate -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null; then
    port="$candidate"
    break
  fi
  log "port $candidate was taken; trying another"
done
if [ -z "$port" ]; then
  log "could not start PostgreSQL; its log:"
  cat "$dir/server.log" >&2 || true
  exit 1
fi

export AMIGO_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
export AMIGO_TEST_DATABASE_URL="$AMIGO_PG_URL"
log "PostgreSQL 15 on $AMIGO_PG_URL (data in $dir)"

if [ "$#" -eq 0 ]; then
  echo "$AMIGO_PG_URL"
  log "serving until interrupted (Ctrl-C stops and removes it)"
  while sleep 3600; do :; done
else
  # In the background and waited for, so a signal reaches the traps at once.
  "$@" &
  child=$!
  wait "$child"
fi
