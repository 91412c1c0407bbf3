#!/usr/bin/env sh
# Trunk post-build hook: writes amigo-widget.js (the loader merchants embed) into the staging
# dist, with the hashed names of this build's JS glue and wasm filled in, leaves the demo page to
# that loader, then precompresses every script and wasm (`.br` at brotli -q 11, `.gz` at gzip -9)
# so the proxy serves them with `Content-Encoding` at no cost per request.
set -eu
dir="${TRUNK_STAGING_DIR:?run by trunk}"
js=$(cd "$dir" && ls amigo-storefront-*.js 2>/dev/null | head -n 1)
wasm=$(cd "$dir" && ls amigo-storefront-*_bg.wasm 2>/dev/null | head -n 1)
if [ -z "$js" ] || [ -z "$wasm" ]; then
  echo "write-loader: no amigo-storefront JS/wasm in $dir" >&2
  exit 1
fi
sed -e "s/__AMIGO_JS__/$js/" -e "s/__AMIGO_WASM__/$wasm/" "${TRUNK_SOURCE_DIR:-.}/loader/amigo-widget.js" > "$dir/amigo-widget.js"
# The demo page loads the store exactly as a merchant's page does, through the loader alone: Trunk's
# own start-up script would fetch the wasm a second time, in parallel with the loader's download.
if [ -f "$dir/index.html" ]; then
  perl -0pi -e 's{<script type="module">\s*import init, \* as bindings from .*?</script>\s*}{}s' "$dir/index.html"
  if grep -q "TrunkApplicationStarted" "$dir/index.html"; then
    echo "write-loader: could not remove Trunk's start-up script from index.html" >&2
    exit 1
  fi
fi

if ! command -v brotli >/dev/null 2>&1; then
  echo "write-loader: brotli is missing (scripts/setup.sh --web installs it)" >&2
  exit 1
fi
for f in "$dir"/*.js "$dir"/*.wasm "$dir"/*.css; do
  [ -f "$f" ] || continue
  brotli -q 11 -f -o "$f.br" "$f"
  gzip -9 -n -c "$f" >"$f.gz"
done
