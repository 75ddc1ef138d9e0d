#!/usr/bin/env bash
# Builds the web app (release) and serves it with the API at http://127.0.0.1:7860 on
# SQLite (data/tasks.db). Installs the frontend tool chain on first use.
#
# A local run on purpose: it listens on loopback (set HOST to change that) and, unless
# SMTP_URL is set, writes account mail, reset links included, to the log
# (SMTP_URL=log), so that a reset works end to end without a mail server. Never use
# SMTP_URL=log where others can read the log: a reset link there is the account.
set -euo pipefail
cd "$(dirname "$0")/.."

export SMTP_URL=${SMTP_URL:-log}
export HOST=${HOST:-127.0.0.1}
scripts/build-frontend.sh
exec cargo run --release -p server "$@"
