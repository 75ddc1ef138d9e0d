#!/usr/bin/env bash
# Benchmarks the release `server` on Postgres (127.0.0.1:5432, or TEST_DATABASE_URL)
# and SQLite, and appends the report to bench/RESULTS.md.
#   scripts/bench.sh           full run (about 10 minutes on 2 cores)
#   scripts/bench.sh --quick   a few seconds, to keep the harness working; records nothing
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}

command -v pgbench >/dev/null || { apt-get update -q && apt-get install -y -q postgresql-contrib; }
if [ "${1:-}" = "--quick" ]; then
    # The debug build the tests already made is enough to exercise the harness.
    cargo build -q -p server -p health -p bench
    exec "$target_dir/debug/bench" --quick --server "$target_dir/debug/server"
fi
cargo build -q --release -p server -p health -p bench
exec "$target_dir/release/bench" --record --server "$target_dir/release/server" "$@"
