#!/usr/bin/env bash
# Builds the widget as it ships (scripts/build-widget.sh) and records the size of its first load
# (raw, gzip -9, brotli -q 11: the loader, the JS glue, wasm-split's loader and the main wasm) and
# of the checkout module fetched later, in bench/sizes.md. `--no-build` measures dist/ as it is.
# Budget: the first load <= 120 KiB brotli (the CSS is compiled into the wasm).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

if [ "${1:-}" != "--no-build" ]; then
  scripts/build-widget.sh
fi

one() { # the single dist/ file matching a pattern
  local found
  found=$(ls dist/ | grep -E "$1" | grep -vE '\.(br|gz)$' || true)
  if [ "$(printf '%s\n' "$found" | grep -c .)" != 1 ]; then
    echo "size.sh: expected one dist/ file matching $1, found: ${found:-none}" >&2
    exit 1
  fi
  echo "dist/$found"
}
wasm=$(one '^amigo-storefront-[0-9a-f]{16}_bg\.wasm$')
js=$(one '^amigo-storefront-[0-9a-f]{16}\.js$')
split_js=$(one '^__wasm_split-[0-9a-f]{16}\.js$')
loader=dist/amigo-widget.js

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
br() { brotli -q 11 -c "$1" | wc -c | tr -d ' '; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

total_raw=0 total_gz=0 total_br=0
rows=""
for pair in "wasm:$wasm" "JS glue:$js" "wasm-split loader:$split_js" "loader:$loader"; do
  name=${pair%%:*}
  file=${pair#*:}
  r=$(raw "$file") g=$(gz "$file") b=$(br "$file")
  rows+="| first load | $name | \`$(basename "$file")\` | $r | $g | $b |"$'\n'
  total_raw=$((total_raw + r)) total_gz=$((total_gz + g)) total_br=$((total_br + b))
done
later_br=0 data_br=0 pages_br=0
for file in dist/*.wasm; do
  [ "$file" = "$wasm" ] && continue
  r=$(raw "$file") g=$(gz "$file") b=$(br "$file")
  case "$(basename "$file")" in
    split_topup-*)
      data_br=$((data_br + b))
      rows+="| later (when \"Buy data\" opens) | Buy data (\`data-features=\"data\"\`) | \`$(basename "$file")\` | $r | $g | $b |"$'\n' ;;
    split_checkout-*)
      later_br=$((later_br + b))
      rows+="| later (prefetched when idle or when the cart opens) | checkout and order tracking | \`$(basename "$file")\` | $r | $g | $b |"$'\n' ;;
    split_pages-*)
      pages_br=$((pages_br + b))
      rows+="| later (prefetched when idle, or when a product or the cart opens) | product page and cart | \`$(basename "$file")\` | $r | $g | $b |"$'\n' ;;
    *)
      later_br=$((later_br + b))
      rows+="| later (with the modules that share it: see \`__wasm_split-*.js\`) | code the later modules share | \`$(basename "$file")\` | $r | $g | $b |"$'\n' ;;
  esac
done
# the modules fetched only for an attribute: data-lang="pcm" (both wording modules), a
# data-wording (the checker), data-analytics="datalayer" (the GA4 mapping)
for file in dist/wording-*.js dist/datalayer-*.js; do
  case "$(basename "$file")" in
    wording-pcm-*) part="the Nigerian Pidgin table" when='later (with the wasm, only for `data-lang="pcm"`)' ;;
    datalayer-*) part="GA4 events to \`window.dataLayer\`" when='later (with the wasm, only for `data-analytics="datalayer"`)' ;;
    *) part="the wording checker: text names, placeholders" when='later (with the wasm, only for `data-lang="pcm"` or a `data-wording`)' ;;
  esac
  rows+="| $when | $part | \`$(basename "$file")\` | $(raw "$file") | $(gz "$file") | $(br "$file") |"$'\n'
done
budget=$((120 * 1024))
verdict="within"
[ "$total_br" -gt "$budget" ] && verdict="OVER"

mkdir -p bench
{
  echo "# Widget size"
  echo
  echo "Written by \`scripts/size.sh\` ($(date -u +%Y-%m-%d), rustc $(rustc --version | cut -d' ' -f2), wasm-opt $(wasm-opt --version | cut -d' ' -f3)):"
  echo "the shipped build (\`scripts/build-widget.sh\`): \`wasm-release\` profile (opt-level z, LTO, one codegen"
  echo "unit, panic=abort), Leptos \`erase_components\`, the product page and cart, checkout and order"
  echo "tracking, and Buy data split out by wasm-split,"
  echo "\`wasm-opt -Oz\` on every module; the proxy serves the \`.br\` files written beside them."
  echo
  echo "| when | part | file | raw bytes | gzip -9 | brotli -q 11 |"
  echo "|---|---|---|---:|---:|---:|"
  printf '%s' "$rows"
  echo "| **first load** | | | $total_raw | $total_gz | $total_br |"
  echo
  echo "First load: $(kib "$total_br") KiB brotli / $(kib "$total_gz") KiB gzip; budget 120 KiB compressed: **$verdict**."
  echo "Product page and cart, fetched later: $(kib "$pages_br") KiB brotli (without the chunks it shares)."
  echo "Checkout and tracking, fetched later: $(kib "$later_br") KiB brotli (with every shared chunk)."
  echo "Buy data, fetched when opened: $(kib "$data_br") KiB brotli."
} >bench/sizes.md
cat bench/sizes.md
