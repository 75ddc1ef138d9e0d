# shellcheck shell=bash
# The shell pieces the scripts share; they `source scripts/lib.sh`. It sets no shell
# options. Messages go to stderr, prefixed with $log_name (the script's name by default).
#   log MESSAGE…             one line
#   fail MESSAGE…            "FAIL: …", then the last lines of $fail_log if set; exits 1
#   as_root COMMAND…         directly as root, else through sudo
#   apt_install PACKAGE…     apt-get update, then install
#   free_port                prints a free loopback TCP port
#   on_exit COMMAND…         runs COMMAND (its words as they are now) when the shell
#                            exits, before those registered earlier, ignoring its status;
#                            each shell or subshell keeps its own list
#   wait_for NAME PID SECONDS COMMAND…
#                            reruns COMMAND until it succeeds; fails when process PID
#                            (NAME, for the message) exits first, or after SECONDS
#   stop_process PID         stops PID and every process under it, by id, and reaps PID
#   start_test_server LABEL SERVER_BINARY [VAR=value…]
#                            starts a `server` on a free loopback port with a fresh SQLite
#                            database and test settings (APP_URL is its own address, so
#                            mail links point at it), plus the given ones; waits for
#                            /health; stops it and removes its folder at exit. Sets `tmp`
#                            (the folder, with server.log), `port`, `base_url`, and
#                            `fail_log` to the server's log

if [ -z "${log_name:-}" ]; then
    log_name=${0##*/}
    log_name=${log_name%.sh}
fi

log() { printf '%s: %s\n' "$log_name" "$*" >&2; }

fail() {
    log "FAIL: $*"
    if [ -n "${fail_log:-}" ] && [ -s "$fail_log" ]; then
        log "the last lines of $fail_log:"
        tail -n 40 "$fail_log" >&2
    fi
    exit 1
}

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    log "apt-get install $*"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

on_exit() {
    if [ "${_exit_hooks_pid:-}" != "$BASHPID" ]; then
        # A subshell inherits its parent's list, not its trap: start its own.
        _exit_hooks=()
        _exit_hooks_pid=$BASHPID
    fi
    _exit_hooks=("$(printf '%q ' "$@")" "${_exit_hooks[@]}")
    trap _run_exit_hooks EXIT
}
_run_exit_hooks() {
    local hook
    for hook in "${_exit_hooks[@]}"; do eval "$hook" || true; done
}

wait_for() {
    local name=$1 pid=$2 seconds=$3 tries
    shift 3
    tries=$((seconds * 10))
    until "$@" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || fail "$name exited during start-up"
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || fail "$name did not answer within $seconds s"
        sleep 0.1
    done
}

# `cargo lambda watch` starts each function in a process group of its own, so a group
# kill would miss them: walk the tree.
_descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        _descendants "$child"
        echo "$child"
    done
}
stop_process() {
    local pids
    mapfile -t pids < <(_descendants "$1")
    kill "$1" "${pids[@]}" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

start_test_server() {
    local log_name=$1 server=$2
    shift 2
    tmp=$(mktemp -d)
    on_exit rm -rf "$tmp"
    port=$(free_port)
    base_url="http://127.0.0.1:$port"
    fail_log=$tmp/server.log
    env DATABASE_URL="sqlite://$tmp/test.db" \
        JWT_SECRET="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" \
        HOST=127.0.0.1 PORT="$port" APP_URL="$base_url" COOKIE_SECURE=false BCRYPT_COST=4 \
        "$@" "$server" >"$fail_log" 2>&1 &
    test_server_pid=$!
    on_exit stop_process "$test_server_pid"
    wait_for "the server" "$test_server_pid" 20 curl -fs "$base_url/health"
}
