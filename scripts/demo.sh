#!/usr/bin/env bash
# Sets everything up and runs the demo store on the embedded sandbox: builds the widget (dist/)
# and serves it from amigo-proxy. This is the README's run command.
#
#   scripts/demo.sh [PROXY ARGS…]   set up, build, serve on 127.0.0.1:8080 until Ctrl-C
#   scripts/demo.sh --smoke         the same setup and builds, then serve on a free port, ask
#                                   /healthz, the demo page, the loader and one catalog read,
#                                   stop the server, exit 0 only if all four answered
#
# It depends on nothing another command downloaded or built before it: every step fetches what
# it needs (scripts/test.sh runs `--smoke` first so CI keeps it true). On a fresh machine the
# first run takes about 20 minutes on 2 cores (measured in the README); a warm one, seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
if [ "${1:-}" = --smoke ]; then
  smoke=1
  shift
fi

started=$SECONDS
stage() { printf '[demo %3ds] %s\n' "$((SECONDS - started))" "$*" >&2; }

# The proxy's release build needs only cargo, so it starts at once and runs beside the tool
# installs and the widget build (the wasm build ends in one long single-threaded LTO step).
proxy_log=$(mktemp)
proxy_build=""
server=""
cleanup() {
  [ -n "$proxy_build" ] && kill "$proxy_build" 2>/dev/null || true
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -f "$proxy_log"
}
trap cleanup EXIT INT TERM

stage "building amigo-proxy (release) in the background: about 6 minutes cold, seconds warm"
cargo build --release --locked -p amigo-proxy --quiet >"$proxy_log" 2>&1 &
proxy_build=$!

stage "setup: apt packages, wasm target, wasm-split-cli and wasm-bindgen-cli, npm tools (about 6 minutes cold)"
scripts/setup.sh --web
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

stage "building the widget (scripts/build-widget.sh): about 8 minutes cold, under a minute warm"
scripts/build-widget.sh

stage "waiting for the amigo-proxy build"
if ! wait "$proxy_build"; then
  proxy_build=""
  cat "$proxy_log" >&2
  stage "amigo-proxy did not build"
  exit 1
fi
proxy_build=""
proxy=target/release/amigo-proxy

# the demo sells mobile data too ("Buy data"); AMIGO_DATA_ENABLED=false turns it off
export AMIGO_DATA_ENABLED="${AMIGO_DATA_ENABLED:-true}"
# and takes payment first, on the Paystack emulator --sandbox starts beside the Amigo one, so the
# whole path shows: cart → checkout → pay → order → tracking (AMIGO_PAYMENT=none: no payment step)
export AMIGO_PAYMENT="${AMIGO_PAYMENT:-paystack}"
# and opens the merchant console at /admin with a password made for this run (unless given)
if [ -z "${AMIGO_ADMIN_PASSWORD:-}${AMIGO_ADMIN_PASSWORD_HASH:-}" ]; then
  AMIGO_ADMIN_PASSWORD="demo-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export AMIGO_ADMIN_PASSWORD
  [ "$smoke" = 1 ] || echo "merchant console: /admin on the demo store's address, password $AMIGO_ADMIN_PASSWORD"
fi

if [ "$smoke" = 0 ]; then
  stage "ready: serving the demo store"
  trap - EXIT INT TERM
  rm -f "$proxy_log"
  exec "$proxy" --sandbox --widget-dir dist "$@"
fi

# --smoke: the same binary and widget on a free port and a throw-away database.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
db_dir=$(mktemp -d)
stage "smoke: serving on $base"
"$proxy" --sandbox --widget-dir dist --listen "127.0.0.1:$port" \
  --database-url "sqlite://$db_dir/smoke.db" "$@" >"$proxy_log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$proxy_log" >&2
    stage "smoke: FAIL (the proxy exited before answering /healthz)"
    exit 1
  fi
  sleep 0.2
done

failed=0
# ask PATH NAME EXPECT: a 200 whose body holds EXPECT
ask() {
  local body
  if ! body=$(curl -fsS --compressed --max-time 10 "$base$1" 2>&1); then
    echo "smoke: FAIL $2 ($1): $body" >&2
    failed=1
  elif ! grep -q -- "$3" <<<"$body"; then
    echo "smoke: FAIL $2 ($1): the answer has no '$3'" >&2
    failed=1
  else
    echo "smoke: ok   $2 ($1, ${#body} bytes)" >&2
  fi
}
ask /healthz "health" '"status"'
ask / "demo page" 'amigo-widget.js'
ask /widget/amigo-widget.js "loader" 'amigo-storefront-'
ask "/api/catalog/products?limit=1" "catalog read" '"price"'
ask /api/payment "payment settings" "\"method\":\"$AMIGO_PAYMENT\""
rm -rf "$db_dir"
if [ "$failed" = 1 ]; then
  echo "--- proxy log" >&2
  cat "$proxy_log" >&2
  stage "smoke: FAIL"
  exit 1
fi
stage "smoke: ok (set up, built and served; the store answered)"
