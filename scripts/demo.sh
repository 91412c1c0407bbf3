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
# and opens the merchant console at /admin with a password made for this run (unless given)
if [ -z "${AMIGO_ADMIN_PASSWORD:-}${AMIGO_ADMIN_PASSWORD_HASH:-}" ]; then
  AMIGO_ADMIN_PASSWORD="demo-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export AMIGO_ADMIN_PASSWORD
  echo "merchant console: /admin on the demo store's address, password $AMIGO_ADMIN_PASSWORD"
fi
exec cargo run --release --locked -p amigo-proxy -- --sandbox --widget-dir dist "$@"
