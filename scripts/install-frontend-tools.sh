#!/usr/bin/env bash
# Installs what building the web app needs (scripts/run.sh, scripts/build-frontend.sh),
# and only what is missing: the wasm32 target and std's source, trunk 0.21,
# wasm-bindgen-cli at the version in Cargo.lock, wasm-opt from npm's binaryen 132,
# esbuild to minify the JS, and brotli and zopfli (gzip) for the precompressed copies.
# What only the tests use (Chromium, the e2e packages) is scripts/install-browser-tools.sh's.
# It takes seconds when everything is there.
#
# Run it, or source it: sourcing also puts wasm-opt (and ~/.cargo/bin) on this shell's
# PATH. Run, it prints the line that does so.

taskapp_tools_dir="${XDG_CACHE_HOME:-$HOME/.cache}/taskapp-tools"
taskapp_wasm_opt_bin="$taskapp_tools_dir/node_modules/.bin"

# A subshell, so that `set -e` and `cd` never leak into a shell that sources this file.
_taskapp_install_frontend_tools() (
    set -euo pipefail
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    source scripts/lib.sh
    log_name=install-frontend-tools

    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        log "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
    # std's source, which the release build recompiles for the bundle (build-frontend.sh).
    if ! rustup component list --installed | grep -qx rust-src; then
        log "adding the rust-src component"
        rustup component add rust-src
    fi

    # trunk 0.22 needs a newer rustc than this toolchain; 0.21.x builds with it.
    if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
        log "installing trunk 0.21"
        cargo install --locked trunk --version '~0.21'
    fi

    # The CLI must match the wasm-bindgen crate exactly, or the bundle fails at load.
    local bindgen
    bindgen=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
    [ -n "$bindgen" ] || fail "Cargo.lock names no wasm-bindgen version"
    if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen" ]; then
        log "installing wasm-bindgen-cli $bindgen"
        # Without --locked: the registry index here lacks a version its lock file pins.
        cargo install wasm-bindgen-cli --version "$bindgen"
    fi

    # From npm, in one install: binaryen's wasm-opt, not Debian's (wasm-opt 108 yields a
    # bundle that fails in the browser), and esbuild, since trunk's own JS minifier gives
    # up on wasm-bindgen's `export default`.
    if ! "$taskapp_wasm_opt_bin/wasm-opt" --version 2>/dev/null | grep -q 'version 132' ||
        [ "$("$taskapp_wasm_opt_bin/esbuild" --version 2>/dev/null)" != "0.25.12" ]; then
        command -v npm >/dev/null || apt_install nodejs npm
        log "installing wasm-opt (binaryen 132) and esbuild 0.25.12 into $taskapp_tools_dir"
        mkdir -p "$taskapp_tools_dir"
        npm install --prefix "$taskapp_tools_dir" --no-audit --no-fund --loglevel=error binaryen@132 esbuild@0.25.12
    fi

    if ! command -v brotli >/dev/null || ! command -v zopfli >/dev/null; then
        apt_install brotli zopfli
    fi
)

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    _taskapp_install_frontend_tools || exit
    printf "wasm-opt is in %s; to use it here: export PATH=\"%s:\$PATH\"\n" \
        "$taskapp_wasm_opt_bin" "$taskapp_wasm_opt_bin"
else
    _taskapp_install_frontend_tools && export PATH="$taskapp_wasm_opt_bin:$HOME/.cargo/bin:$PATH"
fi
