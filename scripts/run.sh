#!/usr/bin/env bash
# Builds the web app (release) and serves it with the API at http://localhost:7860 on
# SQLite (data/tasks.db). Installs the frontend tool chain on first use. The server is
# built with the `local` profile (Cargo.toml: no fat LTO), which on a fresh machine
# builds in a fraction of the shipped `release` profile's time. Each step prints its time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

timed() {
    local started=$SECONDS
    "$@"
    log "$(printf '%d:%02d' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60))) for $*"
}

timed scripts/install-frontend-tools.sh >/dev/null
timed scripts/build-frontend.sh
timed cargo build --profile local --locked -p server
log "$(printf '%d:%02d' $((SECONDS / 60)) $((SECONDS % 60))) in all; starting the server"
exec cargo run --profile local --locked -p server "$@"
