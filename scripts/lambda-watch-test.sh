#!/usr/bin/env bash
# Serves the workspace's functions with `cargo lambda watch`, as docs/operations.md shows, on a
# SQLite database migrated by `server migrate`, and checks two of them through their
# function-URL paths: /lambda-url/health/health must answer 200 with the database
# connected, and /lambda-url/tasks/api/tasks 401 JSON without a token. It prints the
# time to each first answer (watch's `cargo run` check and the function's cold start,
# but no compilation) and to a second, warm one, then stops watch and the function
# processes it started.
#
# Usage: scripts/lambda-watch-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib.sh
source scripts/install-deploy-tools.sh

scratch=$(mktemp -d /tmp/taskapp-watch.XXXXXX)
on_exit rm -rf "$scratch"
fail_log=$scratch/watch.log

export DATABASE_URL="sqlite://$scratch/tasks.db"
JWT_SECRET=$(head -c 32 /dev/urandom | base64)
export JWT_SECRET
export AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH=true

log "migrating $DATABASE_URL"
cargo run --quiet --locked -p server -- migrate
# Built now, so that watch only starts them and the timings measure no compilation. On
# SQLite, so with the store that Lambda builds leave out.
cargo build --quiet --locked -p health -p tasks --features backend/sqlite

port=$(free_port)
base=http://127.0.0.1:$port
cargo lambda watch --features backend/sqlite --invoke-address 127.0.0.1 --invoke-port "$port" >"$fail_log" 2>&1 &
watch_pid=$!
# It starts each function in a process group of its own: stop_process stops them by id.
on_exit stop_process "$watch_pid"
wait_for "cargo lambda watch" "$watch_pid" 30 curl -s "$base/"

# Prints "<status> <seconds>" and leaves the body in $scratch/body.
call() {
    curl -sS --max-time 300 -o "$scratch/body" -w '%{http_code} %{time_total}' "$base$1" || fail "no answer from $1"
}

check() {
    local path=$1 want_status=$2 want_body=$3 first second
    first=$(call "$path")
    [ "${first% *}" = "$want_status" ] || fail "$path answered ${first% *}: $(cat "$scratch/body")"
    grep -q "$want_body" "$scratch/body" || fail "$path: $want_body not in $(cat "$scratch/body")"
    second=$(call "$path")
    [ "${second% *}" = "$want_status" ] || fail "$path answered ${second% *} the second time"
    log "ok: $path -> $want_status; first answer ${first#* }s (cargo run's up-to-date check and the cold start), then warm ${second#* }s"
}

check /lambda-url/health/health 200 '"database":"connected"'
check /lambda-url/tasks/api/tasks 401 '"code":"UNAUTHORIZED"'
grep -q '"success":false' "$scratch/body" || fail "the 401 is not in the standard error format"
log "passed"
