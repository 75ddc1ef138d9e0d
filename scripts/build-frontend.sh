#!/usr/bin/env bash
# Builds the web app for release into frontend/dist: wasm at opt-level "z" (the
# wasm-release profile), then wasm-opt -Oz. Installs the tool chain first if missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Sourced, so that npm's wasm-opt is on PATH for trunk.
source scripts/install-frontend-tools.sh

cd frontend
# Offline: the pinned tools must come from PATH, never from a download.
TRUNK_OFFLINE=true trunk build --release --locked "$@"
