#!/usr/bin/env bash
# Browser tests (wasm-bindgen-test) and the end-to-end tests of the widget in the three browser
# engines a shopper uses, against a running `amigo-proxy --sandbox` that serves the release build
# in dist/. Called by scripts/test.sh after scripts/build-widget.sh; the proxy is always stopped.
#
#   scripts/web-test.sh                   one run, every engine
#   scripts/web-test.sh --engine NAME     one engine alone: chromium, firefox or webkit
#   scripts/web-test.sh --repeat N        N runs, each on a fresh proxy and sandbox; prints one line
#                                         per run and a closing "N passed, M failed" (a flaky test
#                                         shows here)
#   scripts/web-test.sh --payments        only the payment suites (paystack, an abandoned payment
#                                         expiring, transfer)
#   scripts/web-test.sh --quote-cors      only the quote-refused-by-CORS suite (Chromium)
#
# Chromium (headless, /usr/bin/chromium): the browser tests through chromedriver and every
# playwright-core suite. The suites run on a proxy in the default payment mode (`none`); then
# quote-cors.mjs runs on a fresh proxy whose sandbox answers the delivery quote without CORS
# (--sandbox-no-quote-cors), so the browser's quote is refused and the widget falls back to the
# proxy's; then payment.mjs and events-paid.mjs run on a fresh proxy in paystack mode (its Paystack emulator started
# by --sandbox), expiry.mjs on one whose checkouts expire after a minute, and transfer.mjs on one
# in transfer mode with a made-up merchant account.
# Firefox ESR (headless, through geckodriver): the browser tests, then engines.mjs (purchase,
# tracking page, data top-up at 360×740 and 1280×800 through WebDriver) on a fresh proxy in mode
# `none`. WebKitGTK (MiniBrowser through WebKitWebDriver, in Xvfb: this MiniBrowser has no headless
# mode): engines.mjs on a fresh proxy in mode `none`. Each engine's time is printed.
#
# Every suite fails on any page error or unexpected console.error. The trap test serves a build
# with the `test-hooks` feature (the release profile, built here into target/trap-test) in place
# of the shipped one, so the shipped build never carries the hook.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/.tools/node_modules/.bin:$PATH"

repeat=1
payments_only=0
quote_cors_only=0
engines="chromium firefox webkit"
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat)
      repeat="${2:-}"
      shift 2 || true
      ;;
    --payments)
      payments_only=1
      shift
      ;;
    --quote-cors)
      quote_cors_only=1
      shift
      ;;
    --engine)
      engines="${2:-}"
      shift 2 || true
      case "$engines" in
        chromium | firefox | webkit) ;;
        *)
          echo "--engine takes chromium, firefox or webkit, not '$engines'" >&2
          exit 2
          ;;
      esac
      ;;
    *)
      echo "usage: scripts/web-test.sh [--repeat N] [--engine chromium|firefox|webkit] [--payments] [--quote-cors]" >&2
      exit 2
      ;;
  esac
done
case "$repeat" in
  '' | *[!0-9]* | 0)
    echo "--repeat takes a whole number of runs (1 or more), not '$repeat'" >&2
    exit 2
    ;;
esac

if [ ! -f dist/index.html ] || [ ! -f dist/amigo-widget.js ]; then
  echo "dist/ has no widget build: run scripts/build-widget.sh first" >&2
  exit 1
fi

# geckodriver (cargo install, by scripts/setup.sh --web); GECKODRIVER overrides the path
geckodriver=${GECKODRIVER:-$(command -v geckodriver || echo "$HOME/.cargo/bin/geckodriver")}
case " $engines " in
  *" firefox "*)
    [ -x "$geckodriver" ] || { echo "no geckodriver at $geckodriver: run scripts/setup.sh --web" >&2; exit 1; } ;;
esac
case " $engines " in
  *" webkit "*)
    command -v WebKitWebDriver >/dev/null && command -v xvfb-run >/dev/null ||
      { echo "no WebKitWebDriver or xvfb-run: run scripts/setup.sh --web" >&2; exit 1; } ;;
esac

