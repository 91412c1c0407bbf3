#!/usr/bin/env bash
# Sets everything up and runs the demo store on the embedded sandbox: builds the widget (dist/)
# and serves it from amigo-proxy. This is the README's run command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --web
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
scripts/build-widget.sh
exec cargo run --release --locked -p amigo-proxy -- --sandbox --widget-dir dist "$@"
