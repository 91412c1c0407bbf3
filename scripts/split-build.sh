#!/usr/bin/env bash
# Experiment: the widget with checkout and order tracking behind Leptos `#[lazy]` (feature
# `split`), cut into lazily loaded modules by wasm-split, the pipeline cargo-leptos uses:
#   cargo build (raw wasm, relocations kept) -> wasm-split -> wasm-bindgen (main module)
#   -> wasm-opt -Oz (every module).
# Needs `cargo install --locked wasm_split_cli_support --features build-binary` (WASM_SPLIT to
# point at it). Writes target/split/pkg/ and prints the first-load size (main wasm + JS glue +
# __wasm_split.js + loader), and target/split/site/: a widget folder for
# `amigo-proxy --sandbox --widget-dir target/split/site` (tests/e2e/split-smoke.mjs drives it).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
split=${WASM_SPLIT:-wasm-split-cli}
out=target/split
rm -rf "$out" && mkdir -p "$out/split" "$out/pkg"
RUSTFLAGS="--cfg erase_components -C link-arg=--emit-relocs" CARGO_TARGET_DIR=target/split-build \
  cargo build --offline --locked --profile wasm-release --target wasm32-unknown-unknown \
  --features split --bin amigo-storefront
raw=target/split-build/wasm32-unknown-unknown/wasm-release/amigo-storefront.wasm
"$split" --target web --out-name amigo "$raw" "$out/split"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$out/pkg" --out-name amigo "$out/split/amigo.wasm"
opt=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
wasm-opt "${opt[@]}" -o "$out/pkg/amigo_bg.wasm" "$out/pkg/amigo_bg.wasm"
for chunk in "$out"/split/*.wasm; do
  [ "$(basename "$chunk")" = amigo.wasm ] && continue
  wasm-opt "${opt[@]}" -o "$out/pkg/$(basename "$chunk")" "$chunk"
done
cp "$out"/split/*.js "$out/pkg/"
# The widget folder, as Trunk's dist/ would be: every name carries one build hash (the files
# import each other by name, in a cycle, so they share it), so the proxy caches them for a year;
# the loader and index.html keep their names; `.br`/`.gz` beside every script and wasm.
site=$out/site
mkdir -p "$site"
hash=$(cat "$out"/pkg/* | sha256sum | cut -c1-16)
rename() { # amigo.js -> amigo-<hash>.js, amigo_bg.wasm -> amigo-<hash>_bg.wasm
  case "$1" in
    amigo_bg.wasm) echo "amigo-${hash}_bg.wasm" ;;
    *.*) echo "${1%%.*}-$hash.${1#*.}" ;;
  esac
}
sedargs=()
for f in "$out"/pkg/*; do
  b=$(basename "$f")
  # only where a file is imported or fetched: the wasm's own import names stay as they are
  sedargs+=(-e "s#(from |URL\\()([\"'])\\./$b([\"'])#\\1\\2./$(rename "$b")\\3#g")
done
for f in "$out"/pkg/*; do
  b=$(basename "$f")
  case "$b" in
    *.js) sed -E "${sedargs[@]}" "$f" >"$site/$(rename "$b")" ;;
    *) cp "$f" "$site/$(rename "$b")" ;;
  esac
done
grep -v 'data-trunk\|data-wasm-opt-params\|<!-- The widget build' index.html >"$site/index.html"
sed -e "s/__AMIGO_JS__/$(rename amigo.js)/" -e "s/__AMIGO_WASM__/$(rename amigo_bg.wasm)/" \
  loader/amigo-widget.js >"$site/amigo-widget.js"
for f in "$site"/*.js "$site"/*.wasm; do
  brotli -q 11 -f -o "$f.br" "$f"
  gzip -9 -n -c "$f" >"$f.gz"
done

# What a shopper downloads, as served (the .br files), into bench/sizes-split.md.
br() { wc -c <"$1.br" | tr -d ' '; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
first=0 rows=""
for f in amigo-widget.js "$(rename amigo.js)" "$(rename __wasm_split.js)" "$(rename amigo_bg.wasm)"; do
  b=$(br "$site/$f")
  first=$((first + b))
  rows+="| first load | \`$f\` | $(wc -c <"$site/$f" | tr -d ' ') | $b |"$'\n'
done
later=0
for f in "$site"/*.wasm; do
  case "$f" in *_bg.wasm) continue ;; esac
  b=$(br "$f")
  later=$((later + b))
  rows+="| checkout and tracking (prefetched when idle) | \`$(basename "$f")\` | $(wc -c <"$f" | tr -d ' ') | $b |"$'\n'
done
{
  echo "# Widget size with checkout split out (wasm-split)"
  echo
  echo "Written by \`scripts/split-build.sh\` ($(date -u +%Y-%m-%d)): feature \`split\`, Leptos \`wasm_split\`"
  echo "(fallible) around the checkout and order-tracking pages, wasm-release profile, wasm-opt -Oz,"
  echo "brotli -q 11 as the proxy serves it."
  echo
  echo "| part | file | raw bytes | brotli -q 11 |"
  echo "|---|---|---:|---:|"
  printf '%s' "$rows"
  echo
  echo "First load: **$(kib "$first") KiB brotli**; checkout and tracking module: $(kib "$later") KiB brotli."
} >bench/sizes-split.md
cat bench/sizes-split.md
