#!/usr/bin/env bash
# Builds the widget as it ships, into dist/: checkout and order tracking are split out of the
# first load into a module fetched later (feature `split`: Leptos `wasm_split`, fallible, around
# the two pages), the pipeline cargo-leptos uses, which Trunk cannot run:
#   cargo build (wasm-release profile, relocations kept) -> wasm-split -> wasm-bindgen (main
#   module) -> wasm-opt -Oz (every module; the main one without wasm-streams' unused stream
#   classes, whose JS scripts/drop-unused-classes.mjs takes out of the glue)
# then the names get one build hash (the files import each other, so they share it; the proxy
# caches hashed names for a year), the loader gets the main module's names, the demo page is
# copied without Trunk's tags, every script is minified, and every script and wasm gets a `.br`
# and a `.gz` beside it.
#
# Needs wasm-split-cli (`scripts/setup.sh --web` installs it; WASM_SPLIT overrides the path),
# wasm-bindgen, wasm-opt, node, terser and brotli. The build uses its own target dir
# (target/split-build): its RUSTFLAGS differ from the browser tests', so sharing one would
# rebuild everything each time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
split=${WASM_SPLIT:-wasm-split-cli}
out=target/split
rm -rf "$out" && mkdir -p "$out/split" "$out/pkg"
# every crate the build needs, the host's build scripts and proc-macros included: a fetch filtered
# by --target would skip those, and the offline build would stop on a fresh machine
cargo fetch --locked >/dev/null
RUSTFLAGS="--cfg erase_components -C link-arg=--emit-relocs" CARGO_TARGET_DIR=target/split-build \
  cargo build --offline --locked --profile wasm-release --target wasm32-unknown-unknown \
  --features split --bin amigo-storefront
raw=target/split-build/wasm32-unknown-unknown/wasm-release/amigo-storefront.wasm
"$split" --target web --out-name amigo "$raw" "$out/split"
wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
  --out-dir "$out/pkg" --out-name amigo "$out/split/amigo.wasm"
opt=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
# WASM_OPT_KEEP_NAMES=1 keeps the functions' names (for a profile, bench/typeahead-trace.mjs);
# never for a shipped build, whose size it changes
[ "${WASM_OPT_KEEP_NAMES:-}" = 1 ] && opt+=(--debuginfo)
# wasm-streams' three stream classes reach the first load through Leptos's server-function client,
# which this store never calls: their exports go (wasm-opt), then their classes
# (scripts/drop-unused-classes.mjs, which stops the build if anything still names them)
unused=(IntoUnderlyingSource IntoUnderlyingSink IntoUnderlyingByteSource)
patterns=()
for c in "${unused[@]}"; do
  lower=$(echo "$c" | tr '[:upper:]' '[:lower:]')
  patterns+=("$lower*" "__wbg_$lower*")
done
# (before -Oz, so their code goes with them)
wasm-opt --remove-exports --pass-arg="remove-exports@$(IFS=,; echo "${patterns[*]}")" "${opt[@]}" \
  -o "$out/pkg/amigo_bg.wasm" "$out/pkg/amigo_bg.wasm"
node scripts/drop-unused-classes.mjs "$out/pkg/amigo.js" "$out/pkg/amigo_bg.wasm" "${unused[@]}"
for chunk in "$out"/split/*.wasm; do
  [ "$(basename "$chunk")" = amigo.wasm ] && continue
  wasm-opt "${opt[@]}" -o "$out/pkg/$(basename "$chunk")" "$chunk"
done
cp "$out"/split/*.js "$out/pkg/"
# the built-in Nigerian Pidgin wording as a script module the loader imports only for
# data-lang="pcm", so the first module does not carry it (src/wording/pcm.json; the widget checks
# it whole when it mounts, and a unit test checks it has every text)
printf 'export default %s;\n' "$(cat src/wording/pcm.json)" >"$out/pkg/wording-pcm.js"
# the module that checks data-lang's table and data-wording by name and hands the store its texts
# by slot, imported by the loader only for those (loader/wording.js: the first load carries no
# text names)
cp loader/wording.js "$out/pkg/wording.js"
# the module that pushes GA4's events to window.dataLayer, imported only for
# data-analytics="datalayer" (loader/datalayer.js)
cp loader/datalayer.js "$out/pkg/datalayer.js"
# wasm-split's loader logs every failed module download with console.error, though the store
# handles the failure itself (an alert with Retry): it warns instead, so a shopper's dropped
# connection is no error on the merchant's console. The build stops if a new wasm-split-cli no
# longer writes exactly that one line.
split_js="$out/pkg/__wasm_split.js"
if [ "$(grep -c '^ *console\.error(e);$' "$split_js")" != 1 ]; then
  echo "build-widget: $split_js no longer has the one 'console.error(e);' to turn into a warning" >&2
  exit 1
fi
sed -i -E 's/^( *)console\.error\(e\);$/\1console.warn("amigo-store: a module download failed; the store offers Retry.", e);/' "$split_js"

site=dist
rm -rf "$site" && mkdir -p "$site"
hash=$(cat "$out"/pkg/* | sha256sum | cut -c1-16)
rename() { # amigo.js -> amigo-storefront-<hash>.js, amigo_bg.wasm -> amigo-storefront-<hash>_bg.wasm
  case "$1" in
    amigo.js) echo "amigo-storefront-$hash.js" ;;
    amigo_bg.wasm) echo "amigo-storefront-${hash}_bg.wasm" ;;
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
  -e "s/__AMIGO_PCM__/$(rename wording-pcm.js)/" -e "s/__AMIGO_WORDING__/$(rename wording.js)/" \
  -e "s/__AMIGO_DATALAYER__/$(rename datalayer.js)/" \
  loader/amigo-widget.js >"$site/amigo-widget.js"
# Every script minified: comments and spaces out, local names shortened (terser). Exported
# names and property names stay, so the wasm's imports, the modules' imports of each other and
# the loader's page API keep their names. The loader is a classic script; the others are modules.
for f in "$site"/*.js; do
  module=--module
  [ "$(basename "$f")" = amigo-widget.js ] && module=
  terser "$f" --compress --mangle --comments false $module -o "$f.min"
  mv "$f.min" "$f"
done
for f in "$site"/*.js "$site"/*.wasm; do
  brotli -q 11 -f -o "$f.br" "$f"
  gzip -9 -n -c "$f" >"$f.gz"
done
echo "widget built into $site/ ($(ls "$site" | grep -vc '\.\(br\|gz\)$') files, build $hash)"
