#!/usr/bin/env bash
# Sets everything up and runs the demo store on the embedded sandbox. This is the README's run command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --release --locked -p amigo-proxy -- --sandbox "$@"
