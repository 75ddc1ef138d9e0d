#!/usr/bin/env bash
# Runs the browser tests (e2e/) against SERVER_BINARY serving the built web app on a fresh
# SQLite database, on a free loopback port. Exits with the tests' status.
#
#   scripts/build-frontend.sh && cargo build -p server && scripts/e2e.sh target/debug/server
set -euo pipefail
cd "$(dirname "$0")/.."

server=${1:?usage: scripts/e2e.sh SERVER_BINARY}
if [ ! -x "$server" ]; then
    echo "e2e: $server is not an executable; build it with: cargo build -p server" >&2
    exit 2
fi
if [ ! -f frontend/dist/index.html ]; then
    echo "e2e: frontend/dist is empty; build it with: scripts/build-frontend.sh" >&2
    exit 2
fi
scripts/install-frontend-tools.sh >/dev/null

tmp=$(mktemp -d)
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
base_url="http://127.0.0.1:$port"

# The flow signs up and in several times and makes a few hundred task calls a minute from
# one address: raise the rate limits (5 and 100 a minute by default) so that it is never
# throttled. The app's 429 message is tested with a stubbed response instead.
DATABASE_URL="sqlite://$tmp/e2e.db" \
    JWT_SECRET="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" \
    HOST=127.0.0.1 PORT="$port" STATIC_DIR=frontend/dist \
    COOKIE_SECURE=false BCRYPT_COST=4 \
    AUTH_RATE_LIMIT_PER_MINUTE=1000 TASKS_RATE_LIMIT_PER_MINUTE=10000 \
    "$server" >"$tmp/server.log" 2>&1 &
server_pid=$!

stop() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap stop EXIT

healthy() {
    node -e 'fetch(process.argv[1]).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))' \
        "$base_url/health"
}
for _ in $(seq 1 100); do
    healthy && break
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "e2e: the server exited during start-up:" >&2
        cat "$tmp/server.log" >&2
        exit 1
    fi
    sleep 0.2
done
if ! healthy; then
    echo "e2e: $base_url/health did not answer 200 within 20 s:" >&2
    tail -n 50 "$tmp/server.log" >&2
    exit 1
fi

status=0
# One file at a time, so that the paint timings do not share the CPU with the flow.
E2E_BASE_URL="$base_url" node --test --test-concurrency=1 e2e/ || status=$?
if [ "$status" -ne 0 ]; then
    echo "e2e: failed; the server's last log lines:" >&2
    tail -n 40 "$tmp/server.log" >&2
fi
exit "$status"
