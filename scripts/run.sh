#!/usr/bin/env bash
# Builds the web app (release) and serves it with the API at http://localhost:7860 on
# SQLite (data/tasks.db). Installs the frontend tool chain on first use. The server is
# built with the `local` profile (Cargo.toml: no fat LTO), which on a fresh machine
# builds in a fraction of the shipped `release` profile's time. Each step prints its time.
#
# A local run on purpose: it listens on loopback (set HOST to change that) and, unless
# SMTP_URL is set, writes account mail, reset links included, to the log
# (SMTP_URL=log), so that a reset works end to end without a mail server. Never use
# SMTP_URL=log where others can read the log: a reset link there is the account.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export SMTP_URL=${SMTP_URL:-log}
export HOST=${HOST:-127.0.0.1}

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
