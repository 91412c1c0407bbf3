#!/usr/bin/env bash
# Crash safety of amigo-proxy on SQLite (issue #13 section 4): 500 signed webhooks and 100 orders
# sent concurrently, `kill -9` of the proxy half-way, restart on the same database file, then
# every acknowledged webhook and order must be in the database and the redelivery of all 500
# webhooks must apply the unacknowledged ones once and report the acknowledged ones as
# duplicates. The sandbox runs as its own process so it outlives the proxy. Then the payment path:
# 40 Paystack-paid checkouts with `kill -9` half-way through the payments; after the restart every
# paid checkout must be placed, with one Amigo order each.
#
#   scripts/crash-test.sh [--release] [driver options: --webhooks N --orders N --kill-after N]
#
# Prints `crash-test: ... lost=0 duplicates=0 ...` and exits non-zero on any loss or duplicate.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=debug
if [[ "${1:-}" == "--release" ]]; then
    profile=release
    shift
fi
flags=()
[[ $profile == release ]] && flags=(--release)
cargo build -q "${flags[@]}" -p amigo-proxy -p amigo-sandbox -p paystack-sandbox --bins
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/crash_test.py \
    --proxy "target/$profile/amigo-proxy" \
    --sandbox "target/$profile/amigo-sandbox" \
    --paystack "target/$profile/paystack-sandbox" \
    --workdir "$work" "$@"
