#!/usr/bin/env bash
# Benchmarks the release `server` on Postgres (127.0.0.1:5432, or TEST_DATABASE_URL)
# and SQLite, runs Lighthouse on the web app it serves, and appends the report to
# bench/RESULTS.md.
#   scripts/bench.sh           full run (about 25 minutes on 2 cores: the soak and the
#                              accounts of up to 50,000 tasks take half); extra arguments go
#                              to the bench binary (`--seconds N` per endpoint, 10 by default)
#   scripts/bench.sh --quick   a few seconds, to keep the load harness working; no
#                              Lighthouse (a minute more), accounts of 25 and 200 tasks only,
#                              1-second soak rounds; records nothing
#   scripts/bench.sh --lighthouse   only the web app's section (about a minute); prints it,
#                              records nothing
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
target_dir=${CARGO_TARGET_DIR:-target}

command -v pgbench >/dev/null || apt_install postgresql-contrib
if [ "${1:-}" = "--quick" ]; then
    # The debug build the tests already made is enough to exercise the harness.
    cargo build -q -p server -p health -p bench
    exec "$target_dir/debug/bench" --quick --server "$target_dir/debug/server"
fi
# `server` alone, as it ships: built with `health`, feature unification would link the
# Lambda entry and the AWS SDK into it.
cargo build -q --release -p server
cargo build -q --release -p health -p bench
scripts/build-frontend.sh

# Lighthouse first, while the machine is idle, against the release server on a fresh
# SQLite database; a subshell, so that the server stops when it is done.
lighthouse() (
    if [ ! -f bench/lighthouse/node_modules/.package-lock.json ] ||
        [ bench/lighthouse/package-lock.json -nt bench/lighthouse/node_modules/.package-lock.json ]; then
        npm ci --prefix bench/lighthouse --no-audit --no-fund --loglevel=error >&2
    fi
    scripts/install-browser-tools.sh >&2
    start_test_server lighthouse "$target_dir/release/server" STATIC_DIR=frontend/dist
    node bench/lighthouse/run.mjs "$base_url" frontend/dist "$target_dir/lighthouse"
)
mkdir -p "$target_dir/lighthouse"
if [ "${1:-}" = "--lighthouse" ]; then
    lighthouse
    exit
fi
lighthouse >"$target_dir/lighthouse/section.md"
exec "$target_dir/release/bench" --record --server "$target_dir/release/server" \
    --lighthouse "$target_dir/lighthouse/section.md" "$@"
