#!/usr/bin/env bash
# Browser tests (wasm-bindgen-test in headless Chromium) and the end-to-end test (playwright-core)
# of the widget, against a running `amigo-proxy --sandbox` that serves the release build in dist/.
# Called by scripts/test.sh after `trunk build --release`; the proxy is always stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/.tools/node_modules/.bin:$PATH"

if [ ! -f dist/index.html ] || [ ! -f dist/amigo-widget.js ]; then
  echo "dist/ has no widget build: run trunk build --release first" >&2
  exit 1
fi

work=$(mktemp -d)
proxy_pid=""
cleanup() {
  if [ -n "$proxy_pid" ]; then
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
runner_port=$(free_port)

echo "== build amigo-proxy"
cargo build --locked -p amigo-proxy --quiet

echo "== start amigo-proxy --sandbox"
(
  cd "$work"
  AMIGO_ALLOWED_ORIGINS="http://127.0.0.1:$runner_port" RUST_LOG="${RUST_LOG:-warn}" \
    exec "$root/target/debug/amigo-proxy" --sandbox --listen 127.0.0.1:0 \
    --widget-dir "$root/dist" --sandbox-info-file "$work/info.json"
) >"$work/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 300); do
  [ -s "$work/info.json" ] && break
  if ! kill -0 "$proxy_pid" 2>/dev/null; then
    echo "amigo-proxy exited:" >&2
    cat "$work/proxy.log" >&2
    exit 1
  fi
  sleep 0.2
done
proxy_url=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["proxy_url"])' "$work/info.json")
api_base=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["api_base"])' "$work/info.json")
echo "proxy at $proxy_url"

echo "== browser tests (wasm-bindgen-test, headless Chromium)"
status=0
AMIGO_TEST_PROXY="$proxy_url" AMIGO_TEST_API="$api_base" WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$runner_port" \
  WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}" \
  cargo test --locked --target wasm32-unknown-unknown -p amigo-storefront --test browser \
  2>&1 | tee "$work/browser.log" || status=1
if [ "$status" = 0 ] && grep -q "test result: ok" "$work/browser.log"; then
  echo "BROWSER TESTS: PASS ($(grep -o '[0-9]* passed' "$work/browser.log" | tail -n 1))"
else
  echo "BROWSER TESTS: FAIL"
  status=1
fi

echo "== end-to-end (playwright-core, Chromium)"
if (cd tests/e2e && AMIGO_DEMO_URL="$proxy_url" node e2e.mjs); then
  echo "E2E: PASS"
else
  echo "E2E: FAIL"
  status=1
fi
echo "== end-to-end checkout (playwright-core, Chromium)"
if (cd tests/e2e && AMIGO_DEMO_URL="$proxy_url" AMIGO_SANDBOX_INFO="$work/info.json" node checkout.mjs); then
  echo "CHECKOUT E2E: PASS"
else
  echo "CHECKOUT E2E: FAIL"
  status=1
fi
exit "$status"
