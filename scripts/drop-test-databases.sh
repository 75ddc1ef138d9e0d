#!/usr/bin/env bash
# Drops the per-test Postgres databases the integration tests create.
set -euo pipefail
admin=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
psql "$admin" -Atqc "SELECT datname FROM pg_database WHERE datname LIKE 'taskapp_test_%'" |
    while read -r name; do psql "$admin" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"; done
