#!/usr/bin/env bash
# Measures amigo-proxy by hand with wrk (BENCHMARKS.md, "Proxy by hand with wrk"): cached catalog reads through the proxy, the
# same read straight from the sandbox, a trivial axum handler (the ceiling), order creation
# through the proxy, and the proxy's peak RSS. Two ceilings: a tiny body, and the same bytes as
# the proxy's cached list (the fair one). Run from the repository root after
#   cargo build --release -p amigo-proxy -p amigo-sandbox --bins --examples
set -euo pipefail
cd "$(dirname "$0")/.."
T=target/release
DUR=${DUR:-20s}
CONN=${CONN:-64}
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

$T/amigo-sandbox --listen 127.0.0.1:7701 --rate-limit-per-minute 100000000 \
  --public-rate-limit-per-minute 100000000 2>"$WORK/sandbox.log" & PIDS+=($!)
$T/examples/ceiling 127.0.0.1:7801 & PIDS+=($!)
sleep 1
TOKEN=amg_test_proxybench0001
SECRET=$(curl -s -X POST http://127.0.0.1:7701/api/commerce/webhooks/ -H "X-API-Key: $TOKEN" \
  -H 'content-type: application/json' \
  -d '{"url":"http://127.0.0.1:7800/webhooks/amigo","events":"*"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["secret"])')
AMIGO_API_KEY=$TOKEN AMIGO_API_BASE=http://127.0.0.1:7701/api AMIGO_WEBHOOK_SECRETS=$SECRET \
AMIGO_DATABASE_URL="sqlite://$WORK/bench.db" RUST_LOG=${PROXY_LOG:-info} \
  $T/amigo-proxy --listen 127.0.0.1:7800 --order-rate-per-ip 1000000 \
  --order-rate-per-phone 1000000 >/dev/null 2>"$WORK/proxy.log" & PROXY=$!; PIDS+=($PROXY)
sleep 1

Q='category=power-banks&in_stock=true&sort=price_asc&limit=20'
run() { # name, wrk args…
  local name=$1; shift
  wrk -t2 -c"$CONN" -d5s "$@" >/dev/null          # warm-up
  echo "== $name"; wrk -t2 -c"$CONN" -d"$DUR" --latency "$@" | grep -E 'Requests/sec|Latency|50%|99%|Non-2xx|requests in'
}
run "proxy, cached catalog read" "http://127.0.0.1:7800/api/catalog/products?$Q"
run "sandbox direct, same read" -H "X-API-Key: $TOKEN" "http://127.0.0.1:7701/api/commerce/products/?$Q"
run "ceiling: trivial axum handler, tiny body" "http://127.0.0.1:7801/"
# The fair ceiling answers the very bytes of the proxy's cached list (~10 KB).
curl -s -o "$WORK/list.json" "http://127.0.0.1:7800/api/catalog/products?$Q"
echo "== cached list body: $(wc -c <"$WORK/list.json") bytes"
$T/examples/ceiling 127.0.0.1:7802 "$WORK/list.json" & PIDS+=($!)
sleep 1
run "ceiling: trivial axum handler, same body as the cached list" "http://127.0.0.1:7802/"

# Order creation: keep the test wallet topped up while wrk runs (₦1,000,000 = 370 orders).
( while true; do curl -s -o /dev/null -X POST -H "X-API-Key: $TOKEN" \
    http://127.0.0.1:7701/api/commerce/sandbox/reset-balance/; sleep 0.05; done ) & PIDS+=($!)
run "proxy, order creation (POST /api/orders)" -s bench/wrk/orders.lua http://127.0.0.1:7800
echo "== proxy peak RSS: $(grep VmHWM /proc/$PROXY/status)"
echo "== orders stored: $(python3 -c "import sqlite3;print(sqlite3.connect('$WORK/bench.db').execute('select count(*) from orders').fetchone()[0])")"
