#!/usr/bin/env bash
# The account export's figures on both stores: an account of TASKS tasks (20,000 unless
# given), filled by one bulk INSERT straight into the store's tables (the API would take
# minutes at its rate limit), then `GET /api/auth/export` against a release `server`,
# timed by curl, with the server process's peak RSS (VmHWM) before and after it.
#
# Usage: scripts/export-figures.sh [SERVER_BINARY] [TASKS]
#   SERVER_BINARY: a release `server` (default: $CARGO_TARGET_DIR/release/server,
#   built first when missing). Postgres: $TEST_DATABASE_URL's server, default
#   postgres://postgres@127.0.0.1:5432; the database taskapp_export_figures is made anew.
# Needs curl, python3, psql and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

target_dir=${CARGO_TARGET_DIR:-$(pwd)/target}
server_bin=${1:-$target_dir/release/server}
tasks=${2:-20000}
if [ ! -x "$server_bin" ]; then
    log "building the release server"
    cargo build --release --locked -p server
fi
admin_url=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_url=${admin_url%/*}/taskapp_export_figures

# The user's id and creation time come from their own row, so the tasks carry the
# store's own encodings of both.
pg_fill="INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at)
    SELECT u.id, 'task number ' || n, 'a description of task ' || n || ', ' || repeat('long enough to matter ', 4),
        n % 3 = 0, u.created_at, u.created_at
    FROM users u, generate_series(1, $tasks) AS n"
sqlite_fill="WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $tasks)
    INSERT INTO tasks (user_id, title, description, completed, created_at, updated_at)
    SELECT u.id, 'task number ' || n, 'a description of task ' || n || ', ' || 'long enough to matter long enough to matter long enough to matter long enough to matter ',
        n % 3 = 0, u.created_at, u.created_at
    FROM users u, s"

peak_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
rss_kib() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

measure() {
    local store=$1 url=$2 token run status seconds bytes count
    (
        start_test_server "$store" "$server_bin" DATABASE_URL="$url" MAX_TASKS_PER_USER="$tasks" \
            RUST_LOG=warn STATIC_DIR=/nonexistent TASKS_RATE_LIMIT_PER_MINUTE=1000
        token=$(curl -fs "$base_url/api/auth/signup" -H 'content-type: application/json' \
            -d '{"email":"export@example.com","name":"Exporter","password":"correct horse"}' |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["token"])')
        if [ "$store" = postgres ]; then
            psql -q "$url" -c "$pg_fill"
        else
            sqlite3 "${url#sqlite://}" "$sqlite_fill"
        fi
        log "$store: $tasks tasks in the account; server RSS $(rss_kib "$test_server_pid") KiB, peak $(peak_kib "$test_server_pid") KiB"
        for run in 1 2 3; do
            read -r status seconds bytes < <(curl -s -o "$tmp/export.json" -w '%{http_code} %{time_total} %{size_download}\n' \
                -H "authorization: Bearer $token" "$base_url/api/auth/export")
            [ "$status" = 200 ] || fail "export answered $status"
            count=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["data"]["tasks"]))' "$tmp/export.json")
            [ "$count" = "$tasks" ] || fail "the export held $count tasks"
            log "$store export $run: ${seconds} s, $bytes bytes; server RSS $(rss_kib "$test_server_pid") KiB, peak $(peak_kib "$test_server_pid") KiB"
        done
    )
}

psql -q "$admin_url" -c "DROP DATABASE IF EXISTS taskapp_export_figures" -c "CREATE DATABASE taskapp_export_figures"
on_exit psql -q "$admin_url" -c "DROP DATABASE IF EXISTS taskapp_export_figures"
sqlite_dir=$(mktemp -d)
on_exit rm -rf "$sqlite_dir"
measure sqlite "sqlite://$sqlite_dir/export.db"
measure postgres "$pg_url"
