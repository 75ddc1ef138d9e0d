#!/usr/bin/env bash
# Builds the web app for release into frontend/dist, on the stable compiler with stable
# flags only: wasm at opt-level "z" (the wasm-release profile), then wasm-opt -Oz;
# then a brotli (.br) and a gzip (.gz) copy of every text file beside it, which `server`
# sends to the browsers that accept them. Installs the tool chain first if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Sourced, so that npm's wasm-opt is on PATH for trunk.
source scripts/install-frontend-tools.sh

# trunk runs cargo offline (below), so every crate is fetched first, for all platforms.
cargo fetch --locked

cd frontend
# Offline: the pinned tools must come from PATH, never from a download.
TRUNK_OFFLINE=true trunk build --release --minify --locked "$@"

# The service worker's shell, from the files just built (see frontend/sw.js).
node ../scripts/write-precache.mjs dist

# wasm-bindgen's loader and the service worker, minified in place: trunk's --minify
# leaves them as they are.
for js in dist/*.js; do
    esbuild "$js" --minify --format=esm --log-level=warning --outfile="$js" --allow-overwrite
done

# At the highest levels, since this runs once per build and not per request: brotli 11,
# and zopfli, whose gzip output is about 5 % smaller than `gzip -9`'s.
find dist -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.txt' -o -name '*.webmanifest' \) \
    -print0 | while IFS= read -r -d '' file; do
    brotli --force --keep --best "$file"
    zopfli --gzip "$file"
done
