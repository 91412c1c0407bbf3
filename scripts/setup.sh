#!/usr/bin/env bash
# Installs what the project needs, idempotently: a warm machine pays nothing.
# Native only by default; `scripts/setup.sh --web` adds the wasm/browser toolchain the demo
# needs (wasm32 target, wasm-split-cli, wasm-bindgen-cli, wasm-opt, Chromium + chromedriver,
# playwright-core, which downloads no browser); `--engines` (with --web, what scripts/test.sh
# asks for) adds the other two browser engines the tests run in: Firefox ESR + geckodriver and
# WebKitGTK + WebKitWebDriver in Xvfb; `--trunk` adds Trunk, for a single-module build
# (`trunk build --release`) to compare with.
set -euo pipefail
cd "$(dirname "$0")/.."

want_web=0
want_engines=0
want_trunk=0
for arg in "$@"; do
  case "$arg" in
    --web) want_web=1 ;;
    --engines) want_web=1 want_engines=1 ;;
    --trunk) want_web=1 want_trunk=1 ;;
    *) echo "usage: scripts/setup.sh [--web] [--engines] [--trunk]" >&2; exit 2 ;;
  esac
done

log() { printf '[setup %3ds] %s\n' "$SECONDS" "$*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  log "cargo is missing: this project needs the machine's Rust toolchain (rustup)."
  exit 1
fi
# rust-toolchain.toml pins the toolchain and lists the wasm target; rustup installs both on first use.
rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install

# Debian packages, in one apt run: PostgreSQL 15 server binaries (scripts/pg.sh runs the proxy
# suite on a throw-away cluster); with --web, Chromium, its driver and brotli; with --engines,
# Firefox ESR, WebKitGTK's driver (WebKitWebDriver and the MiniBrowser it drives) and Xvfb (this
# MiniBrowser has no headless mode).
need_apt=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
if [ "$want_web" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
  command -v brotli >/dev/null 2>&1 || need_apt+=(brotli)
fi
if [ "$want_engines" = 1 ]; then
  command -v firefox-esr >/dev/null 2>&1 || need_apt+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null 2>&1 || need_apt+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null 2>&1 || need_apt+=(xvfb xauth)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]} (about 1 minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ "$want_web" = 1 ]; then
  rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

  # the shipped widget is built by scripts/build-widget.sh (wasm-split; Trunk cannot split), so
  # Trunk is only for a single-module comparison build: `scripts/setup.sh --web --trunk`
  if [ "$want_trunk" = 1 ] && ! trunk --version 2>/dev/null | grep -q '0.21.14'; then
    log "cargo install trunk 0.21.14 (about 6 minutes on a cold machine)"
    cargo install --locked trunk@0.21.14 --quiet
  fi
  # The two CLI builds run side by side (each is mostly single-threaded at its end); a binary
  # already on PATH at the right version is used as it is.
  pids=()
  if ! wasm-split-cli --help >/dev/null 2>&1; then
    log "cargo install wasm_split_cli_support 0.2.4 (wasm-split-cli) in the background"
    cargo install --locked wasm_split_cli_support@0.2.4 --features build-binary --quiet &
    pids+=($!)
  fi
  # Firefox's WebDriver: a Rust crate (Debian has no package of it)
  if [ "$want_engines" = 1 ] && ! command -v geckodriver >/dev/null 2>&1; then
    log "cargo install geckodriver 0.37.1 in the background"
    cargo install --locked geckodriver@0.37.1 --quiet &
    pids+=($!)
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q '0.2.130'; then
    log "cargo install wasm-bindgen-cli 0.2.130 in the background"
    # Not --locked: its lockfile wants a crate version the registry lacks.
    cargo install wasm-bindgen-cli --version 0.2.130 --quiet &
    pids+=($!)
  fi
  mkdir -p .tools
  if [ ! -x .tools/node_modules/.bin/wasm-opt ] || [ ! -x .tools/node_modules/.bin/terser ] ||
    [ ! -d tests/e2e/node_modules/playwright-core ]; then
    log "npm install binaryen (wasm-opt 132), terser 5.51.4 and the e2e driver"
    (cd .tools && [ -f package.json ] || echo '{"private":true}' > package.json
      npm install --silent --no-audit --no-fund --save-exact binaryen@132.0.0 terser@5.51.4 >/dev/null)
    if [ -f tests/e2e/package.json ]; then (cd tests/e2e && npm ci --silent --no-audit --no-fund >/dev/null); fi
  fi
  if [ ${#pids[@]} -gt 0 ]; then
    log "waiting for the cargo installs (about 4 minutes on a cold machine)"
    for pid in "${pids[@]}"; do wait "$pid"; done
  fi
fi
log "ready"
