#!/usr/bin/env bash
# The first load's size with its layout noise: builds the widget as it ships (scripts/size.sh) N
# times from a copy of the working tree (or of a commit), run k with k lines of crate
# documentation added to src/lib.rs, and prints each run's first-load brotli bytes and their
# median.
#
# Why: the same code built twice repeats byte for byte, but a doc comment alone moves the wasm by
# up to a few hundred bytes brotli: how the code lays out and compresses changes with the number
# of doc lines (not with blank lines, nor with what the lines say; BENCHMARKS.md). One build of
# each side of a change cannot tell a 300 B change from that noise; the medians of the same N
# perturbations of each side can.
#
#   scripts/size-spread.sh [--runs N] [--rev COMMIT] [--patch FILE]
#
# --patch applies a patch to each copy before it builds: bench/without-issue-26.patch, for
# instance, takes the page's events, its API and the merchant's words out, to weigh what they add
# (BENCHMARKS.md).
#
# Builds in a temporary copy that shares target/split-build with this tree (so dependencies are
# built once); this tree's dist/ and bench/sizes.md are left alone. Each run takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
runs=3 rev= patch=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    --patch) patch=$(realpath "$2"); shift 2 ;;
    *) echo "usage: scripts/size-spread.sh [--runs N] [--rev COMMIT] [--patch FILE]" >&2; exit 2 ;;
  esac
done
case "$runs" in
  '' | *[!0-9]* | 0) echo "size-spread: --runs takes a whole number from 1" >&2; exit 2 ;;
esac
[ -x .tools/node_modules/.bin/terser ] || { echo "size-spread: run scripts/setup.sh --web first (.tools/ is missing)" >&2; exit 1; }

tmp=$(mktemp -d)
# The copies' workspace crates share their fingerprints with this tree's (cargo hashes a path
# dependency by its place in the workspace), and a copy's files are newer than this tree's: left
# as they are, this tree's next widget build would take the last copy's compiled crates for its
# own. Forgetting them on the way out makes that build compile its own.
forget() {
  rm -rf "$tmp"
  rm -rf "$repo"/target/split-build/wasm32-unknown-unknown/wasm-release/.fingerprint/amigo-*
}
trap forget EXIT
if [ -n "$rev" ]; then
  git rev-parse --verify --quiet "$rev^{commit}" >/dev/null || { echo "size-spread: no commit $rev" >&2; exit 2; }
  label=$(git rev-parse --short "$rev")
else
  label="working tree at $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' + changes')"
fi
[ -z "$patch" ] || label="$label with $(basename "$patch")"

sizes=()
for k in $(seq 0 $((runs - 1))); do
  copy="$tmp/run-$k"
  mkdir -p "$copy/target"
  if [ -n "$rev" ]; then
    git archive "$rev" | tar -x -C "$copy"
  else
    git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
      [ -e "$f" ] && printf '%s\0' "$f"
    done | tar --null -T - -cf - | tar -x -C "$copy"
  fi
  if [ -n "$patch" ]; then
    git -C "$copy" apply "$patch" 2>/dev/null || (cd "$copy" && patch -p1 --quiet <"$patch") ||
      { echo "size-spread: $patch does not apply" >&2; exit 1; }
  fi
  # every file new: the copies share their build directory and cargo's fingerprints, so a copy
  # whose files kept their old times would reuse whatever the previous run compiled
  find "$copy" -type f -exec touch {} +
  ln -s "$repo/.tools" "$copy/.tools"
  mkdir -p "$repo/target/split-build"
  ln -s "$repo/target/split-build" "$copy/target/split-build"
  if [ "$k" -gt 0 ]; then
    { for j in $(seq 1 "$k"); do echo "//! size-spread run $k, line $j"; done; cat "$copy/src/lib.rs"; } >"$copy/src/lib.rs.new"
    mv "$copy/src/lib.rs.new" "$copy/src/lib.rs"
  fi
  (cd "$copy" && scripts/size.sh >"$tmp/size-$k.log" 2>&1) || { cat "$tmp/size-$k.log" >&2; exit 1; }
  row=$(grep '^| \*\*first load\*\*' "$copy/bench/sizes.md")
  wasm=$(grep '^| first load | wasm |' "$copy/bench/sizes.md" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
  total=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $7); print $7}')
  echo "run $k: main wasm $wasm B, first load $total B brotli"
  sizes+=("$total")
  rm -rf "$copy"
done
median=$(printf '%s\n' "${sizes[@]}" | sort -n | awk '{a[NR] = $1} END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
echo "$label: first load over $runs runs: median $median B brotli (min $(printf '%s\n' "${sizes[@]}" | sort -n | head -1), max $(printf '%s\n' "${sizes[@]}" | sort -n | tail -1))"
