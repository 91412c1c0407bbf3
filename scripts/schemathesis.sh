#!/usr/bin/env bash
# Fuzzes the proxy's HTTP API from its own OpenAPI document with Schemathesis (issue #13 section
# 5): installs `schemathesis` with pip into .tools/schemathesis-venv (once), starts amigo-proxy
# with the embedded sandbox on a free port and a throw-away database, runs every operation of
# /api/openapi.json, and stops everything whatever happens.
#
#   scripts/schemathesis.sh [extra schemathesis options, e.g. --max-examples 50]
#
# Checks: not_a_server_error (no 5xx), status_code_conformance, content_type_conformance,
# response_headers_conformance, response_schema_conformance. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.tools/schemathesis-venv
if [[ ! -x $venv/bin/schemathesis ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'schemathesis>=4,<5'
fi
cargo build -q -p amigo-proxy --bin amigo-proxy
work=$(mktemp -d)
proxy_pid=
cleanup() {
    [[ -n $proxy_pid ]] && kill "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# fuzz NAME PAYMENT [schemathesis options]: one proxy (embedded sandbox, fresh database) with
# AMIGO_PAYMENT=PAYMENT, every operation the options select, then the proxy is stopped.
fuzz() {
    local name=$1 payment=$2
    shift 2
    RUST_LOG=warn target/debug/amigo-proxy --sandbox --listen 127.0.0.1:0 \
        --database-url "sqlite://$work/$name.db" --payment "$payment" \
        --sandbox-rate-limit-per-minute 100000 --order-rate-per-ip 100000 \
        --order-rate-per-phone 100000 --lookup-rate-per-ip 100000 \
        --data-enabled true --data-rate-per-ip 100000 --data-rate-per-phone 100000 \
        > "$work/$name.out" 2>&1 &
    proxy_pid=$!
    local url=
    for _ in $(seq 300); do
        url=$(sed -n 's/^amigo-proxy listening on \(http:[^ ]*\).*/\1/p' "$work/$name.out")
        [[ -n $url ]] && break
        kill -0 "$proxy_pid" 2>/dev/null || { cat "$work/$name.out"; exit 1; }
        sleep 0.1
    done
    [[ -n $url ]] || { echo "schemathesis.sh: the proxy did not start" >&2; exit 1; }
    echo "== schemathesis: $name (AMIGO_PAYMENT=$payment)"
    "$venv/bin/schemathesis" run "$url/api/openapi.json" \
        --url "$url" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
        --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-100}" \
        --seed "${SCHEMATHESIS_SEED:-1}" \
        --no-color "$@"
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=
}

# every operation with orders placed at once; then the checkout operations with Paystack on
# (the embedded Paystack emulator), where the widget pays before the order or the data plan is bought
fuzz all none "$@"
fuzz checkouts paystack --include-path-regex '^/api/(payment|checkouts|data/)' "$@"
