#!/usr/bin/env bash
# Installs aiosmtpd from PyPI into its own virtualenv, and only when its version changed:
# the real SMTP server on loopback that the password-reset tests start and read mail
# from. Seconds when it is there. The tests find it at
# ${XDG_CACHE_HOME:-~/.cache}/taskapp-tools/mail-venv/bin/python, or at $TASKAPP_SMTP_PYTHON.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

venv="${XDG_CACHE_HOME:-$HOME/.cache}/taskapp-tools/mail-venv"
package='aiosmtpd==1.4.6'
stamp="$venv/.taskapp-packages"
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$package" ]; then
    exit 0
fi
python3 -m venv --help >/dev/null 2>&1 || apt_install python3 python3-venv
log "installing $package into $venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$package"
printf '%s' "$package" >"$stamp"
