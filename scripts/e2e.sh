#!/usr/bin/env bash
# Runs the browser tests (e2e/) against SERVER_BINARY serving the built web app on a fresh
# SQLite database, on a free loopback port. Exits with the tests' status.
#
#   scripts/build-frontend.sh && cargo build -p server && scripts/e2e.sh target/debug/server
# (`scripts/test.sh browser` does all three.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

server=${1:?usage: scripts/e2e.sh SERVER_BINARY}
if [ ! -x "$server" ]; then
    log "$server is not an executable; build it with: cargo build -p server"
    exit 2
fi
if [ ! -f frontend/dist/index.html ]; then
    log "frontend/dist is empty; build it with: scripts/build-frontend.sh"
    exit 2
fi
scripts/install-browser-tools.sh
scripts/install-mail-tools.sh

# A real SMTP server on loopback for the password-reset mail: aiosmtpd writes what it
# receives into a maildir, where the tests read it (E2E_MAILDIR). It starts once the
# server is up (mail is only sent later), so a failed start-up leaves nothing running.
mail_python=${TASKAPP_SMTP_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/taskapp-tools/mail-venv/bin/python}
smtp_port=$(free_port)

# A second server without SMTP_URL, where reset by email is off: the forgot page says so.
# (An SMTP_URL from the calling shell must not reach it.)
unset SMTP_URL
start_test_server e2e-no-mail "$server" STATIC_DIR=frontend/dist
no_mail_url=$base_url

# The flow signs up and in several times and makes a few hundred task calls a minute from
# one address: raise the rate limits (5 and 100 a minute by default) so that it is never
# throttled. The app's 429 message is tested with a stubbed response instead.
start_test_server e2e "$server" STATIC_DIR=frontend/dist \
    AUTH_RATE_LIMIT_PER_MINUTE=1000 TASKS_RATE_LIMIT_PER_MINUTE=10000 \
    SMTP_URL="smtp://127.0.0.1:$smtp_port" MAIL_FROM="Tasks <no-reply@tasks.test>"
mail_tmp=$(mktemp -d)
on_exit rm -rf "$mail_tmp"
"$mail_python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$mail_tmp/maildir" \
    >"$mail_tmp/smtp.log" 2>&1 &
smtp_pid=$!
on_exit stop_process "$smtp_pid"
fail_log=$mail_tmp/smtp.log wait_for "the SMTP server" "$smtp_pid" 10 \
    bash -c "exec 3<>/dev/tcp/127.0.0.1/$smtp_port"

status=0
# One file at a time, so that the paint timings do not share the CPU with the flow.
# E2E_SERVER_BINARY: the offline tests start servers of their own, which they stop.
E2E_BASE_URL="$base_url" E2E_SERVER_BINARY="$server" E2E_MAILDIR="$mail_tmp/maildir" E2E_NO_MAIL_URL="$no_mail_url" node --test --test-concurrency=1 e2e/ || status=$?
if [ "$status" -ne 0 ]; then
    log "failed; the server's last log lines:"
    tail -n 40 "$fail_log" >&2
fi
exit "$status"
