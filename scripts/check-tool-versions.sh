#!/usr/bin/env bash
# Checks that the copies of the web app's tool versions agree with scripts/tool-versions.sh,
# where each is pinned: wasm-bindgen in Cargo.toml (`=`), Cargo.lock and
# frontend/Trunk.toml's `[tools]`, and binaryen's wasm-opt in that `[tools]`. Run by
# scripts/deploy-checks.sh; prints each disagreement and exits non-zero on any.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/tool-versions.sh

status=0
expect() {
    local what=$1 found=$2 wanted=$3
    if [ "$found" != "$wanted" ]; then
        log "$what is '$found'; scripts/tool-versions.sh says '$wanted'"
        status=1
    fi
}

# The value of KEY in TOML table TABLE of FILE: `KEY = "value"` lines only, enough for these.
toml_value() {
    awk -v table="[$2]" -v key="$3" '
        /^\[/ { in_table = ($0 == table) }
        in_table && $1 == key && $2 == "=" { gsub(/"/, "", $3); print $3; exit }
    ' "$1"
}

expect "Cargo.toml's wasm-bindgen" \
    "$(toml_value Cargo.toml workspace.dependencies.wasm-bindgen version)" "=$WASM_BINDGEN_VERSION"
expect "Cargo.lock's wasm-bindgen" \
    "$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)" \
    "$WASM_BINDGEN_VERSION"
expect "frontend/Trunk.toml's wasm_bindgen" "$(toml_value frontend/Trunk.toml tools wasm_bindgen)" \
    "$WASM_BINDGEN_VERSION"
expect "frontend/Trunk.toml's wasm_opt" "$(toml_value frontend/Trunk.toml tools wasm_opt)" \
    "version_$BINARYEN_VERSION"
[ "$status" -eq 0 ] && log "the tool versions agree"
exit "$status"
