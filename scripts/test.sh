#!/usr/bin/env bash
# The test command, in named stages. With no argument it runs every stage, in this order;
# name one or more to run only those (`scripts/test.sh unit`, `scripts/test.sh lint unit`).
#   lint     formatting, clippy (native and wasm32), no module loops, the deployment lints (cfn-lint, sam
#            validate, the template's CloudFront test, hadolint, actionlint) and ShellCheck
#            on every script
#   unit     the unit and integration tests on SQLite and Postgres (cargo nextest), and
#            the only instrumented build: at least 80 % of the backend's lines covered
#            and 70 % of the web app's
#   browser  the browser flow (e2e/) in headless Chromium, against the debug `server`
#            serving the release web app
#   fuzz     schemathesis against the API's OpenAPI document
#   deploy   the container's runtime stage replayed in a chroot, and `cargo lambda watch`
#   bench    the benchmark harness, quick (it asserts nothing about speed)
# Each stage installs what it needs on a new machine and builds what it uses, so any of
# them runs alone on a fresh target dir. .github/workflows/ci.yml runs them as parallel jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
target_dir=${CARGO_TARGET_DIR:-$(pwd)/target}
stages=(lint unit browser fuzz deploy bench)

step() { printf '\n==> %s\n' "$*"; }

start_postgres() {
    command -v pg_isready >/dev/null || apt_install postgresql-client
    if [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
        # The machine starts Postgres before a session; restart it if it has stopped.
        step "postgres"
        local versions=(/etc/postgresql/*)
        pg_ctlcluster --skip-systemctl-redirect "${versions[0]##*/}" main start || true
        for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
    fi
}

# Once per run: browser and deploy both serve it.
build_web_app() {
    [ -n "${web_app_built:-}" ] || scripts/build-frontend.sh
    web_app_built=1
}

# The plain debug `server` (no coverage instrumentation) that browser, fuzz and deploy drive.
build_server() {
    cargo build --locked -p server
    server_bin=$target_dir/debug/server
}

stage_lint() {
    step "lint: formatting, clippy (native and wasm32)"
    rustup component list --installed | grep -q '^clippy' || rustup component add clippy rustfmt
    rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
    cargo fmt --all --check
    cargo clippy --workspace --all-targets --locked -- -D warnings
    cargo clippy -p frontend -p contract --target wasm32-unknown-unknown --locked -- -D warnings
    step "lint: no module loops inside a crate"
    python3 scripts/module_loops.py
    step "lint: deployment lints and ShellCheck"
    scripts/deploy-checks.sh
}

stage_unit() {
    step "unit: nextest on SQLite and Postgres, with coverage"
    scripts/install-tools.sh
    # moto_server, for the secrets test.
    source scripts/install-deploy-tools.sh
    start_postgres
    on_exit scripts/drop-test-databases.sh
    # Instruments only this workspace's crates, in a target dir of its own
    # ($target_dir/llvm-cov-target), where the profiles stay too: the other stages' builds
    # are plain. The run cleans the previous run's profiles and workspace artifacts first.
    cargo llvm-cov --no-report nextest --workspace --locked --no-fail-fast
    step "unit: coverage, backend (at least 80 % of lines)"
    cargo llvm-cov report --summary-only --ignore-filename-regex '(frontend|bench)/' --fail-under-lines 80
    step "unit: coverage, web app (at least 70 % of lines)"
    cargo llvm-cov report --summary-only --ignore-filename-regex '(crates|functions|bench)/' --fail-under-lines 70
}

stage_browser() {
    step "browser: end-to-end in headless Chromium"
    build_web_app
    build_server
    scripts/e2e.sh "$server_bin"
}

stage_fuzz() {
    step "fuzz: schemathesis, from /api/openapi.json"
    build_server
    scripts/schemathesis.sh "$server_bin"
}

stage_deploy() {
    step "deploy: the container layout and cargo lambda watch"
    build_web_app
    build_server
    scripts/container-test.sh "$server_bin"
    scripts/lambda-watch-test.sh
}

stage_bench() {
    step "bench: the benchmark harness (quick; asserts nothing about speed)"
    start_postgres
    scripts/bench.sh --quick
}

case "${1:-}" in
    -h | --help)
        sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
        exit 0
        ;;
esac
for stage in "$@"; do
    if [[ " ${stages[*]} " != *" $stage "* ]]; then
        log "unknown stage '$stage'; the stages are: ${stages[*]}"
        exit 2
    fi
done
[ $# -gt 0 ] || set -- "${stages[@]}"

summary=()
for stage in "$@"; do
    started=$SECONDS
    "stage_$stage"
    summary+=("$(printf '%-8s %3d:%02d' "$stage" $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)))")
done
step "passed (stage, minutes:seconds)"
printf '  %s\n' "${summary[@]}"
