#!/usr/bin/env bash
# Measures what the first load would weigh with checkout and order tracking split out: builds
# the widget without the `checkout` feature the way Trunk builds it (wasm-release profile,
# wasm-bindgen --target web, wasm-opt -Oz with the same features), into target/size-browse/,
# and writes bench/sizes-browse.md (raw, gzip -9, brotli -q 11; the loader taken from dist/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

out=target/size-browse
rm -rf "$out" && mkdir -p "$out"
cargo build --locked --profile wasm-release --target wasm32-unknown-unknown \
  --no-default-features --bin amigo-storefront
raw_wasm=target/wasm32-unknown-unknown/wasm-release/amigo-storefront.wasm
cp "$raw_wasm" "$out/raw.wasm"
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name browse "$raw_wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  -o "$out/browse_bg.opt.wasm" "$out/browse_bg.wasm"

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
br() { brotli -q 11 -c "$1" | wc -c | tr -d ' '; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
total_raw=0 total_gz=0 total_br=0 rows=""
for pair in "wasm:$out/browse_bg.opt.wasm" "JS glue:$out/browse.js" "loader:dist/amigo-widget.js"; do
  name=${pair%%:*} file=${pair#*:}
  r=$(raw "$file") g=$(gz "$file") b=$(br "$file")
  rows+="| $name | $r | $g | $b |"$'\n'
  total_raw=$((total_raw + r)) total_gz=$((total_gz + g)) total_br=$((total_br + b))
done
{
  echo "# Widget size without checkout and tracking"
  echo
  echo "Written by \`scripts/size-browse.sh\` ($(date -u +%Y-%m-%d)): the browse part alone"
  echo "(\`--no-default-features\`: browse, product, cart; checkout and order tracking left out), built"
  echo "like the release widget. This is the first load a split would give before any trimming."
  echo
  echo "| file | raw bytes | gzip -9 | brotli -q 11 |"
  echo "|---|---:|---:|---:|"
  printf '%s' "$rows"
  echo "| **first load** | $total_raw | $total_gz | $total_br |"
  echo
  echo "First load without checkout: $(kib "$total_br") KiB brotli / $(kib "$total_gz") KiB gzip."
} >bench/sizes-browse.md
cat bench/sizes-browse.md
