#!/usr/bin/env bash
# Serves the workspace's functions with `cargo lambda watch`, as the README shows, on a
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

source scripts/install-deploy-tools.sh

log() { printf 'lambda-watch-test: %s\n' "$*" >&2; }
fail() {
    log "FAIL: $*"
    [ -f "$scratch/watch.log" ] && tail -n 40 "$scratch/watch.log" >&2
    exit 1
}

scratch=$(mktemp -d /tmp/taskapp-watch.XXXXXX)
watch_pid=

# watch starts each function in a process group of its own, so stop the whole tree of
# processes under watch, by id.
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1"); do
        descendants "$child"
        echo "$child"
    done
}
cleanup() {
    if [ -n "$watch_pid" ]; then
        local pids
        mapfile -t pids < <(descendants "$watch_pid")
        kill "$watch_pid" "${pids[@]}" 2>/dev/null || true
        wait "$watch_pid" 2>/dev/null || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$scratch/tasks.db"
JWT_SECRET=$(head -c 32 /dev/urandom | base64)
export JWT_SECRET
export AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH=true

log "migrating $DATABASE_URL"
cargo run --quiet --locked -p server -- migrate
# Built now, so that watch only starts them and the timings measure no compilation. On
# SQLite, so with the store that Lambda builds leave out.
cargo build --quiet --locked -p health -p tasks --features shared/sqlite

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
cargo lambda watch --features shared/sqlite --invoke-address 127.0.0.1 --invoke-port "$port" >"$scratch/watch.log" 2>&1 &
watch_pid=$!
for _ in $(seq 1 300); do
    curl -s -o /dev/null "$base/" && break
    kill -0 "$watch_pid" 2>/dev/null || fail "cargo lambda watch exited"
    sleep 0.1
done

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
