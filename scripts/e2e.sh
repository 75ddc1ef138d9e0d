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

source scripts/test-server.sh
# The flow signs up and in several times and makes a few hundred task calls a minute from
# one address: raise the rate limits (5 and 100 a minute by default) so that it is never
# throttled. The app's 429 message is tested with a stubbed response instead.
start_test_server e2e "$server" STATIC_DIR=frontend/dist \
    AUTH_RATE_LIMIT_PER_MINUTE=1000 TASKS_RATE_LIMIT_PER_MINUTE=10000

status=0
# One file at a time, so that the paint timings do not share the CPU with the flow.
E2E_BASE_URL="$base_url" node --test --test-concurrency=1 e2e/ || status=$?
if [ "$status" -ne 0 ]; then
    echo "e2e: failed; the server's last log lines:" >&2
    tail -n 40 "$tmp/server.log" >&2
fi
exit "$status"
