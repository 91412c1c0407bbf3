#!/usr/bin/env bash
# Runs every benchmark and rewrites the results in BENCHMARKS.md.
#
#   bench/run.sh                 # everything, full length (about 8 minutes on a warm machine)
#   bench/run.sh --quick         # short runs to check that the scripts work (figures not meaningful)
#   bench/run.sh throughput …    # only the named ones: bundle-size first-product interaction
#                                #   throughput sandbox-scale
#   BENCH_SKIP_BUILD=1 bench/run.sh   # reuse dist/ and target/release as they are
#
# Installs what it needs idempotently (scripts/setup.sh --web, then `npm ci` in bench/), builds
# the release widget (Trunk) and the release proxy, sandbox and ceiling, runs each benchmark
# (each writes bench/results/NAME.json) and renders the tables with bench/report.mjs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
only=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    bundle-size|first-product|interaction|throughput|sandbox-scale) only+=("$arg") ;;
    *) echo "bench/run.sh: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done
[ ${#only[@]} -gt 0 ] || only=(bundle-size first-product interaction throughput sandbox-scale)

log() { printf '[bench] %s\n' "$*" >&2; }
log "start $(date -u +%FT%TZ); $(nproc) cores; load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- tools
scripts/setup.sh --web
command -v wrk >/dev/null 2>&1 || {
  log "apt-get install wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}
# bench/node_modules matches bench/package-lock.json (npm ci only when the lockfile changed)
stamp=bench/node_modules/.lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s bench/package-lock.json "$stamp"; then
  log "npm ci in bench/"
  (cd bench && npm ci --silent --no-audit --no-fund >/dev/null)
  cp bench/package-lock.json "$stamp"
fi

# ---------------------------------------------------------------- builds
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  export PATH="$root/.tools/node_modules/.bin:$PATH"   # wasm-opt 132 for Trunk
  log "scripts/build-widget.sh (the widget as it ships)"
  cargo fetch --locked >/dev/null   # (scripts/size.sh builds the same way)
  # Trunk keeps the old dist/ when a build fails: its exit status is what counts.
  if ! scripts/build-widget.sh >/tmp/amigo-bench-trunk.log 2>&1; then
    tail -n 30 /tmp/amigo-bench-trunk.log >&2
    log "widget build failed (log: /tmp/amigo-bench-trunk.log)"
    exit 1
  fi
  log "cargo build --release (amigo-proxy, amigo-sandbox, paystack-sandbox, the ceiling example)"
  cargo build --release --locked -p amigo-proxy -p amigo-sandbox -p paystack-sandbox --bins
  cargo build --release --locked -p amigo-proxy --example ceiling
fi

# ---------------------------------------------------------------- benchmarks
if [ "$quick" = 1 ]; then
  export BENCH_RUNS=3 BENCH_CLICKS=5 BENCH_SECONDS=3 BENCH_WARMUP=1
  log "--quick: short runs, figures not meaningful"
fi
failed=()
for name in "${only[@]}"; do
  log "== $name"
  cmd=(node "bench/$name.mjs")
  # the order row on PostgreSQL too, beside a throw-away cluster
  if [ "$name" = throughput ] && [ -x "${PG_BIN:-/usr/lib/postgresql/15/bin}/initdb" ]; then
    cmd=(scripts/pg.sh "${cmd[@]}")
  fi
  if ! timeout 900 "${cmd[@]}"; then
    log "$name FAILED"
    failed+=("$name")
  fi
  if [ "$name" = bundle-size ]; then
    # what the wasm is made of (by crate), kept beside the results
    node bench/wasm-top.mjs --crates 15 --functions 8 | tee bench/results/wasm-top.txt || true
  fi
done

node bench/report.mjs
log "end $(date -u +%FT%TZ); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
