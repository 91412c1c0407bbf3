#!/usr/bin/env bash
# What one order costs the proxy (issue 28): row (d)'s setup by hand (a release amigo-sandbox,
# a release amigo-proxy on SQLite, wrk -t2 -c64 with bench/wrk/orders.lua, the test wallet
# refilled every 20 ms), 3 s of warm-up then 10 s measured. Prints orders/s, p50, p99, the
# proxy's CPU (utime+stime) per order and the voluntary context switches of all its threads per
# order: the last two depend far less on what else the machine is doing than req/s does.
#
#   bench/order-cpu.sh [BIN_DIR]     # default target/release; run two builds alternately to compare
#
# Build first: cargo build --release -p amigo-proxy -p amigo-sandbox --bins
set -euo pipefail
cd "$(dirname "$0")/.."
T=${1:-target/release}
W=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SP=$(free_port); PP=$(free_port)
"$T/amigo-sandbox" --listen "127.0.0.1:$SP" --rate-limit-per-minute 1000000000 \
  --public-rate-limit-per-minute 1000000000 2>"$W/sandbox.log" & PIDS+=($!)
TOKEN=amg_test_ordercpu$(date +%s)
AMIGO_API_KEY=$TOKEN AMIGO_API_BASE="http://127.0.0.1:$SP/api" AMIGO_DATABASE_URL="sqlite://$W/bench.db" \
RUST_LOG=info "$T/amigo-proxy" --listen "127.0.0.1:$PP" --order-rate-per-ip 1048576 \
  --order-rate-per-phone 1048576 --max-order-total 100000000 >/dev/null 2>"$W/proxy.log" & PROXY=$!
PIDS+=($PROXY)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$PP/healthz" && break; sleep 0.1; done
( while true; do curl -s -o /dev/null -X POST -H "X-API-Key: $TOKEN" \
    "http://127.0.0.1:$SP/api/commerce/sandbox/reset-balance/"; sleep 0.02; done ) & PIDS+=($!)
KEY_PREFIX=warm$$ wrk -t2 -c64 -d3s -s bench/wrk/orders.lua "http://127.0.0.1:$PP" >/dev/null
cpu() { awk '{print $14 + $15}' "/proc/$PROXY/stat"; }
switches() { cat /proc/"$PROXY"/task/*/status | awk '/^voluntary_ctxt_switches/ {s += $2} END {print s}'; }
c0=$(cpu); s0=$(switches)
out=$(KEY_PREFIX=run$$ wrk -t2 -c64 -d10s --latency -s bench/wrk/orders.lua "http://127.0.0.1:$PP")
c1=$(cpu); s1=$(switches)
n=$(awk '/requests in/ {print $1}' <<<"$out")
echo "$out" | grep -E 'Requests/sec|Non-2xx' || true
awk -v c="$((c1 - c0))" -v t="$(getconf CLK_TCK)" -v s="$((s1 - s0))" -v n="$n" \
  -v p50="$(awk '$1 == "50%" {print $2}' <<<"$out")" -v p99="$(awk '$1 == "99%" {print $2}' <<<"$out")" \
  -v load="$(cut -d' ' -f1-3 /proc/loadavg)" -v bin="$T" 'BEGIN {
    printf "%s: %d orders, p50 %s, p99 %s, proxy CPU %.0f us per order, %.1f switches per order (load %s)\n",
      bin, n, p50, p99, c / t * 1e6 / n, s / n, load }'
