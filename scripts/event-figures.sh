#!/usr/bin/env bash
# The figures of /api/events for bench/RESULTS.md: event latency (median and worst of
# 100 changes) on one instance of each store and across two on Postgres, and the idle
# cost of 1,000 open streams. Builds `server` release (what ships is what is measured)
# and runs the ignored test functions/server/tests/event_figures.rs against it. Needs
# Postgres as the tests do (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432).
#
#   scripts/event-figures.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -p server
target_dir=${CARGO_TARGET_DIR:-target}
SERVER_BINARY=$(realpath "$target_dir/release/server") CI=true \
    cargo nextest run -p server --test event_figures --run-ignored only --no-capture
