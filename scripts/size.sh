#!/usr/bin/env bash
# Builds the widget for release and records its first-load size (raw, gzip -9, brotli -q 11) of
# the wasm, the JS glue, the loader and the CSS in bench/sizes.md. `--no-build` measures dist/ as
# it is. Budget: wasm + JS + loader (the CSS is compiled into the wasm) <= 120 KiB brotli.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"

if [ "${1:-}" != "--no-build" ]; then
  cargo fetch --locked --target wasm32-unknown-unknown >/dev/null
  trunk build --release --offline --locked
fi

wasm=$(ls dist/amigo-storefront-*_bg.wasm)
js=$(ls dist/amigo-storefront-*.js)
loader=dist/amigo-widget.js
css=style/widget.css

raw() { wc -c <"$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
br() { brotli -q 11 -c "$1" | wc -c | tr -d ' '; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }

total_raw=0 total_gz=0 total_br=0
rows=""
for pair in "wasm:$wasm" "JS glue:$js" "loader:$loader" "CSS (inside the wasm):$css"; do
  name=${pair%%:*}
  file=${pair#*:}
  r=$(raw "$file") g=$(gz "$file") b=$(br "$file")
  rows+="| $name | \`$(basename "$file")\` | $r | $g | $b |"$'\n'
  if [ "$name" != "CSS (inside the wasm)" ]; then
    total_raw=$((total_raw + r)) total_gz=$((total_gz + g)) total_br=$((total_br + b))
  fi
done
budget=$((120 * 1024))
verdict="within"
[ "$total_br" -gt "$budget" ] && verdict="OVER"

mkdir -p bench
{
  echo "# Widget size"
  echo
  echo "Written by \`scripts/size.sh\` ($(date -u +%Y-%m-%d), rustc $(rustc --version | cut -d' ' -f2), wasm-opt $(wasm-opt --version | cut -d' ' -f3)):"
  echo "release build, \`wasm-release\` profile (opt-level z, LTO, one codegen unit, panic=abort), \`wasm-opt -Oz\`, Leptos \`erase_components\`."
  echo
  echo "| file | name | raw bytes | gzip -9 | brotli -q 11 |"
  echo "|---|---|---:|---:|---:|"
  printf '%s' "$rows"
  echo "| **first load** (wasm + JS + loader) | | $total_raw | $total_gz | $total_br |"
  echo
  echo "First load: $(kib "$total_br") KiB brotli / $(kib "$total_gz") KiB gzip; budget 120 KiB compressed: **$verdict**."
} >bench/sizes.md
cat bench/sizes.md
