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
cp "$out"/split/*.js "$out/pkg/" 2>/dev/null || true
br() { brotli -q 11 -c "$1" | wc -c | tr -d ' '; }
total=0
for f in "$out"/pkg/*; do
  b=$(br "$f")
  printf '%-60s %8s raw %8s brotli\n' "$(basename "$f")" "$(wc -c <"$f")" "$b"
done
for f in "$out/pkg/amigo_bg.wasm" "$out/pkg/amigo.js" "$out/pkg/__wasm_split.js" dist/amigo-widget.js; do
  total=$((total + $(br "$f")))
done
echo "first load (main wasm + JS glue + __wasm_split.js + loader): $total bytes brotli ($(awk -v b=$total 'BEGIN{printf "%.1f", b/1024}') KiB)"

site=$out/site
mkdir -p "$site"
cp "$out"/pkg/* "$site/"
grep -v 'data-trunk\|data-wasm-opt-params\|<!-- The widget build' index.html >"$site/index.html"
sed -e "s/__AMIGO_JS__/amigo.js/" -e "s/__AMIGO_WASM__/amigo_bg.wasm/" loader/amigo-widget.js >"$site/amigo-widget.js"
