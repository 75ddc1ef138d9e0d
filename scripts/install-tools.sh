#!/usr/bin/env bash
# Installs what the unit stage of the test command needs and a new machine lacks:
# cargo-nextest, cargo-llvm-cov with the llvm-tools component, and the mail server of
# the password-reset tests (scripts/install-mail-tools.sh). Quick when all is there. The
# other stages install their own: the web app's tool chain (scripts/build-frontend.sh),
# Chromium and the e2e packages (scripts/install-browser-tools.sh), the deployment tools
# (scripts/install-deploy-tools.sh), schemathesis and pgbench (their scripts).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup component list --installed | grep -q '^llvm-tools' || rustup component add llvm-tools-preview
command -v cargo-llvm-cov >/dev/null || cargo install --locked cargo-llvm-cov --version ~0.9
command -v cargo-nextest >/dev/null || cargo install --locked cargo-nextest
scripts/install-mail-tools.sh
