#!/usr/bin/env bash
# Installs what the browser tests need beyond the web app's tool chain, and only what is
# missing: Debian's Chromium with its driver, the sqlite3 shell (the offline tests count
# rows in their servers' databases), and the e2e tests' node packages (playwright-core).
# Seconds when all is there. scripts/e2e.sh runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

if [ ! -x /usr/bin/chromium ] || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
fi
command -v npm >/dev/null || apt_install nodejs npm
command -v sqlite3 >/dev/null || apt_install sqlite3
if [ ! -f e2e/node_modules/.package-lock.json ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    log "installing the e2e tests' node packages"
    npm ci --prefix e2e --no-audit --no-fund --loglevel=error
fi
