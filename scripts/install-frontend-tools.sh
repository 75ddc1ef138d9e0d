#!/usr/bin/env bash
# Installs what building the web app needs (scripts/run.sh, scripts/build-frontend.sh),
# and only what is missing: the wasm32 target, trunk and wasm-bindgen-cli, wasm-opt from
# npm's binaryen, esbuild to minify the JS (each at the version in scripts/tool-versions.sh),
# and brotli and zopfli (gzip) for the precompressed copies.
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

    source scripts/tool-versions.sh

    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        log "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi

    # trunk and wasm-bindgen-cli run once per build, not per request, so they are built
    # for a short install rather than for speed: no LTO (trunk's own profile asks for fat
    # LTO and one codegen unit), parallel codegen, light optimisation, no debug info. One
    # target folder serves both installs, so the crates they share are built once; it goes
    # afterwards, so that no cache (CI's, the image's layer) carries its gigabyte.
    local install_target=$taskapp_tools_dir/install-target
    light_install() {
        CARGO_TARGET_DIR="$install_target" CARGO_PROFILE_RELEASE_LTO=false \
            CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
            CARGO_PROFILE_RELEASE_DEBUG=false CARGO_PROFILE_RELEASE_INCREMENTAL=false cargo install "$@"
    }
    if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
        log "installing trunk $TRUNK_VERSION"
        light_install --locked trunk --version "=$TRUNK_VERSION"
    fi
    if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
        log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
        # Without --locked: the registry index here lacks a version its lock file pins.
        light_install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
    fi
    rm -rf "$install_target"

    # From npm, in one install: binaryen's wasm-opt, not Debian's (wasm-opt 108 yields a
    # bundle that fails in the browser), and esbuild, since trunk's own JS minifier gives
    # up on wasm-bindgen's `export default`.
    if ! "$taskapp_wasm_opt_bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b" ||
        [ "$("$taskapp_wasm_opt_bin/esbuild" --version 2>/dev/null)" != "$ESBUILD_VERSION" ]; then
        command -v npm >/dev/null || apt_install nodejs npm
        log "installing wasm-opt (binaryen $BINARYEN_VERSION) and esbuild $ESBUILD_VERSION into $taskapp_tools_dir"
        mkdir -p "$taskapp_tools_dir"
        npm install --prefix "$taskapp_tools_dir" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION" "esbuild@$ESBUILD_VERSION"
    fi

    if ! command -v brotli >/dev/null || ! command -v zopfli >/dev/null; then
        apt_install brotli zopfli
    fi
)

# Called on a line of its own: inside `f || …` or `f && …` bash ignores `set -e` in f,
# and a failed install would go unnoticed.
_taskapp_install_frontend_tools
taskapp_install_status=$?
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    [ "$taskapp_install_status" -eq 0 ] || exit "$taskapp_install_status"
    printf "wasm-opt is in %s; to use it here: export PATH=\"%s:\$PATH\"\n" \
        "$taskapp_wasm_opt_bin" "$taskapp_wasm_opt_bin"
else
    [ "$taskapp_install_status" -eq 0 ] || return "$taskapp_install_status"
    export PATH="$taskapp_wasm_opt_bin:$HOME/.cargo/bin:$PATH"
fi