work=$(mktemp -d)
proxy_pid=""
stop_proxy() {
  if [ -n "$proxy_pid" ]; then
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=""
  fi
}
cleanup() {
  stop_proxy
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The output of each suite that failed, printed again at the very end: CI shows only the tail of a
# run, and the engines after a failed suite still run, so a failure would scroll out of sight.
failed_logs=()
suites=0
# note_failure TITLE LOG: TITLE failed; LOG holds its output
note_failure() {
  failed_logs+=("$1|$2")
}
recap() {
  local entry
  [ "${#failed_logs[@]}" -gt 0 ] || return 0
  echo
  echo "==== what failed: each suite's failed checks and its last lines"
  for entry in "${failed_logs[@]}"; do
    echo "---- ${entry%%|*}"
    if [ -s "${entry#*|}" ]; then
      grep -E "^(not ok|FAIL)|failure\(s\)|^  - |panicked" "${entry#*|}" | head -n 20 || true
      echo "   (its last 15 lines:)"
      tail -n 15 "${entry#*|}"
    fi
  done
  echo "==== what failed (${#failed_logs[@]}):"
  for entry in "${failed_logs[@]}"; do
    echo "  ${entry%%|*}"
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

echo "== build amigo-proxy"
cargo build --locked -p amigo-proxy --quiet
# a copy of this build, so a rebuild in a shared CARGO_TARGET_DIR during the run cannot swap it
cp "${CARGO_TARGET_DIR:-$root/target}/debug/amigo-proxy" "$work/amigo-proxy"

# The shipped build's profile and flags (size-optimised, LTO, panic = "abort"; the same target dir
# as scripts/build-widget.sh, so only this crate is rebuilt), so the test also shows that a panic's
# message reaches the console in a release build, not only in a debug one.
# (Only the Chromium suites use it.)
trap_build="$root/target/trap-test"
if [ "$payments_only" = 0 ] && case " $engines " in *" chromium "*) true ;; *) false ;; esac; then
  echo "== build the trap-test widget (wasm-release profile, feature test-hooks)"
  RUSTFLAGS="--cfg erase_components -C link-arg=--emit-relocs" CARGO_TARGET_DIR=target/split-build \
    cargo build --locked --quiet --target wasm32-unknown-unknown --profile wasm-release \
    -p amigo-storefront --bin amigo-storefront --features test-hooks
  rm -rf "$trap_build"
  wasm-bindgen --target web --no-typescript --out-dir "$trap_build" --out-name amigo-trap \
    target/split-build/wasm32-unknown-unknown/wasm-release/amigo-storefront.wasm
fi

# The console's password for this run: random, so no test can depend on a fixed one.
admin_password="e2e-$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# The merchant account transfer mode shows (made up; transfer.mjs checks the page shows it).
export AMIGO_TRANSFER_ACCOUNT_NAME="Amigo Demo Store Ltd"
export AMIGO_TRANSFER_BANK_NAME="Sandbox Bank"
export AMIGO_TRANSFER_ACCOUNT_NUMBER="0123456789"

# Every suite's browsers reach the proxy from the one loopback address, and every checkout gives
# the same phone (08031234567), so to the proxy they are one client browsing, searching, tracking,
# ordering and topping up as much as dozens of shoppers within a minute, with the order streams of
# closed tabs still counted until the proxy next writes to them. Under the per-client limits a shop
# runs with (60 uncached catalog reads, 120 order lookups, 20 order attempts and 10 data purchases a
# minute; 5 orders a minute and 5 top-ups an hour for one phone; 8 open order streams) how many
# requests land in the same minute depends on how fast the machine runs the suites, so a fast run
# is refused with 429s it did not earn (WORDS E2E's order was, in CI, after the suites before it).
# The limits themselves are tested by the proxy's API suite.
export AMIGO_CATALOG_RATE_PER_IP=6000 AMIGO_LOOKUP_RATE_PER_IP=6000 AMIGO_EVENT_STREAMS_PER_CLIENT=1000
export AMIGO_ORDER_RATE_PER_IP=6000 AMIGO_ORDER_RATE_PER_PHONE=6000
export AMIGO_DATA_RATE_PER_IP=6000 AMIGO_DATA_RATE_PER_PHONE=6000

# start_proxy RUN [PAYMENT [FLAG...]]: a fresh proxy and sandbox, taking payment as PAYMENT says
# (`none`, the default, `paystack` or `transfer`), with any further proxy flags
# (`--sandbox-no-quote-cors`, `--checkout-expiry-minutes 1`).
start_proxy() {
  local run_dir="$work/run-$1" payment="${2:-none}"
  shift 2 2>/dev/null || shift $#
  mkdir -p "$run_dir"
  (
    cd "$run_dir"
    AMIGO_ALLOWED_ORIGINS="http://127.0.0.1:$runner_port,http://127.0.0.1:$csp_port,http://127.0.0.1:$engine_port" RUST_LOG="${RUST_LOG:-info}" AMIGO_DATA_ENABLED=true \
      AMIGO_ADMIN_PASSWORD="$admin_password" AMIGO_PAYMENT="$payment" \
      exec "$work/amigo-proxy" --sandbox --listen 127.0.0.1:0 \
      --widget-dir "$root/dist" --sandbox-info-file "$run_dir/info.json" "$@"
  ) >"$run_dir/proxy.log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$run_dir/info.json" ] && break
    if ! kill -0 "$proxy_pid" 2>/dev/null; then
      echo "amigo-proxy exited:" >&2
      cat "$run_dir/proxy.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  info="$run_dir/info.json"
  proxy_url=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["proxy_url"])' "$info")
  api_base=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["api_base"])' "$info")
  echo "proxy at $proxy_url"
}

