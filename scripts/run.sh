#!/usr/bin/env bash
# Builds the web app (release) and serves it with the API at http://localhost:7860 on
# SQLite (data/tasks.db). Installs the frontend tool chain on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/build-frontend.sh
exec cargo run --release -p server "$@"
