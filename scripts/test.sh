#!/usr/bin/env bash
# Runs every test: formatting, lints (warnings are errors), the whole native test suite, then the
# widget: its wasm lints, the release build, browser tests and the end-to-end test against a
# running sandbox + proxy. This is the README's test command; CI (.ci/run) calls it on a fresh
# machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# One full run builds every crate in three profiles and two targets. Incremental caches would add
# gigabytes that a single run never reuses; a CI machine's disk is shared and once ran out.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
disk() { echo "   (disk: target/ $(du -sh target 2>/dev/null | cut -f1 || echo 0), free $(df -h --output=avail . | tail -n 1 | tr -d ' '))"; }
trap disk EXIT
disk
# First, before anything else has fetched or built a thing: the README's run command, whole (setup,
# both builds, a served store that answers), so it can never again depend on what a later step
# happened to download.
echo "== the README's run command (scripts/demo.sh --smoke)"
scripts/demo.sh --smoke
scripts/setup.sh --web --engines
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo clippy -p amigo-proxy --no-default-features (the production proxy, without the emulators)"
cargo clippy --locked -p amigo-proxy --no-default-features -- -D warnings
disk
echo "== cargo test"
cargo test --workspace --locked
# The docs say only "retry with the same key and you get back the original response"; the sandbox
# follows Stripe's reading by default. The proxy must be correct under the other reading too.
echo "== cargo test -p amigo-proxy, upstream idempotency mode replay-any"
AMIGO_TEST_IDEMPOTENCY_MODE=replay-any cargo test --locked -p amigo-proxy
# The whole proxy API suite against what the docs publish only (issue 22): the sandbox's
# --docs-only mode turns off its invented endpoints (the flat plan list, the purchase lookup, the
# 9mobile table) and cuts every price.market down to its amount, so the proxy cannot lean on them.
# About a minute here once built.
echo "== cargo test -p amigo-proxy API suite against the sandbox's --docs-only mode (no invented endpoint or field)"
AMIGO_TEST_DOCS_ONLY=1 cargo test --locked -p amigo-proxy --test api

# The proxy suite again on a real PostgreSQL 15 (a throw-away cluster, stopped whatever happens):
# every test on its own database, plus the two-instance tests that need LISTEN/NOTIFY.
echo "== cargo test -p amigo-proxy on PostgreSQL (scripts/pg.sh)"
scripts/pg.sh cargo test --locked -p amigo-proxy
disk
echo "== crash safety: kill -9 mid-traffic, restart, nothing acknowledged lost (scripts/crash-test.sh)"
scripts/crash-test.sh
echo "== API fuzzing from the OpenAPI document (scripts/schemathesis.sh)"
scripts/schemathesis.sh

echo "== cargo clippy -D warnings (widget, wasm32)"
cargo clippy --locked --target wasm32-unknown-unknown -p amigo-storefront --all-targets -- -D warnings
# dist/ is the shipped build (scripts/build-widget.sh: checkout split out of the first load) that
# the smoke run above made from this same tree and served
echo "== widget size"
scripts/size.sh --no-build | tail -n 2
disk
echo "== browser and end-to-end tests"
scripts/web-test.sh