# One playwright-core suite in tests/e2e against the running proxy: prints its title and a
# PASS/FAIL line; returns non-zero if it failed.
e2e() {
  local title=$1 label=$2 script=$3
  local log
  suites=$((suites + 1))
  log="$work/suite-$suites.log"
  echo "== $title (playwright-core, Chromium)"
  if (cd tests/e2e && AMIGO_DEMO_URL="$proxy_url" AMIGO_SANDBOX_INFO="$info" AMIGO_CSP_PORT="$csp_port" \
    AMIGO_TRAP_BUILD="$trap_build" AMIGO_ADMIN_PASSWORD="$admin_password" node "$script") 2>&1 | tee "$log"; then
    echo "$label: PASS"
  else
    echo "$label: FAIL"
    note_failure "$label ($title)" "$log"
    return 1
  fi
}

# The proxy log of run RUN (at info) never holds the token, the console password or a full phone.
check_log() {
  local token
  token=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"])' "$info")
  if grep -qF -e "$token" -e "$admin_password" -e "8031234567" "$work/run-$1/proxy.log"; then
    echo "PROXY LOG ($1): FAIL (a secret or a full phone number is in $work/run-$1/proxy.log)"
    note_failure "PROXY LOG ($1): a secret or a full phone number in the proxy's log" /dev/null
    return 1
  fi
  echo "PROXY LOG ($1): PASS (no token, console password or full phone number)"
}

# The checkout with the browser's quote refused by CORS, on a fresh proxy whose sandbox's quote
# answers no CORS; returns non-zero if it failed.
run_quote_cors() {
  local n=$1 status=0
  start_proxy "$n-quote-cors" none --sandbox-no-quote-cors
  e2e "end-to-end checkout, the quote refused by CORS" "QUOTE CORS E2E" quote-cors.mjs || status=1
  stop_proxy
  check_log "$n-quote-cors" || status=1
  return "$status"
}

# The payment suites, each on a fresh proxy in its mode; returns non-zero if any failed.
run_payments() {
  local n=$1 status=0
  start_proxy "$n-paystack" paystack
  e2e "end-to-end paying with Paystack" "PAYMENT E2E" payment.mjs || status=1
  e2e "end-to-end events of paid checkouts" "PAID EVENTS E2E" events-paid.mjs || status=1
  stop_proxy
  check_log "$n-paystack" || status=1
  # an abandoned payment expires (after a minute: the shortest expiry)
  start_proxy "$n-expiry" paystack --checkout-expiry-minutes 1
  e2e "end-to-end abandoned payment expires" "EXPIRY E2E" expiry.mjs || status=1
  stop_proxy
  check_log "$n-expiry" || status=1
  start_proxy "$n-transfer" transfer
  e2e "end-to-end paying by transfer" "TRANSFER E2E" transfer.mjs || status=1
  stop_proxy
  check_log "$n-transfer" || status=1
  return "$status"
}

# The browser tests (tests/browser, wasm-bindgen-test) in one engine: NAME, then the driver as
# an env assignment (CHROMEDRIVER=... or GECKODRIVER=...), set explicitly because
# wasm-bindgen-test-runner otherwise takes the first driver it finds on PATH.
browser_tests() {
  local name=$1 driver=$2 log
  suites=$((suites + 1))
  log="$work/suite-$suites.log"
  echo "== browser tests (wasm-bindgen-test, headless $name)"
  if env "$driver" AMIGO_TEST_PROXY="$proxy_url" AMIGO_TEST_API="$api_base" \
    WASM_BINDGEN_TEST_ADDRESS="127.0.0.1:$runner_port" WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}" \
    cargo test --locked --target wasm32-unknown-unknown -p amigo-storefront --test browser \
    2>&1 | tee "$log" && grep -q "test result: ok" "$log"; then
    echo "BROWSER TESTS ($name): PASS ($(grep -o '[0-9]* passed' "$log" | tail -n 1))"
  else
    echo "BROWSER TESTS ($name): FAIL"
    note_failure "BROWSER TESTS ($name)" "$log"
    return 1
  fi
}

