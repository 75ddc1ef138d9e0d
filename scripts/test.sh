#!/usr/bin/env bash
# Runs every test: lints, the wasm32 build of the shared types, unit and integration
# tests on SQLite and Postgres, the browser flow in headless Chromium, schemathesis
# against the OpenAPI document, and coverage.
# Installs what it needs on a new machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}

step() { printf '\n==> %s\n' "$*"; }

step "tools"
scripts/install-tools.sh

step "postgres"
if [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    # The machine starts Postgres before a session; restart it if it has stopped.
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --exclude frontend --all-targets --locked -- -D warnings
cargo clippy -p frontend -p shared --target wasm32-unknown-unknown --locked -- -D warnings

step "web app (release, wasm32)"
scripts/build-frontend.sh

step "tests with coverage"
# Instruments only this workspace's crates; dependencies stay shared with plain builds.
source <(cargo llvm-cov show-env --sh 2>/dev/null)
cargo llvm-cov clean --workspace
trap 'scripts/drop-test-databases.sh || true' EXIT
cargo nextest run --workspace --locked --no-fail-fast

step "browser end-to-end"
scripts/e2e.sh "$target_dir/debug/server"

step "API fuzzing (schemathesis, from /api/openapi.json)"
scripts/schemathesis.sh "$target_dir/debug/server"

step "coverage"
cargo llvm-cov report --summary-only --ignore-filename-regex 'frontend/' --fail-under-lines 80
cargo llvm-cov report --summary-only --ignore-filename-regex '(shared|functions)/' --fail-under-lines 70
