#!/usr/bin/env bash
# Runs every test: formatting, lints (warnings are errors), and the whole test suite.
# This is the README's test command; CI (.ci/run) calls it on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
