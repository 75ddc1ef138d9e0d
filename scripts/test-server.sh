# shellcheck shell=bash
# Sourced by the scripts that test a running `server` (the browser tests, schemathesis):
# `start_test_server LABEL SERVER_BINARY [VAR=value …]` starts it on a free loopback port
# with a fresh SQLite database and test settings plus the given ones, waits for /health,
# and stops it, removing its folder, when the sourcing script exits. It sets `tmp` (the
# folder, with server.log in it), `port` and `base_url`.

start_test_server() {
    local label=$1 server=$2
    shift 2
    tmp=$(mktemp -d)
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    base_url="http://127.0.0.1:$port"
    env DATABASE_URL="sqlite://$tmp/test.db" \
        JWT_SECRET="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" \
        HOST=127.0.0.1 PORT="$port" COOKIE_SECURE=false BCRYPT_COST=4 \
        "$@" "$server" >"$tmp/server.log" 2>&1 &
    test_server_pid=$!
    trap stop_test_server EXIT

    for _ in $(seq 1 100); do
        curl -fs "$base_url/health" >/dev/null && return 0
        if ! kill -0 "$test_server_pid" 2>/dev/null; then
            echo "$label: the server exited during start-up:" >&2
            cat "$tmp/server.log" >&2
            exit 1
        fi
        sleep 0.2
    done
    echo "$label: $base_url/health did not answer 200 within 20 s:" >&2
    tail -n 50 "$tmp/server.log" >&2
    exit 1
}

stop_test_server() {
    kill "$test_server_pid" 2>/dev/null || true
    wait "$test_server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