# engines.mjs (purchase, tracking page, data top-up through WebDriver) in ENGINE against the
# running proxy; WRAP runs before node (xvfb-run for WebKitGTK, which needs a display).
engine_e2e() {
  local engine=$1 log
  shift
  suites=$((suites + 1))
  log="$work/suite-$suites.log"
  echo "== end-to-end in $engine (WebDriver)"
  if (cd tests/e2e && "$@" env AMIGO_DEMO_URL="$proxy_url" AMIGO_SANDBOX_INFO="$info" \
    AMIGO_ENGINE_PORT="$engine_port" GECKODRIVER="$geckodriver" node engines.mjs --engine "$engine") 2>&1 | tee "$log"; then
    echo "ENGINE E2E ($engine): PASS"
  else
    echo "ENGINE E2E ($engine): FAIL"
    note_failure "ENGINE E2E ($engine)" "$log"
    return 1
  fi
}

# Chromium: the browser tests and every playwright-core suite on a fresh proxy, then the payment
# suites; returns non-zero if any failed.
run_chromium() {
  local n=$1 status=0
  start_proxy "$n"
  browser_tests Chromium CHROMEDRIVER=/usr/bin/chromedriver || status=1
  e2e "end-to-end" E2E e2e.mjs || status=1
  e2e "end-to-end first view" "FIRST VIEW E2E" first-view.mjs || status=1
  e2e "end-to-end events and JS API" "EVENTS E2E" events.mjs || status=1
  e2e "end-to-end checkout" "CHECKOUT E2E" checkout.mjs || status=1
  e2e "end-to-end wording (Pidgin, overrides)" "WORDS E2E" words.mjs || status=1
  e2e "end-to-end buy data" "DATA E2E" data.mjs || status=1
  e2e "end-to-end merchant console" "ADMIN E2E" admin.mjs || status=1
  e2e "end-to-end split checkout module" "SPLIT E2E" split-smoke.mjs || status=1
  e2e "end-to-end trap fallback" "TRAP E2E" trap.mjs || status=1
  e2e "end-to-end strict Content-Security-Policy" "CSP E2E" csp.mjs || status=1
  stop_proxy
  check_log "$n" || status=1
  run_quote_cors "$n" || status=1
  run_payments "$n" || status=1
  return "$status"
}

# Firefox ESR: the browser tests and engines.mjs on a fresh proxy in payment mode `none`.
run_firefox() {
  local n=$1 status=0
  start_proxy "$n-firefox"
  browser_tests "Firefox ESR" GECKODRIVER="$geckodriver" || status=1
  engine_e2e firefox || status=1
  stop_proxy
  check_log "$n-firefox" || status=1
  return "$status"
}

# WebKitGTK: engines.mjs on a fresh proxy in payment mode `none`, in a private Xvfb display.
run_webkit() {
  local n=$1 status=0
  start_proxy "$n-webkit"
  engine_e2e webkit xvfb-run -a -s "-screen 0 1600x1000x24" || status=1
  stop_proxy
  check_log "$n-webkit" || status=1
  return "$status"
}

# One run of every suite of the chosen engines, each engine on a fresh proxy; prints the time
# each engine took; returns non-zero if any failed.
run_once() {
  local n=$1 status=0 engine started
  runner_port=$(free_port)
  # the strict-CSP merchant page's origin (csp.mjs serves it), allowed by the proxy
  csp_port=$(free_port)
  # the merchant page engines.mjs serves, allowed by the proxy
  engine_port=$(free_port)
  if [ "$payments_only" = 1 ]; then
    run_payments "$n"
    return
  fi
  if [ "$quote_cors_only" = 1 ]; then
    run_quote_cors "$n"
    return
  fi
  for engine in $engines; do
    started=$SECONDS
    "run_$engine" "$n" || status=1
    echo "ENGINE TIME ($engine): $((SECONDS - started)) s"
  done
  return "$status"
}

passed=0
failed=0
for n in $(seq 1 "$repeat"); do
  [ "$repeat" -gt 1 ] && echo "==== web tests, run $n of $repeat"
  if run_once "$n"; then
    passed=$((passed + 1))
    [ "$repeat" -gt 1 ] && echo "==== run $n of $repeat: PASS"
  else
    failed=$((failed + 1))
    [ "$repeat" -gt 1 ] && echo "==== run $n of $repeat: FAIL"
  fi
done
if [ "$repeat" -gt 1 ]; then
  echo "web test runs: $passed passed, $failed failed"
fi
recap
[ "$failed" -eq 0 ]
