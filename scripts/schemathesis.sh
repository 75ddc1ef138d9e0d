#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with schemathesis: SERVER_BINARY on a
# fresh SQLite database and a free loopback port, every check on, at least 100 examples
# per operation, stateful runs along the document's links, a bounded time. Exits with
# schemathesis' status.
#
#   cargo build -p server && scripts/schemathesis.sh target/debug/server
# (`scripts/test.sh fuzz` does both.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

server=${1:?usage: scripts/schemathesis.sh SERVER_BINARY}
if [ ! -x "$server" ]; then
    log "$server is not an executable; build it with: cargo build -p server"
    exit 2
fi
server=$(realpath "$server")

version=4.32.5
venv=${XDG_CACHE_HOME:-$HOME/.cache}/taskapp-tools/schemathesis-$version
if [ ! -x "$venv/bin/st" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

# Thousands of requests from one address and one user within a few minutes, hundreds of
# them with a wrong password: raise the limits (5 and 100 a minute, 10 failed passwords
# per account in 15 minutes, by default) so that 429 stays the exception it is.
# SMTP_URL=log: forgot-password is fuzzed on a server where reset by email is on (its
# links go to the log, which nobody else reads here).
start_test_server schemathesis "$server" STATIC_DIR=/nonexistent RUST_LOG=warn SMTP_URL=log \
    AUTH_RATE_LIMIT_PER_MINUTE=100000 TASKS_RATE_LIMIT_PER_MINUTE=1000000 FAILED_PASSWORD_LIMIT=1000000

# The user whose Bearer token the run uses; schemathesis signs in again as this user
# whenever a request gets 401, which is what follows the fuzzed signout.
ST_PASSWORD="fuzz $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export ST_EMAIL="fuzzer-$port@example.com" ST_PASSWORD
curl -fsS -o /dev/null "$base_url/api/auth/signup" -H 'content-type: application/json' \
    -d "{\"email\": \"$ST_EMAIL\", \"name\": \"Fuzzer\", \"password\": \"$ST_PASSWORD\"}"

status=0
SCHEMATHESIS_HOOKS=hooks PYTHONPATH=scripts/schemathesis \
    "$venv/bin/st" --config-file scripts/schemathesis/schemathesis.toml run "$base_url/api/openapi.json" \
    || status=$?
if [ "$status" -ne 0 ]; then
    log "server log (last 50 lines):"
    tail -n 50 "$fail_log" >&2
fi
exit "$status"
