#!/usr/bin/env bash
# Runs every test: formatting and lints (Rust, the SAM template, the Dockerfile, the
# workflows), the wasm32 build, unit and integration tests on SQLite and Postgres, the
# browser flow in headless Chromium, schemathesis against the OpenAPI document, the
# container layout, `cargo lambda watch`, a quick benchmark run, and coverage.
# Installs what it needs on a new machine.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target_dir=${CARGO_TARGET_DIR:-$root/target}

step() { printf '\n==> %s\n' "$*"; }

step "tools"
scripts/install-tools.sh
# Puts moto_server, cargo-lambda, zig and the deployment linters on PATH.
source scripts/install-deploy-tools.sh

step "postgres"
if [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
    # The machine starts Postgres before a session; restart it if it has stopped.
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
fi

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p frontend -p shared --target wasm32-unknown-unknown --locked -- -D warnings
scripts/deploy-checks.sh

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

step "container layout and cargo lambda watch"
scripts/container-test.sh "$target_dir/debug/server"
scripts/lambda-watch-test.sh

step "benchmark harness (quick; asserts nothing about speed)"
scripts/bench.sh --quick

step "coverage"
cargo llvm-cov report --summary-only --ignore-filename-regex '(frontend|bench)/' --fail-under-lines 80
cargo llvm-cov report --summary-only --ignore-filename-regex '(shared|functions|bench)/' --fail-under-lines 70
