#!/usr/bin/env bash
# Builds the web app for release into frontend/dist: wasm at opt-level "z" (the
# wasm-release profile) with the standard library rebuilt to match, then wasm-opt -Oz;
# then a brotli (.br) and a gzip (.gz) copy of every text file beside it, which `server`
# sends to the browsers that accept them. Installs the tool chain first if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Sourced, so that npm's wasm-opt is on PATH for trunk.
source scripts/install-frontend-tools.sh

# The wasm build recompiles std (the rust-src component) with the app's own settings, so
# that a panic is a bare trap: no panic messages, source locations or `Debug` output are
# formatted in the browser, where nobody reads them. That is 18 KB of the bundle's gzip.
# The flags are unstable: RUSTC_BOOTSTRAP lets the stable 1.95 compiler (the Dockerfile's
# too) take them, for this build alone; the server and the tests never see them. A newer
# compiler that renames one fails this build loudly rather than silently growing it.
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"

# trunk runs cargo offline (below), so every crate is fetched first: the workspace's for
# all platforms, then, for wasm32 with the build-std settings above, std's own (the
# rust-src Cargo.lock), which nothing else on a fresh machine downloads.
cargo fetch --locked
cargo fetch --locked --target wasm32-unknown-unknown

cd frontend
# Offline: the pinned tools must come from PATH, never from a download.
TRUNK_OFFLINE=true trunk build --release --minify --locked "$@"

# wasm-bindgen's loader, minified in place: trunk's --minify leaves it as it is.
for js in dist/*.js; do
    esbuild "$js" --minify --format=esm --log-level=warning --outfile="$js" --allow-overwrite
done

# At the highest levels, since this runs once per build and not per request: brotli 11,
# and zopfli, whose gzip output is about 5 % smaller than `gzip -9`'s.
find dist -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.txt' \) \
    -print0 | while IFS= read -r -d '' file; do
    brotli --force --keep --best "$file"
    zopfli --gzip "$file"
done
