#!/usr/bin/env bash
# Installs what the test command needs and a new machine lacks; quick when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

scripts/install-frontend-tools.sh
scripts/install-browser-tools.sh

rustup component list --installed | grep -q '^llvm-tools' || rustup component add llvm-tools-preview
command -v cargo-llvm-cov >/dev/null || cargo install --locked cargo-llvm-cov --version ~0.9
command -v cargo-nextest >/dev/null || cargo install --locked cargo-nextest
command -v pg_isready >/dev/null || apt_install postgresql-client
scripts/install-mail-tools.sh
