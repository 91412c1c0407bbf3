#!/usr/bin/env bash
# The issue-23 abuse run: starts `amigo-proxy --sandbox` on a free loopback port (its own
# temporary database, the embedded sandbox, a console password and a known webhook secret), sends
# it what an attacker would, and reports what the issue's "Done when" asks for:
#   1. RSS before and after 3,000 catalog reads with padded `Origin` headers;
#   2. how many event streams one client holds open (of 20 asked for);
#   3. 400 distinct catalog searches from one client, then the shop's own catalog read; the
#      merchant's own order after 10 junk orders of 50 unknown product ids each;
#   4. the merchant signing in after 60 wrong guesses from 20 other addresses;
#   5. a captured webhook delivery replayed under the next delivery ids, then the real delivery
#      under one of those ids: applied, not taken for a duplicate.
# Every request goes to 127.0.0.1 (other client addresses are X-Forwarded-For from the loopback
# peer, made a trusted proxy for this run). The whole run is bounded (ABUSE_TIMEOUT, default
# 300 s); the proxy is stopped on exit. Figures are printed; the README keeps a recorded run.
#
#   scripts/abuse.sh            uses target/debug/amigo-proxy (built with cargo first)
#   AMIGO_PROXY_BIN=path scripts/abuse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
limit=${ABUSE_TIMEOUT:-300}

target=${CARGO_TARGET_DIR:-$root/target}
bin=${AMIGO_PROXY_BIN:-}
if [ -z "$bin" ]; then
  cargo build -p amigo-proxy --quiet
  bin="$target/debug/amigo-proxy"
fi

work=$(mktemp -d)
proxy_pid=""
cleanup() {
  if [ -n "$proxy_pid" ]; then
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

password="abuse-run-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
(
  cd "$work"
  RUST_LOG=warn AMIGO_DATABASE_URL="sqlite://$work/proxy.db" AMIGO_ADMIN_PASSWORD="$password" \
    AMIGO_TRUSTED_PROXIES=127.0.0.1 AMIGO_WEBHOOK_SECRETS="$secret" \
    exec "$bin" --sandbox --listen 127.0.0.1:0 --sandbox-info-file "$work/info.json"
) >"$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/info.json" ] && break
  if ! kill -0 "$proxy_pid" 2>/dev/null; then
    echo "amigo-proxy exited:" >&2
    cat "$work/proxy.log" >&2
    exit 1
  fi
  sleep 0.2
done
[ -s "$work/info.json" ] || { echo "amigo-proxy did not start" >&2; exit 1; }

ABUSE_PID=$proxy_pid ABUSE_INFO="$work/info.json" ABUSE_PASSWORD="$password" ABUSE_SECRET="$secret" \
  timeout "$limit" python3 "$root/scripts/abuse_run.py"
