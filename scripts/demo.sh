#!/usr/bin/env bash
# Sets everything up and runs the demo store on the embedded sandbox: builds the widget (dist/)
# and serves it from amigo-proxy. This is the README's run command.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --web
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
scripts/build-widget.sh
# the demo sells mobile data too ("Buy data"); AMIGO_DATA_ENABLED=false turns it off
export AMIGO_DATA_ENABLED="${AMIGO_DATA_ENABLED:-true}"
exec cargo run --release --locked -p amigo-proxy -- --sandbox --widget-dir dist "$@"
